"""Alert rules for staff health: certificates expiring or expired, and a missing morning check. Each is a
few set-based queries over all canteens (see alerts.rules)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity
from brightkitchen.core.texts import Text
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.staff.models import CERTIFICATE_EXPIRY_WARNING_DAYS, MorningCheck, StaffMember

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING_CHECK_DEADLINE = datetime.time(10, 0)  # a check not done by 10:00 is missing


def _current_expiry(day: datetime.date) -> Iterable[tuple[int, int, str, datetime.date | None]]:
    """(staff id, canteen id, name, expiry of the current certificate) of every active staff member."""
    return (
        StaffMember.objects.filter(active=True)
        .annotate(expires=Max("certificates__expires_on", filter=Q(certificates__issued_on__lte=day)))
        .values_list("pk", "canteen_id", "name", "expires")
        .order_by("canteen_id", "pk")
    )


def _link(staff_id: int) -> str:
    return reverse("staff:detail", args=[staff_id])


def certificate_expiring_findings(day: datetime.date) -> list[Finding]:
    """Active staff whose current certificate expires within 30 days (expiring today included)."""
    until = day + datetime.timedelta(days=CERTIFICATE_EXPIRY_WARNING_DAYS)
    return [
        Finding(
            canteen_id=canteen_id,
            subject_key=f"health_certificate:{staff_id}:{expires.isoformat()}",
            severity=Severity.WARNING,
            message=Text(
                gettext_noop("The health certificate of %(name)s expires on %(date)s."),
                {"name": name, "date": expires.isoformat()},
            ),
            link=_link(staff_id),
        )
        for staff_id, canteen_id, name, expires in _current_expiry(day)
        if expires is not None and day <= expires <= until
    ]


def certificate_expired_findings(day: datetime.date) -> list[Finding]:
    """Active staff whose certificate has expired, or who have none: they may not work."""
    findings = []
    for staff_id, canteen_id, name, expires in _current_expiry(day):
        if expires is None:
            message = Text(
                gettext_noop("%(name)s has no health certificate and may not work in the kitchen."),
                {"name": name},
            )
            key = f"health_certificate:{staff_id}:none"
        elif expires < day:
            message = Text(
                gettext_noop("The health certificate of %(name)s expired on %(date)s; they may not work."),
                {
                    "name": name,
                    "date": expires.isoformat(),
                },
            )
            key = f"health_certificate:{staff_id}:{expires.isoformat()}"
        else:
            continue
        findings.append(Finding(canteen_id, key, Severity.CRITICAL, message, _link(staff_id)))
    return findings


def morning_check_missing_findings(day: datetime.date, now: datetime.datetime | None = None) -> list[Finding]:
    """Canteens with active staff and no morning check on `day`, when `day` is one of their service days
    and 10:00 (Beijing time) has passed."""
    local_now = (now or timezone.now()).astimezone(SHANGHAI)
    if day > local_now.date() or (day == local_now.date() and local_now.time() < MORNING_CHECK_DEADLINE):
        return []
    staffed = set(StaffMember.objects.filter(active=True).values_list("canteen_id", flat=True).distinct())
    checked = set(MorningCheck.objects.filter(date=day).values_list("canteen_id", flat=True).distinct())
    candidates = list(
        Canteen.objects.filter(pk__in=staffed - checked).select_related("school__organisation").order_by("pk")
    )
    if not candidates:
        return []
    calendars = calendars_for(candidates, day, day)
    return [
        Finding(
            canteen_id=canteen.pk,
            subject_key=f"morning_check:{day.isoformat()}",
            severity=Severity.WARNING,
            message=Text(
                gettext_noop("No morning check of the staff was recorded on %(date)s."),
                {"date": day.isoformat()},
            ),
            link=reverse("staff:morning_check", args=[canteen.pk]),
        )
        for canteen in candidates
        if calendars[canteen.pk].is_service_day(day)
    ]


def register() -> None:
    from brightkitchen.alerts.rules import register_rule

    register_rule(
        "health_certificate_expiring",
        certificate_expiring_findings,
        label=gettext_lazy("Health certificate expiring"),
    )
    register_rule(
        "health_certificate_expired",
        certificate_expired_findings,
        label=gettext_lazy("Health certificate expired"),
    )
    register_rule(
        "morning_check_missing", morning_check_missing_findings, label=gettext_lazy("Morning check missing")
    )
