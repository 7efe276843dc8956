"""Scoped reads of hygiene ledgers, and the days with a tableware disinfection record."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.hygiene.models import CleaningTarget, HygieneKind, HygieneRecord
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import daily_counts


@dataclass(frozen=True)
class HygieneFilters:
    canteen: int | None = None
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def records_for(
    user: AnyUser, filters: HygieneFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[HygieneRecord]:
    f = filters or HygieneFilters()
    qs = HygieneRecord.objects.visible_to(user, action).select_related("canteen")
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from is not None:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(date__lte=f.date_to)
    return qs.order_by("-done_at", "-id")


def tableware_disinfection_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date, *, on_time: bool = False
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, tableware disinfection records): the marks of the disinfection tally."""
    return daily_counts(
        HygieneRecord.objects.filter(
            canteen__in=canteens.values("pk"),
            date__range=(start, end),
            kind=HygieneKind.CLEANING,
            target=CleaningTarget.TABLEWARE,
        ),
        on_time=on_time,
    )
