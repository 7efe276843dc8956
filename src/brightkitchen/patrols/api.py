"""REST routes of online patrols under /api/v1/patrols: plans (create, list, one with its quota split,
draw), assignments (list, one with its patrol), and recording a patrol (multipart: the fields, with the
findings as a JSON array, and per finding either a `snapshot_<item>` file or, in its JSON, the `camera`
whose current picture (as the workers stored it) is its evidence). Every change accepts an
`Idempotency-Key` header; a patrol also takes a `submission_key` (UUID)."""

import datetime
import uuid

from django.http import HttpRequest
from ninja import Field, Form, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import TypeAdapter

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    Day,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    id_field,
    idempotent,
    parse_json_field,
)
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.patrols import selectors, services
from brightkitchen.patrols.models import (
    AssignmentState,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolRecord,
)
from brightkitchen.rectifications.models import DEFAULT_WORKING_DAYS, MAX_WORKING_DAYS

router = Router(tags=["patrols"])


class QuotaOut(Schema):
    city_code: str
    city_name: str
    county_code: str
    county_name: str
    canteens: int
    quota: int
    drawn: int
    done: int


class PatrolPlanOut(Schema):
    id: int
    organisation: str
    region_code: str
    region_name: str
    period: datetime.date
    quota: int
    seed: int
    drawn_at: datetime.datetime | None
    drawn_by: str
    drawn: int
    done: int
    quotas: list[QuotaOut]

    @staticmethod
    def of(plan: PatrolPlan, blocks: list[selectors.CityBlock] | None = None) -> "PatrolPlanOut":
        quotas = [
            QuotaOut(
                city_code=block.city.code,
                city_name=block.city.name,
                county_code=row.county.code,
                county_name=row.county.name,
                canteens=row.canteens,
                quota=row.quota,
                drawn=row.drawn,
                done=row.done,
            )
            for block in blocks or []
            for row in block.counties
        ]
        return PatrolPlanOut(
            id=plan.pk,
            organisation=plan.organisation.name,
            region_code=plan.region_id,
            region_name=plan.region.full_name,
            period=plan.period,
            quota=plan.quota,
            seed=plan.seed,
            drawn_at=plan.drawn_at,
            drawn_by=str(plan.drawn_by) if plan.drawn_by else "",
            drawn=getattr(plan, "drawn", sum(q.drawn for q in quotas)),
            done=getattr(plan, "done", sum(q.done for q in quotas)),
            quotas=quotas,
        )


class FindingOut(Schema):
    id: int
    item: str
    item_text: str
    note: str
    snapshot_url: str
    thumbnail_url: str
    camera_id: int | None = Field(description="The camera whose picture is the snapshot (null: a file)")
    camera_name: str
    captured_at: datetime.datetime | None = Field(description="When the camera's picture was taken")
    notice_id: int | None

    @staticmethod
    def of(finding: PatrolFinding) -> "FindingOut":
        url = f"/api/v1/patrols/findings/{finding.pk}/snapshot"
        return FindingOut(
            id=finding.pk,
            item=finding.item,
            item_text=finding.item_text,
            note=finding.note,
            snapshot_url=url,
            thumbnail_url=f"{url}?thumbnail=true" if finding.thumbnail else url,
            camera_id=finding.camera_id,
            camera_name=finding.camera.name if finding.camera is not None else "",
            captured_at=finding.captured_at,
            notice_id=finding.notice_id,
        )


class RecordOut(Schema):
    id: int
    note: str
    findings: list[FindingOut]

    @staticmethod
    def of(record: PatrolRecord) -> "RecordOut":
        return RecordOut(
            id=record.pk, note=record.note, findings=[FindingOut.of(f) for f in record.findings.all()]
        )


class PatrolAssignmentOut(Schema):
    id: int
    plan_id: int
    period: datetime.date
    canteen_id: int
    canteen_name: str
    school_name: str
    county_code: str
    weight: int
    rank: int
    state: AssignmentState
    patrolled_at: datetime.datetime | None
    patrolled_by: str
    record: RecordOut | None = None

    @staticmethod
    def of(assignment: PatrolAssignment, record: PatrolRecord | None = None) -> "PatrolAssignmentOut":
        return PatrolAssignmentOut(
            id=assignment.pk,
            plan_id=assignment.plan_id,
            period=assignment.plan.period,
            canteen_id=assignment.canteen_id,
            canteen_name=assignment.canteen.name,
            school_name=assignment.canteen.school.organisation.name,
            county_code=assignment.county_id,
            weight=assignment.weight,
            rank=assignment.rank,
            state=AssignmentState(assignment.state),
            patrolled_at=assignment.patrolled_at,
            patrolled_by=str(assignment.patrolled_by) if assignment.patrolled_by else "",
            record=RecordOut.of(record) if record is not None else None,
        )


class PatrolPlanIn(InputSchema):
    period: Day = Field(description="Any day of the plan's month")
    quota: int = Field(ge=1, le=services.MAX_QUOTA)
    seed: int | None = Field(None, ge=0, le=services.MAX_SEED, description="Generated when not given")


class AssignmentFilterIn(Schema):
    plan: int | None = id_field(None)
    state: AssignmentState | None = None
    county: str = Field("", max_length=12)


class FindingJson(InputSchema):
    item: str = Field(max_length=40)
    note: str = Field("", max_length=services.MAX_FINDING_NOTE)
    open_notice: bool = True
    camera: int | None = id_field(
        None,
        description="A camera of the patrolled canteen whose current picture (as the workers stored it) "
        "is the finding's evidence, instead of a `snapshot_<item>` file",
    )


_FINDINGS = TypeAdapter(list[FindingJson])


class PatrolIn(InputSchema):
    note: str = Field("", max_length=2000)
    working_days: int = Field(DEFAULT_WORKING_DAYS, ge=1, le=MAX_WORKING_DAYS)
    findings: str = Field(
        "[]",
        max_length=20_000,
        description='JSON array of {"item": code, "note": text, "open_notice": true, "camera": id}; '
        "each finding's snapshot is the file field `snapshot_<item>`, or the current picture of its "
        "`camera` (400 naming `camera_<item>` for a camera not of the canteen, or without a picture yet)",
    )
    submission_key: uuid.UUID | None = None


def _findings(request: HttpRequest, raw: str) -> list[services.FindingInput]:
    parsed = parse_json_field(_FINDINGS, raw or "[]", "findings")
    return [
        services.FindingInput(
            item=f.item,
            note=f.note,
            snapshot=request.FILES.get(f"snapshot_{f.item}"),
            open_notice=f.open_notice,
            camera=f.camera,
        )
        for f in parsed
    ]


def _plan(request: HttpRequest, plan_id: int) -> PatrolPlanOut:
    plan = get_visible_or_404(selectors.plans_for(request.user), request.user, Action.VIEW, pk=plan_id)
    return PatrolPlanOut.of(plan, selectors.quota_split(request.user, plan))


def _assignment(request: HttpRequest, assignment_id: int) -> PatrolAssignmentOut:
    qs = selectors.assignments_for(request.user)
    assignment = get_visible_or_404(qs, request.user, Action.VIEW, pk=assignment_id)
    return PatrolAssignmentOut.of(assignment, selectors.record_of(request.user, assignment))


@router.get("/patrols/plans", response={200: list[PatrolPlanOut], **LIST_ERRORS}, summary="Patrol plans")
@paginate(Pagination)
def list_plans(request: HttpRequest) -> MappedQuerySet[PatrolPlanOut]:
    return MappedQuerySet(selectors.plans_for(request.user), PatrolPlanOut.of)


@router.post(
    "/patrols/plans",
    response={201: PatrolPlanOut, 200: PatrolPlanOut, **ERRORS},
    summary="Make the month's patrol plan for the caller's region (a second call returns the first plan)",
)
def create_plan(request: HttpRequest, payload: PatrolPlanIn) -> IdempotentAnswer:
    def create() -> tuple[int, PatrolPlanOut]:
        plan, created = services.create_plan(request.user, **payload.model_dump())
        return (201 if created else 200), _plan(request, plan.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/patrols/plans/{plan_id}",
    PatrolPlanOut,
    name="get_plan",
    summary="One plan with its quota split by county",
    read=_plan,
)


@router.post(
    "/patrols/plans/{plan_id}/draw",
    response={200: PatrolPlanOut, **ERRORS},
    summary="Draw the plan's canteens (once; drawing again returns the plan unchanged)",
)
def draw(request: HttpRequest, plan_id: int) -> PatrolPlanOut:
    services.draw(request.user, plan_id)
    return _plan(request, plan_id)


@router.get(
    "/patrols/assignments",
    response={200: list[PatrolAssignmentOut], **LIST_ERRORS},
    summary="Canteens drawn for patrol",
)
@paginate(Pagination)
def list_assignments(
    request: HttpRequest, filters: Query[AssignmentFilterIn]
) -> MappedQuerySet[PatrolAssignmentOut]:
    f = selectors.AssignmentFilters(plan=filters.plan, state=filters.state or "", county=filters.county)
    return MappedQuerySet(selectors.assignments_for(request.user, f), PatrolAssignmentOut.of)


add_detail_route(
    router,
    "/patrols/assignments/{assignment_id}",
    PatrolAssignmentOut,
    name="get_assignment",
    summary="One drawn canteen with its patrol and findings",
    read=_assignment,
)


@router.post(
    "/patrols/assignments/{assignment_id}/records",
    response={201: PatrolAssignmentOut, 200: PatrolAssignmentOut, **ERRORS},
    summary="Record a patrol (multipart: the fields, `findings` as JSON, a `snapshot_<item>` or a camera per "
    "finding)",
    description="Each finding with open_notice opens a rectification notice with its snapshot as evidence. "
    "A finding with `camera` takes that camera's stored picture, with the camera and when it was taken; "
    "a picture older than the snapshot interval is used with its time while a new one is asked for.",
)
def submit_patrol(request: HttpRequest, assignment_id: int, payload: Form[PatrolIn]) -> IdempotentAnswer:
    def create() -> tuple[int, PatrolAssignmentOut]:
        data = payload.model_dump()
        findings = _findings(request, data.pop("findings"))
        _, created = services.submit_patrol(request.user, assignment_id, findings=findings, **data)
        return (201 if created else 200), _assignment(request, assignment_id)

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/patrols/findings/{finding_id}/snapshot",
    PatrolFinding,
    name="snapshot",
    summary="A finding's snapshot (JPEG); ?thumbnail=true for the small one",
)
