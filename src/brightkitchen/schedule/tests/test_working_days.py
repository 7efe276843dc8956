"""Working-day arithmetic (deadlines such as a rectification's 10 working days)."""

from __future__ import annotations

import datetime

import pytest

from brightkitchen.conftest import World
from brightkitchen.schedule.models import CalendarDay
from brightkitchen.schedule.selectors import add_working_days, is_working_day

pytestmark = pytest.mark.django_db

D = datetime.date
A, B = "140702", "140703"


def _national_day_week(region: str) -> None:
    """2026: 1–7 October off, Saturday 10 October a make-up working day (调休上班)."""
    for day in range(1, 8):
        CalendarDay.objects.create(region_id=region, date=D(2026, 10, day), name="国庆节")
    CalendarDay.objects.create(region_id=region, date=D(2026, 10, 10), name="调休上班", is_workday=True)


def test_plain_weeks_skip_weekends(world: World) -> None:
    assert add_working_days(A, D(2026, 11, 20), 10) == D(2026, 12, 4)  # Friday to the second Friday
    assert add_working_days(A, D(2026, 11, 21), 1) == D(2026, 11, 23)  # from a Saturday: Monday
    assert add_working_days(A, D(2026, 11, 20), 0) == D(2026, 11, 20)
    assert add_working_days(A, D(2026, 11, 2), 60) == D(2027, 1, 25)  # 12 weeks, past one loaded window
    assert add_working_days(A, D(2026, 12, 4), -10) == D(2026, 11, 20)


def test_holiday_week_and_make_up_saturday(world: World) -> None:
    _national_day_week("14")  # set by the province: applies to every county below it
    assert not is_working_day(A, D(2026, 10, 1))  # a Thursday off
    assert not is_working_day(A, D(2026, 10, 3))  # a Saturday inside the holiday
    assert is_working_day(A, D(2026, 10, 10))  # Saturday made a working day
    assert not is_working_day(A, D(2026, 10, 11))  # the Sunday after it
    assert is_working_day(A, D(2026, 9, 30))
    wednesday = D(2026, 9, 30)
    assert add_working_days(A, wednesday, 1) == D(2026, 10, 8)
    assert add_working_days(A, wednesday, 3) == D(2026, 10, 10)  # Thu 8, Fri 9, Sat 10
    assert add_working_days(A, wednesday, 4) == D(2026, 10, 12)
    assert add_working_days(A, wednesday, 10) == D(2026, 10, 20)
    assert add_working_days(A, D(2026, 10, 12), -2) == D(2026, 10, 9)
    assert add_working_days(A, D(2026, 10, 8), -1) == wednesday


def test_holidays_stay_in_their_region(world: World) -> None:
    _national_day_week(A)
    assert not is_working_day(A, D(2026, 10, 1))
    assert is_working_day(B, D(2026, 10, 1))
    assert not is_working_day(B, D(2026, 10, 10))
    assert add_working_days(B, D(2026, 9, 30), 1) == D(2026, 10, 1)
