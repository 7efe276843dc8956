"""Completeness metrics of the records this app keeps, registered with schools.metrics:
留样完成率 (served meals with at least one retained sample / served meals) and 陪餐记录完整率 (served meals a
school leader accompanied / served meals). Set-based: one query per record type plus the calendars."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.records import selectors
from brightkitchen.schools.metrics import Metric, Ratio, register_metric
from brightkitchen.schools.models import Canteen

DoneFn = Callable[[QuerySet[Canteen], datetime.date, datetime.date], dict[int, set[selectors.ServedMeal]]]


def _ratio(
    done_fn: DoneFn, canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    served = selectors.served_meals(canteens, start, end)
    if not served:
        return {}
    done = done_fn(canteens, start, end)
    return {cid: Ratio(len(meals & done.get(cid, set())), len(meals)) for cid, meals in served.items()}


def sample_retention_rate(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    return _ratio(selectors.sampled_meals, canteens, start, end)


def accompanied_meal_rate(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    return _ratio(selectors.leader_accompanied_meals, canteens, start, end)


def register() -> None:
    register_metric(Metric("sample_retention", _("Sample retention rate"), sample_retention_rate))
    register_metric(Metric("accompanied_meal", _("Accompanied-meal record rate"), accompanied_meal_rate))
