"""Notifications beyond the inbox: who wants which alert on which channel (and when not), the webhook
receivers organisations register, and one row per message the platform sends, from queued to delivered
or failed with the provider's answer.

Every message is a Delivery row written in the transaction that decides it (alerts.notify, after the
alert's own transaction committed) and sent by a worker after that commits; a failure is retried with
backoff; the unique constraints make a second decision for the same alert, person and channel a no-op.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    WEBHOOK = "webhook", _("Webhook")


# What a person may choose for themselves (a webhook belongs to an organisation, not to a person).
PERSONAL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WECHAT)
# Without a choice of their own, people get their alerts by e-mail (and always in the inbox).
DEFAULT_CHANNELS = (Channel.EMAIL,)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")


class NotificationProfile(AuditedModel):
    """A person's quiet hours and their WeChat account (the openid of the official account's follower).
    Quiet hours are local time (TIME_ZONE); a span that passes midnight (22:00–07:00) is one night."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_profile",
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)

    # Only ever read and changed as "the caller's own" (selectors.profile_of); no jurisdiction reaches it.
    objects = ScopedManager()
    scope_rule = ScopeRule(view_roles=frozenset(), change_roles=frozenset())

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(quiet_from__isnull=True) & Q(quiet_until__isnull=True))
                | (
                    Q(quiet_from__isnull=False)
                    & Q(quiet_until__isnull=False)
                    & ~Q(quiet_from=models.F("quiet_until"))
                ),
                name="notification_quiet_hours_whole",
            )
        ]

    def __str__(self) -> str:
        return str(self.user_id)

    def quiet_at(self, moment: datetime.time) -> bool:
        if self.quiet_from is None or self.quiet_until is None:
            return False
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= moment < self.quiet_until
        return moment >= self.quiet_from or moment < self.quiet_until


class ChannelChoice(AuditedModel):
    """The channels a person wants for one kind of alert; `alert_kind` "" is their choice for every kind
    they have not chosen for one by one. An empty list: the inbox only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    alert_kind = models.CharField(_("kind of alert"), max_length=64, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)

    objects = ScopedManager()
    scope_rule = ScopeRule(view_roles=frozenset(), change_roles=frozenset())

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")
        constraints = [
            models.UniqueConstraint(fields=["user", "alert_kind"], name="channel_choice_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.alert_kind or '*'}"


class WebhookEndpoint(AuditedModel):
    """A receiver an organisation runs (a school's own system, a bureau's duty desk): it is sent, signed,
    the alerts its organisation's people receive, of the kinds listed (all when none is)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=80)
    alert_kinds = models.JSONField(_("kinds of alert"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    audit_exclude = frozenset({"created_at", "updated_at", "secret"})
    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="organisation__region__code",
        school="organisation_id",  # a school's primary key is its organisation's
        canteen="organisation__school__canteens",
        view_roles=frozenset({Role.REGULATOR, Role.EDUCATION_BUREAU, Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
        change_roles=frozenset({Role.REGULATOR, Role.EDUCATION_BUREAU, Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
    )

    class Meta:
        verbose_name = _("webhook receiver")
        verbose_name_plural = _("webhook receivers")
        ordering = ["organisation_id", "pk"]

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return self.is_active and (not self.alert_kinds or kind in self.alert_kinds)


class Delivery(AuditedModel):
    """One message on one channel about one alert: to a person (`user`, at `address`) or to a webhook
    receiver (`endpoint`). Written queued; a worker sends it when `next_attempt_at` has come, and marks it
    delivered with the provider's answer, or queues it again with backoff until MAX_ATTEMPTS."""

    alert = models.ForeignKey(
        "alerts.Alert", verbose_name=_("alert"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook receiver"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    address = models.CharField(_("address"), max_length=500)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    answer = models.TextField(_("provider's answer"), blank=True)

    # Written and updated by workers in bulk-like steps; the alert's own entries tell the story.
    audit_exclude = frozenset({"created_at", "updated_at", "attempts", "next_attempt_at", "answer"})
    # Operators see every delivery; a recipient sees their own (selectors.deliveries_for).
    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="alert__canteen__school__organisation__region__code",
        school="alert__canteen__school_id",
        canteen="alert__canteen_id",
        view_roles=frozenset(),
        change_roles=frozenset(),
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "channel", "user"],
                condition=Q(user__isnull=False),
                name="delivery_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["alert", "endpoint"],
                condition=Q(endpoint__isnull=False),
                name="delivery_once_per_endpoint",
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(endpoint__isnull=True))
                | (Q(user__isnull=True) & Q(endpoint__isnull=False)),
                name="delivery_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["user", "created_at"], name="delivery_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.alert_id}:{self.address}"
