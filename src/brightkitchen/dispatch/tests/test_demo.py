"""The demo tasks: one overdue with one answer awaiting review, one fresh; a second run adds nothing."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.dispatch import demo_data, rules
from brightkitchen.dispatch.models import DispatchAssignment, DispatchState, DispatchTask

pytestmark = pytest.mark.django_db


def test_demo_tasks(world: World) -> None:
    today = timezone.localdate()
    canteens = [world.canteens["a"], world.canteens["b"]]
    demo_data.seed(canteens, today, random.Random(1))
    demo_data.seed(canteens, today, random.Random(1))
    assert DispatchTask.objects.count() == 2
    assert set(DispatchTask.objects.values_list("sender", flat=True)) == {world.orgs["regulator_city"].pk}
    states = list(DispatchAssignment.objects.values_list("state", flat=True))
    assert states.count(DispatchState.ANSWERED) == 1 and len(states) == 4
    found = {(f.kind, f.organisation_id) for f in rules.findings(today)}
    assert (rules.KIND_REVIEW, world.orgs["regulator_city"].pk) in found
    assert (rules.KIND_OVERDUE, world.orgs["regulator_b"].pk) in found
    page = world.client("city_regulator").get("/dispatch/?box=outbox")
    assert page.status_code == 200 and "春季学期学校食堂食品安全专项检查" in page.content.decode()
