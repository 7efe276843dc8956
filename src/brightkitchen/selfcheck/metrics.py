"""日管控完成率: service days with a daily self-inspection report / service days."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.metrics import Metric, MetricInput, Ratio, register_metric
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import Due, Source, Tally, register_tally
from brightkitchen.selfcheck import selectors
from brightkitchen.selfcheck.models import SelfInspection


def service_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, set[datetime.date]]:
    result = {}
    for canteen_id, calendar in calendars_for(canteens, start, end).items():
        days = set(calendar.service_days(start, end)) if calendar.meals else set()
        if days:
            result[canteen_id] = days
    return result


def daily_check_rate(scope: MetricInput) -> dict[str, Ratio]:
    return scope.calendar_ratio("daily_checked")


def register() -> None:
    # A canteen whose plan serves no meal owes no daily check, even on a school day.
    register_tally(
        Tally(
            "daily_checked",
            Due.SERVING_DAY,
            selectors.daily_checked_days,
            (Source(SelfInspection, "period"),),
        ),
        on_time=True,
    )
    register_metric(
        Metric("self_inspection", _("Daily self-inspection rate"), daily_check_rate, "selfcheck:report")
    )
