from __future__ import annotations

import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.patrols import demo_data
from brightkitchen.patrols.models import AssignmentState, PatrolAssignment, PatrolFinding, PatrolPlan

pytestmark = pytest.mark.django_db


def test_demo_plan_is_drawn_patrolled_and_idempotent(world: World) -> None:
    canteens = [world.canteens["a"], world.canteens["b"]]
    for _ in range(2):
        demo_data.seed(canteens, timezone.localdate(), random.Random(1))
    plan = PatrolPlan.objects.get()
    assert plan.organisation == world.orgs["regulator_city"] and plan.drawn_at is not None
    assert PatrolAssignment.objects.filter(plan=plan).count() == 2
    assert PatrolAssignment.objects.filter(state=AssignmentState.DONE).count() == 2
    assert PatrolFinding.objects.count() == 3
    assert PatrolFinding.objects.filter(notice__isnull=False).count() == 2
