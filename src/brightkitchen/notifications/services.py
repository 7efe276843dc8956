"""Deciding who is told about an alert on which channel (plan_*), sending what is due (send_due), and
a person's own choices (set_choices, set_profile) and an organisation's webhook receivers.

Planning runs inside alerts.notify.deliver (after the alert's transaction committed); it writes the
Delivery rows and queues their sending after its own commit. Sending claims one row at a time with a
conditional UPDATE (two workers never send the same row), makes the call outside any transaction (a slow
provider holds no lock), and records the answer: delivered, or queued again with backoff, or failed
after MAX_ATTEMPTS. A crash between the call and the record sends the message again after LEASE; a
receiver recognises the repeat by its id (webhook-id), as the at-least-once contract says.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from prometheus_client import Counter, Histogram

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.rules import Severity, is_urgent_kind
from brightkitchen.core import netpolicy, webhook_signature
from brightkitchen.core.errors import FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.notifications.models import (
    DEFAULT_CHANNELS,
    PERSONAL_CHANNELS,
    Channel,
    ChannelChoice,
    Delivery,
    DeliveryStatus,
    NotificationProfile,
    WebhookEndpoint,
)

if TYPE_CHECKING:
    from brightkitchen.organisations.models import Organisation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# The wait before the 2nd, 3rd, … attempt.
BACKOFF = (
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
LEASE = datetime.timedelta(minutes=5)  # a claimed row no worker recorded is sent again after this
DUE_BATCH = 200

SENT = Counter(
    "brightkitchen_notifications_total",
    "Notification attempts by channel and outcome",
    ["channel", "outcome"],
)
DELAY = Histogram(
    "brightkitchen_notification_delay_seconds",
    "From the delivery's decision to the provider's acceptance",
    ["channel"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
)


class DeliveryFailed(Exception):
    """The provider refused or could not be reached; the message says its answer."""


class Transport(Protocol):
    """What sends one delivery; returns the provider's answer (kept on the row)."""

    key: str

    def configured(self) -> bool: ...

    def transmit(self, delivery: Delivery) -> str: ...


_TRANSPORTS: dict[str, Transport] = {}


def register_transport(transport: Transport) -> None:
    _TRANSPORTS[transport.key] = transport


def transport_of(key: str) -> Transport | None:
    return _TRANSPORTS.get(key)


# --- planning ---------------------------------------------------------------------------------------


def urgent(alert: Alert) -> bool:
    """Urgent alerts (critical ones: an incident's 2-hour clock, an escalated notice) ignore quiet hours."""
    return alert.severity == Severity.CRITICAL or is_urgent_kind(alert.kind)


def chosen_channels(users: Sequence[User], kind: str) -> dict[int, set[str]]:
    """Each user's channels for a kind of alert: their choice for it, else their choice for every kind,
    else DEFAULT_CHANNELS."""
    rows = ChannelChoice.objects.filter(user__in=[u.pk for u in users], alert_kind__in=[kind, ""])
    by_user: dict[int, dict[str, list[str]]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, {})[row.alert_kind] = list(row.channels)
    chosen: dict[int, set[str]] = {}
    for user in users:
        own = by_user.get(user.pk, {})
        chosen[user.pk] = set(own.get(kind, own.get("", [str(c) for c in DEFAULT_CHANNELS])))
    return chosen


def next_allowed(profile: NotificationProfile | None, now: datetime.datetime) -> datetime.datetime:
    """`now`, or the end of the quiet hours `now` falls in (local time)."""
    if profile is None or profile.quiet_until is None:
        return now
    local = timezone.localtime(now)
    if not profile.quiet_at(local.time()):
        return now
    end = local.replace(
        hour=profile.quiet_until.hour, minute=profile.quiet_until.minute, second=0, microsecond=0
    )
    if end <= local:
        end += datetime.timedelta(days=1)
    return end


def plan_personal(
    channel: str,
    address_of: Any,
    alert: Alert,
    recipients: Sequence[User],
    now: datetime.datetime | None = None,
) -> int:
    """Writes the deliveries of one alert on one personal channel (`address_of(user, profile)` gives the
    address, "" for none) and queues their sending; the ones already written are left as they are."""
    now = now or timezone.now()
    wanted = chosen_channels(recipients, alert.kind)
    people = [u for u in recipients if channel in wanted[u.pk]]
    if not people:
        return 0
    profiles = {p.user_id: p for p in NotificationProfile.objects.filter(user__in=[u.pk for u in people])}
    pressing = urgent(alert)
    rows = []
    for user in people:
        profile = profiles.get(user.pk)
        address = address_of(user, profile)
        if not address:
            continue
        rows.append(
            Delivery(
                alert=alert,
                channel=channel,
                user=user,
                address=address,
                urgent=pressing,
                next_attempt_at=now if pressing else next_allowed(profile, now),
            )
        )
    return _write(rows, alert, channel)


def plan_webhooks(alert: Alert, recipients: Sequence[User], now: datetime.datetime | None = None) -> int:
    """The webhook deliveries of one alert: each active receiver of an organisation whose people receive
    it, of the kinds it wants (webhooks keep no quiet hours: a machine receives them)."""
    now = now or timezone.now()
    organisations = sorted({u.organisation_id for u in recipients if u.organisation_id is not None})
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(organisation__in=organisations) if e.wants(alert.kind)
    ]
    rows = [
        Delivery(
            alert=alert,
            channel=Channel.WEBHOOK,
            endpoint=endpoint,
            address=endpoint.url,
            urgent=urgent(alert),
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    return _write(rows, alert, Channel.WEBHOOK)


def _write(rows: list[Delivery], alert: Alert, channel: str) -> int:
    if not rows:
        return 0
    # In bulk and without an audit entry each, as the inbox's receipts: the alert's own entries tell
    # the story, and the rows themselves are the delivery log.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    from brightkitchen.notifications.tasks import send_alert_deliveries

    after_commit(send_alert_deliveries.delay, alert.pk, channel)
    return len(rows)


# --- sending ----------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another worker meanwhile

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed, "skipped": self.skipped}


def due(now: datetime.datetime) -> Iterable[int]:
    return (
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("-urgent", "next_attempt_at", "pk")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )


def send_due(ids: Iterable[int], now: datetime.datetime | None = None) -> SendResult:
    """Sends each of these deliveries that is still queued and due; each in its own claim, so one
    provider that hangs or fails holds up neither the others nor another channel's worker."""
    result = SendResult()
    for pk in list(ids):
        outcome = _send_one(pk, now or timezone.now())
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _claim(pk: int, now: datetime.datetime) -> Delivery | None:
    claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("alert__canteen__school__organisation", "endpoint", "user").get(
        pk=pk
    )


def _send_one(pk: int, now: datetime.datetime) -> str:
    delivery = _claim(pk, now)
    if delivery is None:
        return "skipped"
    transport = transport_of(delivery.channel)
    try:
        if transport is None or not transport.configured():
            raise DeliveryFailed(f"the {delivery.channel} channel is not configured")
        answer = transport.transmit(delivery)
    except Exception as exc:  # a provider's failure is the row's, never the worker's
        return _failed(delivery, exc, now)
    finished = timezone.now()
    Delivery.objects.filter(pk=pk).update(status=DeliveryStatus.SENT, sent_at=finished, answer=answer[:2000])
    SENT.labels(delivery.channel, "sent").inc()
    DELAY.labels(delivery.channel).observe(max(0.0, (finished - delivery.created_at).total_seconds()))
    return "sent"


def _failed(delivery: Delivery, exc: Exception, now: datetime.datetime) -> str:
    if isinstance(exc, DeliveryFailed | netpolicy.OutboundRefused):
        answer = str(exc)
    else:
        answer = f"{type(exc).__name__}: {exc}"
        logger.info("delivery %s on %s failed: %s", delivery.pk, delivery.channel, answer)
    # The claim added this attempt already.
    if delivery.attempts >= MAX_ATTEMPTS or isinstance(exc, netpolicy.OutboundRefused):
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, answer=answer[:2000])
        SENT.labels(delivery.channel, "failed").inc()
        return "failed"
    wait = BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + wait, answer=answer[:2000])
    SENT.labels(delivery.channel, "retried").inc()
    return "retried"


# --- a person's own choices -------------------------------------------------------------------------


def profile_of(user: User) -> NotificationProfile:
    """The caller's own settings (unsaved defaults when they have chosen nothing yet)."""
    found = NotificationProfile.objects.filter(user=user).first()
    return found if found is not None else NotificationProfile(user=user)


def set_profile(
    user: User, *, quiet_from: datetime.time | None, quiet_until: datetime.time | None, wechat_openid: str
) -> NotificationProfile:
    for name, value in (("quiet_from", quiet_from), ("quiet_until", quiet_until)):
        if value is not None and value.tzinfo is not None:
            raise FieldError(name, _("Give the local time, without a time zone."))
    if (quiet_from is None) != (quiet_until is None):
        raise FieldError(
            "quiet_until" if quiet_until is None else "quiet_from", "give both ends of the quiet hours"
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise FieldError("quiet_until", _("The quiet hours cannot end when they start."))
    profile = profile_of(user)
    profile.quiet_from, profile.quiet_until, profile.wechat_openid = (
        quiet_from,
        quiet_until,
        wechat_openid.strip(),
    )
    profile.save()
    return profile


def set_choices(user: User, choices: Mapping[str, Sequence[str]]) -> list[ChannelChoice]:
    """Replaces the caller's channel choices: alert kind ("" for every kind) → channels."""
    allowed = {str(c) for c in PERSONAL_CHANNELS}
    for kind, channels in choices.items():
        unknown = sorted(set(channels) - allowed)
        if unknown:
            raise FieldError(
                f"choices.{kind or '*'}",
                _("%(channel)s is not a channel you can choose (one of %(allowed)s).")
                % {"channel": unknown[0], "allowed": ", ".join(sorted(allowed))},
            )
        if len(kind) > 64:
            raise FieldError(f"choices.{kind[:20]}", _("A kind of alert has at most 64 characters."))
    with transaction.atomic():
        kept = []
        existing = {c.alert_kind: c for c in ChannelChoice.objects.filter(user=user)}
        for kind, row in existing.items():
            if kind not in choices:
                row.delete()
        for kind, channels in sorted(choices.items()):
            row = existing.get(kind) or ChannelChoice(user=user, alert_kind=kind)
            ordered = [str(c) for c in PERSONAL_CHANNELS if str(c) in set(channels)]
            if row.pk is None or row.channels != ordered:
                row.channels = ordered
                row.save()
            kept.append(row)
    return kept


# --- webhook receivers ------------------------------------------------------------------------------


def _own_organisation(user: User, organisation_id: int | None) -> Organisation:
    from brightkitchen.organisations.models import Organisation

    if user.role == Role.OPERATOR:
        if organisation_id is None:
            raise FieldError("organisation_id", _("Name the organisation the receiver is for."))
        return get_visible_or_404(Organisation, user, Action.VIEW, pk=organisation_id)
    if user.organisation_id is None or (
        organisation_id is not None and organisation_id != user.organisation_id
    ):
        raise PermissionDenied(_("A receiver is added for your own organisation."))
    return user.organisation  # type: ignore[return-value]


def add_endpoint(
    user: User,
    *,
    url: str,
    alert_kinds: Sequence[str] = (),
    description: str = "",
    organisation_id: int | None = None,
) -> WebhookEndpoint:
    """A webhook receiver for the caller's organisation (an operator's for the one named); the URL is
    checked against the outbound-address policy now and again at every delivery."""
    organisation = _own_organisation(user, organisation_id)
    if not WebhookEndpoint.scope_rule.allows(Role(user.role), Action.CHANGE):
        raise PermissionDenied(_("Your role does not manage webhook receivers."))
    parts, host, _port = netpolicy.split_url(url)
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FieldError("url", _("Give an http:// or https:// address."))
    try:
        netpolicy.check_url(url, unresolved_ok=True)
    except netpolicy.OutboundRefused as exc:
        raise FieldError("url", str(exc)) from exc
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        secret=webhook_signature.new_secret(),
        alert_kinds=sorted(set(alert_kinds)),
        description=description,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def remove_endpoint(user: User, endpoint_id: int) -> None:
    from brightkitchen.notifications.selectors import endpoints_for

    get_visible_or_404(endpoints_for(user), user, Action.CHANGE, pk=endpoint_id).delete()
