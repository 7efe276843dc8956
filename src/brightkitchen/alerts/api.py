import datetime
import enum

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from brightkitchen.alerts import selectors, services
from brightkitchen.alerts.models import Alert, ClosedReason, SeverityChoice
from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    InputSchema,
    MappedQuerySet,
    Pagination,
    id_field,
)
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.core.scoping import Action, get_visible_or_404

router = Router(tags=["alerts"])


class AlertState(enum.StrEnum):
    OPEN = selectors.State.OPEN
    CLOSED = selectors.State.CLOSED
    ALL = selectors.State.ALL


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
    read_at: datetime.datetime | None

    @staticmethod
    def of(alert: Alert) -> "AlertOut":
        canteen = alert.canteen
        return AlertOut(
            id=alert.pk,
            kind=alert.kind,
            severity=SeverityChoice(alert.severity),
            message=alert.message,
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
            read_at=getattr(alert, "read_at", None),
        )


class AlertFilterIn(Schema):
    state: AlertState = Field(AlertState.OPEN, description="open (default), closed or all")
    kind: str = Field("", max_length=64, pattern=r"^[a-z0-9_.:-]*$", description="The rule's key")
    severity: SeverityChoice | None = None
    canteen: int | None = id_field(None)
    unread: bool | None = Field(None, description="Only unread (true) or only read (false) alerts")


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
    summary="Dismiss an alert with a note (a critical one: regulators only)",
)
def dismiss_alert(request: HttpRequest, alert_id: int, payload: DismissIn) -> AlertOut:
    alert = _alert(request, alert_id, Action.CHANGE)
    services.dismiss(request.user, alert, payload.note)
    return AlertOut.of(_alert(request, alert_id, Action.VIEW))


def _alert(request: HttpRequest, alert_id: int, action: Action) -> Alert:
    """One alert the user may act on, with their read time (404 outside the jurisdiction)."""
    return get_visible_or_404(selectors.with_read_at(request.user), request.user, action, pk=alert_id)
