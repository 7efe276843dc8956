"""Camera health sweeps and snapshots through Celery. The scheduler queues `sweep_camera_health` every
minute; it hands the cameras that are due to `check_camera_batch` tasks of `BATCH` cameras, so any number of
workers on any number of machines share the probes; inside a task the cameras are probed in threads
(`health.check_cameras`), so a slow camera delays no other, and the lease in `health.claim` keeps two
workers off the same camera."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from brightkitchen.cameras import health, snapshots
from brightkitchen.cameras.models import Camera
from brightkitchen.core.context import Actor, acting_as

# A probe lasts at most the probe timeout plus decoding; past this the worker stops the task.
TASK_TIME_LIMIT_S = int(health.PROBE_TIMEOUT_S * 4)
BATCH = health.PROBE_THREADS * 2


@shared_task(name="brightkitchen.cameras.tasks.sweep_camera_health", ignore_result=True)
def sweep_camera_health() -> int:
    """Scheduled ("camera-health", registered in CamerasConfig.ready()): queue a probe for every enabled
    camera not probed within CAMERA_PROBE_INTERVAL_S. Idempotent: a doubled sweep queues probes that find the
    lease taken or the camera freshly probed, and do nothing."""
    interval = datetime.timedelta(seconds=settings.CAMERA_PROBE_INTERVAL_S)
    due = health.due_cameras(timezone.now(), interval)
    for start in range(0, len(due), BATCH):
        check_camera_batch.delay(due[start : start + BATCH])
    return len(due)


@shared_task(
    name="brightkitchen.cameras.tasks.check_camera_batch",
    ignore_result=True,
    time_limit=TASK_TIME_LIMIT_S * 2,
    acks_late=True,
)
def check_camera_batch(camera_ids: list[int]) -> int:
    """Probe these cameras, several at once; returns how many were probed (not leased elsewhere)."""
    with acting_as(Actor(username="camera-health", source="task")):
        return health.check_cameras(camera_ids)


@shared_task(
    name="brightkitchen.cameras.tasks.check_camera_health",
    ignore_result=True,
    time_limit=TASK_TIME_LIMIT_S,
    acks_late=True,
)
def check_camera_health(camera_id: int) -> bool:
    """Probe one camera and record its health; False when another worker holds the camera (or it was
    disabled or deleted meanwhile). A dead or lying source is a result, never an exception."""
    with acting_as(Actor(username="camera-health", source="task")):
        try:
            return health.check_camera(camera_id) is not None
        except Camera.DoesNotExist:
            return False


@shared_task(
    name="brightkitchen.cameras.tasks.take_snapshot",
    ignore_result=True,
    time_limit=TASK_TIME_LIMIT_S,
    acks_late=True,
)
def take_snapshot(camera_id: int) -> bool:
    """A page asked for a new picture of the camera (snapshots.request): probe it now, which stores the
    picture (or that it gave none) with the camera's health. Idempotent: a doubled or retried task finds
    the picture fresh and does nothing; False also when the sweep's probe holds the camera (that probe
    stores the picture) or the camera was disabled or deleted meanwhile."""
    stored = snapshots.latest(camera_id)
    if stored is not None and stored.fresh(timezone.now()):
        return False
    with acting_as(Actor(username="camera-snapshot", source="task")):
        try:
            return health.check_camera(camera_id) is not None
        except Camera.DoesNotExist:
            return False
