"""Changes to dispatch tasks: sending one down (a bureau to its lower units), the recipient opening it
(received), answering with feedback and attachments, the sender closing or returning an answer with a
reason, and a recipient re-dispatching its assignment to its own lower units. Each change is one
transaction; the audit log records every row. Resubmits with the same submission_key change nothing
twice."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.api import MAX_ID
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.scoping import AnyUser, scope_of
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_document
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.core.workflow import (
    Deadlines,
    Transition,
    Workflow,
    lock,
    resubmitted,
    store_evidence,
)
from brightkitchen.core.workflow import review as review_case
from brightkitchen.dispatch.models import (
    AWAITING_ANSWER,
    BUREAU_ROLES,
    MAX_ATTACHMENTS,
    REMIND_WORKING_DAYS,
    DispatchAssignment,
    DispatchAttachment,
    DispatchDecision,
    DispatchFeedback,
    DispatchState,
    DispatchTask,
    FeedbackKind,
)
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.schedule.selectors import add_working_days

BUREAU_KINDS = (OrganisationKind.REGULATOR, OrganisationKind.EDUCATION_BUREAU)
MAX_DEADLINE_DAYS = 366

# An assignment's workflow (core.workflow): the recipient answers while it owes an answer; the sending
# bureau closes or returns an answer. Who may take a step is the recipient or the sender, checked here.
_NO_ANSWER_YET = _("There is no answer to review yet.")
ASSIGNMENT_FLOW = Workflow(
    {
        "answer": Transition(
            frozenset(AWAITING_ANSWER),
            DispatchState.ANSWERED,
            "text",
            _("An answer is already awaiting review."),
        ),
        DispatchDecision.CLOSE: Transition(
            frozenset({DispatchState.ANSWERED}), DispatchState.CLOSED, "decision", _NO_ANSWER_YET
        ),
        DispatchDecision.RETURN: Transition(
            frozenset({DispatchState.ANSWERED}), DispatchState.RETURNED, "decision", _NO_ANSWER_YET
        ),
    },
    closed=DispatchState.CLOSED,
    closed_message=_("This task is closed."),
)
DEADLINES = Deadlines(add_working_days, remind_before=REMIND_WORKING_DAYS)


def lower_units(org: Organisation) -> QuerySet[Organisation]:
    """The bureaus a bureau may send tasks to: of its own kind, at a region strictly below its own
    (dispatch.models explains why the region tree, not a parent link, decides)."""
    return (
        Organisation.objects.filter(kind=org.kind, region__code__startswith=org.region_id)
        .exclude(region_id=org.region_id)
        .order_by("region_id", "name")
    )


def sending_bureau(user: AnyUser) -> Organisation:
    """The bureau the user acts for, when it may send tasks: a bureau user whose bureau has lower units.
    Anyone else is refused (403)."""
    person = acting_user(user)
    org = person.organisation if person is not None else None
    if scope_of(user).role not in BUREAU_ROLES or org is None or org.kind not in BUREAU_KINDS:
        raise PermissionDenied
    if not lower_units(org).exists():
        raise PermissionDenied  # a bureau with nobody below it has no one to dispatch to
    return org


def _recipients(org: Organisation, ids: Sequence[int]) -> list[Organisation]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise FieldError("recipients", _("Choose at least one lower unit."), code="required")
    if any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= MAX_ID for i in wanted):
        raise FieldError("recipients", _("Choose lower units from the list."))
    found = list(lower_units(org).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise FieldError("recipients", _("A recipient is not a unit below yours."), code="not_lower")
    return found


def _deadline(value: datetime.date, today: datetime.date, latest: datetime.date | None) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise FieldError("deadline", _("Give the deadline as a date."))
    if value < today:
        raise FieldError("deadline", _("The deadline may not be in the past."), code="past")
    if (value - today).days > MAX_DEADLINE_DAYS:
        raise FieldError("deadline", _("The deadline is more than a year away."), code="too_far")
    if latest is not None and value > latest:
        raise FieldError(
            "deadline", _("The deadline may not be after the parent task's deadline."), code="after_parent"
        )
    return value


def _store(
    uploads: Sequence[UploadedFile[bytes]], folder: str, stored: list[StoredFile]
) -> list[tuple[str, StoredFile]]:
    """Check and store each upload (type and size checks are core.uploads'); (name, file) pairs."""
    return store_evidence(
        uploads,
        "attachments",
        folder,
        stored,
        store=store_document,
        most=MAX_ATTACHMENTS,
        too_many=_("Send at most 10 attachments at once."),
    )


def _attach(
    task: DispatchTask, feedback: DispatchFeedback | None, files: list[tuple[str, StoredFile]]
) -> None:
    for name, item in files:
        DispatchAttachment(
            task=task,
            feedback=feedback,
            name=name,
            file=item.path,
            thumbnail=item.thumbnail,
            content_type=item.content_type,
            size=item.size,
        ).save()


def _send(
    user: AnyUser,
    org: Organisation,
    parent: DispatchAssignment | None,
    *,
    title: str,
    body: str,
    deadline: datetime.date,
    recipients: Sequence[int],
    attachments: Sequence[UploadedFile[bytes]],
    submission_key: uuid.UUID | None,
    now: datetime.datetime | None,
) -> tuple[DispatchTask, bool]:
    if submission_key is not None:
        existing = DispatchTask.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    now = now or timezone.now()
    today = timezone.localdate(now)
    title = clean_text("title", title, 200)
    body = clean_text("body", body, 8000)
    deadline = _deadline(deadline, today, parent.task.deadline if parent is not None else None)
    units = _recipients(org, recipients)
    remind_on = DEADLINES.remind_on(org.region_id, deadline, today)
    stored: list[StoredFile] = []
    with removed_on_error(stored), transaction.atomic():
        files = _store(attachments, f"dispatch/{org.pk}", stored)
        task = DispatchTask(
            sender=org,
            created_by=acting_user(user),
            title=title,
            body=body,
            deadline=deadline,
            remind_on=remind_on,
            parent_assignment=parent,
            submission_key=submission_key,
        )
        task.save()
        for unit in units:
            DispatchAssignment(task=task, recipient=unit).save()
        _attach(task, None, files)
    return task, True


def create_task(
    user: AnyUser,
    *,
    title: str,
    body: str,
    deadline: datetime.date,
    recipients: Sequence[int],
    attachments: Sequence[UploadedFile[bytes]] = (),
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[DispatchTask, bool]:
    """(task, created). A bureau sends a task to bureaus strictly below it (`recipients`: their
    organisation ids), with a deadline (today or later) and attachments (photos or PDFs)."""
    org = sending_bureau(user)
    return _send(
        user,
        org,
        None,
        title=title,
        body=body,
        deadline=deadline,
        recipients=recipients,
        attachments=attachments,
        submission_key=submission_key,
        now=now,
    )


def _locked(user: AnyUser, assignment_id: int) -> DispatchAssignment:
    return lock(DispatchAssignment, user, assignment_id, related=("task", "task__sender", "recipient"))


def _is_recipient(user: AnyUser, assignment: DispatchAssignment) -> bool:
    return getattr(user, "organisation_id", None) == assignment.recipient_id


def _is_sender(user: AnyUser, assignment: DispatchAssignment) -> bool:
    return getattr(user, "organisation_id", None) == assignment.task.sender_id


def _receive(assignment: DispatchAssignment, now: datetime.datetime) -> None:
    if assignment.state == DispatchState.SENT:
        assignment.state = DispatchState.RECEIVED
    if assignment.received_at is None:
        assignment.received_at = now


def mark_received(
    user: AnyUser, assignment_id: int, now: datetime.datetime | None = None
) -> tuple[DispatchAssignment, bool]:
    """(assignment, changed). The recipient has opened the task; only the first time changes anything."""
    with transaction.atomic():
        assignment = _locked(user, assignment_id)
        if not _is_recipient(user, assignment):
            raise FieldPermissionDenied("assignment", _("Only the recipient marks a task received."))
        if assignment.state != DispatchState.SENT:
            return assignment, False
        _receive(assignment, now or timezone.now())
        assignment.save()
    return assignment, True


def _existing_feedback(submission_key: uuid.UUID | None, assignment_id: int) -> DispatchFeedback | None:
    return resubmitted(
        DispatchFeedback,
        submission_key,
        "assignment",
        assignment_id,
        _("This submission key was already used for another task."),
    )


def answer(
    user: AnyUser,
    assignment_id: int,
    *,
    text: str,
    attachments: Sequence[UploadedFile[bytes]] = (),
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[DispatchFeedback, bool]:
    """(feedback, created). The recipient answers (sent, received or returned → answered) with text and
    attachments; the answer then awaits the sender's review."""
    stored: list[StoredFile] = []
    with removed_on_error(stored), transaction.atomic():
        assignment = _locked(user, assignment_id)
        if not _is_recipient(user, assignment):
            raise FieldPermissionDenied("text", _("Only the recipient answers a task."))
        previous = _existing_feedback(submission_key, assignment.pk)
        if previous is not None:
            return previous, False
        ASSIGNMENT_FLOW.check("answer", assignment.state)
        text = clean_text("text", text, 8000)
        files = _store(attachments, f"dispatch/{assignment.recipient_id}", stored)
        now = now or timezone.now()
        _receive(assignment, now)
        ASSIGNMENT_FLOW.take(assignment, "answer")
        assignment.answered_at = now
        assignment.save()
        feedback = DispatchFeedback(
            assignment=assignment,
            kind=FeedbackKind.ANSWER,
            author=acting_user(user),
            text=text,
            at=now,
            submission_key=submission_key,
        )
        feedback.save()
        _attach(assignment.task, feedback, files)
    return feedback, True


def review(
    user: AnyUser,
    assignment_id: int,
    *,
    decision: str,
    comment: str = "",
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[DispatchFeedback, bool]:
    """(feedback, created). The sending bureau closes an answered assignment (final) or returns it with
    a reason; a returned assignment is answered again."""
    with transaction.atomic():
        assignment = _locked(user, assignment_id)
        if not _is_sender(user, assignment):
            raise FieldPermissionDenied("decision", _("Only the bureau that sent the task reviews answers."))
        previous = _existing_feedback(submission_key, assignment.pk)
        if previous is not None:
            return previous, False
        now = now or timezone.now()
        decided = review_case(
            ASSIGNMENT_FLOW,
            assignment,
            decision,
            comment,
            invalid=_("Close the task or return the answer."),
            most=8000,
            now=now,
        )
        assignment.save()
        feedback = DispatchFeedback(
            assignment=assignment,
            kind=FeedbackKind.CLOSE if decided.closed else FeedbackKind.RETURN,
            author=acting_user(user),
            text=decided.comment,
            at=now,
            submission_key=submission_key,
        )
        feedback.save()
    return feedback, True


def redispatch(
    user: AnyUser,
    assignment_id: int,
    *,
    title: str,
    body: str,
    deadline: datetime.date,
    recipients: Sequence[int],
    attachments: Sequence[UploadedFile[bytes]] = (),
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> tuple[DispatchTask, bool]:
    """(child task, created). The recipient of an assignment passes the task on to its own lower units:
    a child task linked to the assignment (its deadline no later than the parent's), whose progress the
    parent assignment shows. Opening counts as receiving."""
    with transaction.atomic():
        assignment = _locked(user, assignment_id)
        if not _is_recipient(user, assignment):
            raise FieldPermissionDenied("recipients", _("Only the recipient re-dispatches a task."))
        org = sending_bureau(user)
        if submission_key is None or not DispatchTask.objects.filter(submission_key=submission_key).exists():
            if assignment.state == ASSIGNMENT_FLOW.closed:
                raise Conflict("assignment", ASSIGNMENT_FLOW.closed_message)
        if assignment.state == DispatchState.SENT:
            _receive(assignment, now or timezone.now())
            assignment.save()
        return _send(
            user,
            org,
            assignment,
            title=title,
            body=body,
            deadline=deadline,
            recipients=recipients,
            attachments=attachments,
            submission_key=submission_key,
            now=now,
        )
