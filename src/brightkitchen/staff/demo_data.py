"""Demo staff, health certificates and 60 days of morning checks for the given canteens.

Idempotent: a canteen that already has staff is left alone. Rows are written with bulk_create (the
audit log is bypassed by design for seeders)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.core.roles import Role
from brightkitchen.demo.entries import enter_on_their_day
from brightkitchen.demo.names import mobile_phone, person_name
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies
from brightkitchen.staff.models import (
    CheckResult,
    HealthCertificate,
    MorningCheck,
    Position,
    StaffMember,
    TrainingRecord,
    default_expiry,
)

HISTORY_DAYS = 60
_SYMPTOMS = ("fever", "diarrhoea", "skin_wound", "sore_throat")
# Trainings a county bureau runs for canteen staff each term (demo content, in the users' language).
_TRAININGS = (
    ("学校食堂食品安全管理培训", Decimal("4.0")),
    ("食品安全法律法规培训", Decimal("2.0")),
    ("食源性疾病预防与应急处置", Decimal("2.0")),
    ("餐饮具清洗消毒操作规范", Decimal("1.5")),
)


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    staffed = set(
        StaffMember.objects.filter(canteen__in=canteens).values_list("canteen_id", flat=True).distinct()
    )
    todo = list(
        Canteen.objects.filter(pk__in=[c.pk for c in canteens if c.pk not in staffed])
        .select_related("school__organisation")
        .order_by("pk")
    )
    if not todo:
        return
    staff: list[StaffMember] = []
    accounts = _accounts(todo)
    for canteen in todo:
        count = rng.randint(4, 10)
        positions = [Position.SAFETY_MANAGER, *rng.choices([Position.COOK, Position.HELPER], k=count - 1)]
        if canteen.diners >= 500 and count > 4:
            positions[1] = Position.SAFETY_DIRECTOR
        members = [
            StaffMember(
                canteen=canteen,
                name=person_name(rng),
                position=position,
                phone=mobile_phone(rng),
                hired_on=today - datetime.timedelta(days=rng.randint(90, 3000)),
            )
            for position in positions
        ]
        # The canteen's sign-in accounts are people on its staff list: the manager is the food-safety
        # manager, a staff account the last cook or helper (clear of the demo's expiring certificates).
        for account in accounts.get(canteen.pk, []):
            member = members[0] if account.role == Role.CANTEEN_MANAGER else members[-1]
            if member.account is None:
                member.account, member.name = account, account.display_name or member.name
                member.phone = account.phone or member.phone
        staff.extend(members)
    staff = StaffMember.objects.bulk_create(staff, batch_size=1000)

    # Current certificates, mostly valid; the first canteen has one expiring within 30 days and one
    # expired; some people also have last year's certificate on file.
    certificates: list[HealthCertificate] = []
    expiry: dict[int, datetime.date] = {}
    first = todo[0].pk
    first_staff = [s for s in staff if s.canteen_id == first]
    special = {first_staff[1].pk: 12, first_staff[2].pk: -5} if len(first_staff) > 2 else {}
    for person in staff:
        if person.pk in special:
            expires = today + datetime.timedelta(days=special[person.pk])
            issued = expires - datetime.timedelta(days=365)
        else:
            issued = today - datetime.timedelta(days=rng.randint(20, 320))
            expires = default_expiry(issued)
        expiry[person.pk] = expires
        number = f"{person.canteen_id % 10000:04d}{rng.randint(10**9, 10**10 - 1)}"
        certificates.append(
            HealthCertificate(
                canteen_id=person.canteen_id,
                staff=person,
                number=f"JK{issued.year}{number}",
                issued_on=issued,
                expires_on=expires,
            )
        )
        if rng.random() < 0.4:
            old = issued - datetime.timedelta(days=365)
            certificates.append(
                HealthCertificate(
                    canteen_id=person.canteen_id,
                    staff=person,
                    number=f"JK{old.year}{number}",
                    issued_on=old,
                    expires_on=issued - datetime.timedelta(days=1),
                )
            )
    HealthCertificate.objects.bulk_create(certificates, batch_size=1000)

    # Most people attended one or two of the term's trainings.
    trainings = [
        TrainingRecord(
            canteen_id=person.canteen_id,
            staff=person,
            title=title,
            date=today - datetime.timedelta(days=rng.randint(7, HISTORY_DAYS)),
            hours=hours,
        )
        for person in staff
        if rng.random() < 0.8
        for title, hours in rng.sample(_TRAININGS, rng.randint(1, 2))
    ]
    TrainingRecord.objects.bulk_create(trainings, batch_size=1000)

    # Morning checks on service days, before 08:00, with a few missed days and the odd symptom. The
    # first canteen has not done today's check yet, so its alert shows.
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    calendars = calendars_for(todo, start, today)
    tz = timezone.get_current_timezone()
    checks: list[MorningCheck] = []
    by_canteen: dict[int, list[StaffMember]] = {}
    for person in staff:
        by_canteen.setdefault(person.canteen_id, []).append(person)
    for canteen in todo:
        for day in calendars[canteen.pk].service_days(start, today):
            if rng.random() < 0.04 or (day == today and canteen.pk == first):
                continue  # a missed day
            for person in by_canteen[canteen.pk]:
                if expiry[person.pk] < day or rng.random() < 0.02:
                    continue
                symptom = rng.choice(_SYMPTOMS) if rng.random() < 0.01 else ""
                temperature = Decimal(rng.choice(("37.4", "37.6", "38.1"))) if symptom == "fever" else None
                temperature = temperature or Decimal(f"{rng.uniform(36.0, 37.1):.1f}")
                at = datetime.datetime.combine(day, datetime.time(7, rng.randint(0, 50)), tzinfo=tz)
                checks.append(
                    MorningCheck(
                        canteen_id=canteen.pk,
                        staff=person,
                        date=day,
                        checked_at=at,
                        temperature=temperature,
                        result=CheckResult.OFF_DUTY if symptom else CheckResult.FIT,
                        **({symptom: True} if symptom else {}),
                    )
                )
    MorningCheck.objects.bulk_create(checks, batch_size=2000)
    enter_on_their_day(MorningCheck, [c.pk for c in todo], start, today, at="checked_at")
    refresh_tallies(Canteen.objects.filter(pk__in=[c.pk for c in todo]), start, today)  # no signals


def _accounts(canteens: list[Canteen]) -> dict[int, list[User]]:
    """The canteen users of each canteen, by canteen id."""
    result: dict[int, list[User]] = {}
    rows = User.objects.filter(
        canteen__in=canteens, role__in=[Role.CANTEEN_MANAGER, Role.CANTEEN_STAFF], staff_member__isnull=True
    ).order_by("pk")
    for user in rows:
        assert user.canteen_id is not None
        result.setdefault(user.canteen_id, []).append(user)
    return result
