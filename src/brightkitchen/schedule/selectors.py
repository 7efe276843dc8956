"""When a canteen serves meals. Callers pass a canteen they have already fetched through scoping."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from brightkitchen.regions.selectors import region_prefixes
from brightkitchen.schedule.models import CalendarDay, Meal, MealPlan, Term
from brightkitchen.schools.models import Canteen

DEFAULT_PLAN = MealPlan(lunch=True, weekdays="12345")


@dataclass(frozen=True)
class CanteenCalendar:
    """Everything needed to answer "is this a service day" for one canteen over a period, loaded in
    three queries."""

    terms: list[tuple[datetime.date, datetime.date]]
    holidays: set[datetime.date]
    workdays: set[datetime.date]
    weekdays: set[int]
    meals: list[Meal]

    def is_service_day(self, day: datetime.date) -> bool:
        if not any(start <= day <= end for start, end in self.terms):
            return False
        if day in self.holidays:
            return False
        return day in self.workdays or day.isoweekday() in self.weekdays

    def meals_on(self, day: datetime.date) -> list[Meal]:
        return list(self.meals) if self.is_service_day(day) else []

    def service_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        days = []
        day = start
        while day <= end:
            if self.is_service_day(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days


@dataclass(frozen=True)
class RegionCalendars:
    """Terms, holidays and make-up working days of some regions and their ancestors, for a period: what
    the calendars of every canteen there are made of, loaded in two queries."""

    terms: dict[str, list[tuple[datetime.date, datetime.date]]]
    holidays: dict[str, set[datetime.date]]
    workdays: dict[str, set[datetime.date]]

    @classmethod
    def load(cls, codes: Iterable[str], start: datetime.date, end: datetime.date) -> RegionCalendars:
        prefixes = {p for code in codes for p in region_prefixes(code)}
        terms: dict[str, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
        for region_id, starts_on, ends_on in Term.objects.filter(
            region_id__in=prefixes, ends_on__gte=start, starts_on__lte=end
        ).values_list("region_id", "starts_on", "ends_on"):
            terms[region_id].append((starts_on, ends_on))
        holidays: dict[str, set[datetime.date]] = defaultdict(set)
        workdays: dict[str, set[datetime.date]] = defaultdict(set)
        for region_id, date, is_workday in CalendarDay.objects.filter(
            region_id__in=prefixes, date__range=(start, end)
        ).values_list("region_id", "date", "is_workday"):
            (workdays if is_workday else holidays)[region_id].add(date)
        return cls(terms, holidays, workdays)

    def calendar(self, code: str, plan: MealPlan) -> CanteenCalendar:
        """The calendar of a canteen whose school is in region `code` and that follows `plan`."""
        chain = region_prefixes(code)
        return CanteenCalendar(
            terms=next((self.terms[p] for p in chain if p in self.terms), []),
            holidays={d for p in chain for d in self.holidays.get(p, ())},
            workdays={d for p in chain for d in self.workdays.get(p, ())},
            weekdays={int(c) for c in plan.weekdays},
            meals=plan.meals,
        )


def calendar_regions(start: datetime.date, end: datetime.date) -> list[str]:
    """The regions that set terms, holidays or working days touching a period, deepest first. A
    canteen's calendar is that of the deepest of them above its school (none: no term, nothing due)."""
    codes = set(
        Term.objects.filter(ends_on__gte=start, starts_on__lte=end).values_list("region_id", flat=True)
    ) | set(CalendarDay.objects.filter(date__range=(start, end)).values_list("region_id", flat=True))
    return sorted(codes, key=lambda code: (-len(code), code))


def calendar_for(canteen: Canteen, start: datetime.date, end: datetime.date) -> CanteenCalendar:
    region_code = canteen.school.organisation.region_id
    prefixes = region_prefixes(region_code)
    # The nearest region that defines terms decides them (a county may override its province).
    terms_by_region: dict[str, list[tuple[datetime.date, datetime.date]]] = {}
    for term in Term.objects.filter(region_id__in=prefixes, ends_on__gte=start, starts_on__lte=end):
        terms_by_region.setdefault(term.region_id, []).append((term.starts_on, term.ends_on))
    terms = next((terms_by_region[p] for p in prefixes if p in terms_by_region), [])
    days = CalendarDay.objects.filter(region_id__in=prefixes, date__range=(start, end))
    plan = MealPlan.objects.filter(canteen=canteen).first() or DEFAULT_PLAN
    return CanteenCalendar(
        terms=terms,
        holidays={d.date for d in days if not d.is_workday},
        workdays={d.date for d in days if d.is_workday},
        weekdays={int(c) for c in plan.weekdays},
        meals=plan.meals,
    )


def calendars_for(
    canteens: QuerySet[Canteen] | Iterable[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, CanteenCalendar]:
    """The calendar of every canteen for a period, in four queries whatever their number (the same rules
    as calendar_for: the nearest region with terms decides them, holidays and make-up days of the region
    and its ancestors apply). Takes a queryset or the canteens themselves."""
    qs: QuerySet[Canteen] = (
        canteens
        if isinstance(canteens, QuerySet)
        else Canteen.objects.filter(pk__in=[c.pk for c in canteens])
    )
    rows = list(qs.order_by().values_list("pk", "school__organisation__region_id"))
    regions = RegionCalendars.load({code for _, code in rows}, start, end)
    plans = {plan.canteen_id: plan for plan in MealPlan.objects.filter(canteen_id__in=[pk for pk, _ in rows])}
    return {
        canteen_id: regions.calendar(code, plans.get(canteen_id, DEFAULT_PLAN)) for canteen_id, code in rows
    }


# --- Working days (工作日) ---------------------------------------------------------------------------------
# Deadlines given in working days (a rectification's 10 working days) skip weekends and the public
# holidays of the region and its ancestors, and count make-up working days (调休上班).

_WORKING_DAYS_WINDOW = 40  # calendar days of holidays loaded at a time (a Spring Festival fits twice)


def _calendar_days(
    region_code: str, start: datetime.date, end: datetime.date
) -> tuple[set[datetime.date], set[datetime.date]]:
    """(holidays, make-up working days) set for the region or any region above it, in a period."""
    holidays: set[datetime.date] = set()
    workdays: set[datetime.date] = set()
    rows = CalendarDay.objects.filter(region_id__in=region_prefixes(region_code), date__range=(start, end))
    for date, is_workday in rows.values_list("date", "is_workday"):
        (workdays if is_workday else holidays).add(date)
    return holidays, workdays - holidays


def _is_working(day: datetime.date, holidays: set[datetime.date], workdays: set[datetime.date]) -> bool:
    if day in holidays:
        return False
    return day in workdays or day.isoweekday() <= 5


def is_working_day(region_code: str, day: datetime.date) -> bool:
    """Whether `day` is a working day in the region: a weekday that is no public holiday, or a
    weekend day made a working day."""
    return _is_working(day, *_calendar_days(region_code, day, day))


def add_working_days(region_code: str, start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (before it when n is negative; `start` itself for 0). `start`
    is not counted, so 10 working days from a Friday end on the second Friday after it when nothing
    intervenes."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    day = start
    while left:
        span = datetime.timedelta(days=_WORKING_DAYS_WINDOW)
        first, last = (day, day + span) if step > 0 else (day - span, day)
        holidays, workdays = _calendar_days(region_code, first, last)
        while left and first <= day + datetime.timedelta(days=step) <= last:
            day += datetime.timedelta(days=step)
            if _is_working(day, holidays, workdays):
                left -= 1
    return day
