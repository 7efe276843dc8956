from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.hygiene import demo_data
from brightkitchen.hygiene.metrics import disinfection_rate
from brightkitchen.hygiene.models import HygieneRecord
from brightkitchen.schedule.models import Term
from brightkitchen.schools.metrics import canteen_rate

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_feeds_the_metric(world: World) -> None:
    today = timezone.localdate()
    Term.objects.create(
        region_id="14", name="演示学期", starts_on=today - datetime.timedelta(days=90), ends_on=today
    )
    canteens = [world.canteens["a"], world.canteens["b"]]
    demo_data.seed(canteens, today, random.Random(1))
    count = HygieneRecord.objects.count()
    demo_data.seed(canteens, today, random.Random(1))
    assert count > 100 and HygieneRecord.objects.count() == count
    assert set(HygieneRecord.objects.values_list("kind", flat=True)) == {
        "cleaning",
        "pest",
        "waste",
        "additive",
    }
    start = today - datetime.timedelta(days=59)
    ratio = canteen_rate(disinfection_rate, world.canteens["a"].pk, start, today)
    assert ratio.expected > 30 and 0.8 < ratio.done / ratio.expected <= 1
