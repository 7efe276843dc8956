"""Command and dispatch (指挥调度): a bureau sends a task with a deadline and attachments to the bureaus
below it; each recipient's copy (an assignment) goes sent → received → answered → closed, or returned
to the recipient and answered again. A recipient may re-dispatch the task to its own lower units: a
child task linked to its assignment, whose progress the parent assignment shows.

Who is "lower": bureaus (market supervision or education) of the same kind as the sender whose region
is strictly below the sender's (a code that starts with the sender's and is longer). Organisations have
no parents, so a branch (市场监管所) is a bureau at a town code below its county: the loaded tree stops at
counties except where the statistics list towns (Dongguan, Zhongshan), and a county bureau elsewhere
has no lower unit until town nodes are added.

Visibility goes through core.scoping with one region path per model: a task is seen where the user's
region prefix covers one of its recipients' regions, which is every recipient, the sender (whose region
is a prefix of every recipient's) and the sender's superiors. An assignment and its feedback are seen
by that recipient, the sender and the superiors, not by the other recipients."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import REGION_ROLES
from brightkitchen.core.scoping import ScopedManager, ScopeRule

# Bureaus send, answer and review tasks; nobody else sees them (operators always may).
BUREAU_ROLES = REGION_ROLES
REMIND_WORKING_DAYS = 1  # the reminder opens this many working days before the deadline
MAX_ATTACHMENTS = 10


class DispatchState(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")


# States in which the recipient owes an answer.
AWAITING_ANSWER = (DispatchState.SENT, DispatchState.RECEIVED, DispatchState.RETURNED)


class FeedbackKind(models.TextChoices):
    ANSWER = "answer", _("Answer")
    RETURN = "return", _("Returned with a reason")
    CLOSE = "close", _("Closed")


class DispatchDecision(models.TextChoices):
    CLOSE = "close", _("Close: the answer is accepted")
    RETURN = "return", _("Return: answer again")


def _rule(path: str) -> ScopeRule:
    return ScopeRule(region=path, view_roles=BUREAU_ROLES, change_roles=BUREAU_ROLES)


class DispatchTask(AuditedModel):
    sender = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="dispatch_tasks",
    )
    created_by = user_field(_("created by"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("instructions"), max_length=8000)
    deadline = models.DateField(_("deadline"))
    remind_on = models.DateField(_("reminder from"))
    # Set when a recipient re-dispatched its assignment of a parent task to its own lower units.
    parent_assignment = models.ForeignKey(
        "DispatchAssignment",
        verbose_name=_("re-dispatched from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_tasks",
    )
    submission_key = submission_key_field()

    objects = ScopedManager()
    scope_rule = _rule("assignments__recipient__region__code")

    class Meta:
        verbose_name = _("dispatch task")
        verbose_name_plural = _("dispatch tasks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_anchor(self) -> tuple[str | None, int | None, int | None]:
        # The scope path runs through the recipients (a multi-valued path the audit log cannot follow);
        # the task's changes belong to the sender's region, so the sender and its superiors read them.
        return self.sender.region_id, None, None


class DispatchAssignment(AuditedModel):
    """One recipient's copy of a task, with its own state."""

    task = models.ForeignKey(
        DispatchTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    recipient = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="dispatch_assignments",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=DispatchState.choices, default=DispatchState.SENT
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = _rule("recipient__region__code")

    class Meta:
        verbose_name = _("dispatch assignment")
        verbose_name_plural = _("dispatch assignments")
        ordering = ["task", "recipient__region", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "recipient"], name="dispatch_one_assignment_per_unit"),
        ]
        indexes = [models.Index(fields=["state", "recipient"], name="dispatch_state_recipient")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.recipient_id}"

    @property
    def awaiting_answer(self) -> bool:
        return self.state in AWAITING_ANSWER

    def overdue_on(self, day: datetime.date) -> bool:
        return self.awaiting_answer and day > self.task.deadline

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.overdue_on(timezone.localdate())


class DispatchFeedback(AuditedModel):
    """One entry of an assignment's thread: the recipient's answer, or the sender's return or close."""

    assignment = models.ForeignKey(
        DispatchAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="feedback"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=FeedbackKind.choices)
    author = user_field(_("author"))
    text = models.TextField(_("text"), max_length=8000, blank=True)
    at = models.DateTimeField(_("at"))
    submission_key = submission_key_field()

    objects = ScopedManager()
    scope_rule = _rule("assignment__recipient__region__code")

    class Meta:
        verbose_name = _("dispatch feedback")
        verbose_name_plural = _("dispatch feedback")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class DispatchAttachment(AuditedModel):
    """A document (photo or PDF, stored by core.uploads.store_document) of a task, or of a feedback
    entry of that task. Scoped through the task; one of a feedback entry is also read only where the
    feedback is visible (dispatch.selectors.attachments_for)."""

    task = models.ForeignKey(
        DispatchTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="attachments"
    )
    feedback = models.ForeignKey(
        DispatchFeedback,
        verbose_name=_("feedback"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(_("file name"), max_length=120, blank=True)
    file = models.CharField(_("file"), max_length=200)
    thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))

    objects = ScopedManager()
    scope_rule = _rule("task__assignments__recipient__region__code")

    class Meta:
        verbose_name = _("dispatch attachment")
        verbose_name_plural = _("dispatch attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.file

    def audit_anchor(self) -> tuple[str | None, int | None, int | None]:
        if self.feedback is not None:  # the assignment's recipient region (see DispatchFeedback)
            return self.feedback.assignment.recipient.region_id, None, None
        return self.task.audit_anchor()
