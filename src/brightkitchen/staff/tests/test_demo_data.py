from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.schedule.models import Term
from brightkitchen.staff import rules
from brightkitchen.staff.demo_data import seed
from brightkitchen.staff.models import HealthCertificate, MorningCheck, StaffMember

pytestmark = pytest.mark.django_db


def test_demo_seed_is_realistic_and_idempotent(world: World) -> None:
    today = timezone.localdate()
    Term.objects.create(
        region_id="14", name="学期", starts_on=today - datetime.timedelta(days=90), ends_on=today
    )
    canteens = [world.canteens["a"], world.canteens["b"]]
    seed(canteens, today, random.Random(7))
    counts = (StaffMember.objects.count(), HealthCertificate.objects.count(), MorningCheck.objects.count())
    assert 8 <= counts[0] <= 20 and counts[2] > 100
    seed(canteens, today, random.Random(8))
    assert (
        StaffMember.objects.count(),
        HealthCertificate.objects.count(),
        MorningCheck.objects.count(),
    ) == counts
    assert rules.certificate_expiring_findings(today)
    assert rules.certificate_expired_findings(today)
    assert MorningCheck.objects.filter(result="off_duty").exists() or counts[2] < 300


def test_the_demo_puts_the_canteen_accounts_on_the_staff_list(world: World) -> None:
    today = timezone.localdate()
    seed([world.canteens["a"]], today, random.Random(7))
    for role in ("staff_a", "manager_a"):
        user = world.users[role]
        entry = StaffMember.objects.get(account=user)
        assert entry.canteen_id == world.canteens["a"].pk and entry.name == (user.display_name or entry.name)
