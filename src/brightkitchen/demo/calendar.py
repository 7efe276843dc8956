"""The demo's school calendar: terms, and the National Day holiday with its make-up working days, set for
a province (Shanxi for the demo, Guangdong for the benchmark data). Dates are plausible demo values, not
an official timetable.

A demo opened on a Sunday, a holiday or in the summer holidays would have nothing due all day, so the
day the demo is seeded is made a school day: a make-up working day (调休上班) when it falls on a weekend
or holiday inside a term, and a short term around it when it falls outside every term."""

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


DEMO_WORKDAY = "演示日（调休上班）"
DEMO_TERM = "演示短学期"
DEMO_TERM_DAYS = 14  # either side of the demo day


def demo_terms(today: datetime.date | None) -> list[tuple[str, datetime.date, datetime.date]]:
    """The terms, with a short one around `today` when it falls between terms (clipped so that it
    overlaps none of them)."""
    if today is None or any(start <= today <= end for _, start, end in TERMS):
        return list(TERMS)
    span = datetime.timedelta(days=DEMO_TERM_DAYS)
    starts_on = max([today - span, *(end + datetime.timedelta(days=1) for _, _, end in TERMS if end < today)])
    ends_on = min(
        [today + span, *(start - datetime.timedelta(days=1) for _, start, _ in TERMS if start > today)]
    )
    return [*TERMS, (DEMO_TERM, starts_on, ends_on)]


def demo_days(today: datetime.date | None) -> list[tuple[datetime.date, str, bool]]:
    """The holidays and make-up working days, with `today` a working day when it is a weekend day or a
    holiday."""
    if today is None:
        return list(DAYS)
    holidays = {date for date, _, is_workday in DAYS if not is_workday}
    workdays = {date for date, _, is_workday in DAYS if is_workday}
    if today in workdays or (today.isoweekday() <= 5 and today not in holidays):
        return list(DAYS)
    return [*(row for row in DAYS if row[0] != today), (today, DEMO_WORKDAY, True)]


def seed_calendar(
    created: Counter[str], province: str = PROVINCE, today: datetime.date | None = None
) -> None:
    """Idempotent: rows are found by region and dates. With `today`, that day is a school day."""
    for name, starts_on, ends_on in demo_terms(today):
        _, new = Term.objects.get_or_create(
            region_id=province, starts_on=starts_on, ends_on=ends_on, defaults={"name": name}
        )
        if new:
            created["Term"] += 1
    for date, name, is_workday in demo_days(today):
        day, new = CalendarDay.objects.get_or_create(
            region_id=province, date=date, defaults={"name": name, "is_workday": is_workday}
        )
        if not new and (day.name, day.is_workday) != (name, is_workday):  # a holiday made the demo day
            day.name, day.is_workday = name, is_workday
            day.save(update_fields=["name", "is_workday"])
        if new:
            created["CalendarDay"] += 1
