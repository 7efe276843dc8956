"""日管控完成率: service days with a daily self-inspection report / service days."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.records.selectors import calendars_for
from brightkitchen.schools.metrics import Metric, Ratio, register_metric
from brightkitchen.schools.models import Canteen
from brightkitchen.selfcheck import selectors


def service_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, set[datetime.date]]:
    result = {}
    for canteen_id, calendar in calendars_for(canteens, start, end).items():
        days = set(calendar.service_days(start, end)) if calendar.meals else set()
        if days:
            result[canteen_id] = days
    return result


def daily_check_rate(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    due = service_days(canteens, start, end)
    if not due:
        return {}
    done = selectors.daily_reported(canteens, start, end)
    return {cid: Ratio(len(days & done.get(cid, set())), len(days)) for cid, days in due.items()}


def register() -> None:
    register_metric(Metric("self_inspection", _("Daily self-inspection rate"), daily_check_rate))
