"""Standardised inspection (标准化检查): regulators inspect canteens on a phone against a checklist
template of their bureau (or of a bureau above), item by item with photos; the score gives the dynamic
grade (量化分级) and the year's inspections the annual grade (see scoring.py).

Templates are the checklists app's checklists of purpose "inspection", versioned: a published version
is frozen (it may be in use by an inspection at any moment), so editing it makes the next draft
version, and every inspection keeps the version it was made against."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.checklists.models import INSPECTION_EDITORS, ChecklistItem, ChecklistVersion
from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schools.models import DynamicGrade

MAX_ITEMS = 200
MAX_PHOTOS_PER_ITEM = 5

# Who inspects canteens and edits inspection checklists: market-supervision regulators (operators
# always may); the checklists' scope rule gives the same roles the inspection purpose.
INSPECTOR_ROLES = INSPECTION_EDITORS
# Who reads a canteen's inspections: the regulators and education bureaus of its region, its school's
# principal and its food-safety manager.
READER_ROLES = frozenset({Role.REGULATOR, Role.EDUCATION_BUREAU, Role.PRINCIPAL, Role.CANTEEN_MANAGER})


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


def _rule(prefix: str) -> ScopeRule:
    return ScopeRule(
        region=f"{prefix}canteen__school__organisation__region__code",
        school=f"{prefix}canteen__school_id",
        canteen=f"{prefix}canteen_id",
        view_roles=READER_ROLES,
        change_roles=INSPECTOR_ROLES,
    )


class Inspection(AuditedModel):
    """One inspection of a canteen against a template version, with its score and dynamic grade (an
    empty grade is 不予评级: the score or key items fell below what any grade needs)."""

    canteen = models.ForeignKey(
        "schools.Canteen", verbose_name=_("canteen"), on_delete=models.PROTECT, related_name="inspections"
    )
    version = models.ForeignKey(
        ChecklistVersion,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector = user_field(_("inspector"))
    inspector_org = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("inspecting bureau"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("inspected on"))
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    key_failures = models.PositiveSmallIntegerField(_("key items failed"), default=0)
    dynamic_grade = models.CharField(
        _("dynamic grade"), max_length=16, choices=DynamicGrade.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    submission_key = submission_key_field(editable=False)

    objects = ScopedManager()
    scope_rule = _rule("")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["canteen", "inspected_on"], name="inspection_canteen_day")]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.canteen_id}"


class InspectionResult(AuditedModel):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="results"
    )
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedManager()
    scope_rule = _rule("inspection__")

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id} {self.outcome}"


class InspectionPhoto(AuditedModel):
    """Evidence photo of one item's result."""

    result = models.ForeignKey(
        InspectionResult, verbose_name=_("result"), on_delete=models.CASCADE, related_name="photos"
    )
    photo = models.CharField(_("photo"), max_length=200)
    thumbnail = models.CharField(_("photo thumbnail"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_rule = _rule("result__inspection__")

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.photo
