"""Sample retention rules: 125 g, 48 hours, one sample per dish and meal, rights, resubmits."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.records import services
from brightkitchen.records.models import SampleRetention
from brightkitchen.records.tests.factories import jpeg, photo, records

pytestmark = pytest.mark.django_db


def _create(world: World, who: str = "manager_a", **overrides: Any) -> tuple[SampleRetention, bool]:
    now = timezone.now()
    data: dict[str, Any] = {
        "date": timezone.localdate(now),
        "meal": "lunch",
        "dish": "红烧肉",
        "weight_g": 125,
        "stored_at": now,
        "sampled_by": "王师傅",
        "photo": photo(),
        **overrides,
    }
    return services.create_sample(world.users[who], world.canteens["a"].pk, **data)


def test_125_g_is_enough_and_124_g_is_refused(world: World) -> None:
    sample, created = _create(world, weight_g=125)
    assert created and sample.weight_g == 125 and sample.photo and sample.photo_thumbnail
    with pytest.raises(FieldError) as exc:
        _create(world, dish="番茄炒蛋", weight_g=124)
    assert exc.value.field == "weight_g"
    assert SampleRetention.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("photo", {"photo": None}),
        ("photo", {"photo": photo("fake.jpg", b"not an image at all")}),
        ("photo", {"photo": photo("empty.jpg", b"")}),
        ("meal", {"meal": "supper"}),
        ("dish", {"dish": "   "}),
        ("sampled_by", {"sampled_by": ""}),
        ("weight_g", {"weight_g": "150"}),
        ("weight_g", {"weight_g": 50_000}),
        ("date", {"date": timezone.localdate() + datetime.timedelta(days=1)}),
        ("stored_at", {"stored_at": timezone.now() + datetime.timedelta(hours=1)}),
        ("stored_at", {"stored_at": timezone.now() - datetime.timedelta(days=2)}),
    ],
)
def test_bad_input_names_the_field(world: World, field: str, overrides: dict[str, Any]) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, **overrides)
    assert exc.value.field == field
    assert not SampleRetention.objects.exists()


def test_a_huge_image_is_refused(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, photo=photo("huge.jpg", jpeg((8000, 6000))))
    assert exc.value.field == "photo"


def test_one_sample_per_dish_and_meal(world: World) -> None:
    _create(world)
    with pytest.raises(Conflict) as exc:
        _create(world)
    assert exc.value.field == "dish" and exc.value.status == 409
    _create(world, meal="dinner")  # the same dish at another meal is its own sample


def test_resubmitting_the_same_key_creates_one_sample(world: World) -> None:
    key = uuid.uuid4()
    first, created = _create(world, submission_key=key)
    again, created_again = _create(world, submission_key=key)
    assert created and not created_again and again.pk == first.pk
    assert SampleRetention.objects.count() == 1


def test_rights(world: World) -> None:
    with pytest.raises(Http404):
        _create(world, who="manager_b")  # another county's canteen does not exist for them
    with pytest.raises(PermissionDenied):
        _create(world, who="regulator_a")  # regulators read records, they do not keep them
    sample, _ = _create(world, who="staff_a")  # canteen staff keep samples
    assert sample.recorded_by == world.users["staff_a"]


def test_discard_not_before_48_hours(world: World) -> None:
    sample, _ = _create(world)
    almost = sample.stored_at + datetime.timedelta(hours=47, minutes=59)
    assert not sample.may_discard(almost) and sample.seconds_left(almost) == 60
    with pytest.raises(FieldError) as exc:
        services.discard_sample(world.users["manager_a"], sample.pk, now=almost)
    assert exc.value.field == "discarded_at"
    exactly = sample.stored_at + datetime.timedelta(hours=48)
    assert sample.may_discard(exactly)
    discarded = services.discard_sample(world.users["staff_a"], sample.pk, now=exactly)
    assert discarded.discarded_at == exactly and discarded.discarded_by == world.users["staff_a"]
    assert not discarded.may_discard(exactly)
    with pytest.raises(Conflict):
        services.discard_sample(world.users["manager_a"], sample.pk, now=exactly)


def test_discard_rights(world: World) -> None:
    sample, _ = _create(world)
    later = sample.stored_at + datetime.timedelta(hours=49)
    with pytest.raises(Http404):
        services.discard_sample(world.users["manager_b"], sample.pk, now=later)
    with pytest.raises(PermissionDenied):
        services.discard_sample(world.users["regulator_a"], sample.pk, now=later)


def test_a_sample_entered_after_its_day_is_marked_late_with_its_entry_time(world: World) -> None:
    """补录: a sample for three days ago entered today reads as a late entry with the time it was entered,
    on the page and in the API; today's sample does not."""
    made = records(world)
    old, fresh = made["a"]["old_sample"], made["a"]["sample"]
    assert old.entered_late and not fresh.entered_late
    client = world.client("manager_a")
    page = client.get(f"/records/canteens/{world.canteens['a'].pk}/samples/?date={old.date:%Y-%m-%d}")
    text = page.content.decode()
    entered = timezone.localtime(old.created_at).strftime("%m-%d %H:%M")
    assert 'data-testid="late-entry"' in text and f"补录 {entered}" in text
    today = client.get(f"/records/canteens/{world.canteens['a'].pk}/samples/").content.decode()
    assert 'data-testid="late-entry"' not in today
    items = {i["id"]: i for i in client.get("/api/v1/records/samples").json()["items"]}
    assert items[old.pk]["entered_late"] is True and items[fresh.pk]["entered_late"] is False
    assert items[old.pk]["entered_at"].startswith(timezone.localdate().isoformat()[:4])
