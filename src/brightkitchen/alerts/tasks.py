from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from brightkitchen.alerts.services import sweep
from brightkitchen.core.context import Actor, acting_as


@shared_task(name="brightkitchen.alerts.tasks.sweep_alerts", ignore_result=True)
def sweep_alerts() -> dict[str, Any]:
    """Scheduled (CELERY_BEAT_SCHEDULE "alert-sweep"): run every registered alert rule for today.
    Idempotent and safe to retry: a rerun opens and closes nothing that the first run did not."""
    with acting_as(Actor(username="alert-sweep", source="task")):
        return sweep(timezone.localdate(), timezone.now()).as_dict()
