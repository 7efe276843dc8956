"""The period a dashboard, an evaluation or a bulletin covers: a month ("2026-11") or a year ("2026")."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from brightkitchen.core.errors import FieldError


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11" or "2026"
    start: datetime.date
    end: datetime.date

    @property
    def is_month(self) -> bool:
        return len(self.key) == 7

    @property
    def label(self) -> str:
        if self.is_month:
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        return _("Year %(year)d") % {"year": self.start.year}

    def until(self, today: datetime.date) -> Period:
        """The period cut at today: what has happened so far of a current month or year."""
        return Period(self.key, self.start, min(self.end, max(today, self.start)))

    def months(self) -> list[datetime.date]:
        """First days of the months of the period."""
        result, month = [], self.start
        while month <= self.end:
            result.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return result

    def previous(self) -> Period:
        if self.is_month:
            last = self.start - datetime.timedelta(days=1)
            return month_period(last.year, last.month)
        return year_period(self.start.year - 1)

    def next(self) -> Period:
        if self.is_month:
            first = self.end + datetime.timedelta(days=1)
            return month_period(first.year, first.month)
        return year_period(self.start.year + 1)


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(f"{year:04d}-{month:02d}", datetime.date(year, month, 1), datetime.date(year, month, last))


def year_period(year: int) -> Period:
    return Period(f"{year:04d}", datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def parse_period(value: str | None, today: datetime.date, field: str = "period") -> Period:
    """ "2026-11" → that month, "2026" → that year, empty → the current month. Periods that start after
    today are refused (nothing to show yet)."""
    text = (value or "").strip()
    try:
        if not text:
            period = month_period(today.year, today.month)
        elif len(text) == 4:
            period = year_period(int(text))
        elif len(text) == 7 and text[4] == "-":
            period = month_period(int(text[:4]), int(text[5:]))
        else:
            raise ValueError(text)
    except ValueError:
        raise FieldError(
            field, _("Give a month as YYYY-MM or a year as YYYY."), code="invalid_period"
        ) from None
    if period.start.year < 2000 or period.start > today:
        raise FieldError(field, _("Choose a period that has started."), code="future_period")
    return period
