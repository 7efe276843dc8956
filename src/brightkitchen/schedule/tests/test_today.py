"""The "today" page canteen users land on: what is due today and what is still missing, one tap to
each record; on a day without meals it says so."""

from __future__ import annotations

import datetime

import pytest

from brightkitchen.conftest import World
from brightkitchen.core.days import today
from brightkitchen.schedule.models import CalendarDay, MealPlan, Term
from brightkitchen.schools.metrics import registered_metrics

pytestmark = pytest.mark.django_db


def _serve_every_day(world: World) -> None:
    """Today is a service day for canteen A whatever the weekday: in term, lunch every day."""
    day = today()
    Term.objects.create(
        region_id="14",
        name="测试学期",
        starts_on=day - datetime.timedelta(days=30),
        ends_on=day + datetime.timedelta(days=30),
    )
    MealPlan.objects.update_or_create(
        canteen=world.canteens["a"], defaults={"weekdays": "1234567", "lunch": True}
    )


def test_canteen_users_land_on_today(world: World) -> None:
    for who in ("staff_a", "manager_a"):
        response = world.client(who).get("/")
        assert response.status_code == 302 and response["Location"] == "/schedule/today/", who


def test_today_lists_what_is_missing_with_a_link_to_each_record(world: World) -> None:
    _serve_every_day(world)
    response = world.client("staff_a").get("/schedule/today/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-today="missing"' in text and 'data-today="no-meals"' not in text
    canteen = world.canteens["a"].pk
    # Nothing was recorded today: sample retention, for one, is missing and links to its page.
    assert 'data-item="sample_retention"' in text
    assert f'href="/records/canteens/{canteen}/samples/"' in text
    assert f'href="/staff/canteen/{canteen}/morning-check/"' in text
    for metric in registered_metrics():  # every registered record kind is listed, due or not
        assert f'data-item="{metric.key}"' in text, metric.key


def test_a_day_without_meals_says_so(world: World) -> None:
    _serve_every_day(world)
    CalendarDay.objects.create(region_id="14", date=today(), name="测试假日")
    text = world.client("manager_a").get("/schedule/today/").content.decode()
    assert 'data-today="no-meals"' in text
    assert 'data-item="sample_retention"' in text.split('data-today="not-due"')[1]  # listed, not due


def test_today_needs_a_canteen(world: World) -> None:
    assert world.client("regulator_a").get("/schedule/today/").status_code == 404
    assert (
        world.client("regulator_a").get(f"/schedule/today/?canteen={world.canteens['a'].pk}").status_code
        == 200
    )
    assert (
        world.client("regulator_b").get(f"/schedule/today/?canteen={world.canteens['a'].pk}").status_code
        == 404
    )
