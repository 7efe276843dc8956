from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from brightkitchen.core.context import Actor, acting_as
from brightkitchen.core.events import SIDE_EFFECT_RETRY
from brightkitchen.risk.services import assess, reassess_canteens
from brightkitchen.schools.models import Canteen


@shared_task(name="brightkitchen.risk.tasks.assess_all_canteens", ignore_result=True)
def assess_all_canteens() -> int:
    """Scheduled nightly ("risk-assessment", registered in RiskConfig.ready()): recompute every canteen's
    risk grade over the last twelve months. Idempotent and safe to retry: a rerun on the same day writes
    the same assessments; overrides are kept."""
    with acting_as(Actor(username="risk-assessment", source="task")):
        return assess(Canteen.objects.all(), timezone.localdate())


@shared_task(name="brightkitchen.risk.tasks.reassess", ignore_result=True, **SIDE_EFFECT_RETRY)
def reassess(canteen_ids: list[int]) -> None:
    """Queued on commit after a change to a canteen's risk signals (a notice issued, closed or escalated,
    an inspection submitted): re-grade those canteens only. Idempotent; if it is never queued, the nightly
    assessment catches up."""
    with acting_as(Actor(username="risk-assessment", source="task")):
        reassess_canteens(canteen_ids)
