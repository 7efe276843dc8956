"""REST routes of risk grading under /api/v1/risk: assessments (highest risk first) with each signal's
contribution, a regulator's override with a reason and clearing it (both accept an `Idempotency-Key`
header: a resubmit gets the first answer), and the distribution of grades."""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    ErrorOut,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    idempotent,
)
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.risk import selectors, services
from brightkitchen.risk.models import RiskAssessment
from brightkitchen.schools.models import RiskGrade
from brightkitchen.schools.selectors import CanteenFilters, canteens_for

router = Router(tags=["risk"])

REGION = Field("", pattern=r"^\d{0,12}$", description="Region code prefix of the canteen's school")


class ContributionOut(Schema):
    key: str
    label: str
    value: int | str
    points: int


class AssessmentOut(Schema):
    canteen_id: int
    canteen_name: str
    school_name: str
    region_code: str
    grade: RiskGrade
    computed_grade: RiskGrade
    score: int
    inspections_per_year: tuple[int, int]
    assessed_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    override_grade: RiskGrade | None
    override_reason: str
    overridden_by: str
    overridden_at: datetime.datetime | None
    contributions: list[ContributionOut]

    @staticmethod
    def of(a: RiskAssessment) -> "AssessmentOut":
        return AssessmentOut(
            canteen_id=a.canteen_id,
            canteen_name=a.canteen.name,
            school_name=a.canteen.school.organisation.name,
            region_code=a.canteen.school.organisation.region_id,
            grade=RiskGrade(a.grade),
            computed_grade=RiskGrade(a.computed_grade),
            score=a.score,
            inspections_per_year=a.inspections_per_year,
            assessed_on=a.assessed_on,
            period_start=a.period_start,
            period_end=a.period_end,
            override_grade=RiskGrade(a.override_grade) if a.override_grade else None,
            override_reason=a.override_reason,
            overridden_by=str(a.overridden_by) if a.overridden_by else "",
            overridden_at=a.overridden_at,
            contributions=[
                ContributionOut(key=c["key"], label=c["label"], value=c["value"], points=c["points"])
                for c in a.contribution_rows
            ],
        )


class AssessmentFilterIn(Schema):
    region: str = REGION
    grade: RiskGrade | None = Field(None, description="Effective grade")

    def filters(self) -> selectors.AssessmentFilters:
        return selectors.AssessmentFilters(region=self.region, grade=self.grade or "")


class RegionFilterIn(Schema):
    region: str = REGION


class OverrideIn(InputSchema):
    grade: RiskGrade
    reason: str = Field(min_length=1, max_length=2000)


class ClearOverrideIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class DistributionOut(Schema):
    region: str
    grades: dict[str, int]
    inspections_per_year: dict[str, tuple[int, int]]


def _one(request: HttpRequest, canteen_id: int) -> AssessmentOut:
    return AssessmentOut.of(selectors.assessment_for(request.user, canteen_id))


@router.get(
    "/risk/assessments",
    response={200: list[AssessmentOut], **LIST_ERRORS},
    summary="Risk assessments, highest risk first",
)
@paginate(Pagination)
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFilterIn]
) -> MappedQuerySet[AssessmentOut]:
    return MappedQuerySet(selectors.assessments_for(request.user, filters.filters()), AssessmentOut.of)


@router.get(
    "/risk/distribution",
    response={200: DistributionOut, 401: ErrorOut, 422: ErrorOut},
    summary="Canteens per risk grade",
)
def distribution(request: HttpRequest, filters: Query[RegionFilterIn]) -> DistributionOut:
    canteens = canteens_for(request.user, CanteenFilters(region=filters.region))
    return DistributionOut(
        region=filters.region,
        grades=selectors.grade_distribution(canteens),
        inspections_per_year={g: selectors.inspection_frequency(g) for g in RiskGrade.values},
    )


add_detail_route(
    router,
    "/risk/assessments/{canteen_id}",
    AssessmentOut,
    name="get_assessment",
    summary="One canteen's assessment with each signal's contribution",
    read=_one,
)


@router.post(
    "/risk/assessments/{canteen_id}/override",
    response={200: AssessmentOut, **ERRORS},
    summary="Override a canteen's risk grade, with a reason (market-supervision regulators)",
)
def override(request: HttpRequest, canteen_id: int, payload: OverrideIn) -> IdempotentAnswer:
    def change() -> tuple[int, AssessmentOut]:
        services.override(request.user, canteen_id, payload.grade, payload.reason)
        return 200, _one(request, canteen_id)

    return idempotent(request, payload, change)


@router.post(
    "/risk/assessments/{canteen_id}/clear-override",
    response={200: AssessmentOut, **ERRORS},
    summary="Go back to the computed grade, with a reason (market-supervision regulators)",
)
def clear_override(request: HttpRequest, canteen_id: int, payload: ClearOverrideIn) -> IdempotentAnswer:
    def change() -> tuple[int, AssessmentOut]:
        services.clear_override(request.user, canteen_id, payload.reason)
        return 200, _one(request, canteen_id)

    return idempotent(request, payload, change)
