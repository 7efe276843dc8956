"""REST routes of incident reports under /api/v1/incidents/. Filing accepts an `Idempotency-Key` header
and a `submission_key` (UUID): either way a resubmit files nothing twice."""

import datetime
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    id_field,
    idempotent,
)
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.incidents import selectors, services
from brightkitchen.incidents.models import IncidentProgress, IncidentReport, IncidentStatus

router = Router(tags=["incidents"])

PEOPLE = Field(ge=0, le=services.MAX_PEOPLE)


class IncidentProgressOut(Schema):
    id: int
    at: datetime.datetime
    text: str
    recorded_by: str

    @staticmethod
    def of(progress: IncidentProgress) -> "IncidentProgressOut":
        return IncidentProgressOut(
            id=progress.pk,
            at=progress.at,
            text=progress.text,
            recorded_by=str(progress.recorded_by) if progress.recorded_by else "",
        )


class IncidentOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    onset_at: datetime.datetime
    reported_at: datetime.datetime
    due_by: datetime.datetime
    late: bool
    place: str
    affected: int
    hospitalised: int
    symptoms: str
    measures: str
    sealed_food: bool
    sealed_tools: bool
    sealed_scene: bool
    samples_kept: bool
    reporter_name: str
    reporter_phone: str
    status: IncidentStatus
    closed_at: datetime.datetime | None
    closing_summary: str
    progress: list[IncidentProgressOut]

    @staticmethod
    def of(report: IncidentReport) -> "IncidentOut":
        return IncidentOut(
            id=report.pk,
            canteen_id=report.canteen_id,
            canteen_name=report.canteen.name,
            onset_at=report.onset_at,
            reported_at=report.reported_at,
            due_by=report.due_by,
            late=report.late,
            place=report.place,
            affected=report.affected,
            hospitalised=report.hospitalised,
            symptoms=report.symptoms,
            measures=report.measures,
            sealed_food=report.sealed_food,
            sealed_tools=report.sealed_tools,
            sealed_scene=report.sealed_scene,
            samples_kept=report.samples_kept,
            reporter_name=report.reporter_name,
            reporter_phone=report.reporter_phone,
            status=IncidentStatus(report.status),
            closed_at=report.closed_at,
            closing_summary=report.closing_summary,
            progress=[IncidentProgressOut.of(p) for p in report.progress.all()],
        )


class IncidentFilterIn(Schema):
    canteen: int | None = id_field(None)
    status: IncidentStatus | None = None

    def filters(self) -> selectors.IncidentFilters:
        return selectors.IncidentFilters(canteen=self.canteen, status=self.status or "")


class IncidentIn(InputSchema):
    canteen_id: int = id_field()
    onset_at: datetime.datetime
    place: str = Field(min_length=1, max_length=100)
    affected: int = Field(ge=1, le=services.MAX_PEOPLE)
    hospitalised: int = PEOPLE
    symptoms: str = Field(min_length=1, max_length=2000)
    measures: str = Field("", max_length=2000)
    sealed_food: bool = False
    sealed_tools: bool = False
    sealed_scene: bool = False
    samples_kept: bool = False
    reporter_name: str = Field(min_length=1, max_length=40)
    reporter_phone: str = Field(min_length=1, max_length=20)
    submission_key: uuid.UUID | None = None


class ProgressIn(InputSchema):
    text: str = Field(min_length=1, max_length=4000)


class CloseIn(InputSchema):
    summary: str = Field(min_length=1, max_length=4000)


def _one(request: HttpRequest, incident_id: int) -> IncidentOut:
    return IncidentOut.of(
        get_visible_or_404(
            IncidentReport,
            request.user,
            Action.VIEW,
            related=("canteen",),
            prefetch=("progress__recorded_by",),
            pk=incident_id,
        )
    )


@router.get(
    "/incidents",
    response={200: list[IncidentOut], **LIST_ERRORS},
    summary="Incident reports (open ones first)",
)
@paginate(Pagination)
def list_incidents(request: HttpRequest, filters: Query[IncidentFilterIn]) -> MappedQuerySet[IncidentOut]:
    qs = selectors.incidents_for(request.user, filters.filters()).prefetch_related("progress__recorded_by")
    return MappedQuerySet(qs, IncidentOut.of)


@router.post(
    "/incidents",
    response={201: IncidentOut, 200: IncidentOut, **ERRORS},
    summary="File an incident report (alerts the county regulator and education bureau at once)",
)
def create_incident(request: HttpRequest, payload: IncidentIn) -> IdempotentAnswer:
    def create() -> tuple[int, IncidentOut]:
        data = payload.model_dump()
        report, created = services.create_incident(request.user, data.pop("canteen_id"), **data)
        return (201 if created else 200), IncidentOut.of(report)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/incidents/{incident_id}",
    IncidentOut,
    name="get_incident",
    summary="One incident report with its progress reports",
    read=_one,
)


@router.post(
    "/incidents/{incident_id}/progress",
    response={201: IncidentOut, **ERRORS},
    summary="Add a progress report (refused once the incident is closed)",
)
def add_progress(request: HttpRequest, incident_id: int, payload: ProgressIn) -> Status[IncidentOut]:
    services.add_progress(request.user, incident_id, payload.text)
    return Status(201, _one(request, incident_id))


@router.post(
    "/incidents/{incident_id}/close",
    response={200: IncidentOut, **ERRORS},
    summary="File the closing report",
)
def close_incident(request: HttpRequest, incident_id: int, payload: CloseIn) -> IncidentOut:
    services.close_incident(request.user, incident_id, payload.summary)
    return _one(request, incident_id)
