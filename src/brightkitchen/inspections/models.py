"""Standardised inspection (标准化检查): regulators inspect canteens on a phone against a checklist
template of their bureau (or of a bureau above), item by item with photos; the score gives the dynamic
grade (量化分级) and the year's inspections the annual grade (see scoring.py).

Templates are versioned: a published version is frozen (it may be in use by an inspection at any
moment), so editing it makes the next draft version, and every inspection keeps the version it was
made against."""

from __future__ import annotations

from typing import TypeVar

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schools.models import DynamicGrade

_M = TypeVar("_M", bound=models.Model)

MAX_ITEMS = 200
MAX_WEIGHT = 100
MAX_PHOTOS_PER_ITEM = 5

# Who inspects canteens and edits templates: market-supervision regulators (operators always may).
INSPECTOR_ROLES = frozenset({Role.REGULATOR})
# Who reads a canteen's inspections: the regulators and education bureaus of its region, its school's
# principal and its food-safety manager.
READER_ROLES = frozenset({Role.REGULATOR, Role.EDUCATION_BUREAU, Role.PRINCIPAL, Role.CANTEEN_MANAGER})


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


def _template_rule(owner_path: str) -> ScopeRule:
    """Templates (and their versions and items) belong to the owning bureau's region and apply below
    it: a regulator sees the templates of its own region and below (its jurisdiction) and those of the
    bureaus above it (a province template applies in every county); only regulators of the owning
    region change one."""
    return ScopeRule(
        region=f"{owner_path}region__code",
        view_roles=INSPECTOR_ROLES,
        change_roles=INSPECTOR_ROLES,
        applies_below=True,
    )


class ChecklistTemplate(AuditedModel):
    """A bureau's inspection checklist. Its versions hold the items."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owning bureau"),
        on_delete=models.PROTECT,
        related_name="inspection_templates",
    )
    submission_key = submission_key_field(editable=False)

    objects = ScopedManager()
    scope_rule = _template_rule("owner__")

    class Meta:
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")
        ordering = ["owner__region_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(AuditedModel):
    """One version of a template: a draft (published_at empty) is edited; a published one is frozen."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = _template_rule("template__owner__")

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="inspection_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$",
    _("Use up to 16 letters, digits, dots, dashes or underscores."),
    code="code",
)


class TemplateItem(AuditedModel):
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=16, validators=[code_validator])
    text = models.CharField(_("item"), max_length=300)
    is_key = models.BooleanField(_("key item"), default=False)
    weight = models.PositiveSmallIntegerField(
        _("weight (points)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)]
    )

    objects = ScopedManager()
    scope_rule = _template_rule("version__template__owner__")

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="inspection_item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


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
        TemplateVersion,
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
        TemplateItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="results"
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
