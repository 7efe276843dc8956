"""Tallies change by the day that changed: a service's write recounts its row's day and rewrites that
day's bit of the month row, never the rest of the month; corrections move a row's bit; the incremental
result always equals a rebuild from the records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.records import services as records_services
from brightkitchen.records.models import SampleRetention
from brightkitchen.records.tests.factories import photo
from brightkitchen.schools.models import Canteen, CanteenMonth
from brightkitchen.schools.tallies import mark_of, recount, refresh_tallies

pytestmark = pytest.mark.django_db

# Bits no record stands for: if a write rebuilt the month from the records, they would vanish.
SENTINEL = 0b1010_1010_1010_1010_1010_1010_1010


def _month_row(canteen: Canteen, day: datetime.date) -> CanteenMonth:
    return CanteenMonth.objects.get(canteen=canteen, month=day.replace(day=1))


def _columns(row: CanteenMonth) -> dict[str, Any]:
    return {
        f.attname: getattr(row, f.attname) for f in CanteenMonth._meta.concrete_fields if f.attname != "id"
    }


def _sample(canteen: Canteen, day: datetime.date, dish: str = "米饭", meal: str = "lunch") -> SampleRetention:
    stored_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return SampleRetention.objects.create(
        canteen=canteen,
        date=day,
        meal=meal,
        dish=dish,
        weight_g=125,
        stored_at=stored_at,
        sampled_by="王",
        photo="x.jpg",
    )


def test_a_sample_recorded_through_the_service_sets_only_its_day(world: World) -> None:
    canteen = world.canteens["a"]
    today = timezone.localdate()
    refresh_tallies(Canteen.objects.filter(pk=canteen.pk), today, today)  # the month is open
    bit = 1 << (today.day - 1)
    sentinel = SENTINEL & ~bit
    CanteenMonth.objects.filter(canteen=canteen, month=today.replace(day=1)).update(
        sampled_lunch=sentinel, disinfected=sentinel
    )
    now = timezone.now()
    records_services.create_sample(
        world.users["manager_a"],
        canteen.pk,
        date=today,
        meal="lunch",
        dish="红烧肉",
        weight_g=125,
        stored_at=now,
        sampled_by="王师傅",
        photo=photo(),
    )
    row = _month_row(canteen, today)
    assert row.sampled_lunch == sentinel | bit  # its day set, the rest of the month as it was
    assert row.disinfected == sentinel  # another record kind's tally is not touched
    assert row.sampled_breakfast == 0


def test_a_write_costs_the_same_whatever_the_month_holds(world: World) -> None:
    canteen = world.canteens["a"]
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=31)
    first = first.replace(day=1)
    _sample(canteen, first)
    refresh_tallies(Canteen.objects.filter(pk=canteen.pk), first, first)

    def queries_of_one_write(dish: str) -> int:
        row = _sample(canteen, first + datetime.timedelta(days=1), dish=dish)
        with CaptureQueriesContext(connection) as queries:
            recount(row)
        return len(queries)

    alone = queries_of_one_write("汤")
    for day in range(2, 27):  # a month full of samples
        for dish in ("青菜", "豆腐", "鸡腿"):
            _sample(canteen, first + datetime.timedelta(days=day), dish=dish)
    assert queries_of_one_write("面条") == alone


def test_a_corrected_day_moves_the_bit_and_a_deletion_clears_it(world: World) -> None:
    canteen = world.canteens["a"]
    start = (timezone.localdate().replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
    refresh_tallies(Canteen.objects.filter(pk=canteen.pk), start, start + datetime.timedelta(days=40))
    sample = _sample(canteen, start + datetime.timedelta(days=2))
    recount(sample)
    assert _month_row(canteen, start).sampled_lunch == 1 << 2

    before = mark_of(sample)
    sample.date = start + datetime.timedelta(days=35)  # a correction into the next month
    sample.save()
    recount(sample, before=before)
    assert _month_row(canteen, start).sampled_lunch == 0
    assert _month_row(canteen, sample.date).sampled_lunch == 1 << (sample.date.day - 1)

    sample.delete()
    recount(sample)
    assert _month_row(canteen, sample.date).sampled_lunch == 0


def test_incremental_writes_equal_a_rebuild_from_the_records(world: World) -> None:
    canteen = world.canteens["a"]
    start = (timezone.localdate().replace(day=1) - datetime.timedelta(days=70)).replace(day=1)
    end = start + datetime.timedelta(days=65)
    canteens = Canteen.objects.filter(pk=canteen.pk)
    kept: list[SampleRetention] = []
    # The first write of each month builds its row; later ones only flip bits.
    for offset, (dish, meal) in enumerate([("米饭", "lunch"), ("粥", "breakfast"), ("面", "dinner")] * 7):
        day = start + datetime.timedelta(days=offset * 3)
        row = _sample(canteen, day, dish=dish, meal=meal)
        recount(row)
        kept.append(row)
    for row in kept[::4]:  # some removed again, others moved to the next day
        row.delete()
        recount(row)
    for row in kept[1::4]:
        before = mark_of(row)
        row.date += datetime.timedelta(days=1)
        row.save()
        recount(row, before=before)
    incremental = {r.month: _columns(r) for r in CanteenMonth.objects.filter(canteen=canteen)}
    refresh_tallies(canteens, start, end)
    rebuilt = {r.month: _columns(r) for r in CanteenMonth.objects.filter(canteen=canteen)}
    # The rebuild also opens the months no record was written in (all zero).
    assert incremental == {month: rebuilt[month] for month in incremental}
    assert any(values["sampled_lunch"] for values in rebuilt.values())


def test_the_first_write_of_a_month_builds_its_row(world: World) -> None:
    canteen = world.canteens["a"]
    day = datetime.date(2025, 3, 14)
    assert not CanteenMonth.objects.filter(canteen=canteen, month=day.replace(day=1)).exists()
    recount(_sample(canteen, day))
    assert _month_row(canteen, day).sampled_lunch == 1 << 13


def test_an_operators_deletion_in_the_admin_recounts_the_day(world: World) -> None:
    canteen = world.canteens["a"]
    day = datetime.date(2025, 3, 14)
    sample = _sample(canteen, day)
    recount(sample)
    url = reverse("admin:records_sampleretention_delete", args=[sample.pk])
    response = world.client("operator").post(url, {"post": "yes"})
    assert response.status_code == 302
    assert _month_row(canteen, day).sampled_lunch == 0


def test_completeness_tells_late_entries_from_on_time_ones(world: World) -> None:
    """Yesterday's lunch sample entered yesterday counts on time; one entered today for the day before
    counts as done and late (补录); the incremental tallies agree with a rebuild, and the API says so."""
    from brightkitchen.records.metrics import sample_retention_rate
    from brightkitchen.schedule.models import Term
    from brightkitchen.schools.metrics import MetricInput

    canteen = world.canteens["a"]
    today = timezone.localdate()
    # Two weekdays before today, inside a term.
    days: list[datetime.date] = []
    day = today - datetime.timedelta(days=1)
    while len(days) < 2:
        if day.isoweekday() <= 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    Term.objects.create(
        region_id="14", name="学期", starts_on=days[-1] - datetime.timedelta(days=5), ends_on=today
    )
    on_time, late = days
    timely = _sample(canteen, on_time)
    SampleRetention.objects.filter(pk=timely.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(on_time, datetime.time(12, 30)))
    )
    _sample(canteen, late)  # created now: entered days after the day it records
    canteens = Canteen.objects.filter(pk=canteen.pk)
    refresh_tallies(canteens, late, today)
    ratio = sample_retention_rate(MetricInput(canteens, late, on_time))[COUNTY_A]
    assert (ratio.done, ratio.late) == (2, 1)

    api = world.client("regulator_a").get(
        "/api/v1/metrics/completeness", {"start": late.isoformat(), "end": on_time.isoformat()}
    )
    sample = next(m for m in api.json()["metrics"] if m["key"] == "sample_retention")
    assert sample["total"]["done"] == 2 and sample["total"]["late"] == 1
