from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from brightkitchen.core.context import Actor, acting_as
from brightkitchen.rectifications.services import escalate_overdue


@shared_task(name="brightkitchen.rectifications.tasks.escalate_overdue_notices", ignore_result=True)
def escalate_overdue_notices() -> list[int]:
    """Scheduled ("rectification-escalation", registered in RectificationsConfig.ready()): escalate the
    notices whose deadline passed while not closed. Idempotent and safe to retry: a notice is escalated
    once."""
    with acting_as(Actor(username="rectification-sweep", source="task")):
        return escalate_overdue(timezone.localdate(), timezone.now())
