import datetime
import enum
import uuid

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate

from brightkitchen.alerts import selectors, services
from brightkitchen.alerts.models import Alert, AlertAnswer, ClosedReason, SeverityChoice
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
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.core.scoping import Action, get_visible_or_404

router = Router(tags=["alerts"])


class AlertState(enum.StrEnum):
    OPEN = selectors.State.OPEN
    CLOSED = selectors.State.CLOSED
    ALL = selectors.State.ALL


class AlertAnswerOut(Schema):
    id: int
    text: str
    answered_by: str
    answered_at: datetime.datetime
    has_photo: bool

    @staticmethod
    def of(answer: AlertAnswer) -> "AlertAnswerOut":
        return AlertAnswerOut(
            id=answer.pk,
            text=answer.text,
            answered_by=str(answer.answered_by or ""),
            answered_at=answer.answered_at,
            has_photo=bool(answer.photo),
        )


class AlertOut(Schema):
    id: int
    kind: str
    severity: SeverityChoice
    message: str
    link: str
    canteen_id: int
    canteen_name: str
    school_id: int
    school_name: str
    opened_at: datetime.datetime
    last_seen_at: datetime.datetime
    closed_at: datetime.datetime | None
    closed_reason: ClosedReason | None
    close_note: str
    closed_by: str
    read_at: datetime.datetime | None
    answers: list[AlertAnswerOut]

    @staticmethod
    def of(alert: Alert) -> "AlertOut":
        canteen = alert.canteen
        return AlertOut(
            id=alert.pk,
            kind=alert.kind,
            severity=SeverityChoice(alert.severity),
            message=alert.text,
            link=alert.link,
            canteen_id=canteen.pk,
            canteen_name=canteen.name,
            school_id=canteen.school_id,
            school_name=canteen.school.organisation.name,
            opened_at=alert.opened_at,
            last_seen_at=alert.last_seen_at,
            closed_at=alert.closed_at,
            closed_reason=ClosedReason(alert.closed_reason) if alert.closed_reason else None,
            close_note=alert.close_note,
            closed_by=str(alert.closed_by or ""),
            read_at=getattr(alert, "read_at", None),
            answers=[AlertAnswerOut.of(a) for a in alert.answers.all()],
        )


class AlertFilterIn(Schema):
    state: AlertState = Field(AlertState.OPEN, description="open (default), closed or all")
    kind: str = Field("", max_length=64, pattern=r"^[a-z0-9_.:-]*$", description="The rule's key")
    severity: SeverityChoice | None = None
    canteen: int | None = id_field(None)
    unread: bool | None = Field(None, description="Only unread (true) or only read (false) alerts")


class AnswerIn(InputSchema):
    text: str = Field(
        min_length=1,
        max_length=services.ANSWER_MAX,
        description="What was done, or why the alert does not hold",
    )
    submission_key: uuid.UUID | None = None


class DismissIn(InputSchema):
    note: str = Field(min_length=1, max_length=services.NOTE_MAX, description="Why the alert is dismissed")


@router.get("/alerts", response={200: list[AlertOut], **LIST_ERRORS}, summary="Your alert inbox")
@paginate(Pagination)
def list_alerts(request: HttpRequest, filters: Query[AlertFilterIn]) -> MappedQuerySet[AlertOut]:
    qs = selectors.inbox_for(
        request.user,
        selectors.AlertFilters(
            state=filters.state.value,
            kind=filters.kind,
            severity=filters.severity.value if filters.severity else "",
            canteen=filters.canteen,
            unread=filters.unread,
        ),
    )
    return MappedQuerySet(qs, AlertOut.of)


add_detail_route(
    router,
    "/alerts/{alert_id}",
    AlertOut,
    name="get_alert",
    summary="One alert",
    read=lambda request, pk: AlertOut.of(_alert(request, pk, Action.VIEW)),
)


@router.post("/alerts/{alert_id}/read", response={200: AlertOut, **ERRORS}, summary="Mark an alert read")
def read_alert(request: HttpRequest, alert_id: int) -> AlertOut:
    alert = _alert(request, alert_id, Action.VIEW)
    services.mark_read(request.user, alert)
    return AlertOut.of(_alert(request, alert_id, Action.VIEW))


@router.post(
    "/alerts/{alert_id}/dismiss",
    response={200: AlertOut, **ERRORS},
    summary="Dismiss an alert with a note (regulators; the audited party answers instead)",
)
def dismiss_alert(request: HttpRequest, alert_id: int, payload: DismissIn) -> AlertOut:
    alert = _alert(request, alert_id, Action.CHANGE)
    services.dismiss(request.user, alert, payload.note)
    return AlertOut.of(_alert(request, alert_id, Action.VIEW))


@router.post(
    "/alerts/{alert_id}/answers",
    response={201: AlertOut, 200: AlertOut, **ERRORS},
    summary="Answer an alert (the canteen's manager or principal; multipart: `text`, an optional `photo`)",
)
def answer_alert(
    request: HttpRequest,
    alert_id: int,
    payload: Form[AnswerIn],
    photo: File[UploadedFile] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, AlertOut]:
        _, created = services.answer(
            request.user, alert_id, payload.text, photo=photo, submission_key=payload.submission_key
        )
        return (201 if created else 200), AlertOut.of(_alert(request, alert_id, Action.VIEW))

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/alerts/answers/{answer_id}/photo",
    AlertAnswer,
    name="answer_photo",
    summary="An answer's photo (JPEG); ?thumbnail=true for the small one",
)


def _alert(request: HttpRequest, alert_id: int, action: Action) -> Alert:
    """One alert the user may act on, with their read time (404 outside the jurisdiction)."""
    return get_visible_or_404(selectors.with_read_at(request.user), request.user, action, pk=alert_id)
