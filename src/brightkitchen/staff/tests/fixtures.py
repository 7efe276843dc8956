"""Staff data for county A and B of the test `world`, created on first use with bulk_create (which
writes no audit entries, so the scoping matrix still sees "nothing changed" for refused requests)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies
from brightkitchen.staff.models import (
    CheckResult,
    HealthCertificate,
    MorningCheck,
    Position,
    StaffMember,
    TrainingRecord,
)

NAMES = {"a": ("甲测试厨师张", "甲测试帮厨李"), "b": ("乙测试厨师王", "乙测试帮厨赵")}
PHOTO_MARKER = {"a": "BK-CERT-PHOTO-A", "b": "BK-CERT-PHOTO-B"}
TRAINING_TITLE = {"a": "甲测试食品安全培训", "b": "乙测试食品安全培训"}
TRAINING_PHOTO_MARKER = {"a": "BK-TRAIN-PHOTO-A", "b": "BK-TRAIN-PHOTO-B"}


@dataclass
class StaffFixture:
    cook: StaffMember  # valid certificate, checked in today
    helper: StaffMember  # valid certificate, not checked yet
    certificate: HealthCertificate  # the cook's, with a stored "photo" carrying PHOTO_MARKER
    check: MorningCheck


def staff_fixture(w: World, county: str = "a") -> StaffFixture:
    cache: dict[str, StaffFixture] = w.__dict__.setdefault("_staff_fixtures", {})
    if county in cache:
        return cache[county]
    canteen = w.canteens[county]
    today = timezone.localdate()
    cook, helper = StaffMember.objects.bulk_create(
        [
            StaffMember(canteen=canteen, name=NAMES[county][0], position=Position.COOK, phone="13800000001"),
            StaffMember(canteen=canteen, name=NAMES[county][1], position=Position.HELPER),
        ]
    )
    path = default_storage.save(
        f"staff/certificates/test/{uuid.uuid4().hex}.pdf",
        ContentFile(f"%PDF-1.4 {PHOTO_MARKER[county]}".encode()),
    )
    issued = today - datetime.timedelta(days=100)
    certificate, _ = HealthCertificate.objects.bulk_create(
        [
            HealthCertificate(
                canteen=canteen,
                staff=cook,
                number=f"JK{county.upper()}0001",
                issued_on=issued,
                expires_on=issued + datetime.timedelta(days=365),
                photo=path,
            ),
            HealthCertificate(
                canteen=canteen,
                staff=helper,
                number=f"JK{county.upper()}0002",
                issued_on=issued,
                expires_on=issued + datetime.timedelta(days=365),
            ),
        ]
    )
    (check,) = MorningCheck.objects.bulk_create(
        [
            MorningCheck(
                canteen=canteen,
                staff=cook,
                date=today,
                checked_at=timezone.now(),
                temperature=Decimal("36.5"),
                result=CheckResult.FIT,
            )
        ]
    )
    # bulk_create sends no signals: the tallies of the last two months, as the application keeps them.
    refresh_tallies(Canteen.objects.filter(pk=canteen.pk), today - datetime.timedelta(days=62), today)
    cache[county] = StaffFixture(cook, helper, certificate, check)
    return cache[county]


def training_fixture(w: World, county: str = "a") -> TrainingRecord:
    """The cook's training of last month, with a stored "photo" carrying TRAINING_PHOTO_MARKER."""
    cache: dict[str, TrainingRecord] = w.__dict__.setdefault("_training_fixtures", {})
    if county in cache:
        return cache[county]
    cook = staff_fixture(w, county).cook
    path = default_storage.save(
        f"staff/training/test/{uuid.uuid4().hex}.jpg",
        ContentFile(TRAINING_PHOTO_MARKER[county].encode()),
    )
    (record,) = TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                canteen=cook.canteen,
                staff=cook,
                title=TRAINING_TITLE[county],
                date=timezone.localdate() - datetime.timedelta(days=30),
                hours=Decimal("8.0"),
                photo=path,
                thumbnail=path,
            )
        ]
    )
    cache[county] = record
    return record
