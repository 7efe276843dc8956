"""餐具消毒记录率: service days with a tableware disinfection record / service days."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.hygiene import selectors
from brightkitchen.records.selectors import calendars_for
from brightkitchen.schools.metrics import Metric, Ratio, register_metric
from brightkitchen.schools.models import Canteen


def disinfection_rate(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    result: dict[int, Ratio] = {}
    done: dict[int, set[datetime.date]] | None = None
    for canteen_id, calendar in calendars_for(canteens, start, end).items():
        days = set(calendar.service_days(start, end))
        if not days:
            continue
        if done is None:
            done = selectors.tableware_disinfection_days(canteens, start, end)
        result[canteen_id] = Ratio(len(days & done.get(canteen_id, set())), len(days))
    return result


def register() -> None:
    register_metric(Metric("disinfection", _("Tableware disinfection record rate"), disinfection_rate))
