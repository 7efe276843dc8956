"""A year of supervision for the Guangdong data set, written in bulk: what `brightkitchen bench
dashboard` measures the dashboards on.

Over the twelve months up to today: rectification notices at Guangdong's 2020 pace (4,875 for 26,700
canteens) in every state — most closed (a few after their deadline), some awaiting review, some
returned, some still owed and past their deadline (those escalated) — with their steps; alerts at a
few per canteen a year, nearly all closed within days; and each month a province-wide online patrol
of 2,000 canteens (Hebei's quota) drawn by the patrol service, most patrolled, with findings at the
pace of Guangdong's 11,815 problems a year.

Like the records history, rows go in with bulk_create (no per-row audit entries; one summary entry
records the import), in one transaction, and a second run writes nothing: rows carry the source
reference `bench:` so they are found again."""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert, ClosedReason, SeverityChoice
from brightkitchen.audit.models import AuditAction
from brightkitchen.audit.services import record
from brightkitchen.demo.bulk import analyze
from brightkitchen.demo.guangdong import PROVINCE
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.patrols import services as patrols
from brightkitchen.patrols.checklist import CODES
from brightkitchen.patrols.models import AssignmentState, PatrolAssignment, PatrolFinding, PatrolRecord
from brightkitchen.rectifications.models import (
    NoticeSource,
    NoticeState,
    RectificationNotice,
    RectificationStep,
    StepKind,
)
from brightkitchen.schools.models import Canteen

NOTICES_PER_CANTEEN_YEAR = 4875 / 26700
PATROL_QUOTA = 2000
# Findings per patrol: Guangdong found 11,815 problems in a year; about 22,000 patrols here.
FINDINGS_PER_PATROL = (0, 0, 0, 1, 1, 1, 2)
ALERTS_PER_CANTEEN_YEAR = 4
MONTHS = 12
BATCH = 5000
MARK = "bench:"
_SOURCES = (
    [NoticeSource.PATROL] * 6 + [NoticeSource.INSPECTION] * 2 + [NoticeSource.CAMERA, NoticeSource.COMPLAINT]
)


@dataclass
class SupervisionResult:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def has_year(prefix: str) -> bool:
    return RectificationNotice.objects.filter(
        source_ref__startswith=MARK, canteen__school__organisation__region__code__startswith=prefix
    ).exists()


def write_year(
    planner: User, prefix: str = PROVINCE, seed: int = 44, today: datetime.date | None = None
) -> SupervisionResult:
    """`planner` is the region's regulator who makes and draws the monthly patrol plans."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    result = SupervisionResult()
    if has_year(prefix):
        return result
    rng = random.Random(seed)
    canteens = list(
        Canteen.objects.filter(school__organisation__region__code__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    issuer = Organisation.objects.filter(kind=OrganisationKind.REGULATOR, region_id=prefix).first()
    if issuer is None:
        issuer = Organisation.objects.filter(kind=OrganisationKind.REGULATOR).order_by("pk").first()
    if not canteens or issuer is None:
        return result
    with transaction.atomic():
        notices, steps = _notices(rng, canteens, issuer, today)
        result.rows["rectification notices"] = len(notices)
        result.rows["rectification steps"] = steps
        result.rows["alerts"] = _alerts(rng, canteens, today)
        quota = min(PATROL_QUOTA, max(1, len(canteens) // 10))  # a small city patrols a tenth a month
        result.rows.update(_patrols(rng, planner, today, seed, quota))
        record(
            AuditAction.IMPORT,
            None,
            after={"region": prefix, "seed": seed, **result.rows},
            region_code=prefix,
            description=f"bench dashboard {prefix}: a year of supervision, {result.total_rows} rows",
        )
    analyze([RectificationNotice, RectificationStep, Alert, PatrolAssignment, PatrolRecord, PatrolFinding])
    result.seconds = time.perf_counter() - started
    return result


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _notices(
    rng: random.Random, canteens: list[int], issuer: Organisation, today: datetime.date
) -> tuple[list[RectificationNotice], int]:
    per_month = max(1, round(len(canteens) * NOTICES_PER_CANTEEN_YEAR / MONTHS))
    first = today - datetime.timedelta(days=365)
    notices: list[RectificationNotice] = []
    plans = []
    for index in range(per_month * MONTHS):
        issued_on = first + datetime.timedelta(days=rng.randrange(366))
        deadline = issued_on + datetime.timedelta(days=14)
        past = deadline < today
        roll = rng.random()
        history: list[tuple[StepKind, str, str, datetime.date]] = [
            (StepKind.ISSUED, "", NoticeState.ISSUED, issued_on)
        ]
        responded_on = min(today, issued_on + datetime.timedelta(days=rng.randint(2, 18)))
        if roll < (0.80 if past else 0.30):
            closed_on = min(today, responded_on + datetime.timedelta(days=rng.randint(0, 3)))
            history += [
                (StepKind.RESPONDED, NoticeState.ISSUED, NoticeState.RESPONDED, responded_on),
                (StepKind.CLOSED, NoticeState.RESPONDED, NoticeState.CLOSED, closed_on),
            ]
        elif roll < (0.88 if past else 0.60):
            history.append((StepKind.RESPONDED, NoticeState.ISSUED, NoticeState.RESPONDED, responded_on))
        elif roll < (0.93 if past else 0.65):
            history += [
                (StepKind.RESPONDED, NoticeState.ISSUED, NoticeState.RESPONDED, responded_on),
                (StepKind.RETURNED, NoticeState.RESPONDED, NoticeState.RETURNED, responded_on),
            ]
        state = history[-1][2]
        closed_at = _at(history[-1][3], rng) if state == NoticeState.CLOSED else None
        escalated = past and state in (NoticeState.ISSUED, NoticeState.RETURNED)
        notices.append(
            RectificationNotice(
                canteen_id=rng.choice(canteens),
                issued_by_org=issuer,
                problem=f"巡查发现问题 {index + 1}",
                source_kind=rng.choice(_SOURCES),
                source_ref=f"{MARK}{index}",
                issued_on=issued_on,
                working_days=10,
                deadline=deadline,
                remind_on=deadline - datetime.timedelta(days=2),
                state=state,
                closed_at=closed_at,
                escalated_to=issuer if escalated else None,
                escalated_at=_at(deadline + datetime.timedelta(days=1), rng) if escalated else None,
            )
        )
        plans.append(history)
    RectificationNotice.objects.bulk_create(notices, batch_size=BATCH)
    steps = [
        RectificationStep(notice=notice, kind=kind, at=_at(day, rng), state_before=before, state_after=after)
        for notice, history in zip(notices, plans, strict=True)
        for kind, before, after, day in history
    ]
    RectificationStep.objects.bulk_create(steps, batch_size=BATCH)
    return notices, len(steps)


def _alerts(rng: random.Random, canteens: list[int], today: datetime.date) -> int:
    count = len(canteens) * ALERTS_PER_CANTEEN_YEAR
    first = today - datetime.timedelta(days=365)
    rows: list[Alert] = []
    for index in range(count):
        opened = _at(first + datetime.timedelta(days=rng.randrange(366)), rng)
        still_open = (timezone.localdate(opened) > today - datetime.timedelta(days=20)) and rng.random() < 0.3
        closed = None if still_open else opened + datetime.timedelta(hours=rng.randint(1, 24 * 6))
        rows.append(
            Alert(
                kind="bench.records",
                canteen_id=rng.choice(canteens),
                subject_key=f"{MARK}{index}",
                severity=rng.choice([SeverityChoice.WARNING, SeverityChoice.CRITICAL]),
                message="记录未按时填报",
                opened_at=opened,
                last_seen_at=closed or opened,
                closed_at=closed,
                closed_reason=ClosedReason.RESOLVED if closed else "",
                resolved_at=closed,
            )
        )
        if len(rows) >= BATCH:
            Alert.objects.bulk_create(rows)
            rows = []
    Alert.objects.bulk_create(rows)
    return count


def _patrols(
    rng: random.Random, planner: User, today: datetime.date, seed: int, quota: int
) -> dict[str, int]:
    """A plan of `quota` canteens for each of the twelve months, drawn by the patrol service;
    most assignments patrolled during their month, with findings at Guangdong's pace."""
    month = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    plans = []
    for index, first in enumerate(reversed(months)):
        plan, _created = patrols.create_plan(planner, period=first, quota=quota, seed=seed + index)
        patrols.draw(planner, plan.pk, now=_at(first, rng))
        plans.append(plan)
    assignments = list(PatrolAssignment.objects.filter(plan__in=plans).select_related("plan"))
    records: list[PatrolRecord] = []
    done: list[PatrolAssignment] = []
    for assignment in assignments:
        first = assignment.plan.period
        last = min(today, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1))
        share = 0.92 if last < today else 0.92 * (today.day / 30)
        if rng.random() < share:
            assignment.state = AssignmentState.DONE
            assignment.patrolled_by = planner
            assignment.patrolled_at = _at(
                first + datetime.timedelta(days=rng.randrange((last - first).days + 1)), rng
            )
            done.append(assignment)
            records.append(PatrolRecord(assignment=assignment))
    PatrolAssignment.objects.bulk_update(done, ["state", "patrolled_by", "patrolled_at"], batch_size=BATCH)
    PatrolRecord.objects.bulk_create(records, batch_size=BATCH)
    findings = [
        PatrolFinding(record=record, item=item, photo="bench/snapshot.jpg")
        for record in records
        for item in rng.sample(CODES, k=rng.choice(FINDINGS_PER_PATROL))
    ]
    PatrolFinding.objects.bulk_create(findings, batch_size=BATCH)
    return {
        "patrol plans": len(plans),
        "patrol assignments": len(assignments),
        "patrol records": len(records),
        "patrol findings": len(findings),
    }
