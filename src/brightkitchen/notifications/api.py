import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from brightkitchen.accounts.models import User
from brightkitchen.accounts.services import signed_in_user
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
from brightkitchen.notifications import selectors, services
from brightkitchen.notifications.models import (
    PERSONAL_CHANNELS,
    Channel,
    ChannelChoice,
    Delivery,
    DeliveryStatus,
    NotificationProfile,
    WebhookEndpoint,
)

router = Router(tags=["notifications"])


class DeliveryOut(Schema):
    """One message the platform sent (or is sending) about an alert."""

    id: int
    alert_id: int
    alert_kind: str
    canteen_name: str
    channel: Channel
    address: str
    urgent: bool
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime.datetime
    sent_at: datetime.datetime | None
    answer: str
    created_at: datetime.datetime

    @staticmethod
    def of(row: Delivery) -> "DeliveryOut":
        return DeliveryOut(
            id=row.pk,
            alert_id=row.alert_id,
            alert_kind=row.alert.kind,
            canteen_name=row.alert.canteen.name,
            channel=Channel(row.channel),
            address=row.address,
            urgent=row.urgent,
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            sent_at=row.sent_at,
            answer=row.answer,
            created_at=row.created_at,
        )


class DeliveryFilterIn(Schema):
    status: DeliveryStatus | None = None
    channel: Channel | None = None


class SettingsOut(Schema):
    quiet_from: datetime.time | None
    quiet_until: datetime.time | None
    wechat_openid: str
    # Alert kind ("" for every kind not listed) → the channels chosen for it; none chosen: e-mail.
    choices: dict[str, list[Channel]]
    channels: list[Channel] = Field(description="The channels a person may choose")

    @staticmethod
    def of(profile: NotificationProfile, choices: list[ChannelChoice]) -> "SettingsOut":
        return SettingsOut(
            quiet_from=profile.quiet_from,
            quiet_until=profile.quiet_until,
            wechat_openid=profile.wechat_openid,
            choices={c.alert_kind: [Channel(v) for v in c.channels] for c in choices},
            channels=list(PERSONAL_CHANNELS),
        )


class SettingsIn(InputSchema):
    quiet_from: datetime.time | None = None
    quiet_until: datetime.time | None = None
    wechat_openid: str = Field("", max_length=64)
    choices: dict[str, list[Channel]] = Field(default_factory=dict, max_length=100)


class WebhookOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    url: str
    alert_kinds: list[str]
    description: str
    is_active: bool
    created_at: datetime.datetime

    @staticmethod
    def of(row: WebhookEndpoint) -> "WebhookOut":
        return WebhookOut(
            id=row.pk,
            organisation_id=row.organisation_id,
            organisation_name=row.organisation.name,
            url=row.url,
            alert_kinds=list(row.alert_kinds),
            description=row.description,
            is_active=row.is_active,
            created_at=row.created_at,
        )


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="The signing secret (Standard Webhooks); shown once, at creation")

    @classmethod
    def of(cls, row: WebhookEndpoint) -> "NewWebhookOut":
        return cls.model_validate({**WebhookOut.of(row).model_dump(), "secret": row.secret})


class WebhookIn(InputSchema):
    url: str = Field(max_length=500)
    alert_kinds: list[str] = Field(default_factory=list, max_length=50)
    description: str = Field("", max_length=120)
    organisation_id: int | None = id_field(None, description="Operators name the organisation")


def _settings(user: User) -> SettingsOut:
    profile = services.profile_of(user)
    return SettingsOut.of(
        profile, list(ChannelChoice.objects.filter(user=profile.user).order_by("alert_kind"))
    )


@router.get(
    "/notifications/deliveries",
    response={200: list[DeliveryOut], **LIST_ERRORS},
    summary="Messages sent about alerts: your own (operators: all), with the provider's answer",
)
@paginate(Pagination)
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilterIn]) -> MappedQuerySet[DeliveryOut]:
    rows = selectors.deliveries_for(signed_in_user(request))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    return MappedQuerySet(rows, DeliveryOut.of)


@router.get(
    "/notifications/settings", response={200: SettingsOut, **ERRORS}, summary="Your notification settings"
)
def get_settings(request: HttpRequest) -> SettingsOut:
    return _settings(signed_in_user(request))


@router.put(
    "/notifications/settings",
    response={200: SettingsOut, **ERRORS},
    summary="Choose your channels per kind of alert, your quiet hours and your WeChat openid",
    description="Urgent alerts (critical ones: an incident, an escalated notice) ignore quiet hours.",
)
def put_settings(request: HttpRequest, payload: SettingsIn) -> SettingsOut:
    user = signed_in_user(request)
    services.set_choices(
        user, {kind: [c.value for c in channels] for kind, channels in payload.choices.items()}
    )
    services.set_profile(
        user,
        quiet_from=payload.quiet_from,
        quiet_until=payload.quiet_until,
        wechat_openid=payload.wechat_openid,
    )
    return _settings(user)


@router.get(
    "/notifications/webhooks",
    response={200: list[WebhookOut], **LIST_ERRORS},
    summary="Your organisation's webhook receivers",
)
@paginate(Pagination)
def list_webhooks(request: HttpRequest) -> MappedQuerySet[WebhookOut]:
    return MappedQuerySet(selectors.endpoints_for(signed_in_user(request)), WebhookOut.of)


@router.post(
    "/notifications/webhooks",
    response={201: NewWebhookOut, 200: NewWebhookOut, **ERRORS},
    summary="Add a webhook receiver for your organisation (signed in the Standard Webhooks format)",
)
def add_webhook(request: HttpRequest, payload: WebhookIn) -> IdempotentAnswer:
    def create() -> tuple[int, NewWebhookOut]:
        endpoint = services.add_endpoint(signed_in_user(request), **payload.model_dump())
        row = WebhookEndpoint.objects.select_related("organisation").get(pk=endpoint.pk)
        return 201, NewWebhookOut.of(row)

    return idempotent(request, payload, create)


@router.delete(
    "/notifications/webhooks/{endpoint_id}",
    response={204: None, **ERRORS},
    summary="Remove a webhook receiver (its past deliveries go with it)",
)
def remove_webhook(request: HttpRequest, endpoint_id: int) -> Status[None]:
    services.remove_endpoint(signed_in_user(request), endpoint_id)
    return Status(204, None)
