"""Scoped reads of incident reports: open ones first, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.incidents.models import IncidentProgress, IncidentReport, IncidentStatus


@dataclass(frozen=True)
class IncidentFilters:
    canteen: int | None = None
    status: str = ""


def incidents_for(
    user: AnyUser, filters: IncidentFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[IncidentReport]:
    f = filters or IncidentFilters()
    qs = IncidentReport.objects.visible_to(user, action).select_related("canteen", "canteen__school")
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.status:
        qs = qs.filter(status=f.status)
    open_first = Case(
        When(status=IncidentStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(open_first=open_first).order_by("open_first", "-onset_at", "-id")


def progress_of(user: AnyUser, report: IncidentReport) -> QuerySet[IncidentProgress]:
    return IncidentProgress.objects.visible_to(user).filter(incident=report).order_by("at", "id")
