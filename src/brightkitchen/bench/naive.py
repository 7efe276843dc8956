"""Naive baselines: the same answers as the API, computed the way a first version often does.

They use the same jurisdiction rule and the same output schema as the project, so their answers can be
compared with the project's, and differ only in where the work happens: in Python over every row of
the user's jurisdiction, or in one query per region and figure.
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from typing import Any, cast

import cv2
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Sum

from brightkitchen.cameras.probe import Frame
from brightkitchen.core.days import today
from brightkitchen.core.scoping import AnyUser
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import children_of
from brightkitchen.schools.api import CanteenOut
from brightkitchen.schools.models import Canteen, LicenceStatus, RiskGrade
from brightkitchen.schools.selectors import licence_status_q


def canteen_page(user: AnyUser, *, risk_grade: str, region: str, limit: int, offset: int) -> dict[str, Any]:
    """Load every canteen the user may see, then filter, count and slice the list in Python."""
    everything = Canteen.objects.visible_to(user).select_related("school__organisation__region")
    everything = everything.order_by("id")
    matching = [
        c
        for c in everything
        if c.risk_grade == risk_grade and c.school.organisation.region_id.startswith(region)
    ]
    items = [CanteenOut.of(c).model_dump(mode="json") for c in matching[offset : offset + limit]]
    return {"items": items, "count": len(matching)}


def region_summary(user: AnyUser, code: str) -> list[dict[str, Any]]:
    """Per child region, one query for each figure (13 queries a region)."""
    regions = list(children_of(code)) or list(Region.objects.filter(code=code))
    on = today()
    rows = []
    for region in regions:
        qs = Canteen.objects.visible_to(user)
        qs = qs.filter(school__organisation__region__code__startswith=region.code)
        row: dict[str, Any] = {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "schools": qs.values("school_id").distinct().count(),
            "canteens": qs.count(),
            "diners": qs.aggregate(n=Sum("diners"))["n"] or 0,
        }
        for status in LicenceStatus:
            row[f"licence_{status.value}"] = qs.filter(licence_status_q(status, on)).count()
        row["risk"] = {grade.value: qs.filter(risk_grade=grade.value).count() for grade in RiskGrade}
        rows.append(row)
    return rows


def completeness_totals(
    user: AnyUser, region: str, start: datetime.date, end: datetime.date
) -> dict[str, tuple[int, int]]:
    """(done, expected) of every completeness metric over the canteens the user may see in `region`,
    read from the records themselves one canteen at a time, each rule written out plainly: no tallies,
    no grouping by calendar."""
    from brightkitchen.hygiene.models import CleaningTarget, HygieneKind, HygieneRecord
    from brightkitchen.purchases.models import Decision, PurchaseInspection
    from brightkitchen.records.models import AccompaniedMeal, CompanionKind, SampleRetention
    from brightkitchen.schedule.selectors import calendar_for
    from brightkitchen.selfcheck.models import CheckKind, SelfInspection
    from brightkitchen.staff.models import HealthCertificate, MorningCheck, StaffMember
    from brightkitchen.staff.selectors import valid_certificate_q

    totals: dict[str, list[int]] = {}

    def add(key: str, done: int, expected: int) -> None:
        pair = totals.setdefault(key, [0, 0])
        pair[0] += done
        pair[1] += expected

    canteens = Canteen.objects.visible_to(user).select_related("school__organisation")
    for canteen in canteens.filter(school__organisation__region__code__startswith=region).order_by("pk"):
        calendar = calendar_for(canteen, start, end)
        days = set(calendar.service_days(start, end))
        served = {(day, meal.value) for day in days for meal in calendar.meals}
        samples = SampleRetention.objects.filter(canteen=canteen, date__range=(start, end))
        add("sample_retention", len(served & set(samples.values_list("date", "meal"))), len(served))
        leaders = AccompaniedMeal.objects.filter(
            canteen=canteen, date__range=(start, end), companion_kind=CompanionKind.LEADER
        )
        add("accompanied_meal", len(served & set(leaders.values_list("date", "meal"))), len(served))
        staff = StaffMember.objects.filter(canteen=canteen, active=True)
        held = set(staff.filter(valid_certificate_q(end)).values_list("pk", flat=True))
        add("health_certificate", len(held), staff.count())
        # A person is on duty on a day their certificate covers; their checks count on such days only.
        covers: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
        for person, issued_on, expires_on in HealthCertificate.objects.filter(staff__in=staff).values_list(
            "staff_id", "issued_on", "expires_on"
        ):
            covers.setdefault(person, []).append((issued_on, expires_on))

        checks = MorningCheck.objects.filter(canteen=canteen, date__range=(start, end))
        add(
            "morning_check",
            sum(
                1
                for person, day in checks.values_list("staff_id", "date")
                if day in days and _covered(covers, person, day)
            ),
            sum(1 for day in days for person in covers if _covered(covers, person, day)),
        )
        accepted = PurchaseInspection.objects.filter(
            canteen=canteen, delivered_on__range=(start, end), decision=Decision.ACCEPTED
        )
        add(
            "purchase_certificates",
            accepted.filter(certificates__isnull=False).distinct().count(),
            accepted.count(),
        )
        cleaned = HygieneRecord.objects.filter(
            canteen=canteen,
            date__range=(start, end),
            kind=HygieneKind.CLEANING,
            target=CleaningTarget.TABLEWARE,
        )
        add("disinfection", len(days & set(cleaned.values_list("date", flat=True))), len(days))
        serving = days if calendar.meals else set()
        reports = SelfInspection.objects.filter(
            canteen=canteen, kind=CheckKind.DAILY, period__range=(start, end)
        )
        add("self_inspection", len(serving & set(reports.values_list("period", flat=True))), len(serving))
    return {key: (done, expected) for key, (done, expected) in totals.items()}


def _covered(
    covers: dict[int, list[tuple[datetime.date, datetime.date]]], person: int, day: datetime.date
) -> bool:
    return any(issued_on <= day <= expires_on for issued_on, expires_on in covers.get(person, []))


def as_json(value: Any) -> bytes:
    """Serialise like the API does, so the baseline pays for its output too."""
    return json.dumps(value, cls=DjangoJSONEncoder).encode()


def dashboard_totals(
    user: AnyUser, region: str, start: datetime.date, end: datetime.date
) -> dict[str, tuple[int, int]]:
    """The dashboard's supervision figures over the canteens the user may see in `region`, one canteen
    at a time with each definition written out in Python (see dashboards/figures.py), plus every
    completeness metric from the records (`completeness_totals`), keyed like the dashboard's totals."""
    from django.utils import timezone

    from brightkitchen.alerts.models import Alert
    from brightkitchen.patrols.models import AssignmentState, PatrolAssignment, PatrolFinding
    from brightkitchen.rectifications.models import NoticeSource, NoticeState, RectificationNotice

    end = min(end, timezone.localdate())
    stale_before = end - datetime.timedelta(days=3)
    totals: dict[str, list[int]] = {}

    def add(key: str, done: int, expected: int = 0) -> None:
        pair = totals.setdefault(key, [0, 0])
        pair[0] += done
        pair[1] += expected

    def local_day(moment: datetime.datetime | None) -> datetime.date | None:
        return None if moment is None else timezone.localdate(moment)

    canteens = Canteen.objects.visible_to(user).filter(school__organisation__region__code__startswith=region)
    for canteen in canteens.order_by("pk"):
        add("canteens", 1)
        issued = closed_in = on_time = issued_closed = overdue = escalated = complaints = 0
        for notice in RectificationNotice.objects.filter(canteen=canteen):
            closed_on = local_day(notice.closed_at)
            if start <= notice.issued_on <= end:
                issued += 1
                issued_closed += notice.state == NoticeState.CLOSED
                complaints += notice.source_kind == NoticeSource.COMPLAINT
            if closed_on is not None and start <= closed_on <= end:
                closed_in += 1
                on_time += closed_on <= notice.deadline
            if notice.issued_on <= end and not (closed_on is not None and closed_on <= end):
                overdue += notice.deadline < end
            escalated_on = local_day(notice.escalated_at)
            escalated += escalated_on is not None and start <= escalated_on <= end
        add("notices_issued", issued)
        add("rectification_rate", issued_closed, issued)
        add("rectified_on_time", on_time, closed_in)
        add("canteens_rectified", 1 if closed_in else 0)
        add("overdue_notices", overdue)
        add("escalated", escalated)
        add("complaints", complaints)
        open_alerts = stale = 0
        for alert in Alert.objects.filter(canteen=canteen):
            opened_on, closed_on = local_day(alert.opened_at), local_day(alert.closed_at)
            assert opened_on is not None
            if opened_on <= end and not (closed_on is not None and closed_on <= end):
                open_alerts += 1
                stale += opened_on < stale_before
        add("open_alerts", open_alerts)
        add("overdue_alerts", stale)
        drawn = done = problems = 0
        for assignment in PatrolAssignment.objects.filter(canteen=canteen).select_related("plan"):
            if start <= assignment.plan.period <= end:
                drawn += 1
                patrolled_on = local_day(assignment.patrolled_at)
                if assignment.state == AssignmentState.DONE and patrolled_on and start <= patrolled_on <= end:
                    done += 1
                    problems += PatrolFinding.objects.filter(record__assignment=assignment).count()
        add("patrol_completion", done, drawn)
        add("patrolled", done)
        add("patrol_problems", problems)
    for key, (done, expected) in completeness_totals(user, region, start, end).items():
        add(f"records.{key}", done, expected)
    return {key: (done, expected) for key, (done, expected) in totals.items()}


@dataclass(frozen=True)
class NaiveProbeResult:
    online: bool
    frame: Frame | None
    frame_at: datetime.datetime | None
    elapsed_s: float


def probe_naive(url: str, *, timeout_s: float = 5.0) -> NaiveProbeResult:
    """The benchmark baseline: OpenCV opens the source and decodes every frame until it gets one."""
    started = time.monotonic()
    capture = cv2.VideoCapture()
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        int(timeout_s * 1000),
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        int(timeout_s * 1000),
    ]
    try:
        if not capture.open(url, cv2.CAP_FFMPEG, params):
            return NaiveProbeResult(False, None, None, time.monotonic() - started)
        while time.monotonic() - started < timeout_s:
            ok, image = capture.read()
            if ok and image is not None:
                frame = cast(Frame, image)
                return NaiveProbeResult(
                    True, frame, datetime.datetime.now(datetime.UTC), time.monotonic() - started
                )
            if not ok:
                break
        return NaiveProbeResult(False, None, None, time.monotonic() - started)
    finally:
        capture.release()
