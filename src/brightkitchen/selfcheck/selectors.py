"""Scoped reads of self-inspections, the checklist a canteen inherits, and the sets the metric and the
alert rules count."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from brightkitchen.checklists import selectors as checklists
from brightkitchen.checklists.models import SELF_CHECK_PURPOSES, ChecklistVersion
from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.regions.selectors import region_prefixes
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import daily_counts
from brightkitchen.selfcheck.models import CheckKind, InspectionAnswer, SelfInspection


def template_for(canteen: Canteen, kind: str) -> ChecklistVersion | None:
    """The checklist in use for a canteen: the latest version of the nearest region (county, else city,
    else province) that has one of this kind. `canteen` was fetched through scoping by the caller."""
    return template_in_force(canteen.school.organisation.region_id, kind)


def template_in_force(region_code: str, kind: str) -> ChecklistVersion | None:
    """The checklist version the canteens of a region use: its own latest published version, else the
    nearest ancestor's. The caller has checked that the region is in the user's jurisdiction (an
    inherited checklist of the city or province is readable there because it applies there)."""
    if kind not in SELF_CHECK_PURPOSES:
        return None
    prefixes = region_prefixes(region_code)
    found = {
        v.template.region_id: v
        for v in ChecklistVersion.objects.filter(
            template__region_id__in=prefixes, template__purpose=kind, published_at__isnull=False
        )
        .select_related("template", "template__region")
        .order_by("template__region_id", "number")
    }  # the last (highest) version of each region wins
    return next((found[p] for p in prefixes if p in found), None)


def templates_for(user: AnyUser, kind: str = "") -> QuerySet[ChecklistVersion]:
    """Every version of the self-check checklists the user may see (of one kind with `kind`)."""
    qs = (
        checklists.versions(user, [kind] if kind else SELF_CHECK_PURPOSES)
        .filter(published_at__isnull=False)
        .select_related("template", "template__region")
        .prefetch_related("items")
    )
    return qs.order_by("template__region_id", "template__purpose", "-number")


@dataclass(frozen=True)
class InspectionFilters:
    canteen: int | None = None
    kind: str = ""
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None


def inspections_for(
    user: AnyUser, filters: InspectionFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[SelfInspection]:
    f = filters or InspectionFilters()
    qs = SelfInspection.objects.visible_to(user, action).select_related("canteen", "template", "signed_by")
    qs = qs.prefetch_related(Prefetch("answers", queryset=InspectionAnswer.objects.select_related("item")))
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.period_from is not None:
        qs = qs.filter(period__gte=f.period_from)
    if f.period_to is not None:
        qs = qs.filter(period__lte=f.period_to)
    return qs.order_by("-period", "kind", "id")


def reports_of(
    canteens: QuerySet[Canteen], kind: str, start: datetime.date, end: datetime.date
) -> QuerySet[SelfInspection]:
    """The reports of `kind` of `canteens` for the periods from `start` to `end`."""
    return SelfInspection.objects.filter(
        canteen__in=canteens.values("pk"), kind=kind, period__range=(start, end)
    )


def reported_periods(
    canteens: QuerySet[Canteen], kind: str, start: datetime.date, end: datetime.date, *, signed: bool = False
) -> dict[int, set[datetime.date]]:
    """Periods with a report of `kind` per canteen (only signed ones with `signed`), in one query."""
    qs = reports_of(canteens, kind, start, end)
    if signed:
        qs = qs.filter(signed_at__isnull=False)
    done: dict[int, set[datetime.date]] = defaultdict(set)
    for canteen_id, period in qs.order_by().values_list("canteen_id", "period"):
        done[canteen_id].add(period)
    return done


def daily_checked_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date, *, on_time: bool = False
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, daily reports): the marks of the daily self-inspection tally."""
    return daily_counts(reports_of(canteens, CheckKind.DAILY, start, end), day="period", on_time=on_time)


def daily_reported(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, set[datetime.date]]:
    return reported_periods(canteens, CheckKind.DAILY, start, end)
