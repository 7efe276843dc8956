"""Incident reports (应急直报): a suspected food poisoning at a canteen is reported within 2 hours of the
onset of symptoms (time, place, number of people, measures taken), followed by progress reports and a
closing report (reference/domain-rules.md §5)."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schools.models import CanteenRecord

REPORT_WITHIN = datetime.timedelta(hours=2)
# Who files and follows up a report: the canteen, its school, and the county offices that receive it.
INCIDENT_CHANGE_ROLES = frozenset({Role.OPERATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER, Role.CANTEEN_STAFF})


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class IncidentReport(CanteenRecord):
    onset_at = models.DateTimeField(_("symptoms began at"))
    reported_at = models.DateTimeField(_("reported at"))
    place = models.CharField(_("place"), max_length=100)
    affected = models.PositiveIntegerField(_("people affected"))
    hospitalised = models.PositiveIntegerField(_("people in hospital"), default=0)
    symptoms = models.TextField(_("symptoms"), max_length=2000)
    measures = models.TextField(_("other measures taken"), max_length=2000, blank=True)
    sealed_food = models.BooleanField(_("suspect food sealed"), default=False)
    sealed_tools = models.BooleanField(_("tools and utensils sealed"), default=False)
    sealed_scene = models.BooleanField(_("scene sealed"), default=False)
    samples_kept = models.BooleanField(_("retained samples kept for testing"), default=False)
    reporter_name = models.CharField(_("reporter"), max_length=40)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20)
    status = models.CharField(
        _("status"), max_length=8, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_summary = models.TextField(_("closing report"), max_length=4000, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        ordering = ["-onset_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hospitalised__lte=models.F("affected")),
                name="incident_hospitalised_within_affected",
            ),
        ]
        indexes = [models.Index(fields=["status", "canteen"], name="incident_status_canteen")]

    def __str__(self) -> str:
        return f"{self.onset_at:%Y-%m-%d %H:%M} {self.place} {self.affected}"

    @property
    def due_by(self) -> datetime.datetime:
        """The initial report is due within 2 hours of the onset of symptoms."""
        return self.onset_at + REPORT_WITHIN

    @property
    def late(self) -> bool:
        return self.reported_at > self.due_by

    @property
    def is_open(self) -> bool:
        return self.status == IncidentStatus.OPEN


class IncidentProgress(AuditedModel):
    """A progress report (续报) on an open incident."""

    incident = models.ForeignKey(
        IncidentReport, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="progress"
    )
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("progress"), max_length=4000)
    recorded_by = user_field(_("recorded by"))

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="incident__canteen__school__organisation__region__code",
        school="incident__canteen__school_id",
        canteen="incident__canteen_id",
        change_roles=INCIDENT_CHANGE_ROLES,
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:30]}"
