from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from brightkitchen.core.events import SIDE_EFFECT_RETRY
from brightkitchen.notifications import services
from brightkitchen.notifications.models import Delivery, DeliveryStatus


@shared_task(
    name="brightkitchen.notifications.tasks.send_alert_deliveries", ignore_result=True, **SIDE_EFFECT_RETRY
)
def send_alert_deliveries(alert_id: int, channel: str) -> dict[str, Any]:
    """Queued on commit of an alert's deliveries on one channel: sends those that are due now (the rest
    wait for their quiet hours to end; send_due_deliveries picks them up). Idempotent: a row already
    sent or claimed is skipped."""
    now = timezone.now()
    ids = Delivery.objects.filter(
        alert_id=alert_id, channel=channel, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    return services.send_due(ids, now).as_dict()


@shared_task(name="brightkitchen.notifications.tasks.send_due_deliveries", ignore_result=True)
def send_due_deliveries() -> dict[str, Any]:
    """Scheduled ("notifications-due", every minute): retries whose backoff is over, messages held by
    quiet hours, and anything whose queued task was lost (the broker down at commit)."""
    now = timezone.now()
    return services.send_due(services.due(now), now).as_dict()
