"""Completeness metrics (留样完成率, 晨检完成率, …): each app registers how to compute its rates for a set
of canteens and a period; the API and the dashboards read them all through `registered_metrics()`."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise

from brightkitchen.schools.models import Canteen


@dataclass(frozen=True)
class Ratio:
    done: int
    expected: int

    @property
    def rate(self) -> float | None:
        """None when nothing was expected (a holiday period is not 0 %)."""
        return self.done / self.expected if self.expected else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.done + other.done, self.expected + other.expected)


# (canteens already scoped by the caller, first day, last day) → per-canteen ratio; canteens with
# nothing expected may be left out. Must be set-based (a few queries), not a per-canteen loop.
MetricFn = Callable[[QuerySet[Canteen], datetime.date, datetime.date], dict[int, Ratio]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    compute: MetricFn


_METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> None:
    _METRICS[metric.key] = metric


def registered_metrics() -> list[Metric]:
    return list(_METRICS.values())


def total(per_canteen: dict[int, Ratio]) -> Ratio:
    result = Ratio(0, 0)
    for ratio in per_canteen.values():
        result = result + ratio
    return result
