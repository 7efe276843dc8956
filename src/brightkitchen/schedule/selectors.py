"""When a canteen serves meals. Callers pass a canteen they have already fetched through scoping."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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
