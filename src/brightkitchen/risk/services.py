"""Changes to risk assessments: the periodic recomputation of every canteen from the registered signals
(set-based, for a province at once), and a market-supervision regulator's override of a grade with a
reason (and clearing it, also with a reason). The effective grade goes to `Canteen.risk_grade`."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.audit.models import AuditAction
from brightkitchen.audit.services import record
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.risk.models import OVERRIDE_ROLES, RiskAssessment
from brightkitchen.risk.signals import grade_for_score, registered_signals
from brightkitchen.schools.models import Canteen, RiskGrade

# The assessment looks back this many days, the assessment day included (twelve months).
PERIOD_DAYS = 365
BATCH_SIZE = 1000


def period_for(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=PERIOD_DAYS - 1), today


def assess(canteens: QuerySet[Canteen], today: datetime.date) -> int:
    """Recompute the assessment of every canteen in `canteens` over the twelve months up to `today`, and
    write the effective grades that changed to the canteens. A few grouped queries per signal and bulk
    writes, whatever the number of canteens; overrides are kept. Returns the number of canteens."""
    start, end = period_for(today)
    ids = list(canteens.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    scope = Canteen.objects.filter(pk__in=canteens.values("pk"))
    measured = [(signal, signal.compute(scope, start, end)) for signal in registered_signals()]
    now = timezone.now()
    with transaction.atomic():
        existing = {
            a.canteen_id: a
            for a in RiskAssessment.objects.filter(canteen_id__in=scope.values("pk")).select_for_update()
        }
        new: list[RiskAssessment] = []
        changed: list[RiskAssessment] = []
        grades: dict[int, str] = {}
        for canteen_id in ids:
            contributions: list[dict[str, Any]] = []
            score = 0
            for signal, values in measured:
                value = values.get(canteen_id)
                points = value.points if value else 0
                score += points
                contributions.append(
                    {
                        "key": signal.key,
                        "label": str(signal.label),
                        "value": value.value if value else 0,
                        "points": points,
                    }
                )
            score = max(score, 0)
            assessment = existing.get(canteen_id)
            if assessment is None:
                assessment = RiskAssessment(canteen_id=canteen_id)
                new.append(assessment)
            elif (assessment.score, assessment.contributions) != (score, contributions):
                changed.append(assessment)
            assessment.assessed_on, assessment.period_start, assessment.period_end = today, start, end
            assessment.score, assessment.computed_grade = score, grade_for_score(score)
            assessment.contributions, assessment.updated_at = contributions, now
            grades[canteen_id] = assessment.grade
        fields = ["assessed_on", "period_start", "period_end", "score", "computed_grade", "contributions"]
        RiskAssessment.objects.bulk_update(list(existing.values()), [*fields, "updated_at"], BATCH_SIZE)
        RiskAssessment.objects.bulk_create(new, batch_size=BATCH_SIZE)
        regraded = _write_grades(grades)
        if new or changed or regraded:
            # Bulk writes bypass the per-row audit log: one summary entry records a run that moved a
            # score or a grade (a nightly rerun on unchanged signals only refreshes the dates).
            record(
                AuditAction.UPDATE,
                None,
                after={
                    "assessed": len(ids),
                    "new": len(new),
                    "changed": len(changed),
                    "regraded": regraded,
                    "on": today.isoformat(),
                },
                description="risk assessment",
            )
    return len(ids)


def _write_grades(grades: dict[int, str]) -> int:
    """Write the effective grades that differ from the canteens' current ones (bulk, only those)."""
    current = Canteen.objects.filter(pk__in=list(grades)).order_by().values_list("pk", "risk_grade")
    changed = [Canteen(pk=pk, risk_grade=grades[pk]) for pk, grade in current if grades[pk] != grade]
    Canteen.objects.bulk_update(changed, ["risk_grade"], batch_size=BATCH_SIZE)
    return len(changed)


def _grade(value: str) -> str:
    if value not in RiskGrade.values:
        raise FieldError("grade", _("Choose a grade from A to D."), code="invalid_choice")
    return value


def _locked(user: AnyUser, canteen_id: int, today: datetime.date) -> RiskAssessment:
    """The canteen's assessment, locked for a change (assessed first if it never was). Outside the
    jurisdiction: 404; a user who may see it but not override it: 403."""
    get_visible_or_404(Canteen, user, Action.VIEW, pk=canteen_id)
    if scope_of(user).role not in {*OVERRIDE_ROLES, Role.OPERATOR}:
        raise FieldPermissionDenied("grade", _("Only market-supervision regulators override risk grades."))
    if not RiskAssessment.objects.filter(canteen_id=canteen_id).exists():
        assess(Canteen.objects.filter(pk=canteen_id), today)
    get_visible_or_404(RiskAssessment, user, Action.CHANGE, canteen_id=canteen_id)
    return RiskAssessment.objects.select_for_update().get(canteen_id=canteen_id)


def _apply(assessment: RiskAssessment) -> None:
    """Write the effective grade to the canteen (one audited save, only when it changed)."""
    canteen = Canteen.objects.get(pk=assessment.canteen_id)
    if canteen.risk_grade != assessment.grade:
        canteen.risk_grade = assessment.grade
        canteen.save(update_fields=["risk_grade", "updated_at"])


def override(
    user: AnyUser, canteen_id: int, grade: str, reason: str, *, now: datetime.datetime | None = None
) -> tuple[RiskAssessment, bool]:
    """(assessment, changed). A market-supervision regulator of the canteen's jurisdiction sets its grade
    regardless of the score, saying why. The same grade and reason again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = _locked(user, canteen_id, timezone.localdate(now))
        grade = _grade(grade)
        reason = clean_text("reason", reason, 2000)
        if assessment.override_grade == grade and assessment.override_reason == reason:
            return assessment, False
        assessment.override_grade, assessment.override_reason = grade, reason
        assessment.overridden_by, assessment.overridden_at = acting_user(user), now
        assessment.save()
        _apply(assessment)
    return assessment, True


def clear_override(
    user: AnyUser, canteen_id: int, reason: str, *, now: datetime.datetime | None = None
) -> RiskAssessment:
    """Go back to the computed grade, saying why (kept as the override reason, with who and when)."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = _locked(user, canteen_id, timezone.localdate(now))
        reason = clean_text("reason", reason, 2000)
        if not assessment.override_grade:
            raise Conflict("grade", _("This canteen's grade is not overridden."))
        assessment.override_grade, assessment.override_reason = "", reason
        assessment.overridden_by, assessment.overridden_at = acting_user(user), now
        assessment.save()
        _apply(assessment)
    return assessment


def reassess_canteens(canteen_ids: Collection[int]) -> None:
    """Re-grade these canteens now, after a change to one of their signals (a notice issued, closed or
    escalated, an inspection submitted), so the risk grade moves with it instead of waiting for the
    nightly run. Queued as `risk.tasks.reassess` on commit; a few small queries."""
    assess(Canteen.objects.filter(pk__in=list(canteen_ids)), timezone.localdate())
