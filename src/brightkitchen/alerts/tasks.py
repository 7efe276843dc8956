from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from brightkitchen.alerts.rules import registered_rules
from brightkitchen.alerts.services import sweep
from brightkitchen.core.context import Actor, acting_as
from brightkitchen.core.events import SIDE_EFFECT_RETRY


@shared_task(name="brightkitchen.alerts.tasks.sweep_alerts", ignore_result=True)
def sweep_alerts() -> dict[str, Any]:
    """Scheduled ("alert-sweep", registered in AlertsConfig.ready()): run every registered alert rule for
    today. Idempotent and safe to retry: a rerun opens and closes nothing that the first run did not."""
    with acting_as(Actor(username="alert-sweep", source="task")):
        return sweep(timezone.localdate(), timezone.now()).as_dict()


@shared_task(name="brightkitchen.alerts.tasks.sweep_canteens", ignore_result=True, **SIDE_EFFECT_RETRY)
def sweep_canteens(kinds: list[str], canteen_ids: list[int]) -> dict[str, Any]:
    """Queued on commit after a change (a notice issued, an incident filed): the rules of these kinds for
    these canteens only, so the canteen and its offices see it in their inbox within seconds instead of at
    the next scheduled sweep. Idempotent (a rerun opens and closes nothing more) and retried when it
    fails; if it is never queued (the broker down at commit), the scheduled sweep catches up."""
    registered = registered_rules()
    rules = {kind: registered[kind] for kind in kinds if kind in registered}
    with acting_as(Actor(username="alert-sweep", source="task")):
        return sweep(timezone.localdate(), timezone.now(), rules=rules, canteen_ids=canteen_ids).as_dict()
