"""Scoped reads of staff, certificates and morning checks; the 晨检完成率 and 健康证持证率 metrics."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from brightkitchen.core.days import today
from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.schools.metrics import MetricInput, Ratio
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import daily_counts
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
    for member in staff:
        member.canteen = canteen  # the one canteen asked for: a check recorded for a row needs no query
    checks = {c.staff_id: c for c in MorningCheck.objects.filter(canteen=canteen, date=on)}
    return [
        BoardRow(s, certificate_status(getattr(s, "cert_expires_on", None), on), checks.get(s.pk))
        for s in staff
    ]


# --- Metrics -----------------------------------------------------------------------------------------


def morning_check_metric(scope: MetricInput) -> dict[str, Ratio]:
    """晨检完成率 per region: morning checks on service days of people allowed on duty that day / people
    allowed on duty (active, with a valid health certificate) summed over the service days. Regions with
    nothing expected are left out."""
    return scope.tally_ratio("morning_checks", "on_duty")


def health_certificate_metric(scope: MetricInput) -> dict[str, Ratio]:
    """健康证持证率 per region: active staff with a certificate valid on the period's last day / active
    staff."""
    return scope.tally_ratio("certified_staff", "staff")


def morning_check_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date, *, on_time: bool = False
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, people checked who were allowed on duty that day): the morning-check marks
    (`on_time`: only the checks entered on their day)."""
    checks = MorningCheck.objects.filter(
        canteen__in=canteens.values("pk"), date__range=(start, end), staff__active=True
    ).filter(valid_certificate_q_on_day())
    return daily_counts(checks, on_time=on_time)


def valid_certificate_q_on_day() -> Exists:
    """For morning checks: the person held a certificate valid on the day of the check."""
    return Exists(
        HealthCertificate.objects.filter(
            staff_id=OuterRef("staff_id"), issued_on__lte=OuterRef("date"), expires_on__gte=OuterRef("date")
        )
    )


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def on_duty_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, active staff holding a valid certificate that day): who may be put on duty."""
    covered: dict[int, set[datetime.date]] = defaultdict(set)
    canteen_of: dict[int, int] = {}
    certificates = HealthCertificate.objects.filter(
        staff__canteen__in=canteens.values("pk"),
        staff__active=True,
        issued_on__lte=end,
        expires_on__gte=start,
    ).values_list("staff_id", "staff__canteen_id", "issued_on", "expires_on")
    for staff_id, canteen_id, issued_on, expires_on in certificates.iterator(chunk_size=10000):
        canteen_of[staff_id] = canteen_id
        covered[staff_id].update(_days(max(issued_on, start), min(expires_on, end)))
    counts: Counter[tuple[int, datetime.date]] = Counter()
    for staff_id, days in covered.items():
        canteen_id = canteen_of[staff_id]
        for day in days:
            counts[canteen_id, day] += 1
    return ((canteen_id, day, n) for (canteen_id, day), n in counts.items())


def staff_days(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, active staff) for every day of the period: the roll, the same each day."""
    rows = (
        StaffMember.objects.filter(canteen__in=canteens.values("pk"), active=True)
        .order_by()
        .values_list("canteen_id")
        .annotate(n=Count("pk"))
    )
    days = _days(start, end)
    return ((canteen_id, day, n) for canteen_id, n in rows for day in days)


__all__ = [
    "BoardRow",
    "CheckResult",
    "StaffFilters",
    "certificate_status_q",
    "certificates_for",
    "health_certificate_metric",
    "morning_board",
    "morning_check_metric",
    "morning_check_days",
    "on_duty_days",
    "staff_days",
    "morning_checks_for",
    "staff_for",
    "valid_certificate_q",
    "with_certificate_expiry",
]
