"""The phone pages: the morning check of the whole kitchen, adding a certificate from the camera, and the
school file section."""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from brightkitchen.conftest import World
from brightkitchen.staff.models import CheckResult, HealthCertificate, MorningCheck, StaffMember
from brightkitchen.staff.tests.fixtures import NAMES, staff_fixture

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_morning_check_page_double_tap_creates_nothing_twice(world: World) -> None:
    fx = staff_fixture(world)
    expired = StaffMember.objects.create(canteen=world.canteens["a"], name="证已过期")
    HealthCertificate.objects.create(
        canteen=world.canteens["a"],
        staff=expired,
        number="OLD",
        issued_on=timezone.localdate() - datetime.timedelta(days=400),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = world.client("staff_a")
    url = f"/staff/canteen/{world.canteens['a'].pk}/morning-check/"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert f'name="t_{fx.helper.pk}"' in text and f'name="t_{fx.cook.pk}"' not in text  # cook already checked
    assert 'inputmode="decimal"' in text
    key = str(uuid.uuid4())
    form = {f"t_{fx.helper.pk}": "37.3", f"key_{fx.helper.pk}": key}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the double tap
    check = MorningCheck.objects.get(staff=fx.helper)
    assert check.result == CheckResult.OFF_DUTY
    # A bad temperature is refused beside the row; the person with an expired certificate is checked, and
    # the check says 不得上岗 (the page warned before it was recorded).
    assert "不得上岗" in text
    bad = client.post(url, {f"t_{expired.pk}": "hot", f"key_{expired.pk}": str(uuid.uuid4())})
    assert bad.status_code == 200 and not MorningCheck.objects.filter(staff=expired).exists()
    response = client.post(url, {f"t_{expired.pk}": "36.5", f"key_{expired.pk}": str(uuid.uuid4())})
    assert response.status_code == 302
    assert MorningCheck.objects.get(staff=expired).result == CheckResult.UNCERTIFIED
    assert "不得上岗：无有效健康证" in client.get(url).content.decode()
    # A regulator sees the page but cannot record.
    assert world.client("regulator_a").get(url).status_code == 200
    assert world.client("regulator_a").post(url, form).status_code == 403


def test_add_certificate_page_with_camera_photo(world: World) -> None:
    fx = staff_fixture(world)
    client = world.client("manager_a")
    url = f"/staff/{fx.helper.pk}/certificate/"
    text = client.get(url).content.decode()
    assert 'capture="environment"' in text and 'accept="image/*,application/pdf"' in text
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(
            url,
            {
                "number": "JK-PAGE",
                "issued_on": "2026-02-01",
                "photo": SimpleUploadedFile("c.jpg", _jpeg(), "image/jpeg"),
                "submission_key": key,
            },
        )
        assert response.status_code == 302
    assert HealthCertificate.objects.filter(number="JK-PAGE").count() == 1
    fake = client.post(
        url,
        {
            "number": "JK-FAKE",
            "issued_on": "2026-02-01",
            "photo": SimpleUploadedFile("c.jpg", b"not an image", "image/jpeg"),
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert fake.status_code == 200 and not HealthCertificate.objects.filter(number="JK-FAKE").exists()
    detail = client.get(f"/staff/{fx.helper.pk}/").content.decode()
    assert "JK-PAGE" in detail


def test_add_staff_page(world: World) -> None:
    client = world.client("manager_a")
    url = f"/staff/canteen/{world.canteens['a'].pk}/add/"
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(url, {"name": "刘阿姨", "position": "helper", "submission_key": key})
        assert response.status_code == 302
    assert StaffMember.objects.filter(name="刘阿姨").count() == 1
    assert client.post(url, {"name": "", "position": "helper", "submission_key": key}).status_code == 200
    assert world.client("staff_a").get(url).status_code == 403


def test_school_file_shows_staff_and_todays_checks(world: World) -> None:
    staff_fixture(world)
    text = world.client("regulator_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert 'data-section="staff"' in text
    assert NAMES["a"][0] in text and 'data-testid="morning-check-status"' in text
    text_b = world.client("principal_b").get(f"/schools/{world.schools['b'].pk}/").content.decode()
    assert NAMES["a"][0] not in text_b


def test_a_canteen_user_finds_themselves_on_the_staff_list_or_is_told_why_not(world: World) -> None:
    """The signed-in staff member is not on the list until their account is linked to their entry: the
    page says so; the manager links it (only to an account of the same canteen) and the page marks them."""
    fixture = staff_fixture(world)
    staff_user, client = world.users["staff_a"], world.client("staff_a")
    page = client.get("/staff/").content.decode()
    assert 'data-testid="own-entry-missing"' in page

    manager = world.client("manager_a")
    detail = manager.get(f"/staff/{fixture.helper.pk}/").content.decode()
    assert 'data-testid="link-account"' in detail and staff_user.username in detail
    # An account of another canteen is refused and links nothing.
    other = world.users["staff_b"]
    manager.post(f"/staff/{fixture.helper.pk}/account/", {"account_id": str(other.pk)})
    assert StaffMember.objects.get(pk=fixture.helper.pk).account_id is None
    assert (
        manager.post(f"/staff/{fixture.helper.pk}/account/", {"account_id": str(staff_user.pk)}).status_code
        == 302
    )
    assert StaffMember.objects.get(pk=fixture.helper.pk).account_id == staff_user.pk
    # The same account cannot be on a second entry.
    manager.post(f"/staff/{fixture.cook.pk}/account/", {"account_id": str(staff_user.pk)})
    assert StaffMember.objects.get(pk=fixture.cook.pk).account_id is None

    page = client.get("/staff/").content.decode()
    assert 'data-testid="own-entry"' in page and 'data-testid="own-entry-missing"' not in page
    assert fixture.helper.name in page.split('data-testid="own-entry"')[1].split("</p>")[0]


def test_the_staff_api_links_an_account_only_of_the_same_canteen(world: World) -> None:
    fixture = staff_fixture(world)
    client = world.client("manager_a")
    url = f"/api/v1/staff/members/{fixture.cook.pk}"
    refused = client.patch(url, {"account_id": world.users["staff_b"].pk}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["detail"][0]["loc"][-1] == "account_id"
    linked = client.patch(url, {"account_id": world.users["staff_a"].pk}, content_type="application/json")
    assert linked.status_code == 200 and linked.json()["account_id"] == world.users["staff_a"].pk
    cleared = client.patch(url, {"account_id": None}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["account_id"] is None
