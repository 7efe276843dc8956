from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from brightkitchen.core.context import Actor, acting_as
from brightkitchen.risk.services import assess
from brightkitchen.schools.models import Canteen


@shared_task(name="brightkitchen.risk.tasks.assess_all_canteens", ignore_result=True)
def assess_all_canteens() -> int:
    """Scheduled nightly (CELERY_BEAT_SCHEDULE "risk-assessment"): recompute every canteen's risk grade
    over the last twelve months. Idempotent and safe to retry: a rerun on the same day writes the same
    assessments; overrides are kept."""
    with acting_as(Actor(username="risk-assessment", source="task")):
        return assess(Canteen.objects.all(), timezone.localdate())
