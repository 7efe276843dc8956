"""The beat schedule the apps register (core.schedule) is the one the scheduler runs: every periodic task
the central list in settings used to name, with the same task and interval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.beat import Scheduler
from celery.schedules import crontab, schedule

from brightkitchen.config.celery import app
from brightkitchen.core.schedule import register_beat

# The entries of the former settings.CELERY_BEAT_SCHEDULE.
EXPECTED: dict[str, tuple[str, float | crontab]] = {
    "heartbeat": ("brightkitchen.core.tasks.record_heartbeat", 60.0),
    "alert-sweep": ("brightkitchen.alerts.tasks.sweep_alerts", 15 * 60.0),
    "tally-month": ("brightkitchen.schools.tasks.open_tally_month", 60 * 60.0),
    "rectification-escalation": ("brightkitchen.rectifications.tasks.escalate_overdue_notices", 60 * 60.0),
    "camera-health": ("brightkitchen.cameras.tasks.sweep_camera_health", 60.0),
    "risk-assessment": ("brightkitchen.risk.tasks.assess_all_canteens", crontab(hour=2, minute=30)),
}


def test_the_scheduler_gets_every_entry_with_its_task_and_interval() -> None:
    beat = Scheduler(app=app, lazy=False)
    for name, (task, when) in EXPECTED.items():
        entry = beat.schedule[name]
        assert entry.task == task, name
        if isinstance(when, crontab):
            assert entry.schedule == when, name
        else:
            assert entry.schedule == schedule(timedelta(seconds=when)), name
            assert entry.schedule != schedule(timedelta(seconds=when + 1)), name


def test_every_registered_task_exists() -> None:
    app.loader.import_default_modules()  # the apps' tasks modules, as a worker imports them
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name


def test_a_name_cannot_be_registered_twice_with_another_task() -> None:
    register_beat("heartbeat", "brightkitchen.core.tasks.record_heartbeat", 60.0)  # the same: no change
    with pytest.raises(ValueError, match="registered twice"):
        register_beat("heartbeat", "brightkitchen.core.tasks.record_heartbeat", 30.0)
