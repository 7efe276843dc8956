"""Scoped reads of checklist templates, inspections and the inspection plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from brightkitchen.checklists import selectors as checklists
from brightkitchen.checklists.models import (
    INSPECTION_PURPOSES,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
)
from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.inspections.models import Inspection, InspectionPhoto, InspectionResult
from brightkitchen.schools.models import INSPECTIONS_PER_YEAR, Canteen, RiskGrade


def templates_for(user: AnyUser, action: Action = Action.VIEW) -> QuerySet[ChecklistTemplate]:
    """Templates of the user's bureau's region and below, and those of the bureaus above."""
    versions = ChecklistVersion.objects.order_by("-number")
    return (
        checklists.templates(user, INSPECTION_PURPOSES, action)
        .select_related("owner", "owner__region")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("region_id", "name", "id")
    )


def versions_for(user: AnyUser, action: Action = Action.VIEW) -> QuerySet[ChecklistVersion]:
    used = Inspection.objects.filter(version=OuterRef("pk"))
    return (
        checklists.versions(user, INSPECTION_PURPOSES, action)
        .select_related("template", "template__owner")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "id")))
        .annotate(in_use=Exists(used))
    )


def published_versions_for(user: AnyUser) -> list[ChecklistVersion]:
    """The latest published version of every template the user may see: what an inspection starts from."""
    qs = (
        checklists.versions(user, INSPECTION_PURPOSES)
        .filter(published_at__isnull=False)
        .select_related("template", "template__owner")
        .order_by("template_id", "-number")
    )
    latest: dict[int, ChecklistVersion] = {}
    for version in qs:
        latest.setdefault(version.template_id, version)
    return sorted(latest.values(), key=lambda v: (v.template.region_id, v.template.name))


@dataclass(frozen=True)
class InspectionFilters:
    canteen: int | None = None
    year: int | None = None
    grade: str | None = None  # a DynamicGrade value, or "" for inspections without a grade


def inspections_for(
    user: AnyUser, filters: InspectionFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[Inspection]:
    f = filters or InspectionFilters()
    qs = Inspection.objects.visible_to(user, action).select_related(
        "canteen",
        "canteen__school",
        "canteen__school__organisation",
        "version",
        "version__template",
        "inspector",
        "inspector_org",
    )
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.year is not None:
        qs = qs.filter(
            inspected_on__gte=datetime.date(f.year, 1, 1), inspected_on__lte=datetime.date(f.year, 12, 31)
        )
    if f.grade is not None:
        qs = qs.filter(dynamic_grade=f.grade)
    return qs.order_by("-inspected_on", "-id")


def results_of(user: AnyUser, inspection: Inspection) -> QuerySet[InspectionResult]:
    """An inspection's results in checklist order, with each item and its photos."""
    photos = InspectionPhoto.objects.visible_to(user).order_by("id")
    return (
        InspectionResult.objects.visible_to(user)
        .filter(inspection=inspection)
        .select_related("item")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .order_by("item__order", "item_id")
    )


@dataclass(frozen=True)
class Plan:
    year: int
    canteens: int  # canteens in the user's scope
    due: int  # of them, those with fewer inspections this year than their risk grade's minimum
    rows: QuerySet[Canteen]  # the due canteens, annotated with `done` and `required`, most behind first


def _required() -> Case:
    return Case(
        *(When(risk_grade=grade, then=Value(INSPECTIONS_PER_YEAR[grade][0])) for grade in RiskGrade),
        default=Value(INSPECTIONS_PER_YEAR[RiskGrade.B][0]),
        output_field=IntegerField(),
    )


def plan_for(user: AnyUser, year: int, region: str = "") -> Plan:
    """Inspections done in `year` against the minimum of each canteen's risk grade
    (schools.models.INSPECTIONS_PER_YEAR), for the canteens the user may see: one grouped query (a count
    of the year's inspections per canteen), whatever the number of canteens."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = Canteen.objects.visible_to(user)
    if region:
        qs = qs.filter(school__organisation__region__code__startswith=region)
    annotated = (
        qs.select_related("school", "school__organisation")
        .annotate(
            done=Count("inspections", filter=Q(inspections__inspected_on__range=(start, end))),
            required=_required(),
        )
        .annotate(behind=F("required") - F("done"))
    )
    due = annotated.filter(done__lt=F("required"))
    return Plan(year=year, canteens=qs.count(), due=due.count(), rows=due.order_by("-behind", "id"))
