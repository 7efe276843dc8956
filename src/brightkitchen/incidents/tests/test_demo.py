from __future__ import annotations

import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.incidents import demo_data
from brightkitchen.incidents.models import IncidentReport

pytestmark = pytest.mark.django_db


def test_demo_has_one_open_incident_in_yuci_and_is_idempotent(world: World) -> None:
    canteens = [world.canteens["b"], world.canteens["a"]]
    for _ in range(2):
        demo_data.seed(canteens, timezone.localdate(), random.Random(1))
    open_ = IncidentReport.objects.filter(status="open")
    assert open_.count() == 1 and IncidentReport.objects.count() == 2
    report = open_.get()
    assert report.canteen_id == world.canteens["a"].pk and not report.late and report.progress.count() == 1
