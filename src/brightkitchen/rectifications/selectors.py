"""Scoped reads of rectification notices: those awaiting someone first, nearest deadline first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, TextChoices, Value, When
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.days import day_edges
from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.rectifications.models import (
    NoticeSource,
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
)


class Measure(TextChoices):
    """What the dashboards count of the notices over a period; the notice list filtered by a measure
    lists exactly what the figure counts (the figure and the list share `measure_q`)."""

    ISSUED = "issued", _("Issued in the period")
    ISSUED_CLOSED = "issued_closed", _("Issued in the period and closed")
    CLOSED = "closed", _("Closed in the period")
    CLOSED_ON_TIME = "closed_on_time", _("Closed in the period by their deadline")
    # Not closed at the end of the period and past their deadline then.
    OVERDUE = "overdue", _("Overdue at the end of the period")
    ESCALATED = "escalated", _("Escalated in the period")
    COMPLAINTS = "complaints", _("Issued in the period on a complaint")


def measure_q(measure: Measure, start: datetime.date, end: datetime.date) -> Q:
    first, after = day_edges(start, end)
    issued = Q(issued_on__range=(start, end))
    closed = Q(closed_at__gte=first, closed_at__lt=after)
    open_at_end = Q(issued_on__lte=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    return {
        Measure.ISSUED: issued,
        Measure.ISSUED_CLOSED: issued & Q(state=NoticeState.CLOSED),
        Measure.CLOSED: closed,
        Measure.CLOSED_ON_TIME: closed & Q(closed_at__date__lte=F("deadline")),
        Measure.OVERDUE: open_at_end & Q(deadline__lt=end),
        Measure.ESCALATED: Q(escalated_at__gte=first, escalated_at__lt=after),
        Measure.COMPLAINTS: issued & Q(source_kind=NoticeSource.COMPLAINT),
    }[measure]


@dataclass(frozen=True)
class NoticeFilters:
    canteen: int | None = None
    state: str = ""
    due_by: datetime.date | None = None  # deadline on or before this day
    escalated: bool | None = None
    region: str = ""  # a region code prefix of the canteens' schools
    # A dashboard figure's notices: `measure` over [start, end].
    measure: Measure | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


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
    if f.region:
        qs = qs.filter(canteen__school__organisation__region__code__startswith=f.region)
    if f.measure is not None and f.start is not None and f.end is not None:
        qs = qs.filter(measure_q(f.measure, f.start, f.end))
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
