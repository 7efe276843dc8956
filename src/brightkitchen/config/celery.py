"""The Celery application: the worker and the scheduler are separate processes, started with
`brightkitchen worker` / `brightkitchen scheduler` (or `celery -A brightkitchen.config ...`)."""

import os

from celery import Celery

from brightkitchen.core.schedule import BEAT_SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brightkitchen.config.settings")

app = Celery("brightkitchen")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The entries the apps register (core.schedule.register_beat, from their AppConfig.ready()); the very dict,
# so the entries registered once Django's apps are ready reach the scheduler.
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks()
