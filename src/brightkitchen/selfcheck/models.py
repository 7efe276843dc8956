"""Self-inspection (日管控 / 周排查 / 月调度, domain-rules §1.3): checklists set by regulators for a
region and inherited down the region tree (checklists.ChecklistTemplate of purpose daily, weekly or
monthly), and the reports canteens file against them. A report keeps the checklist version it was filed
against (`template`); saving a checklist publishes a new version."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.checklists.models import ChecklistItem, ChecklistVersion
from brightkitchen.core.models import AuditedModel, user_field
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schools.models import CanteenRecord

MAX_ITEMS = 100


class CheckKind(models.TextChoices):
    DAILY = "daily", _("Daily check")
    WEEKLY = "weekly", _("Weekly review")
    MONTHLY = "monthly", _("Monthly review")


def period_start(kind: str, day: datetime.date) -> datetime.date:
    """The period a day belongs to: the day, its ISO week's Monday, or its month's first day."""
    if kind == CheckKind.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if kind == CheckKind.MONTHLY:
        return day.replace(day=1)
    return day


class SelfInspection(CanteenRecord):
    """A canteen's report for one period. A report with every item OK is a "no risk found" report
    (零风险报告) and counts like any other."""

    kind = models.CharField(_("kind"), max_length=16, choices=CheckKind.choices)
    period = models.DateField(
        _("period"), help_text=_("The day, the week's Monday or the month's first day.")
    )
    template = models.ForeignKey(
        ChecklistVersion, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    risk_count = models.PositiveSmallIntegerField(_("risks found"), default=0)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    signed_by = user_field(_("signed by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["canteen", "kind", "period"], name="self_inspection_one_per_period"
            ),
        ]
        indexes = [models.Index(fields=["kind", "period", "canteen"], name="selfcheck_kind_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_kind_display()}"

    @property
    def zero_risk(self) -> bool:
        return self.risk_count == 0

    @property
    def pending_signature(self) -> bool:
        return self.kind == CheckKind.MONTHLY and self.signed_at is None


class InspectionAnswer(AuditedModel):
    inspection = models.ForeignKey(
        SelfInspection, verbose_name=_("self-inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    ok = models.BooleanField(_("no risk"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    photo_thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="inspection__canteen__school__organisation__region__code",
        school="inspection__canteen__school_id",
        canteen="inspection__canteen_id",
        change_roles=CanteenRecord.scope_rule.change_roles,
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {'ok' if self.ok else 'risk'}"
