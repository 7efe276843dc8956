"""Scoped reads of purchase inspections, and the set-based counts behind the metric and the alert."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.purchases.models import Decision, PurchaseCertificate, PurchaseInspection
from brightkitchen.schools.models import Canteen


@dataclass(frozen=True)
class InspectionFilters:
    canteen: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    missing_certificate: bool | None = None


def certified() -> Exists:
    """True for a delivery with at least one certificate (use in filter() or ~ for none)."""
    return Exists(PurchaseCertificate.objects.filter(inspection=OuterRef("pk")))


def with_certificates(qs: QuerySet[PurchaseInspection]) -> QuerySet[PurchaseInspection]:
    """Each row gets `has_certificate`."""
    return qs.annotate(has_certificate=certified())


def inspections_for(
    user: AnyUser, filters: InspectionFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[PurchaseInspection]:
    f = filters or InspectionFilters()
    qs = with_certificates(
        PurchaseInspection.objects.visible_to(user, action).select_related("canteen")
    ).prefetch_related(Prefetch("certificates", queryset=PurchaseCertificate.objects.order_by("id")))
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.date_from is not None:
        qs = qs.filter(delivered_on__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(delivered_on__lte=f.date_to)
    if f.missing_certificate is not None:
        qs = qs.filter(~certified() if f.missing_certificate else certified())
    return qs.order_by("-delivered_on", "-id")


def certificate_counts(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, tuple[int, int]]:
    """Per canteen: (accepted deliveries with at least one certificate, accepted deliveries) in the
    period, in one grouped query. Rejected deliveries went back or were destroyed: nothing to vouch for."""
    deliveries = PurchaseInspection.objects.filter(
        canteen__in=canteens.values("pk"), delivered_on__range=(start, end), decision=Decision.ACCEPTED
    ).order_by()
    totals = dict(deliveries.values_list("canteen_id").annotate(n=Count("pk")).values_list("canteen_id", "n"))
    done = dict(
        deliveries.filter(certified())
        .values_list("canteen_id")
        .annotate(n=Count("pk"))
        .values_list("canteen_id", "n")
    )
    return {cid: (done.get(cid, 0), total) for cid, total in totals.items()}


def today() -> datetime.date:
    return timezone.localdate()
