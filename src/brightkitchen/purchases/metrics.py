"""索证索票上传率: accepted deliveries with at least one certificate / accepted deliveries in the period,
registered with schools.metrics. Regions without a delivery in the period are left out (not 0 %)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.purchases import selectors
from brightkitchen.purchases.models import PurchaseCertificate, PurchaseInspection
from brightkitchen.schools.metrics import Metric, MetricInput, Ratio, register_metric
from brightkitchen.schools.tallies import Due, Source, Tally, register_tally


def certificate_rate(scope: MetricInput) -> dict[str, Ratio]:
    return scope.tally_ratio("certified_deliveries", "deliveries")


def register() -> None:
    # Deliveries count on every day they happen, school day or not.
    deliveries = Source(PurchaseInspection, "delivered_on")
    certificates = Source(PurchaseCertificate, "inspection.delivered_on")
    register_tally(Tally("deliveries", Due.PERIOD, selectors.delivery_days, (deliveries,)))
    register_tally(
        Tally(
            "certified_deliveries",
            Due.PERIOD,
            selectors.certified_delivery_days,
            (deliveries, certificates),
        )
    )
    register_metric(
        Metric(
            "purchase_certificates",
            _("Purchase certificate upload rate"),
            certificate_rate,
            "purchases:deliveries",
        )
    )
