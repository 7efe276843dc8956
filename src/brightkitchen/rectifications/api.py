"""REST routes of rectification notices under /api/v1/rectifications. Issuing and responding are
multipart (the fields and any number of `photos`); every change accepts an `Idempotency-Key` header and
a `submission_key` (UUID): either way a resubmit changes nothing twice."""

import datetime
import uuid

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate

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
)
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.rectifications import selectors, services
from brightkitchen.rectifications.models import (
    DEFAULT_WORKING_DAYS,
    MAX_WORKING_DAYS,
    NoticeDecision,
    NoticeSource,
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
    StepKind,
)

router = Router(tags=["rectifications"])


class RectificationPhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str

    @staticmethod
    def of(photo: RectificationPhoto) -> "RectificationPhotoOut":
        url = f"/api/v1/rectifications/photos/{photo.pk}"
        return RectificationPhotoOut(
            id=photo.pk, url=url, thumbnail_url=f"{url}?thumbnail=true" if photo.thumbnail else url
        )


class StepOut(Schema):
    id: int
    kind: StepKind
    at: datetime.datetime
    actor: str
    state_before: str
    state_after: NoticeState
    comment: str
    photos: list[RectificationPhotoOut]

    @staticmethod
    def of(step: RectificationStep) -> "StepOut":
        return StepOut(
            id=step.pk,
            kind=StepKind(step.kind),
            at=step.at,
            actor=str(step.actor) if step.actor else "",
            state_before=step.state_before,
            state_after=NoticeState(step.state_after),
            comment=step.comment,
            photos=[RectificationPhotoOut.of(p) for p in step.photos.all()],
        )


class NoticeOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    issued_by: str
    problem: str
    source_kind: NoticeSource
    source_ref: str
    issued_on: datetime.date
    working_days: int
    deadline: datetime.date
    state: NoticeState
    overdue: bool
    closed_at: datetime.datetime | None
    escalated_to: str | None
    escalated_at: datetime.datetime | None
    steps: list[StepOut]

    @staticmethod
    def of(notice: RectificationNotice, steps: list[StepOut] | None = None) -> "NoticeOut":
        return NoticeOut(
            id=notice.pk,
            canteen_id=notice.canteen_id,
            canteen_name=notice.canteen.name,
            issued_by=notice.issued_by_org.name,
            problem=notice.problem_text,
            source_kind=NoticeSource(notice.source_kind),
            source_ref=notice.source_ref,
            issued_on=notice.issued_on,
            working_days=notice.working_days,
            deadline=notice.deadline,
            state=NoticeState(notice.state),
            overdue=notice.overdue,
            closed_at=notice.closed_at,
            escalated_to=notice.escalated_to.name if notice.escalated_to else None,
            escalated_at=notice.escalated_at,
            steps=steps or [],
        )


class NoticeFilterIn(Schema):
    canteen: int | None = id_field(None)
    state: NoticeState | None = None
    due_by: Day | None = Field(None, description="Only notices whose deadline is on or before this day")
    escalated: bool | None = None

    def filters(self) -> selectors.NoticeFilters:
        return selectors.NoticeFilters(
            canteen=self.canteen, state=self.state or "", due_by=self.due_by, escalated=self.escalated
        )


class NoticeIn(InputSchema):
    problem: str = Field(min_length=1, max_length=2000)
    source_kind: NoticeSource
    source_ref: str = Field("", max_length=100)
    working_days: int = Field(DEFAULT_WORKING_DAYS, ge=1, le=MAX_WORKING_DAYS)
    submission_key: uuid.UUID | None = None


class ResponseIn(InputSchema):
    response: str = Field(min_length=1, max_length=4000)
    submission_key: uuid.UUID | None = None


class RectificationReviewIn(InputSchema):
    decision: NoticeDecision
    comment: str = Field("", max_length=4000)
    submission_key: uuid.UUID | None = None


def _one(request: HttpRequest, notice_id: int) -> NoticeOut:
    qs = selectors.notices_for(request.user)
    notice = get_visible_or_404(qs, request.user, Action.VIEW, pk=notice_id)
    steps = [StepOut.of(s) for s in selectors.steps_of(request.user, notice)]
    return NoticeOut.of(notice, steps)


@router.get(
    "/rectifications", response={200: list[NoticeOut], **LIST_ERRORS}, summary="Rectification notices"
)
@paginate(Pagination)
def list_notices(request: HttpRequest, filters: Query[NoticeFilterIn]) -> MappedQuerySet[NoticeOut]:
    return MappedQuerySet(selectors.notices_for(request.user, filters.filters()), NoticeOut.of)


@router.post(
    "/rectifications/canteens/{canteen_id}/notices",
    response={201: NoticeOut, 200: NoticeOut, **ERRORS},
    summary="Issue a rectification notice (multipart: the fields and any number of `photos`)",
    description="The deadline is `working_days` working days from today in the canteen's region.",
)
def issue_notice(
    request: HttpRequest,
    canteen_id: int,
    payload: Form[NoticeIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, NoticeOut]:
        notice, created = services.issue_notice(
            request.user, canteen_id, photos=photos or [], **payload.model_dump()
        )
        return (201 if created else 200), _one(request, notice.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/rectifications/{notice_id}",
    NoticeOut,
    name="get_notice",
    summary="One notice with every step",
    read=_one,
)


@router.post(
    "/rectifications/{notice_id}/responses",
    response={201: NoticeOut, 200: NoticeOut, **ERRORS},
    summary="Respond to a notice (multipart: `response` and any number of `photos`)",
)
def respond(
    request: HttpRequest,
    notice_id: int,
    payload: Form[ResponseIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, NoticeOut]:
        _, created = services.respond(request.user, notice_id, photos=photos or [], **payload.model_dump())
        return (201 if created else 200), _one(request, notice_id)

    return idempotent(request, payload, create)


@router.post(
    "/rectifications/{notice_id}/review",
    response={200: NoticeOut, **ERRORS},
    summary="Close (销号) or return a responded notice (the issuing bureau)",
)
def review(request: HttpRequest, notice_id: int, payload: RectificationReviewIn) -> IdempotentAnswer:
    def create() -> tuple[int, NoticeOut]:
        services.review(request.user, notice_id, **payload.model_dump())
        return 200, _one(request, notice_id)

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/rectifications/photos/{photo_id}",
    RectificationPhoto,
    name="photo",
    summary="An evidence photo (JPEG); ?thumbnail=true for the small one",
)
