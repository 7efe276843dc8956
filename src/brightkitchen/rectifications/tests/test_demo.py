from __future__ import annotations

import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.rectifications import demo_data
from brightkitchen.rectifications.models import RectificationNotice, RectificationStep

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_is_idempotent(world: World) -> None:
    canteens = [world.canteens["a"], world.canteens["b"]]
    for _ in range(2):
        demo_data.seed(canteens, timezone.localdate(), random.Random(1))
    assert RectificationNotice.objects.count() == 5
    assert set(RectificationNotice.objects.values_list("state", flat=True)) == {
        "issued",
        "responded",
        "returned",
        "closed",
    }
    escalated = RectificationNotice.objects.get(escalated_at__isnull=False)
    assert escalated.escalated_to == world.orgs["regulator_city"] and escalated.overdue
    assert RectificationStep.objects.filter(kind="escalated").count() == 1
    for notice in RectificationNotice.objects.all():
        last = RectificationStep.objects.filter(notice=notice).order_by("at", "id").last()
        assert last is not None and last.state_after == notice.state
