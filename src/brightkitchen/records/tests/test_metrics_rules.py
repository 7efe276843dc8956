"""Completeness metrics and missing-record alerts over a small calendar: weekdays of a term, a holiday,
the meals' cut-offs."""

from __future__ import annotations

import datetime

import pytest

from brightkitchen.alerts.rules import Severity, registered_rules
from brightkitchen.conftest import World
from brightkitchen.records.models import AccompaniedMeal, SampleRetention
from brightkitchen.records.rules import CHINA
from brightkitchen.schedule.models import CalendarDay, MealPlan, Term
from brightkitchen.schedule.selectors import calendar_for
from brightkitchen.schools.metrics import (
    MetricFn,
    MetricInput,
    Ratio,
    canteen_rate,
    registered_metrics,
    total,
)
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import mark_of, recount

pytestmark = pytest.mark.django_db

D = datetime.date
MON, TUE, WED, THU, FRI, SAT = (D(2026, 9, d) for d in (7, 8, 9, 10, 11, 12))


def _at(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA)


@pytest.fixture
def calendar(world: World) -> None:
    Term.objects.create(region_id="14", name="2026秋季学期", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 15))
    CalendarDay.objects.create(region_id="14", date=WED, name="测试假日")
    MealPlan.objects.create(canteen=world.canteens["a"], breakfast=True, lunch=True, weekdays="12345")


def _sample(world: World, day: D, meal: str, dish: str = "米饭") -> None:
    sample = SampleRetention.objects.create(
        canteen=world.canteens["a"],
        date=day,
        meal=meal,
        dish=dish,
        weight_g=125,
        stored_at=_at(day, 12),
        sampled_by="王",
        photo="x.jpg",
    )
    recount(sample)  # as the services do


def _companion(world: World, day: D, meal: str, kind: str, name: str) -> None:
    meal_row = AccompaniedMeal.objects.create(
        canteen=world.canteens["a"], date=day, meal=meal, companion_name=name, companion_kind=kind, rating=5
    )
    recount(meal_row)  # as the services do


def _metric(key: str) -> MetricFn:
    return next(m for m in registered_metrics() if m.key == key).compute


def test_the_bulk_calendar_agrees_with_the_canteen_calendar(world: World, calendar: None) -> None:
    from brightkitchen.schedule.selectors import calendars_for

    bulk = calendars_for(Canteen.objects.all(), MON, FRI)
    for canteen in Canteen.objects.select_related("school__organisation"):
        assert bulk[canteen.pk] == calendar_for(canteen, MON, FRI)


def test_sample_retention_rate(world: World, calendar: None) -> None:
    _sample(world, MON, "breakfast")
    _sample(world, MON, "lunch")
    _sample(world, MON, "lunch", "红烧肉")  # two dishes still make one sampled meal
    _sample(world, TUE, "lunch")
    _sample(world, WED, "lunch")  # a holiday: recorded, but nothing was due
    _sample(world, SAT, "lunch")
    compute = _metric("sample_retention")
    # A: Mon, Tue, Thu, Fri × breakfast and lunch = 8 served meals; 3 sampled. B: lunch on 4 days, none.
    assert canteen_rate(compute, world.canteens["a"].pk, MON, SAT) == Ratio(3, 8)
    assert canteen_rate(compute, world.canteens["b"].pk, MON, SAT) == Ratio(0, 4)
    by_region = compute(MetricInput(Canteen.objects.all(), MON, SAT))
    assert total(by_region) == Ratio(3, 12)
    assert set(by_region) == {c.school.organisation.region_id for c in world.canteens.values()}
    assert compute(MetricInput(Canteen.objects.all(), WED, WED)) == {}


def test_accompanied_meal_rate_counts_school_leaders_only(world: World, calendar: None) -> None:
    _companion(world, MON, "lunch", "leader", "李副校长")
    _companion(world, MON, "lunch", "parent", "张家长")
    _companion(world, TUE, "lunch", "parent", "赵家长")  # a parent alone does not cover the meal
    assert canteen_rate(_metric("accompanied_meal"), world.canteens["a"].pk, MON, TUE) == Ratio(1, 4)


def _findings(kind: str, day: D, now: datetime.datetime, world: World) -> set[str]:
    from brightkitchen.records import rules

    fn = {"sample_missing": rules.sample_missing_findings}.get(kind, rules.accompanied_meal_missing_findings)
    mine = [f for f in fn(day, now) if f.canteen_id == world.canteens["a"].pk]
    return {f.subject_key for f in mine if day.isoformat() in f.subject_key}  # that day's meals only


def test_rules_are_registered() -> None:
    assert {"sample_missing", "accompanied_meal_missing"} <= set(registered_rules())


def test_sample_missing_after_the_cutoff_only(world: World, calendar: None) -> None:
    assert _findings("sample_missing", MON, _at(MON, 9, 59), world) == set()
    assert _findings("sample_missing", MON, _at(MON, 10, 0), world) == {"sample:2026-09-07:breakfast"}
    assert _findings("sample_missing", MON, _at(MON, 13, 59), world) == {"sample:2026-09-07:breakfast"}
    assert _findings("sample_missing", MON, _at(MON, 14, 0), world) == {
        "sample:2026-09-07:breakfast",
        "sample:2026-09-07:lunch",
    }
    _sample(world, MON, "breakfast")
    assert _findings("sample_missing", MON, _at(MON, 14, 0), world) == {"sample:2026-09-07:lunch"}


def test_no_alert_on_a_holiday_or_weekend(world: World, calendar: None) -> None:
    assert _findings("sample_missing", WED, _at(WED, 23), world) == set()  # the holiday
    assert _findings("sample_missing", SAT, _at(SAT, 23), world) == set()  # a Saturday
    assert _findings("sample_missing", THU, _at(THU, 23), world) == {
        "sample:2026-09-10:breakfast",
        "sample:2026-09-10:lunch",
    }
    keys = {f.subject_key for f in registered_rules()["sample_missing"](SAT)}
    assert "sample:2026-09-10:lunch" in keys  # still open two days later (a week's look-back)
    assert not any("2026-09-09" in k or "2026-09-12" in k for k in keys)


def test_findings_of_a_whole_day_severity_message_and_link(world: World, calendar: None) -> None:
    from brightkitchen.records import rules

    findings = [f for f in rules.sample_missing_findings(THU) if f.canteen_id == world.canteens["a"].pk]
    assert {f.subject_key for f in findings} >= {"sample:2026-09-10:breakfast", "sample:2026-09-10:lunch"}
    assert all(f.severity == Severity.WARNING for f in findings)
    one = next(f for f in findings if f.subject_key == "sample:2026-09-10:lunch")
    assert "2026-09-10" in str(one.message) and one.link.endswith("?date=2026-09-10")
    meals = rules.accompanied_meal_missing_findings(THU, _at(THU, 20))
    assert meals and all(f.severity == Severity.INFO for f in meals)
    _companion(world, THU, "lunch", "parent", "张家长")
    keys = _findings("accompanied_meal_missing", THU, _at(THU, 20), world)
    assert "accompanied:2026-09-10:lunch" in keys  # a parent does not stand in for a leader
    _companion(world, THU, "lunch", "leader", "李副校长")
    assert "accompanied:2026-09-10:lunch" not in _findings(
        "accompanied_meal_missing", THU, _at(THU, 20), world
    )


def test_tallies_follow_corrections_and_deletions(world: World, calendar: None) -> None:
    """The metrics read tallies; a record saved, moved to another month or deleted updates them at once."""
    compute, a = _metric("sample_retention"), world.canteens["a"].pk
    october = D(2026, 10, 12)  # a Monday
    _sample(world, MON, "lunch")
    assert canteen_rate(compute, a, MON, MON) == Ratio(1, 2)
    sample = SampleRetention.objects.get()
    before = mark_of(sample)
    sample.date = october  # a correction of the day
    sample.save()
    recount(sample, before=before)
    assert canteen_rate(compute, a, MON, MON) == Ratio(0, 2)
    assert canteen_rate(compute, a, october, october) == Ratio(1, 2)
    sample.delete()
    recount(sample)
    assert canteen_rate(compute, a, october, october) == Ratio(0, 2)


def test_refresh_tallies_command_rebuilds_what_bulk_writes_left_out(world: World, calendar: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    from brightkitchen.schools.models import CanteenMonth

    compute, a = _metric("sample_retention"), world.canteens["a"].pk
    _sample(world, MON, "lunch")
    CanteenMonth.objects.all().delete()  # as after a repair by hand
    assert canteen_rate(compute, a, MON, MON) == Ratio(0, 2)
    out = StringIO()
    call_command("refresh_tallies", "--region", "14", "--months", "200", stdout=out)
    assert "tallies rebuilt for" in out.getvalue()
    assert canteen_rate(compute, a, MON, MON) == Ratio(1, 2)
