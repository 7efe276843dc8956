"""餐具消毒记录率: service days with a tableware disinfection record / service days."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.hygiene import selectors
from brightkitchen.hygiene.models import HygieneRecord
from brightkitchen.schools.metrics import Metric, MetricInput, Ratio, register_metric
from brightkitchen.schools.tallies import Due, Source, Tally, register_tally


def disinfection_rate(scope: MetricInput) -> dict[str, Ratio]:
    return scope.calendar_ratio("disinfected")


def register() -> None:
    register_tally(
        Tally(
            "disinfected",
            Due.SERVICE_DAY,
            selectors.tableware_disinfection_days,
            (Source(HygieneRecord, "date"),),
        ),
        on_time=True,
    )
    register_metric(
        Metric("disinfection", _("Tableware disinfection record rate"), disinfection_rate, "hygiene:ledger")
    )
