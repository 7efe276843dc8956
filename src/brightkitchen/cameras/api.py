"""REST routes of cameras under /api/v1/cameras. A camera's source address is write-only: answers carry
only `display_url` (credentials and query hidden). Creates accept an `Idempotency-Key` header and a
`submission_key` (UUID): either way a resubmit creates nothing twice."""

import datetime
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from brightkitchen.cameras import selectors, services
from brightkitchen.cameras.credentials import MAX_URL_LENGTH
from brightkitchen.cameras.models import (
    Camera,
    CameraHealthEvent,
    CameraStatus,
    HealthEventKind,
    KeyPoint,
    QualityCheck,
    QualityMeasurement,
    SourceKind,
)
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
from brightkitchen.core.errors import FieldError
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.core.scoping import Action, get_visible_or_404

router = Router(tags=["cameras"])


class EventOut(Schema):
    id: int
    kind: HealthEventKind
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    value: float | None
    detail: str

    @staticmethod
    def of(event: CameraHealthEvent) -> "EventOut":
        return EventOut(
            id=event.pk,
            kind=HealthEventKind(event.kind),
            started_at=event.started_at,
            ended_at=event.ended_at,
            value=event.value,
            detail=event.detail,
        )


class MeasurementOut(Schema):
    measured_at: datetime.datetime
    check: QualityCheck
    value: float
    threshold: float
    passed: bool

    @staticmethod
    def of(m: QualityMeasurement) -> "MeasurementOut":
        return MeasurementOut(
            measured_at=m.measured_at,
            check=QualityCheck(m.check_key),
            value=m.value,
            threshold=m.threshold,
            passed=m.passed,
        )


class CameraOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    school_name: str
    name: str
    key_point: KeyPoint
    source_kind: SourceKind
    display_url: str = Field(description="The source with credentials and query hidden")
    is_public: bool
    public_from: datetime.time | None
    public_until: datetime.time | None
    public_now: bool
    enabled: bool
    quality_thresholds: dict[str, float]
    status: CameraStatus
    last_frame_at: datetime.datetime | None
    last_probe_at: datetime.datetime | None
    codec: str
    width: int | None
    height: int | None
    fps: float | None
    bitrate_kbps: int | None
    clarity_ok: bool | None
    events: list[EventOut] = []
    measurements: list[MeasurementOut] = []

    @staticmethod
    def of(
        camera: Camera, events: list[EventOut] | None = None, measurements: list[MeasurementOut] | None = None
    ) -> "CameraOut":
        return CameraOut(
            id=camera.pk,
            canteen_id=camera.canteen_id,
            canteen_name=camera.canteen.name,
            school_name=camera.canteen.school.organisation.name,
            name=camera.name,
            key_point=KeyPoint(camera.key_point),
            source_kind=SourceKind(camera.source_kind),
            display_url=camera.display_url,
            is_public=camera.is_public,
            public_from=camera.public_from,
            public_until=camera.public_until,
            public_now=selectors.is_public_now(camera),
            enabled=camera.enabled,
            quality_thresholds=dict(camera.quality_thresholds or {}),
            status=CameraStatus(camera.status),
            last_frame_at=camera.last_frame_at,
            last_probe_at=camera.last_probe_at,
            codec=camera.codec,
            width=camera.width,
            height=camera.height,
            fps=camera.fps,
            bitrate_kbps=camera.bitrate_kbps,
            clarity_ok=camera.clarity_ok,
            events=events or [],
            measurements=measurements or [],
        )


class CameraFilterIn(Schema):
    canteen: int | None = id_field(None)
    status: CameraStatus | None = None
    key_point: KeyPoint | None = None
    enabled: bool | None = None

    def filters(self) -> selectors.CameraFilters:
        return selectors.CameraFilters(
            canteen=self.canteen,
            status=self.status or "",
            key_point=self.key_point or "",
            enabled=self.enabled,
        )


class CameraIn(InputSchema):
    canteen_id: int = id_field()
    name: str = Field(min_length=1, max_length=60)
    key_point: KeyPoint
    source_kind: SourceKind
    source_url: str = Field(min_length=1, max_length=MAX_URL_LENGTH, description="Write-only")
    is_public: bool = False
    public_from: datetime.time | None = None
    public_until: datetime.time | None = None
    enabled: bool = True
    quality_thresholds: dict[str, float] | None = None
    submission_key: uuid.UUID | None = None


class CameraPatchIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=60)
    key_point: KeyPoint | None = None
    source_kind: SourceKind | None = None
    source_url: str | None = Field(None, min_length=1, max_length=MAX_URL_LENGTH, description="Write-only")
    is_public: bool | None = None
    public_from: datetime.time | None = None
    public_until: datetime.time | None = None
    enabled: bool | None = None
    quality_thresholds: dict[str, float] | None = None


# Fields of a PATCH where an explicit null means "clear it".
_NULLABLE = frozenset({"public_from", "public_until", "quality_thresholds"})


def _one(request: HttpRequest, camera_id: int) -> CameraOut:
    camera = get_visible_or_404(selectors.cameras_for(request.user), request.user, Action.VIEW, pk=camera_id)
    events = [EventOut.of(e) for e in selectors.events_for(request.user, [camera.pk])]
    measurements = [MeasurementOut.of(m) for m in selectors.measurements_for(request.user, camera.pk)]
    return CameraOut.of(camera, events, measurements)


@router.get(
    "/cameras", response={200: list[CameraOut], **LIST_ERRORS}, summary="Cameras with their latest health"
)
@paginate(Pagination)
def list_cameras(request: HttpRequest, filters: Query[CameraFilterIn]) -> MappedQuerySet[CameraOut]:
    return MappedQuerySet(selectors.cameras_for(request.user, filters.filters()), CameraOut.of)


@router.post(
    "/cameras",
    response={201: CameraOut, 200: CameraOut, **ERRORS},
    summary="Add a camera to a canteen",
    description="`source_url` is stored encrypted and never returned; answers carry `display_url`.",
)
def add_camera(request: HttpRequest, payload: CameraIn) -> IdempotentAnswer:
    def create() -> tuple[int, CameraOut]:
        data = payload.model_dump()
        camera, created = services.add_camera(request.user, data.pop("canteen_id"), **data)
        return (201 if created else 200), _one(request, camera.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/cameras/{camera_id}",
    CameraOut,
    name="get_camera",
    summary="One camera with its recent health events and quality measurements",
    read=_one,
)


@router.patch("/cameras/{camera_id}", response={200: CameraOut, **ERRORS}, summary="Change a camera")
def change_camera(request: HttpRequest, camera_id: int, payload: CameraPatchIn) -> CameraOut:
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name not in _NULLABLE:
            raise FieldError(name, _("This field cannot be empty."))
    services.change_camera(request.user, camera_id, changes)
    return _one(request, camera_id)


@router.delete("/cameras/{camera_id}", response={204: None, **ERRORS}, summary="Delete a camera")
def delete_camera(request: HttpRequest, camera_id: int) -> Status[None]:
    services.delete_camera(request.user, camera_id)
    return Status(204, None)
