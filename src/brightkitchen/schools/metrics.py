"""Completeness metrics (留样完成率, 晨检完成率, …): each app registers how to compute its rates for a set
of canteens and a period, by region; the API and the dashboards read them all through
`registered_metrics()`."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils.functional import Promise

from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import ON_TIME, TallyGroup, registered_tallies, tally_groups

_T = TypeVar("_T")


@dataclass(frozen=True)
class Ratio:
    done: int
    expected: int
    # Of `done`, entered after the day they record (补录), where the metric tells; extra information,
    # not part of what the ratio is (two ratios with the same done and expected are equal).
    late: int = field(default=0, compare=False)

    @property
    def rate(self) -> float | None:
        """None when nothing was expected (a holiday period is not 0 %)."""
        return self.done / self.expected if self.expected else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.done + other.done, self.expected + other.expected, self.late + other.late)


@dataclass
class MetricInput:
    """What the metrics are computed for: canteens already scoped by the caller, and a period. Metrics
    computed for one input share what they read (the tallies of every metric come in one query)."""

    canteens: QuerySet[Canteen]
    start: datetime.date
    end: datetime.date
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, key: str, compute: Callable[[], _T]) -> _T:
        """`compute()` once per input, whichever metric asks first."""
        if key not in self._shared:
            self._shared[key] = compute()
        value: _T = self._shared[key]
        return value

    @property
    def tally_groups(self) -> list[TallyGroup]:
        return self.shared("tally_groups", lambda: tally_groups(self.canteens, self.start, self.end))

    def calendar_ratio(self, *fields: str) -> dict[str, Ratio]:
        """Done / due per school region for tallies counted on calendar slots: each canteen owes every
        slot of its calendar (a served meal, a service day) for each field."""
        dues = {tally.field: tally.due for tally in registered_tallies()}
        result: dict[str, Ratio] = {}
        for group in self.tally_groups:
            expected = group.canteens * sum(group.slots(dues[name]) for name in fields)
            if expected:
                done = sum(group.done[name] for name in fields)
                timely = [group.done[f"{name}{ON_TIME}"] for name in fields if f"{name}{ON_TIME}" in dues]
                ratio = Ratio(done, expected, done - sum(timely) if timely else 0)
                result[group.region] = result.get(group.region, Ratio(0, 0)) + ratio
        return result

    def tally_ratio(self, done: str, expected: str) -> dict[str, Ratio]:
        """Done / expected per school region where both are tallies (certified deliveries of deliveries),
        with the late entries of `done` where it counts those entered on time too."""
        result: dict[str, Ratio] = {}
        for group in self.tally_groups:
            if group.done[expected]:
                timely = group.done.get(f"{done}{ON_TIME}")
                late = group.done[done] - timely if timely is not None else 0
                ratio = Ratio(group.done[done], group.done[expected], late)
                result[group.region] = result.get(group.region, Ratio(0, 0)) + ratio
        return result


# (canteens and period) → ratio per region code of the canteens' schools; regions with nothing expected
# are left out. Set-based: a few grouped queries whatever the number of canteens (a province has
# 26,700), never a loop over them. Callers add the regions up by prefix (`by_prefix`, `total`); a single
# canteen's rate is the same function over a one-canteen queryset.
MetricFn = Callable[[MetricInput], dict[str, Ratio]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    compute: MetricFn
    # The page where a canteen keeps these records: a URL name taking `canteen_id` (the "today" page
    # links each item there), or "" for none.
    page: str = ""


_METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> None:
    _METRICS[metric.key] = metric


def registered_metrics() -> list[Metric]:
    return list(_METRICS.values())


def total(by_region: dict[str, Ratio]) -> Ratio:
    result = Ratio(0, 0)
    for ratio in by_region.values():
        result = result + ratio
    return result


def canteen_rate(compute: MetricFn, canteen_id: int, start: datetime.date, end: datetime.date) -> Ratio:
    """One canteen's rate over a period (the caller fetched the canteen through scoping)."""
    return total(compute(MetricInput(Canteen.objects.filter(pk=canteen_id), start, end)))


def by_prefix(by_region: dict[str, Ratio], width: int) -> dict[str, Ratio]:
    """The ratios added up by the first `width` digits of the region code (a city, a county)."""
    result: dict[str, Ratio] = {}
    for code, ratio in by_region.items():
        result[code[:width]] = result.get(code[:width], Ratio(0, 0)) + ratio
    return result
