"""Scoped reads of staff, certificates and morning checks; the 晨检完成率 and 健康证持证率 metrics."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.schedule.models import MealPlan
from brightkitchen.schedule.selectors import DEFAULT_PLAN, CanteenCalendar, calendar_for
from brightkitchen.schools.metrics import Ratio
from brightkitchen.schools.models import Canteen
from brightkitchen.staff.models import (
    CERTIFICATE_EXPIRY_WARNING_DAYS,
    CertificateStatus,
    CheckResult,
    HealthCertificate,
    MorningCheck,
    StaffMember,
    TrainingRecord,
    certificate_status,
)


def today() -> datetime.date:
    return timezone.localdate()


def with_certificate_expiry(qs: QuerySet[StaffMember], on: datetime.date) -> QuerySet[StaffMember]:
    """Annotate `cert_expires_on`: the expiry of the current certificate (latest among those issued by
    `on`), None when the person has none."""
    return qs.annotate(
        cert_expires_on=Max("certificates__expires_on", filter=Q(certificates__issued_on__lte=on))
    )


def valid_certificate_q(on: datetime.date, staff_ref: str = "pk") -> Exists:
    """True for a staff member holding a certificate valid on `on` (expiring that very day included)."""
    return Exists(
        HealthCertificate.objects.filter(staff_id=OuterRef(staff_ref), issued_on__lte=on, expires_on__gte=on)
    )


def certificate_status_q(status: CertificateStatus, on: datetime.date) -> Q:
    """Filter for staff annotated by `with_certificate_expiry`."""
    warn_until = on + datetime.timedelta(days=CERTIFICATE_EXPIRY_WARNING_DAYS)
    if status == CertificateStatus.MISSING:
        return Q(cert_expires_on__isnull=True)
    if status == CertificateStatus.EXPIRED:
        return Q(cert_expires_on__lt=on)
    if status == CertificateStatus.EXPIRING:
        return Q(cert_expires_on__gte=on, cert_expires_on__lte=warn_until)
    return Q(cert_expires_on__gt=warn_until)


@dataclass(frozen=True)
class StaffFilters:
    canteen: int | None = None
    active: bool | None = None
    certificate_status: str = ""
    q: str = ""


def staff_for(
    user: AnyUser, filters: StaffFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[StaffMember]:
    f = filters or StaffFilters()
    on = today()
    qs = with_certificate_expiry(
        StaffMember.objects.visible_to(user, action).select_related(
            "canteen", "canteen__school__organisation"
        ),
        on,
    )
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.active is not None:
        qs = qs.filter(active=f.active)
    if f.certificate_status:
        qs = qs.filter(certificate_status_q(CertificateStatus(f.certificate_status), on))
    if f.q:
        qs = qs.filter(name__icontains=f.q)
    return qs.order_by("canteen_id", "name", "id")


def certificates_for(
    user: AnyUser, staff: int | None = None, canteen: int | None = None
) -> QuerySet[HealthCertificate]:
    qs = HealthCertificate.objects.visible_to(user).select_related("staff", "canteen")
    if staff is not None:
        qs = qs.filter(staff_id=staff)
    if canteen is not None:
        qs = qs.filter(canteen_id=canteen)
    return qs.order_by("staff_id", "-expires_on", "-id")


def morning_checks_for(
    user: AnyUser,
    canteen: int | None = None,
    staff: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    result: str = "",
) -> QuerySet[MorningCheck]:
    qs = MorningCheck.objects.visible_to(user).select_related("staff", "canteen")
    if canteen is not None:
        qs = qs.filter(canteen_id=canteen)
    if staff is not None:
        qs = qs.filter(staff_id=staff)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-date", "staff__name", "id")


def trainings_for(
    user: AnyUser,
    staff: int | None = None,
    canteen: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[TrainingRecord]:
    qs = TrainingRecord.objects.visible_to(user).select_related("staff", "canteen")
    if staff is not None:
        qs = qs.filter(staff_id=staff)
    if canteen is not None:
        qs = qs.filter(canteen_id=canteen)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("-date", "-id")


@dataclass
class BoardRow:
    """One staff member on the morning-check page."""

    staff: StaffMember
    status: CertificateStatus
    check: MorningCheck | None

    @property
    def may_work(self) -> bool:
        return self.status in (CertificateStatus.VALID, CertificateStatus.EXPIRING)


def morning_board(user: AnyUser, canteen: Canteen, on: datetime.date) -> list[BoardRow]:
    """Active staff of a canteen with their certificate status and their check of the day (two queries)."""
    staff = list(
        with_certificate_expiry(
            StaffMember.objects.visible_to(user).filter(canteen=canteen, active=True), on
        ).order_by("name", "id")
    )
    checks = {c.staff_id: c for c in MorningCheck.objects.filter(canteen=canteen, date=on)}
    return [
        BoardRow(s, certificate_status(getattr(s, "cert_expires_on", None), on), checks.get(s.pk))
        for s in staff
    ]


# --- The calendar of many canteens ------------------------------------------------------------------


def calendars_for(
    canteens: Iterable[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, CanteenCalendar]:
    """Each canteen's calendar: terms and holidays once per region, meal plans in one query."""
    by_region: dict[str, list[Canteen]] = defaultdict(list)
    for canteen in canteens:
        by_region[canteen.school.organisation.region_id].append(canteen)
    ids = [c.pk for group in by_region.values() for c in group]
    plans = {p.canteen_id: p for p in MealPlan.objects.filter(canteen_id__in=ids)}
    result: dict[int, CanteenCalendar] = {}
    for group in by_region.values():
        base = calendar_for(group[0], start, end)
        for canteen in group:
            plan = plans.get(canteen.pk) or DEFAULT_PLAN
            result[canteen.pk] = dataclasses.replace(
                base, weekdays={int(c) for c in plan.weekdays}, meals=plan.meals
            )
    return result


def _with_region(canteens: QuerySet[Canteen]) -> list[Canteen]:
    return list(canteens.select_related("school__organisation").order_by())


# --- Metrics -----------------------------------------------------------------------------------------


def morning_check_metric(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    """晨检完成率 per canteen: morning checks on service days / (active staff with a valid certificate on
    the period's last day × service days). Canteens with nothing expected are left out."""
    rows = _with_region(canteens)
    if not rows:
        return {}
    ids = [c.pk for c in rows]
    staff_counts = dict(
        StaffMember.objects.filter(canteen_id__in=ids, active=True)
        .filter(valid_certificate_q(end))
        .values("canteen_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("canteen_id", "n")
    )
    done_by_day: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for canteen_id, day, n in (
        MorningCheck.objects.filter(canteen_id__in=ids, date__range=(start, end))
        .values("canteen_id", "date")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("canteen_id", "date", "n")
    ):
        done_by_day[canteen_id][day] = n
    calendars = calendars_for([c for c in rows if staff_counts.get(c.pk)], start, end)
    result: dict[int, Ratio] = {}
    for canteen_id, calendar in calendars.items():
        days = calendar.service_days(start, end)
        staff = staff_counts[canteen_id]
        if not days:
            continue
        done = sum(min(done_by_day[canteen_id].get(d, 0), staff) for d in days)
        result[canteen_id] = Ratio(done, staff * len(days))
    return result


def health_certificate_metric(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, Ratio]:
    """健康证持证率 per canteen: active staff with a certificate valid on the period's last day / active
    staff."""
    rows = (
        StaffMember.objects.filter(canteen__in=canteens.order_by().values("pk"), active=True)
        .annotate(valid=valid_certificate_q(end))
        .values("canteen_id")
        .order_by()
        .annotate(total=Count("id"), held=Count("id", filter=Q(valid=True)))
    )
    return {row["canteen_id"]: Ratio(row["held"], row["total"]) for row in rows}


__all__ = [
    "BoardRow",
    "CheckResult",
    "StaffFilters",
    "calendars_for",
    "certificate_status_q",
    "certificates_for",
    "health_certificate_metric",
    "morning_board",
    "morning_check_metric",
    "morning_checks_for",
    "staff_for",
    "today",
    "valid_certificate_q",
    "with_certificate_expiry",
]
