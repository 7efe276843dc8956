"""The Celery beat schedule, contributed by the apps: each registers its periodic tasks from its
AppConfig.ready() with `register_beat`, and the Celery app (config/celery.py) hands the collected entries
to the scheduler. No central list names every app's tasks."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

# name -> {"task": dotted task name, "schedule": seconds or a crontab}, in Celery's beat_schedule form.
# The very dict is the Celery app's `beat_schedule`, so entries registered after the app was configured
# (when Django's apps are ready) reach the scheduler.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {}


def register_beat(name: str, task: str, schedule: float | crontab) -> None:
    """Run `task` on `schedule` (seconds between runs, or a crontab). A name is registered once; the same
    entry again (an app made ready twice) changes nothing."""
    entry = {"task": task, "schedule": schedule}
    existing = BEAT_SCHEDULE.get(name)
    if existing is not None and existing != entry:
        raise ValueError(f"beat entry {name!r} registered twice with different tasks or schedules")
    BEAT_SCHEDULE[name] = entry
