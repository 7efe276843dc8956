from __future__ import annotations

import os
import socket

from celery import shared_task
from django.utils import timezone

from brightkitchen.core.models import WorkerHeartbeat


@shared_task(name="brightkitchen.core.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    """Scheduled every minute: proves to the health endpoint that the scheduler and a worker run."""
    WorkerHeartbeat.objects.update_or_create(
        worker=f"{socket.gethostname()}:{os.getpid()}", defaults={"seen_at": timezone.now()}
    )
