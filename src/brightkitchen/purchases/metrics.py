"""索证索票上传率: accepted deliveries with at least one certificate / accepted deliveries in the period,
registered with schools.metrics. Canteens without a delivery in the period are left out (not 0 %)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.purchases import selectors
from brightkitchen.schools.metrics import Metric, Ratio, register_metric
from brightkitchen.schools.models import Canteen


def certificate_rate(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    return {
        cid: Ratio(done, total)
        for cid, (done, total) in selectors.certificate_counts(canteens, start, end).items()
    }


def register() -> None:
    register_metric(Metric("purchase_certificates", _("Purchase certificate upload rate"), certificate_rate))
