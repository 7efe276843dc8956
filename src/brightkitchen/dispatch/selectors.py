"""Scoped reads of dispatch tasks: a bureau's inbox (tasks sent to it) and outbox (tasks it sent), every
task of the jurisdiction for superiors and operators, one task's assignments with their feedback and
the progress of re-dispatched children, attachments, and the user's to-do list (dispatch.rules)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.dispatch import rules
from brightkitchen.dispatch.models import (
    AWAITING_ANSWER,
    DispatchAssignment,
    DispatchAttachment,
    DispatchFeedback,
    DispatchState,
    DispatchTask,
)


class Box:
    INBOX = "inbox"  # sent to the user's organisation
    OUTBOX = "outbox"  # sent by the user's organisation
    ALL = "all"  # everything of the jurisdiction (superiors watch the chain)
    CHOICES = (INBOX, OUTBOX, ALL)


def _org_id(user: AnyUser) -> int:
    return int(getattr(user, "organisation_id", None) or 0)  # 0 matches no organisation


def _count(assignments: QuerySet[DispatchAssignment], **lookup: Any) -> Coalesce:
    rows = assignments.filter(task=OuterRef("pk"), **lookup).order_by().values("task")
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0)
    )


def tasks_for(user: AnyUser, box: str = Box.ALL, action: Action = Action.VIEW) -> QuerySet[DispatchTask]:
    """Tasks the user may see, newest first, each annotated with counts of the assignments the user may
    see (`n_total`, `n_awaiting`, `n_answered`, `n_closed`) and `my_state`: the state of the user's own
    organisation's assignment (None when it is not a recipient)."""
    # The scope path runs through the recipients; visible_to then selects by key (no duplicate rows).
    qs = DispatchTask.objects.visible_to(user, action).select_related("sender", "parent_assignment__task")
    org = _org_id(user)
    if box == Box.INBOX:
        qs = qs.filter(assignments__recipient_id=org)  # one assignment per recipient: no duplicates
    elif box == Box.OUTBOX:
        qs = qs.filter(sender_id=org)
    mine = DispatchAssignment.objects.filter(task=OuterRef("pk"), recipient_id=org)
    seen = DispatchAssignment.objects.visible_to(user)
    return qs.annotate(
        my_state=Subquery(mine.values("state")[:1]),
        my_assignment=Subquery(mine.values("pk")[:1]),
        n_total=_count(seen),
        n_awaiting=_count(seen, state__in=AWAITING_ANSWER),
        n_answered=_count(seen, state=DispatchState.ANSWERED),
        n_closed=_count(seen, state=DispatchState.CLOSED),
    ).order_by("-created_at", "-id")


@dataclass(frozen=True)
class Progress:
    """How far a re-dispatched child task has got among its recipients."""

    total: int = 0
    awaiting: int = 0
    answered: int = 0
    closed: int = 0


def child_progress(user: AnyUser, assignment_ids: list[int]) -> dict[int, Progress]:
    """For each parent assignment, the states of the assignments of its re-dispatched children (one
    grouped query)."""
    rows = (
        DispatchAssignment.objects.visible_to(user)
        .filter(task__parent_assignment_id__in=assignment_ids)
        .values("task__parent_assignment_id", "state")
        .order_by()
        .annotate(n=Count("pk"))
    )
    tally: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = tally.setdefault(row["task__parent_assignment_id"], {})
        counts[row["state"]] = counts.get(row["state"], 0) + row["n"]
    return {
        parent: Progress(
            total=sum(counts.values()),
            awaiting=sum(counts.get(s, 0) for s in AWAITING_ANSWER),
            answered=counts.get(DispatchState.ANSWERED, 0),
            closed=counts.get(DispatchState.CLOSED, 0),
        )
        for parent, counts in tally.items()
    }


def attachments_for(user: AnyUser) -> QuerySet[DispatchAttachment]:
    """Attachments the user may read: of a visible task, and, when one belongs to a feedback entry, only
    where that entry is visible too (another recipient's answer stays with that recipient)."""
    feedback = DispatchFeedback.objects.visible_to(user).values("pk")
    return (
        DispatchAttachment.objects.visible_to(user)
        .filter(Q(feedback__isnull=True) | Q(feedback__in=feedback))
        .distinct()
    )


def assignments_of(user: AnyUser, task: DispatchTask) -> QuerySet[DispatchAssignment]:
    """A task's assignments the user may see (the sender and superiors: all; a recipient: its own), each
    with its feedback thread and the thread's attachments, and its child tasks."""
    attachments = attachments_for(user).order_by("id")
    feedback = (
        DispatchFeedback.objects.visible_to(user)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("at", "id")
    )
    children = DispatchTask.objects.filter(pk__in=DispatchTask.objects.visible_to(user).values("pk"))
    return (
        DispatchAssignment.objects.visible_to(user)
        .filter(task=task)
        .select_related("recipient", "task")
        .prefetch_related(Prefetch("feedback", queryset=feedback), Prefetch("child_tasks", queryset=children))
        .order_by("recipient__region_id", "id")
    )


def task_attachments(user: AnyUser, task: DispatchTask) -> QuerySet[DispatchAttachment]:
    """The attachments the sender sent with the task (not those of the feedback)."""
    return attachments_for(user).filter(task=task, feedback__isnull=True).order_by("id")


def todo_for(user: AnyUser, day: datetime.date) -> list[rules.OrgFinding]:
    """The dispatch rules' findings that concern the user's organisation: what it has to answer, review
    or chase. Empty for users without an organisation."""
    org = _org_id(user)
    if not org:
        return []
    visible = DispatchAssignment.objects.visible_to(user).values("pk")

    def restrict(path: str, rows: QuerySet[DispatchAssignment]) -> QuerySet[DispatchAssignment]:
        return rows.filter(pk__in=visible, **{path: org})

    return rules.findings(day, restrict)
