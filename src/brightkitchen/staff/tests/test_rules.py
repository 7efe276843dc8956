"""The health rules: who is off duty, who may be checked in for duty, and when alerts are raised."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.schedule.models import CalendarDay, Term
from brightkitchen.staff import rules, services
from brightkitchen.staff.models import (
    CertificateStatus,
    CheckResult,
    HealthCertificate,
    MorningCheck,
    StaffMember,
    certificate_status,
    default_expiry,
)
from brightkitchen.staff.tests.fixtures import staff_fixture

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _person(world: World, expires_on: datetime.date | None, county: str = "a") -> StaffMember:
    staff = StaffMember.objects.create(canteen=world.canteens[county], name="测试员工")
    if expires_on is not None:
        HealthCertificate.objects.create(
            canteen=world.canteens[county],
            staff=staff,
            number="JK1",
            issued_on=expires_on - datetime.timedelta(days=365),
            expires_on=expires_on,
        )
    return staff


def _check(world: World, staff: StaffMember, temperature: str = "36.5", **symptoms: Any) -> MorningCheck:
    check, _created = services.record_morning_check(
        world.users["manager_a"], staff, temperature=Decimal(temperature), **symptoms
    )
    return check


@pytest.mark.parametrize(
    ("temperature", "symptoms", "result"),
    [
        ("37.2", {}, CheckResult.FIT),
        ("37.3", {}, CheckResult.OFF_DUTY),
        ("36.0", {"fever": True}, CheckResult.OFF_DUTY),
        ("36.0", {"diarrhoea": True}, CheckResult.OFF_DUTY),
        ("36.0", {"skin_wound": True}, CheckResult.OFF_DUTY),
        ("36.0", {"sore_throat": True}, CheckResult.OFF_DUTY),
        ("36.0", {"other_symptoms": "咳嗽"}, CheckResult.OFF_DUTY),
        ("36.0", {"other_symptoms": "   "}, CheckResult.FIT),
    ],
)
def test_any_symptom_or_37_3_takes_the_person_off_duty(
    world: World, temperature: str, symptoms: dict[str, Any], result: CheckResult
) -> None:
    staff = _person(world, timezone.localdate() + datetime.timedelta(days=100))
    check = _check(world, staff, temperature, **symptoms)
    check.refresh_from_db()
    assert check.result == result


def test_certificate_expiring_today_is_valid_today_and_expired_tomorrow() -> None:
    today = datetime.date(2026, 5, 10)
    assert certificate_status(today, today) == CertificateStatus.EXPIRING
    assert certificate_status(today, today + datetime.timedelta(days=1)) == CertificateStatus.EXPIRED
    assert certificate_status(today + datetime.timedelta(days=30), today) == CertificateStatus.EXPIRING
    assert certificate_status(today + datetime.timedelta(days=31), today) == CertificateStatus.VALID
    assert certificate_status(None, today) == CertificateStatus.MISSING


def test_default_expiry_is_one_year(world: World) -> None:
    assert default_expiry(datetime.date(2025, 3, 1)) == datetime.date(2026, 3, 1)
    assert default_expiry(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    staff = _person(world, None)
    cert = HealthCertificate.objects.create(
        canteen=world.canteens["a"], staff=staff, number="X", issued_on=datetime.date(2025, 6, 1)
    )
    assert cert.expires_on == datetime.date(2026, 6, 1)


def test_certificate_expiring_today_may_work(world: World) -> None:
    staff = _person(world, timezone.localdate())
    assert _check(world, staff).result == CheckResult.FIT


@pytest.mark.parametrize("expires", [-1, None])
def test_without_a_valid_certificate_the_check_is_kept_as_not_allowed_on_duty(
    world: World, expires: int | None
) -> None:
    """The check is recorded, not refused: its result 不得上岗 is the record that the person was sent
    home (a fever still reads as off duty, which it also is)."""
    on = timezone.localdate()
    staff = _person(world, None if expires is None else on + datetime.timedelta(days=expires))
    check = _check(world, staff)
    assert check.result == CheckResult.UNCERTIFIED and not check.certified
    assert MorningCheck.objects.get(staff=staff).get_result_display() == "不得上岗：无有效健康证"
    other = _person(world, None if expires is None else on + datetime.timedelta(days=expires))
    assert _check(world, other, "38.0").result == CheckResult.OFF_DUTY


def test_one_check_per_person_per_day(world: World) -> None:
    staff = _person(world, timezone.localdate() + datetime.timedelta(days=90))
    _check(world, staff)
    with pytest.raises(Conflict) as caught:
        _check(world, staff)
    assert caught.value.field == "staff"


def test_inactive_staff_cannot_be_checked(world: World) -> None:
    staff = _person(world, timezone.localdate() + datetime.timedelta(days=90))
    staff.active = False
    staff.save()
    with pytest.raises(FieldError) as caught:
        _check(world, staff)
    assert caught.value.field == "staff"


# --- Alerts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expiring", "expired"),
    [(31, False, False), (30, True, False), (0, True, False), (-1, False, True)],
)
def test_certificate_alert_boundaries(world: World, days: int, expiring: bool, expired: bool) -> None:
    day = timezone.localdate()
    staff = _person(world, day + datetime.timedelta(days=days))
    warn = [
        f
        for f in rules.certificate_expiring_findings(day)
        if f.subject_key.startswith(f"health_certificate:{staff.pk}:")
    ]
    crit = [
        f
        for f in rules.certificate_expired_findings(day)
        if f.subject_key.startswith(f"health_certificate:{staff.pk}:")
    ]
    assert bool(warn) == expiring and bool(crit) == expired
    for finding in warn + crit:
        assert finding.canteen_id == world.canteens["a"].pk
        assert finding.link == f"/staff/{staff.pk}/"


def test_renewal_closes_the_alert_and_leavers_raise_none(world: World) -> None:
    day = timezone.localdate()
    staff = _person(world, day - datetime.timedelta(days=3))
    assert any(str(staff.pk) in f.subject_key for f in rules.certificate_expired_findings(day))
    HealthCertificate.objects.create(
        canteen=world.canteens["a"], staff=staff, number="JK-new", issued_on=day - datetime.timedelta(days=2)
    )
    assert not any(str(staff.pk) in f.subject_key for f in rules.certificate_expired_findings(day))
    gone = _person(world, None)
    gone.active = False
    gone.save()
    assert not any(f":{gone.pk}:" in f.subject_key for f in rules.certificate_expired_findings(day))


def _school_term(day: datetime.date) -> None:
    Term.objects.create(
        region_id="14",
        name="春季学期",
        starts_on=day - datetime.timedelta(days=60),
        ends_on=day + datetime.timedelta(days=60),
    )


def _monday() -> datetime.date:
    day = timezone.localdate() - datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def test_morning_check_missing_after_ten_on_a_service_day(world: World) -> None:
    monday = _monday()
    _school_term(monday)
    staff_fixture(world, "a")
    staff_fixture(world, "b")
    MorningCheck.objects.filter(date=monday).delete()
    MorningCheck.objects.bulk_create(
        [
            MorningCheck(
                canteen=world.canteens["b"],
                staff=staff_fixture(world, "b").cook,
                date=monday,
                temperature=Decimal("36.4"),
                result=CheckResult.FIT,
            )
        ]
    )
    assert rules.morning_check_missing_findings(monday, _at(monday, 9, 59)) == []
    findings = rules.morning_check_missing_findings(monday, _at(monday, 10, 0))
    assert [(f.canteen_id, f.subject_key) for f in findings] == [
        (world.canteens["a"].pk, f"morning_check:{monday.isoformat()}")
    ]
    # Any later sweep still sees that day as missed; a day in the future is never missing.
    assert len(rules.morning_check_missing_findings(monday, _at(monday + datetime.timedelta(days=2), 8))) == 1
    assert rules.morning_check_missing_findings(monday + datetime.timedelta(days=1), _at(monday, 12)) == []


def test_no_missing_check_on_a_holiday_weekend_or_outside_term(world: World) -> None:
    monday = _monday()
    staff_fixture(world, "a")
    assert rules.morning_check_missing_findings(monday, _at(monday, 12)) == []  # no term: holidays
    _school_term(monday)
    CalendarDay.objects.create(region_id="1407", date=monday, name="劳动节")
    assert rules.morning_check_missing_findings(monday, _at(monday, 12)) == []
    saturday = monday + datetime.timedelta(days=5)
    assert rules.morning_check_missing_findings(saturday, _at(saturday, 12)) == []
    tuesday = monday + datetime.timedelta(days=1)
    assert len(rules.morning_check_missing_findings(tuesday, _at(tuesday, 12))) == 1


def test_rules_are_registered() -> None:
    from brightkitchen.alerts.rules import registered_rules

    assert {"health_certificate_expiring", "health_certificate_expired", "morning_check_missing"} <= set(
        registered_rules()
    )
