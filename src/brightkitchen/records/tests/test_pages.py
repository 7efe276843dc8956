"""The phone pages: a double tap creates one sample, errors show beside the field, the countdown and the
school file section."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.records.models import SampleRetention
from brightkitchen.records.tests.factories import photo, records

pytestmark = pytest.mark.django_db


def _form(**overrides: object) -> dict[str, object]:
    now = timezone.localtime()
    return {
        "submission_key": str(uuid.uuid4()),
        "date": now.date().isoformat(),
        "meal": "lunch",
        "dish": "番茄炒蛋",
        "weight_g": "125",
        "stored_at": now.strftime("%Y-%m-%dT%H:%M"),
        "sampled_by": "王师傅",
        "photo": photo(),
        **overrides,
    }


def test_the_page_offers_the_camera_and_a_fresh_key(world: World, in_term: object) -> None:
    response = world.client("staff_a").get(f"/records/canteens/{world.canteens['a'].pk}/samples/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'name="submission_key"' in html and 'type="hidden"' in html


def test_a_double_tap_creates_one_sample(world: World) -> None:
    client = world.client("manager_a")
    url = f"/records/canteens/{world.canteens['a'].pk}/samples/"
    data = _form()
    first = client.post(url, data)
    data["photo"] = photo()
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert SampleRetention.objects.count() == 1


def test_124_g_shows_beside_the_weight(world: World) -> None:
    client = world.client("manager_a")
    response = client.post(f"/records/canteens/{world.canteens['a'].pk}/samples/", _form(weight_g="124"))
    assert response.status_code == 400
    assert 'id="id_weight_g-error"' in response.content.decode()
    assert not SampleRetention.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_outside_the_calendar_is_refused_not_a_crash(world: World, day: str) -> None:
    client = world.client("manager_a")
    url = f"/records/canteens/{world.canteens['a'].pk}/samples/"
    assert client.get(f"{url}?date={day}").status_code == 200  # falls back to today
    response = client.post(url, _form(date=day))
    assert response.status_code == 400
    assert 'id="id_date-error"' in response.content.decode()
    assert not SampleRetention.objects.exists()


def test_countdown_and_discard_button(world: World) -> None:
    data = records(world)
    response = world.client("manager_a").get(f"/records/canteens/{world.canteens['a'].pk}/samples/")
    html = response.content.decode()
    # today's sample counts down (forms.js, loaded by every page, ticks the data-countdown times)
    assert "data-countdown=" in html and "brightkitchen/forms.js" in html
    old = data["a"]["old_sample"]
    page = world.client("manager_a").get(
        f"/records/canteens/{world.canteens['a'].pk}/samples/?date={old.date.isoformat()}"
    )
    assert f"/records/samples/{old.pk}/discard/" in page.content.decode()
    assert f"/records/samples/{data['a']['sample'].pk}/discard/" not in html  # not before 48 h
    world.client("manager_a").post(f"/records/samples/{old.pk}/discard/")
    old.refresh_from_db()
    assert old.discarded_at is not None


def test_the_school_file_shows_todays_records(world: World, in_term: object) -> None:
    records(world)
    html = world.client("regulator_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert "甲县测试红烧肉" in html and "150 克" in html and "甲县测试副校长" in html


def test_accompanied_meal_page_and_answer(world: World) -> None:
    data = records(world)
    url = f"/records/canteens/{world.canteens['a'].pk}/meals/"
    html = world.client("principal_a").get(url).content.decode()
    assert "甲县测试副校长" in html and "汤偏咸" in html and "/answer/" in html
    staff_html = world.client("staff_a").get(url).content.decode()
    assert "/answer/" not in staff_html  # staff record meals, the school answers
    response = world.client("principal_a").post(
        f"/records/meals/{data['a']['meal'].pk}/answer/", {"answer": "已调整"}
    )
    assert response.status_code == 302
    data["a"]["meal"].refresh_from_db()
    assert data["a"]["meal"].answer == "已调整"


def test_demo_data_is_idempotent(world: World) -> None:
    import random

    from brightkitchen.records import demo_data
    from brightkitchen.records.models import AccompaniedMeal

    canteens = [world.canteens["a"], world.canteens["b"]]
    today = timezone.localdate()
    demo_data.seed(canteens, today, random.Random(1))
    samples, meals = SampleRetention.objects.count(), AccompaniedMeal.objects.count()
    assert samples > 100 and meals > 50
    demo_data.seed(canteens, today, random.Random(2))
    assert (SampleRetention.objects.count(), AccompaniedMeal.objects.count()) == (samples, meals)


def test_the_school_file_shows_each_canteens_completeness(world: World, in_term: object) -> None:
    """Every registered rate over the last 30 days, per canteen, for the county regulator."""
    import re

    from brightkitchen.schools.metrics import registered_metrics

    html = world.client("regulator_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    for metric in registered_metrics():
        assert f'data-metric="{metric.key}"' in html
    # 30 days of a weekday-lunch term hold 20 to 22 lunches; none has a sample in this world.
    assert re.search(r'data-metric="sample_retention">0%\D*(0\D+2[0-2]|2[0-2]\D+0)\D', html), html
