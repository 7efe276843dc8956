"""The demo's school calendar: terms, and the National Day holiday with its make-up working days, set for
a province (Shanxi for the demo, Guangdong for the benchmark data). Dates are plausible demo values, not
an official timetable."""

from __future__ import annotations

import datetime
from collections import Counter

from brightkitchen.schedule.models import CalendarDay, Term

D = datetime.date
PROVINCE = "14"
TERMS = [
    ("2026春季学期", D(2026, 3, 2), D(2026, 7, 10)),
    ("2026秋季学期", D(2026, 9, 1), D(2027, 1, 15)),
]
DAYS = [
    *[(D(2026, 10, day), "国庆节", False) for day in range(1, 8)],
    (D(2026, 9, 27), "国庆调休上班", True),
    (D(2026, 10, 10), "国庆调休上班", True),
    (D(2027, 1, 1), "元旦", False),
]


def seed_calendar(created: Counter[str], province: str = PROVINCE) -> None:
    """Idempotent: rows are found by region and dates."""
    for name, starts_on, ends_on in TERMS:
        _, new = Term.objects.get_or_create(
            region_id=province, starts_on=starts_on, ends_on=ends_on, defaults={"name": name}
        )
        if new:
            created["Term"] += 1
    for date, name, is_workday in DAYS:
        _, new = CalendarDay.objects.get_or_create(
            region_id=province, date=date, defaults={"name": name, "is_workday": is_workday}
        )
        if new:
            created["CalendarDay"] += 1
