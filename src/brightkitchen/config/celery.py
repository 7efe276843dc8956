"""The Celery application: the worker and the scheduler are separate processes, started with
`brightkitchen worker` / `brightkitchen scheduler` (or `celery -A brightkitchen.config ...`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brightkitchen.config.settings")

app = Celery("brightkitchen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
