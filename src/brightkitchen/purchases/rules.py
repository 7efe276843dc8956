"""Alert rule "purchase_certificate_missing": an accepted delivery of the last 7 days with no certificate
(合格证明, 检疫证明…). The alert closes itself when a certificate is added, or once the delivery is older
than 7 days (the metric keeps counting it)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity, register_rule
from brightkitchen.core.texts import Text
from brightkitchen.purchases.models import Decision, PurchaseInspection
from brightkitchen.purchases.selectors import certified

LOOKBACK_DAYS = 7
_MISSING = gettext_noop("The delivery of %(product)s on %(date)s has no certificate.")


def certificate_missing_findings(day: datetime.date) -> list[Finding]:
    start = day - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    # A system sweep over every canteen, not a user's view.
    rows = (
        PurchaseInspection.objects.filter(delivered_on__range=(start, day), decision=Decision.ACCEPTED)
        .filter(~certified())
        .order_by("delivered_on", "pk")
        .values_list("pk", "canteen_id", "product", "delivered_on")
    )
    findings = []
    for pk, canteen_id, product, delivered_on in rows:
        message = Text(_MISSING, {"product": product, "date": delivered_on.isoformat()})
        link = reverse("purchases:deliveries", args=[canteen_id]) + f"#delivery-{pk}"
        findings.append(Finding(canteen_id, f"purchase_certificate:{pk}", Severity.WARNING, message, link))
    return findings


def register() -> None:
    register_rule(
        "purchase_certificate_missing",
        certificate_missing_findings,
        label=gettext_lazy("Delivery without its certificate"),
    )
