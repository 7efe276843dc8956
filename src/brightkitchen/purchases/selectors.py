"""Scoped reads of purchase inspections, and the set-based counts behind the metric and the alert."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.purchases.models import Decision, PurchaseCertificate, PurchaseInspection
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import daily_counts


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


def accepted_deliveries(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> QuerySet[PurchaseInspection]:
    """Accepted deliveries of `canteens` in a period. Rejected ones went back or were destroyed: nothing
    to vouch for, so the certificate rate leaves them out."""
    return PurchaseInspection.objects.filter(
        canteen__in=canteens.values("pk"), delivered_on__range=(start, end), decision=Decision.ACCEPTED
    )


def delivery_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, accepted deliveries): the marks of the deliveries tally."""
    return daily_counts(accepted_deliveries(canteens, start, end), day="delivered_on")


def certified_delivery_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, accepted deliveries with at least one certificate): the marks of their tally."""
    return daily_counts(accepted_deliveries(canteens, start, end).filter(certified()), day="delivered_on")
