"""Completeness metrics of the records this app keeps, registered with schools.metrics:
留样完成率 (served meals with at least one retained sample / served meals) and 陪餐记录完整率 (served meals a
school leader accompanied / served meals). Both read the meals' tallies, kept per canteen and month."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy as _

from brightkitchen.records import selectors
from brightkitchen.records.models import AccompaniedMeal, SampleRetention
from brightkitchen.schedule.models import Meal
from brightkitchen.schools.metrics import Metric, MetricInput, Ratio, register_metric
from brightkitchen.schools.tallies import Due, Source, Tally, register_tally


def sample_retention_rate(scope: MetricInput) -> dict[str, Ratio]:
    return scope.calendar_ratio(*(f"sampled_{meal.value}" for meal in Meal))


def accompanied_meal_rate(scope: MetricInput) -> dict[str, Ratio]:
    return scope.calendar_ratio(*(f"accompanied_{meal.value}" for meal in Meal))


def register() -> None:
    for meal in Meal:
        due = Due(meal.value)
        sampled = partial(selectors.sampled_days, meal=meal.value)
        register_tally(
            Tally(f"sampled_{meal.value}", due, sampled, (Source(SampleRetention, "date"),)), on_time=True
        )
        accompanied = partial(selectors.accompanied_days, meal=meal.value)
        register_tally(
            Tally(f"accompanied_{meal.value}", due, accompanied, (Source(AccompaniedMeal, "date"),)),
            on_time=True,
        )
    register_metric(
        Metric("sample_retention", _("Sample retention rate"), sample_retention_rate, "records:samples")
    )
    register_metric(
        Metric("accompanied_meal", _("Accompanied-meal record rate"), accompanied_meal_rate, "records:meals")
    )
