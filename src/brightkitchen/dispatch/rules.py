"""The alert rules of dispatch tasks, each a set-based query over assignments for a day:

- "dispatch_awaiting_answer" (the recipient): a task awaits its answer (sent, received or returned);
- "dispatch_due_soon" (the recipient): from 1 working day before the deadline until it passes;
- "dispatch_review" (the sender): an answer awaits review;
- "dispatch_overdue" (both): the deadline passed without an answer.

Each finding names the organisation it concerns and closes itself when its cause is gone (the state
moved on). The alert inbox (alerts.rules.Finding) is keyed by canteen, and a dispatch task concerns
bureaus, not canteens, so these are not registered there yet: until alerts can carry an organisation,
the dispatch pages show them as the user's to-do list (dispatch.selectors.todo_for)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.rules import Severity
from brightkitchen.dispatch.models import AWAITING_ANSWER, DispatchAssignment, DispatchState

KIND_AWAITING = "dispatch_awaiting_answer"
KIND_DUE_SOON = "dispatch_due_soon"
KIND_REVIEW = "dispatch_review"
KIND_OVERDUE = "dispatch_overdue"

LABELS = {
    KIND_AWAITING: _("Awaiting your answer"),
    KIND_DUE_SOON: _("Deadline tomorrow or today"),
    KIND_REVIEW: _("Answer awaiting your review"),
    KIND_OVERDUE: _("Overdue"),
}


@dataclass(frozen=True)
class OrgFinding:
    """One cause that concerns one organisation (the recipient or the sender of an assignment)."""

    kind: str
    organisation_id: int
    subject_key: str  # "assignment:<id>", stable while the cause lasts
    severity: Severity
    assignment_id: int
    task_id: int
    title: str
    deadline: datetime.date
    link: str


def awaiting(day: datetime.date) -> QuerySet[DispatchAssignment]:
    return DispatchAssignment.objects.filter(state__in=AWAITING_ANSWER)


def due_soon(day: datetime.date) -> QuerySet[DispatchAssignment]:
    return awaiting(day).filter(task__remind_on__lte=day, task__deadline__gte=day)


def awaiting_review(day: datetime.date) -> QuerySet[DispatchAssignment]:
    return DispatchAssignment.objects.filter(state=DispatchState.ANSWERED)


def overdue(day: datetime.date) -> QuerySet[DispatchAssignment]:
    return awaiting(day).filter(task__deadline__lt=day)


# kind → (the assignments it finds, who it concerns: the recipient's or the sender's organisation path,
# severity). Overdue concerns both sides, so it appears twice.
RULES: tuple[tuple[str, Callable[[datetime.date], QuerySet[DispatchAssignment]], str, Severity], ...] = (
    (KIND_AWAITING, awaiting, "recipient_id", Severity.INFO),
    (KIND_DUE_SOON, due_soon, "recipient_id", Severity.WARNING),
    (KIND_REVIEW, awaiting_review, "task__sender_id", Severity.WARNING),
    (KIND_OVERDUE, overdue, "recipient_id", Severity.CRITICAL),
    (KIND_OVERDUE, overdue, "task__sender_id", Severity.CRITICAL),
)


def findings(
    day: datetime.date,
    restrict: Callable[[str, QuerySet[DispatchAssignment]], QuerySet[DispatchAssignment]] | None = None,
) -> list[OrgFinding]:
    """Every finding true on `day` (one query per rule). `restrict(org_path, rows)` narrows each rule's
    rows, for example to one organisation's (dispatch.selectors.todo_for)."""
    found: list[OrgFinding] = []
    for kind, rule, org_path, severity in RULES:
        rows = rule(day)
        if restrict is not None:
            rows = restrict(org_path, rows)
        values = rows.annotate(org=F(org_path)).order_by("task__deadline", "pk")
        for row in values.values("pk", "org", "task_id", "task__title", "task__deadline"):
            found.append(
                OrgFinding(
                    kind=kind,
                    organisation_id=row["org"],
                    subject_key=f"assignment:{row['pk']}",
                    severity=severity,
                    assignment_id=row["pk"],
                    task_id=row["task_id"],
                    title=row["task__title"],
                    deadline=row["task__deadline"],
                    link=reverse("dispatch:detail", args=[row["task_id"]]),
                )
            )
    return found
