"""Alerts: one row per cause that a rule found (see alerts.rules), open while the cause lasts.

An alert is opened by the sweep (alerts.services.sweep) for a new `Finding`, kept open while the rule
keeps finding it, and closed by the sweep when the cause is fixed (`resolved`) or by a regulator who
dismisses it with a note (`dismissed`). The audited party (the canteen's manager, the principal) does not
close a warning about itself: it answers it (`AlertAnswer`: what was done or why, with a photo), and the
regulator reads the answer and closes the alert, or the sweep closes it when the record arrives. A
dismissed alert keeps its cause "unresolved" (`resolved_at` null) until the rule stops finding it, so a
dismissal is not undone by the next sweep.

Read state is per user (`AlertReceipt`): every user has one inbox, with the alerts of their
jurisdiction that concern their role (alerts.selectors.inbox_for), and an unread count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.rules import Severity
from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.core.texts import render


class SeverityChoice(models.TextChoices):
    """The stored form of `alerts.rules.Severity` (same values)."""

    INFO = Severity.INFO.value, _("Information")
    WARNING = Severity.WARNING.value, _("Warning")
    CRITICAL = Severity.CRITICAL.value, _("Critical")


class ClosedReason(models.TextChoices):
    RESOLVED = "resolved", _("Resolved (the cause was fixed)")
    DISMISSED = "dismissed", _("Dismissed")


# Who may see alerts (everyone signed in for an organisation that concerns canteens), who may dismiss one
# (the regulator: closing a warning by hand is the supervisor's, never the supervised party's), and who
# answers one (the canteen's manager and the principal: the audited party explains, with evidence).
ALERT_VIEW_ROLES = frozenset(
    {Role.REGULATOR, Role.EDUCATION_BUREAU, Role.PRINCIPAL, Role.CANTEEN_MANAGER, Role.CANTEEN_STAFF}
)
ALERT_DISMISS_ROLES = frozenset({Role.REGULATOR})
ALERT_ANSWER_ROLES = frozenset({Role.PRINCIPAL, Role.CANTEEN_MANAGER})


class Alert(AuditedModel):
    kind = models.CharField(_("kind"), max_length=64, help_text=_("The key of the rule that raised it."))
    canteen = models.ForeignKey(
        "schools.Canteen", verbose_name=_("canteen"), on_delete=models.CASCADE, related_name="alerts"
    )
    subject_key = models.CharField(_("subject"), max_length=200)
    severity = models.CharField(_("severity"), max_length=16, choices=SeverityChoice.choices)
    # Stored as rendered in the default language (zh-hans) when the rule found it (search, exports)…
    message = models.TextField(_("message"))
    # … and as the rule's English source sentence with its parameters (core.texts), so that each reader
    # gets it in their language (`text`). Empty for a message that is not a platform sentence.
    message_id = models.TextField(_("message source"), blank=True)
    message_args = models.JSONField(_("message parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(
        _("closed because"), max_length=16, choices=ClosedReason.choices, blank=True
    )
    closed_by = user_field(_("closed by"))
    close_note = models.TextField(_("note"), blank=True)
    # When the rule stopped finding the cause (set with closed_at for a resolved alert; later for a
    # dismissed one). Null while the cause lasts.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="canteen__school__organisation__region__code",
        school="canteen__school_id",
        canteen="canteen_id",
        view_roles=ALERT_VIEW_ROLES,
        change_roles=ALERT_DISMISS_ROLES,
    )
    # The rule's key and the cause's key are the sweep's bookkeeping; the message says what the alert is.
    audit_exclude = frozenset(
        {"created_at", "updated_at", "last_seen_at", "kind", "subject_key", "message_id", "message_args"}
    )

    @property
    def text(self) -> str:
        """The message in the reader's (active) language."""
        return render(self.message_id, self.message_args) if self.message_id else self.message

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # At most one open alert per cause, so two concurrent sweeps cannot double it.
            models.UniqueConstraint(
                fields=["kind", "canteen", "subject_key"],
                condition=models.Q(closed_at__isnull=True),
                name="alert_one_open_per_subject",
            ),
            # At most one alert per cause that is still present (open, or dismissed while it lasts).
            models.UniqueConstraint(
                fields=["kind", "canteen", "subject_key"],
                condition=models.Q(resolved_at__isnull=True),
                name="alert_one_unresolved_per_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_reason="")
                | models.Q(closed_at__isnull=False) & ~models.Q(closed_reason=""),
                name="alert_closed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["canteen", "closed_at"], name="alert_canteen_state_idx"),
            models.Index(fields=["kind", "closed_at"], name="alert_kind_state_idx"),
        ]

    def __str__(self) -> str:
        # What the audit log shows as the object: the alert's own words, not its rule's key.
        text = self.text
        return text if len(text) <= 80 else f"{text[:79]}…"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def severity_choice(self) -> SeverityChoice:
        return SeverityChoice(self.severity)


class AlertReceipt(AuditedModel):
    """One user's delivery and read state of one alert. The in-app channel creates it on delivery
    (unread); reading sets `read_at`. A user with no receipt has simply not read the alert yet."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # Receipts are only ever read as "the caller's own" (after the alert's visibility is checked);
    # the paths anchor their audit entries to the alert's canteen.
    scope_rule = ScopeRule(
        region="alert__canteen__school__organisation__region__code",
        school="alert__canteen__school_id",
        canteen="alert__canteen_id",
        view_roles=frozenset(),
        change_roles=frozenset(),
    )

    class Meta:
        verbose_name = _("alert receipt")
        verbose_name_plural = _("alert receipts")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alert_receipt_one_per_user"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="alert_receipt_user_read_idx")]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.user_id}"


class AlertAnswer(AuditedModel):
    """The audited party's answer to an alert: what was done, or why the alert does not hold, with an
    optional photo as evidence. The alert stays open; the regulator reads the answer and decides."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"), max_length=2000)
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    thumbnail = models.CharField(_("photo thumbnail"), max_length=200, blank=True)
    answered_by = user_field(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"))
    submission_key = submission_key_field(editable=False)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="alert__canteen__school__organisation__region__code",
        school="alert__canteen__school_id",
        canteen="alert__canteen_id",
        view_roles=ALERT_VIEW_ROLES,
        change_roles=ALERT_ANSWER_ROLES,
    )

    class Meta:
        verbose_name = _("answer to an alert")
        verbose_name_plural = _("answers to alerts")
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.answered_at:%Y-%m-%d %H:%M}"
