"""What a dashboard shows: indicators, each a rate or a count per region over a period. Apps register
theirs from AppConfig.ready() (`register_indicator`), like completeness metrics; every registered
completeness metric is shown as a record indicator without registering anything here. The video app
adds coverage, online rate, clarity, key-point coverage and dining-hall screens the same way.

An indicator's `compute` is a `schools.metrics.MetricFn`: canteens already scoped by the caller and a
period in, `{school region code: Ratio}` out, set-based (a few grouped queries for a province). A count
is a Ratio with `expected == 0`; callers add regions up with `by_prefix`/`total`."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brightkitchen.schools.metrics import MetricFn, registered_metrics


class Group(enum.StrEnum):
    COVERAGE = "coverage"
    RECORDS = "records"
    SUPERVISION = "supervision"

    @property
    def label(self) -> str | Promise:
        return {
            Group.COVERAGE: _("Coverage and video"),
            Group.RECORDS: _("Record completeness"),
            Group.SUPERVISION: _("Supervision"),
        }[self]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str | Promise
    group: Group
    compute: MetricFn
    is_count: bool = False  # shown as Ratio.done, not as a rate
    # For rates: True when a higher rate is better (整改率), False when it is a share of problems.
    higher_is_better: bool = True
    # The list the figure counts, for a region code ("" for the whole jurisdiction) and a period: a
    # count links to the rows it counts, a rate to the rows of its denominator.
    link: Callable[[str, datetime.date, datetime.date], str] | None = None
    # No list of its own (a completeness rate counts due entries, canteen by canteen): a child region's
    # figure links to that region's dashboard, whose rows add up to it.
    drills_down: bool = False

    def link_for(self, region: str, start: datetime.date, end: datetime.date) -> str:
        return self.link(region, start, end) if self.link else ""


_INDICATORS: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    _INDICATORS[indicator.key] = indicator


def registered_indicators() -> list[Indicator]:
    """Coverage first, then every completeness metric, then supervision, each in registration order."""
    records = [
        Indicator(f"records.{metric.key}", metric.label, Group.RECORDS, metric.compute, drills_down=True)
        for metric in registered_metrics()
    ]
    mine = list(_INDICATORS.values())
    return (
        [i for i in mine if i.group is Group.COVERAGE]
        + records
        + [i for i in mine if i.group is Group.RECORDS]
        + [i for i in mine if i.group is Group.SUPERVISION]
    )


def indicator(key: str) -> Indicator:
    for item in registered_indicators():
        if item.key == key:
            return item
    raise KeyError(key)
