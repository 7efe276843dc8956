"""Scoped reads of rectification notices: those awaiting someone first, nearest deadline first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.rectifications.models import (
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
)


@dataclass(frozen=True)
class NoticeFilters:
    canteen: int | None = None
    state: str = ""
    due_by: datetime.date | None = None  # deadline on or before this day
    escalated: bool | None = None


def notices_for(
    user: AnyUser, filters: NoticeFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[RectificationNotice]:
    f = filters or NoticeFilters()
    qs = RectificationNotice.objects.visible_to(user, action).select_related(
        "canteen", "canteen__school", "canteen__school__organisation", "issued_by_org", "escalated_to"
    )
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.due_by is not None:
        qs = qs.filter(deadline__lte=f.due_by)
    if f.escalated is not None:
        qs = qs.filter(escalated_at__isnull=not f.escalated)
    closed_last = Case(
        When(state=NoticeState.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return qs.annotate(closed_last=closed_last).order_by("closed_last", "deadline", "-id")


def steps_of(user: AnyUser, notice: RectificationNotice) -> QuerySet[RectificationStep]:
    """A notice's history, oldest first, with each step's actor and photos."""
    photos = RectificationPhoto.objects.visible_to(user).order_by("id")
    return (
        RectificationStep.objects.visible_to(user)
        .filter(notice=notice)
        .select_related("actor")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .order_by("at", "id")
    )
