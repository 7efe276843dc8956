"""A canteen whose food business licence has expired, or has none on file, must not operate: every page
its people open says so, its school file says so to regulators, and nothing is said once the licence is
valid again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.django_db

BAN = 'data-testid="operating-ban"'
PAGES = ("/", "/alerts/", "/cameras/", "/incidents/")


def _licence(world: World, expires_on: datetime.date | None) -> None:
    Canteen.objects.filter(pk=world.canteens["a"].pk).update(licence_expires_on=expires_on)


def test_every_page_of_the_canteens_people_says_it_must_not_operate(world: World) -> None:
    expired = timezone.localdate() - datetime.timedelta(days=240)
    _licence(world, expired)
    for who in ("manager_a", "staff_a", "principal_a"):
        client = world.client(who)
        for path in PAGES:
            page = client.get(path, follow=True)
            text = page.content.decode()
            assert page.status_code == 200 and BAN in text, (who, path)
            assert "许可证已于" in text and expired.isoformat() in text and "不得经营" in text
    # The neighbouring county's canteen is fine: its people see nothing.
    assert BAN not in world.client("manager_b").get("/", follow=True).content.decode()


def test_no_licence_on_file_is_a_ban_too(world: World) -> None:
    _licence(world, None)
    text = world.client("manager_a").get("/", follow=True).content.decode()
    assert BAN in text and "未登记食品经营许可证" in text


def test_regulators_see_it_on_the_school_file_not_on_every_page(world: World) -> None:
    _licence(world, timezone.localdate() - datetime.timedelta(days=1))
    client = world.client("regulator_a")
    assert BAN not in client.get("/", follow=True).content.decode()
    school_file = client.get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert 'data-testid="must-not-operate"' in school_file


def test_a_valid_licence_says_nothing(world: World) -> None:
    _licence(world, timezone.localdate() + datetime.timedelta(days=200))
    for who in ("manager_a", "principal_a"):
        assert BAN not in world.client(who).get("/", follow=True).content.decode()
    school_file = world.client("regulator_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert 'data-testid="must-not-operate"' not in school_file
