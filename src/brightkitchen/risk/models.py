"""Risk grading (风险分级) of canteens: one current assessment per canteen, computed from the registered
signals (risk.signals) with each signal's contribution kept, and a regulator's override with its reason.
The effective grade (the override, else the computed one) is written to `Canteen.risk_grade`, which
the inspection plan reads (schools.models.INSPECTIONS_PER_YEAR)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, user_field
from brightkitchen.core.roles import REGION_ROLES, Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schools.models import INSPECTIONS_PER_YEAR, RiskGrade

# Who sees assessments: the bureaus of the jurisdiction and the canteen's school and managers (read
# only). Only market-supervision regulators override (checked by the service, which names the field).
VIEW_ROLES = frozenset({*REGION_ROLES, Role.PRINCIPAL, Role.CANTEEN_MANAGER})
OVERRIDE_ROLES = frozenset({Role.REGULATOR})


class RiskAssessment(AuditedModel):
    canteen = models.OneToOneField(
        "schools.Canteen",
        verbose_name=_("canteen"),
        on_delete=models.CASCADE,
        related_name="risk_assessment",
    )
    assessed_on = models.DateField(_("assessed on"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    score = models.IntegerField(_("score"))
    computed_grade = models.CharField(_("computed grade"), max_length=1, choices=RiskGrade.choices)
    # One item per signal: {"key", "label", "value", "points"}.
    contributions = models.JSONField(_("contributions"), default=list)
    override_grade = models.CharField(
        _("override grade"), max_length=1, choices=RiskGrade.choices, blank=True
    )
    override_reason = models.TextField(_("override reason"), max_length=2000, blank=True)
    overridden_by = user_field(_("overridden by"))
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="canteen__school__organisation__region__code",
        school="canteen__school_id",
        canteen="canteen_id",
        view_roles=VIEW_ROLES,
        change_roles=OVERRIDE_ROLES,
    )

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["canteen_id"]

    def __str__(self) -> str:
        return f"{self.canteen_id} {self.grade}"

    @property
    def grade(self) -> str:
        """The effective grade: the regulator's override, else the computed one."""
        return self.override_grade or self.computed_grade

    @property
    def inspections_per_year(self) -> tuple[int, int]:
        return INSPECTIONS_PER_YEAR[self.grade]

    @property
    def contribution_rows(self) -> list[dict[str, Any]]:
        """Contributions for display, each with its share of the largest contribution (for a bar) and its
        signal's label in the current language (the stored label is the one of the assessment run)."""
        from brightkitchen.risk.signals import registered_signals

        labels = {signal.key: str(signal.label) for signal in registered_signals()}
        rows: list[dict[str, Any]] = [
            {**row, "label": labels.get(row["key"], row["label"])} for row in self.contributions or []
        ]
        largest = max((abs(int(row["points"])) for row in rows), default=0)
        return [
            {**row, "width": round(100 * abs(int(row["points"])) / largest) if largest else 0} for row in rows
        ]
