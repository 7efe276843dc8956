"""Both apps' demo data: seeded, idempotent, and the county checklist overriding the province's."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.menus import demo_data as menus_demo
from brightkitchen.menus.models import MenuItem, WeeklyMenu
from brightkitchen.schedule.models import Term
from brightkitchen.selfcheck import demo_data
from brightkitchen.selfcheck.models import InspectionAnswer, SelfInspection
from brightkitchen.selfcheck.selectors import template_for

pytestmark = pytest.mark.django_db


def test_demo_seeds_once(world: World) -> None:
    today = timezone.localdate()
    Term.objects.create(
        region_id="14",
        name="演示学期",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today + datetime.timedelta(days=30),
    )
    canteens = list(world.canteens.values())
    demo_data.seed(canteens, today, random.Random(1))
    menus_demo.seed(canteens, today, random.Random(1))
    counts = (SelfInspection.objects.count(), InspectionAnswer.objects.count(), MenuItem.objects.count())
    assert all(counts)
    demo_data.seed(canteens, today, random.Random(2))
    menus_demo.seed(canteens, today, random.Random(2))
    assert counts == (
        SelfInspection.objects.count(),
        InspectionAnswer.objects.count(),
        MenuItem.objects.count(),
    )
    a, b = (template_for(world.canteens[c], "daily") for c in ("a", "b"))
    assert (
        a is not None and b is not None and a.template.region_id == "140702" and b.template.region_id == "14"
    )
    assert WeeklyMenu.objects.filter(published=True).exists()
    page = world.client("principal_a").get(f"/schools/{world.schools['a'].pk}/")
    assert (
        page.status_code == 200 and f"/selfcheck/canteens/{world.canteens['a'].pk}/" in page.content.decode()
    )
