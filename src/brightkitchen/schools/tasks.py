from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from brightkitchen.schools.tallies import open_month


@shared_task(name="brightkitchen.schools.tasks.open_tally_month", ignore_result=True)
def open_tally_month() -> int:
    """Scheduled ("tally-month", registered in SchoolsConfig.ready()): the current month's tallies for
    canteens that have none yet. Idempotent and safe to retry."""
    return open_month(timezone.localdate().replace(day=1))
