"""Scoped reads of risk assessments (highest risk first), the grade distribution the dashboards show,
and the inspection frequency a grade calls for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404
from brightkitchen.risk.models import RiskAssessment
from brightkitchen.schools.models import INSPECTIONS_PER_YEAR, Canteen, RiskGrade


@dataclass(frozen=True)
class AssessmentFilters:
    region: str = ""  # region code prefix of the canteen's school
    grade: str = ""  # effective grade (the canteen's risk grade)
    canteen: int | None = None


def assessments_for(
    user: AnyUser, filters: AssessmentFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[RiskAssessment]:
    f = filters or AssessmentFilters()
    qs = RiskAssessment.objects.visible_to(user, action).select_related(
        "canteen", "canteen__school", "canteen__school__organisation", "overridden_by"
    )
    if f.region:
        qs = qs.filter(canteen__school__organisation__region__code__startswith=f.region)
    if f.grade:
        qs = qs.filter(canteen__risk_grade=f.grade)
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    return qs.order_by("-canteen__risk_grade", "-score", "canteen_id")


def assessment_for(user: AnyUser, canteen_id: int) -> RiskAssessment:
    """One canteen's assessment: 404 outside the jurisdiction or when it was never assessed."""
    return get_visible_or_404(assessments_for(user), user, Action.VIEW, canteen_id=canteen_id)


def grade_distribution(canteens: QuerySet[Canteen]) -> dict[str, int]:
    """Canteens per effective risk grade, every grade present (0 when none); one grouped query. The
    caller passes canteens already scoped (schools.selectors.canteens_for)."""
    counts = dict(
        canteens.order_by().values("risk_grade").annotate(n=Count("pk")).values_list("risk_grade", "n")
    )
    return {grade: counts.get(grade, 0) for grade in RiskGrade.values}


def inspection_frequency(grade: str) -> tuple[int, int]:
    """(minimum, maximum) inspections a year that a risk grade calls for."""
    return INSPECTIONS_PER_YEAR[grade]
