"""Delivering alerts: one interface, many channels.

A channel is any object with a `key` and `send(alert, recipients)`; the in-app channel (the inbox
itself) is registered here. The sweep calls `deliver(new alert ids)` after its transaction commits
(core.events.after_commit), so nobody is told about an alert that was rolled back.

Adding a channel (e-mail, SMS, WeChat template messages, a webhook):

1. Write a class with `key = "sms"` and `send(self, alert, recipients) -> None`. `recipients` are the
   users the alert concerns (alerts.selectors.recipients_for), already decided by jurisdiction and
   role; pick the address you need from each (`user.phone`, `user.email`, …) and skip users without.
2. Anything slow or external must not run inline: in `send`, queue a Celery task of your app with the
   alert id and user ids (`your_task.delay(...)`; delivery already runs after commit), and make that
   task idempotent (remember what was sent per alert and user) and safe to retry.
3. Register it from your AppConfig.ready(): `register_channel(SmsNotifier())`. Configuration (gateway
   URL, keys) comes from settings/environment variables; no channel may need the internet to start.

A channel that raises is logged and the others still deliver; the in-app inbox never depends on one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert, AlertReceipt
from brightkitchen.alerts.selectors import recipients_for

logger = logging.getLogger(__name__)

BATCH = 500  # alerts per recipients query


class Notifier(Protocol):
    key: str

    def send(self, alert: Alert, recipients: Sequence[User]) -> None: ...


class InAppNotifier:
    """The inbox: an unread receipt per recipient (the inbox also lists alerts a user has no receipt
    for, e.g. one who joined later, so a receipt records the delivery, not the right to see)."""

    key = "in_app"

    def send(self, alert: Alert, recipients: Sequence[User]) -> None:
        now = timezone.now()
        AlertReceipt.objects.bulk_create(
            [AlertReceipt(alert=alert, user=user, delivered_at=now) for user in recipients],
            ignore_conflicts=True,
        )


_CHANNELS: dict[str, Notifier] = {}


def register_channel(channel: Notifier) -> None:
    _CHANNELS[channel.key] = channel


def registered_channels() -> dict[str, Notifier]:
    return dict(_CHANNELS)


register_channel(InAppNotifier())


@dataclass
class DeliveryResult:
    alerts: int = 0
    sent: int = 0  # (alert, channel) pairs delivered
    failed: list[str] = field(default_factory=list)  # "channel:alert id"


def deliver(alert_ids: Sequence[int], channels: Sequence[Notifier] | None = None) -> DeliveryResult:
    """Send each still-open alert to its recipients through every channel (in batches, so a first
    sweep over a whole province stays within the databases' limits on query parameters)."""
    result = DeliveryResult()
    chosen = list(channels) if channels is not None else list(_CHANNELS.values())
    ids = sorted(set(alert_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        alerts = list(Alert.objects.filter(pk__in=batch, closed_at__isnull=True).order_by("pk"))
        audience = recipients_for([a.pk for a in alerts])
        for alert in alerts:
            result.alerts += 1
            people = audience.get(alert.pk, [])
            for channel in chosen:
                try:
                    with transaction.atomic():  # a failing channel leaves no half-written rows behind
                        channel.send(alert, people)
                except Exception:
                    logger.exception("alert channel %s failed for alert %s", channel.key, alert.pk)
                    result.failed.append(f"{channel.key}:{alert.pk}")
                else:
                    result.sent += 1
    return result
