"""晨检完成率 and 健康证持证率 on a small calendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.schedule.models import CalendarDay, MealPlan, Term
from brightkitchen.schools.metrics import MetricInput, Ratio, canteen_rate, registered_metrics, total
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import open_month, recount
from brightkitchen.staff.models import CheckResult, MorningCheck, StaffMember
from brightkitchen.staff.selectors import health_certificate_metric, morning_check_metric
from brightkitchen.staff.tests.fixtures import staff_fixture

pytestmark = pytest.mark.django_db


def _week() -> tuple[datetime.date, datetime.date]:
    day = timezone.localdate() - datetime.timedelta(days=14)
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def _checks(world: World, staff: StaffMember, days: list[datetime.date]) -> None:
    for d in days:  # one by one, recounted as the services do
        check = MorningCheck.objects.create(
            canteen=world.canteens["a"],
            staff=staff,
            date=d,
            temperature=Decimal("36.5"),
            result=CheckResult.FIT,
        )
        recount(check)


def test_morning_check_rate_counts_service_days_only(world: World) -> None:
    monday, sunday = _week()
    Term.objects.create(
        region_id="14", name="学期", starts_on=monday - datetime.timedelta(days=30), ends_on=sunday
    )
    fx = staff_fixture(world, "a")
    staff_fixture(world, "b")
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    _checks(world, fx.cook, days[:6])  # Mon–Sat: Saturday is not a service day
    _checks(world, fx.helper, days[:2])
    canteens = Canteen.objects.filter(pk__in=[world.canteens["a"].pk, world.canteens["b"].pk])

    a, b = world.canteens["a"].pk, world.canteens["b"].pk
    assert canteen_rate(morning_check_metric, a, monday, sunday) == Ratio(7, 10)
    assert canteen_rate(morning_check_metric, b, monday, sunday) == Ratio(0, 10)
    assert canteen_rate(morning_check_metric, a, monday, sunday).rate == pytest.approx(0.7)
    assert total(morning_check_metric(MetricInput(canteens, monday, sunday))) == Ratio(7, 20)

    # A holiday on Tuesday: 4 service days; a canteen serving Mon–Wed only: 3.
    CalendarDay.objects.create(region_id="140702", date=days[1], name="节日")
    assert canteen_rate(morning_check_metric, a, monday, sunday) == Ratio(5, 8)
    MealPlan.objects.create(canteen=world.canteens["b"], weekdays="123")
    assert canteen_rate(morning_check_metric, b, monday, sunday) == Ratio(0, 6)


def test_no_term_means_nothing_expected(world: World) -> None:
    monday, sunday = _week()
    staff_fixture(world, "a")
    assert morning_check_metric(MetricInput(Canteen.objects.all(), monday, sunday)) == {}


def test_health_certificate_rate(world: World) -> None:
    monday, sunday = _week()
    staff_fixture(world, "a")
    for name, active in (("无证人员", True), ("已离职", False)):
        recount(StaffMember.objects.create(canteen=world.canteens["a"], name=name, active=active))
    a = world.canteens["a"]
    region = a.school.organisation.region_id
    result = health_certificate_metric(MetricInput(Canteen.objects.all(), monday, sunday))
    assert result == {region: Ratio(2, 3)}
    # On a day after both certificates expired, nobody holds one.
    late = timezone.localdate() + datetime.timedelta(days=400)
    open_month(late.replace(day=1))  # as the scheduler does when that month starts
    assert health_certificate_metric(MetricInput(Canteen.objects.all(), late, late)) == {region: Ratio(0, 3)}


def test_metrics_are_registered() -> None:
    keys = {m.key for m in registered_metrics()}
    assert {"morning_check", "health_certificate"} <= keys


def test_the_month_task_opens_rows_once(world: World) -> None:
    from brightkitchen.schools.models import CanteenMonth
    from brightkitchen.schools.tasks import open_tally_month

    assert open_tally_month() == Canteen.objects.count()
    month = timezone.localdate().replace(day=1)
    assert CanteenMonth.objects.filter(month=month).count() == Canteen.objects.count()
    assert open_tally_month() == 0


def test_morning_checks_entered_after_their_day_count_as_late(world: World) -> None:
    """A morning check entered on its day is on time; one entered later is done and late (补录), as the
    sample retention rate counts them."""
    from brightkitchen.schools.tallies import refresh_tallies

    monday, sunday = _week()
    Term.objects.create(
        region_id="14", name="学期", starts_on=monday - datetime.timedelta(days=30), ends_on=sunday
    )
    fx = staff_fixture(world, "a")
    days = [monday + datetime.timedelta(days=i) for i in range(3)]
    _checks(world, fx.cook, days)  # entered today, two weeks after their days
    a = world.canteens["a"].pk
    ratio = canteen_rate(morning_check_metric, a, monday, sunday)
    assert (ratio.done, ratio.late) == (3, 3)
    # The cook's Monday check entered at 07:30 that Monday: on time once the month is recounted.
    monday_check = MorningCheck.objects.get(staff=fx.cook, date=monday)
    entered = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(7, 30)))
    MorningCheck.objects.filter(pk=monday_check.pk).update(created_at=entered)
    refresh_tallies(Canteen.objects.filter(pk=a), monday, sunday)
    ratio = canteen_rate(morning_check_metric, a, monday, sunday)
    assert (ratio.done, ratio.late) == (3, 2)
