"""Risk signals (风险因素): what a canteen's risk grade is computed from, each measured over a period
for a whole set of canteens at once (a few grouped queries, whatever the number: a province has
26,700 canteens), and each turned into points. The grade follows from the sum of the points.

Apps add signals with `register_signal(RiskSignal(...))` from their AppConfig `ready()`; this app
registers the built-in ones below. Cameras count through the video app's signals (offline episodes and
picture clarity, cameras/figures.py), once each: the rectification notices a regulator opens from a
camera's health event (source "camera") are not counted again here.

Points of the built-in signals (period: the last 12 months up to the assessment day):

| Signal | Measured value | Points |
|---|---|---|
| violations | notices of source patrol, inspection or AI capture | 2 each, at most 20 |
| overdue_rectifications | notices escalated, or still open after their deadline | 5 each, at most 20 |
| missing_records | % of due retained samples and morning checks missed | ≥ 5 %: 3, ≥ 20 %: 8, ≥ 50 %: 15 |
| expired_certificates | licence expired or missing on the last day (counts 1): it must not operate | 45 (D) |
|  | and each active staff member without a valid health certificate | 10 each, at most 20 |
| complaints | notices of source complaint | 3 each, at most 15 |
| inspection_results | dynamic grade; annual grade | fair +10, excellent −5; C +10, A −5 |

Notices count when issued in the period. Incident reports add their own signal (incidents/figures.py:
an open one by severity, 25 or 45; a closed one within the period, 10), cameras theirs.

Score (the points added up, never below 0) → grade:

| Score | Grade | Inspections a year |
|---|---|---|
| 0–9 | A | 1 |
| 10–24 | B | 1–2 |
| 25–44 | C | 2–3 |
| 45 and more | D | 3–4 |
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brightkitchen.rectifications.models import NoticeSource, NoticeState, RectificationNotice
from brightkitchen.schedule.models import Meal, MealPlan
from brightkitchen.schools.models import AnnualGrade, Canteen, DynamicGrade, LicenceStatus, RiskGrade
from brightkitchen.schools.selectors import licence_status_q
from brightkitchen.schools.tallies import (
    PLAN_FIELDS,
    Due,
    DueMasks,
    TallyGroup,
    group_key,
    group_values,
    registered_tallies,
)

# --- Points (see the table above) -----------------------------------------------------------------------

VIOLATION_SOURCES = (NoticeSource.PATROL, NoticeSource.INSPECTION, NoticeSource.AI_CAPTURE)
VIOLATION_POINTS, VIOLATION_MAX = 2, 20
OVERDUE_POINTS, OVERDUE_MAX = 5, 20
COMPLAINT_POINTS, COMPLAINT_MAX = 3, 15
# (missed share in %, points), highest first: the first row the share reaches gives the points.
MISSING_RECORD_POINTS: tuple[tuple[int, int], ...] = ((50, 15), (20, 8), (5, 3))
# A canteen without a valid licence must not operate (食品安全法 第三十五条): the highest grade on its own.
LICENCE_EXPIRED_POINTS = 45
# Food handlers need a valid health certificate to work (食品安全法 第四十五条): one such person is a B.
UNCERTIFIED_STAFF_POINTS, UNCERTIFIED_STAFF_MAX = 10, 20
DYNAMIC_GRADE_POINTS: dict[str, int] = {DynamicGrade.EXCELLENT: -5, DynamicGrade.FAIR: 10}
ANNUAL_GRADE_POINTS: dict[str, int] = {AnnualGrade.A: -5, AnnualGrade.C: 10}

# (lowest score, grade), highest first.
GRADE_THRESHOLDS: tuple[tuple[int, str], ...] = (
    (45, RiskGrade.D),
    (25, RiskGrade.C),
    (10, RiskGrade.B),
    (0, RiskGrade.A),
)


def grade_for_score(score: int) -> str:
    for lowest, grade in GRADE_THRESHOLDS:
        if score >= lowest:
            return grade
    return RiskGrade.A  # a negative score (bonuses only) is the lowest risk


# --- The registry ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalValue:
    """What a signal measured for one canteen, and the points it adds to the score."""

    value: int | str
    points: int


# (canteens, first day, last day) → canteen id → value; canteens left out measured nothing (0 points).
SignalFn = Callable[[QuerySet[Canteen], datetime.date, datetime.date], dict[int, SignalValue]]


@dataclass(frozen=True)
class RiskSignal:
    key: str
    label: str | Promise
    compute: SignalFn


_SIGNALS: dict[str, RiskSignal] = {}


def register_signal(signal: RiskSignal) -> None:
    _SIGNALS[signal.key] = signal


def registered_signals() -> list[RiskSignal]:
    return list(_SIGNALS.values())


def capped(count: int, each: int, most: int) -> int:
    return min(count * each, most)


# --- Built-in signals -----------------------------------------------------------------------------------


def _notices(canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    return RectificationNotice.objects.filter(
        canteen__in=canteens.values("pk"), issued_on__range=(start, end)
    ).order_by()


def _counted(rows: QuerySet[Any], each: int, most: int) -> dict[int, SignalValue]:
    counts = rows.values("canteen_id").annotate(n=Count("pk")).values_list("canteen_id", "n")
    return {canteen_id: SignalValue(n, capped(n, each, most)) for canteen_id, n in counts}


def violations(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    rows = _notices(canteens, start, end).filter(source_kind__in=VIOLATION_SOURCES)
    return _counted(rows, VIOLATION_POINTS, VIOLATION_MAX)


def overdue_rectifications(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    late = Q(escalated_at__isnull=False) | (~Q(state=NoticeState.CLOSED) & Q(deadline__lt=end))
    return _counted(_notices(canteens, start, end).filter(late), OVERDUE_POINTS, OVERDUE_MAX)


def complaints(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    rows = _notices(canteens, start, end).filter(source_kind=NoticeSource.COMPLAINT)
    return _counted(rows, COMPLAINT_POINTS, COMPLAINT_MAX)


def missing_record_points(missed_percent: int) -> int:
    for lowest, points in MISSING_RECORD_POINTS:
        if missed_percent >= lowest:
            return points
    return 0


def missing_records(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    """The share of due record slots missed, per canteen, from the monthly tallies: each served meal owes
    a retained sample, each service day a morning check of everyone allowed on duty. The same reading
    of the tallies as the completeness metrics (schools.tallies), grouped by canteen instead of by
    calendar: one query for all canteens plus the calendars. Canteens with nothing due are left out."""
    tallies = {tally.field: tally for tally in registered_tallies()}
    samples = [f"sampled_{meal.value}" for meal in Meal if f"sampled_{meal.value}" in tallies]
    checks = [name for name in ("morning_checks", "on_duty") if name in tallies]
    if not samples and len(checks) < 2:
        return {}
    due = DueMasks(start, end)
    values = group_values()
    months = {
        f"tally_{index}": FilteredRelation("tallies", condition=Q(tallies__month=month))
        for index, month in enumerate(due.months)
    }
    counted = {f"n_{name}": due.counted(tallies[name]) for name in [*samples, *checks]}
    rows = (
        canteens.order_by().annotate(**months, **values).annotate(**counted).values("pk", *values, *counted)
    )
    result: dict[int, SignalValue] = {}
    for row in rows:
        key = group_key(row)
        plan = MealPlan(**{name: row[f"plan_{name}"] for name in PLAN_FIELDS})
        group = TallyGroup(key, plan, 1, due.days(key[0], plan.weekdays))
        expected = sum(group.slots(Due(name.removeprefix("sampled_"))) for name in samples)
        done = sum(row[f"n_{name}"] or 0 for name in samples)
        if len(checks) == 2:
            expected += row["n_on_duty"] or 0
            done += min(row["n_morning_checks"] or 0, row["n_on_duty"] or 0)
        if expected <= 0:
            continue
        missed = round(100 * max(expected - done, 0) / expected)
        result[row["pk"]] = SignalValue(missed, missing_record_points(missed))
    return result


def expired_certificates(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    """On the period's last day: the canteen's food business licence expired (or none on file), and its
    active staff without a valid health certificate (they are on the roll, so they may be put on duty)."""
    from brightkitchen.staff.models import StaffMember
    from brightkitchen.staff.selectors import valid_certificate_q

    no_licence = licence_status_q(LicenceStatus.EXPIRED, end) | licence_status_q(LicenceStatus.MISSING, end)
    expired = set(canteens.order_by().filter(no_licence).values_list("pk", flat=True))
    uncertified = dict(
        StaffMember.objects.filter(canteen__in=canteens.values("pk"), active=True)
        .filter(~valid_certificate_q(end))
        .order_by()
        .values("canteen_id")
        .annotate(n=Count("pk"))
        .values_list("canteen_id", "n")
    )
    result: dict[int, SignalValue] = {}
    for canteen_id in expired | set(uncertified):
        staff = uncertified.get(canteen_id, 0)
        licence = 1 if canteen_id in expired else 0
        points = licence * LICENCE_EXPIRED_POINTS + capped(
            staff, UNCERTIFIED_STAFF_POINTS, UNCERTIFIED_STAFF_MAX
        )
        result[canteen_id] = SignalValue(licence + staff, points)
    return result


def inspection_results(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    """The canteen's latest inspection grades as they stand (the inspections app keeps them current)."""
    graded = canteens.order_by().exclude(dynamic_grade="", annual_grade="")
    result: dict[int, SignalValue] = {}
    for canteen_id, dynamic, annual in graded.values_list("pk", "dynamic_grade", "annual_grade"):
        points = DYNAMIC_GRADE_POINTS.get(dynamic, 0) + ANNUAL_GRADE_POINTS.get(annual, 0)
        result[canteen_id] = SignalValue(" / ".join(v for v in (dynamic, annual) if v), points)
    return result


def register_builtin() -> None:
    for signal in (
        RiskSignal("violations", _("Violations found"), violations),
        RiskSignal("overdue_rectifications", _("Overdue rectifications"), overdue_rectifications),
        RiskSignal("missing_records", _("Missing records (%)"), missing_records),
        RiskSignal(
            "expired_certificates", _("Expired licence and health certificates"), expired_certificates
        ),
        RiskSignal("complaints", _("Complaints"), complaints),
        RiskSignal("inspection_results", _("Inspection results"), inspection_results),
    ):
        register_signal(signal)
