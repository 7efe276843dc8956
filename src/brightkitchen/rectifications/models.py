"""Rectification notices (整改通知): a bureau tells a canteen of its jurisdiction what to put right by a
deadline in working days; the canteen responds with evidence; the issuing bureau closes the notice (销号)
or returns it; a notice not closed by its deadline is escalated to the bureau one level above (挂牌督办).
Every step is kept with its actor, time, states and comment.

One workflow for every source of a problem (online patrol, inspection, camera health, missing records,
AI capture, complaint): the source is a kind plus a free reference such as "alert:123"."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import CANTEEN_ROLES, REGION_ROLES, Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.core.texts import render

DEFAULT_WORKING_DAYS = 10
MAX_WORKING_DAYS = 60
REMIND_WORKING_DAYS = 2  # the reminder alert opens this many working days before the deadline

# Who issues and reviews notices (a bureau), and who responds (the canteen and its school).
ISSUER_ROLES = REGION_ROLES
RESPONDER_ROLES = frozenset({Role.PRINCIPAL, *CANTEEN_ROLES})
_PARTIES = frozenset({*ISSUER_ROLES, *RESPONDER_ROLES})


class NoticeSource(models.TextChoices):
    PATROL = "patrol", _("Online patrol finding")
    INSPECTION = "inspection", _("Inspection item")
    CAMERA = "camera", _("Camera health")
    RECORDS = "records", _("Missing records")
    AI_CAPTURE = "ai_capture", _("AI capture")
    COMPLAINT = "complaint", _("Public complaint")
    OTHER = "other", _("Other")


class NoticeState(models.TextChoices):
    ISSUED = "issued", _("Awaiting rectification")
    RESPONDED = "responded", _("Awaiting review")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")


# States in which the canteen owes a response.
AWAITING_RESPONSE = (NoticeState.ISSUED, NoticeState.RETURNED)


class NoticeDecision(models.TextChoices):
    CLOSE = "close", _("Close the notice")
    RETURN = "return", _("Return to the canteen")


class StepKind(models.TextChoices):
    ISSUED = "issued", _("Notice issued")
    RESPONDED = "responded", _("Response submitted")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated")


def _rule(prefix: str) -> ScopeRule:
    return ScopeRule(
        region=f"{prefix}canteen__school__organisation__region__code",
        school=f"{prefix}canteen__school_id",
        canteen=f"{prefix}canteen_id",
        view_roles=_PARTIES,
        change_roles=_PARTIES,
    )


class RectificationNotice(AuditedModel):
    canteen = models.ForeignKey(
        "schools.Canteen",
        verbose_name=_("canteen"),
        on_delete=models.PROTECT,
        related_name="rectification_notices",
    )
    issued_by_org = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="rectification_notices",
    )
    issued_by = user_field(_("issued by user"))
    # As written by the issuer, or for a problem the platform describes (a patrol finding, a failed
    # inspection item, a camera fault) rendered in the default language (zh-hans) for search and exports…
    problem = models.TextField(_("problem"), max_length=2000)
    # … with its English source sentence and parameters (core.texts), so that each reader gets it in their
    # language (`problem_text`). Empty for a problem the issuer wrote.
    problem_id = models.TextField(_("problem source"), blank=True)
    problem_args = models.JSONField(_("problem parameters"), default=dict, blank=True)
    source_kind = models.CharField(_("source"), max_length=16, choices=NoticeSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    issued_on = models.DateField(_("notice date"))
    working_days = models.PositiveSmallIntegerField(_("working days to rectify"))
    deadline = models.DateField(_("rectification deadline"))
    remind_on = models.DateField(_("reminder from"))
    state = models.CharField(
        _("state"), max_length=12, choices=NoticeState.choices, default=NoticeState.ISSUED
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_rectification_notices",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    submission_key = submission_key_field()

    objects = ScopedManager()
    scope_rule = _rule("")

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="rectification_state_deadline"),
            models.Index(fields=["canteen", "state"], name="rectification_canteen_state"),
        ]

    def __str__(self) -> str:
        return f"{self.issued_on} {self.problem[:30]}"

    @property
    def problem_text(self) -> str:
        """The problem in the reader's (active) language."""
        return render(self.problem_id, self.problem_args) if self.problem_id else self.problem

    @property
    def is_closed(self) -> bool:
        return self.state == NoticeState.CLOSED

    @property
    def awaiting_response(self) -> bool:
        return self.state in AWAITING_RESPONSE

    def overdue_on(self, day: datetime.date) -> bool:
        return not self.is_closed and day > self.deadline

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.overdue_on(timezone.localdate())


class RectificationStep(AuditedModel):
    """One step of a notice's history: who did what when, the state before and after, and a comment."""

    notice = models.ForeignKey(
        RectificationNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=12, choices=StepKind.choices)
    at = models.DateTimeField(_("at"))
    actor = user_field(_("by"))
    state_before = models.CharField(_("state before"), max_length=12, blank=True)
    state_after = models.CharField(_("state after"), max_length=12, choices=NoticeState.choices)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    submission_key = submission_key_field()

    objects = ScopedManager()
    scope_rule = _rule("notice__")

    class Meta:
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class RectificationPhoto(AuditedModel):
    """An evidence photo of a step: the problem when issued, the work done when responded."""

    step = models.ForeignKey(
        RectificationStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="photos"
    )
    photo = models.CharField(_("photo"), max_length=200)
    thumbnail = models.CharField(_("photo thumbnail"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_rule = _rule("step__notice__")

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.photo
