"""Scoped reads of schools and canteens, shared by the API, the pages and the benchmarks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from brightkitchen.core.days import today
from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import children_of
from brightkitchen.schools.metrics import Ratio
from brightkitchen.schools.models import (
    LICENCE_EXPIRY_WARNING_DAYS,
    Canteen,
    LicenceStatus,
    RiskGrade,
    School,
)


def licence_status_q(status: LicenceStatus, on: datetime.date, prefix: str = "") -> Q:
    field = f"{prefix}licence_expires_on"
    warn_until = on + datetime.timedelta(days=LICENCE_EXPIRY_WARNING_DAYS)
    if status == LicenceStatus.MISSING:
        return Q(**{f"{field}__isnull": True})
    if status == LicenceStatus.EXPIRED:
        return Q(**{f"{field}__lt": on})
    if status == LicenceStatus.EXPIRING:
        return Q(**{f"{field}__gte": on, f"{field}__lte": warn_until})
    return Q(**{f"{field}__gt": warn_until})


@dataclass(frozen=True)
class SchoolFilters:
    q: str = ""
    region: str = ""
    school_type: str = ""


def schools_for(
    user: AnyUser, filters: SchoolFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[School]:
    f = filters or SchoolFilters()
    qs = School.objects.visible_to(user, action).select_related("organisation", "organisation__region")
    if f.region:
        qs = qs.filter(organisation__region__code__startswith=f.region)
    if f.school_type:
        qs = qs.filter(school_type=f.school_type)
    if f.q:
        qs = qs.filter(Q(organisation__name__icontains=f.q) | Q(address__icontains=f.q))
    return qs.annotate(canteen_count=Count("canteens")).order_by(
        "organisation__region__code", "organisation__name"
    )


@dataclass(frozen=True)
class CanteenFilters:
    q: str = ""
    region: str = ""
    school: int | None = None
    operation_mode: str = ""
    risk_grade: str = ""
    licence_status: str = ""


def canteens_for(
    user: AnyUser, filters: CanteenFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[Canteen]:
    f = filters or CanteenFilters()
    qs = Canteen.objects.visible_to(user, action).select_related(
        "school", "school__organisation", "school__organisation__region"
    )
    if f.region:
        qs = qs.filter(school__organisation__region__code__startswith=f.region)
    if f.school is not None:
        qs = qs.filter(school_id=f.school)
    if f.operation_mode:
        qs = qs.filter(operation_mode=f.operation_mode)
    if f.risk_grade:
        qs = qs.filter(risk_grade=f.risk_grade)
    if f.licence_status:
        qs = qs.filter(licence_status_q(LicenceStatus(f.licence_status), today()))
    if f.q:
        qs = qs.filter(
            Q(name__icontains=f.q) | Q(school__organisation__name__icontains=f.q) | Q(licence_number=f.q)
        )
    return qs.order_by("id")


@dataclass
class RegionSummary:
    code: str
    name: str
    level: int
    schools: int
    canteens: int
    diners: int
    licence_valid: int
    licence_expiring: int
    licence_expired: int
    licence_missing: int
    risk: dict[str, int]


def region_summary(user: AnyUser, code: str | None) -> list[RegionSummary]:
    """One row per child region of `code` (or the region itself when it has none): the canteens
    the user may see there, counted by licence status and risk grade, in one grouped query."""
    children = list(children_of(code))
    if not children and code:
        children = list(Region.objects.filter(code=code))
    if not children:
        return []
    width = len(children[0].code)
    on = today()
    path = "school__organisation__region__code"
    qs = Canteen.objects.visible_to(user)
    if code:
        qs = qs.filter(**{f"{path}__startswith": code})
    aggregates: dict[str, Any] = {
        "canteens": Count("id"),
        "schools": Count("school_id", distinct=True),
        "diners": Sum("diners"),
        **{f"licence_{s.value}": Count("id", filter=licence_status_q(s, on)) for s in LicenceStatus},
        **{f"risk_{g.value}": Count("id", filter=Q(risk_grade=g.value)) for g in RiskGrade},
    }
    rows = {
        row["child"]: row
        for row in qs.annotate(child=Substr(path, 1, width)).values("child").order_by().annotate(**aggregates)
    }
    result = []
    for region in children:
        row: dict[str, Any] = dict(rows.get(region.code, {}))
        result.append(
            RegionSummary(
                code=region.code,
                name=region.name,
                level=region.level,
                schools=row.get("schools", 0),
                canteens=row.get("canteens", 0),
                diners=row.get("diners") or 0,
                licence_valid=row.get("licence_valid", 0),
                licence_expiring=row.get("licence_expiring", 0),
                licence_expired=row.get("licence_expired", 0),
                licence_missing=row.get("licence_missing", 0),
                risk={g.value: row.get(f"risk_{g.value}", 0) for g in RiskGrade},
            )
        )
    return result


@dataclass
class CompletenessRow:
    key: str
    label: object
    total: Ratio
    by_region: dict[str, Ratio]


def completeness(
    user: AnyUser, region: str, start: datetime.date, end: datetime.date
) -> list[CompletenessRow]:
    """Every registered completeness metric over the canteens the user may see (optionally inside
    `region`), in total and by the child regions of that region (or of the user's own region). The
    metrics share one MetricInput, so the tallies of all of them come in one query."""
    from brightkitchen.core.scoping import scope_of
    from brightkitchen.schools.metrics import MetricInput, by_prefix, registered_metrics, total

    scope = MetricInput(canteens_for(user, CanteenFilters(region=region)), start, end)
    parent = region or scope_of(user).region_prefix
    children = list(children_of(parent))
    width = len(children[0].code) if children else None
    rows = []
    for metric in registered_metrics():
        by_school_region = metric.compute(scope)
        by_region = by_prefix(by_school_region, width) if width is not None else {}
        rows.append(CompletenessRow(metric.key, metric.label, total(by_school_region), by_region))
    return rows
