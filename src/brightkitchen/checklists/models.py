"""Checklists (检查表): the one versioned checklist model. A template has a purpose — a bureau's
standardised inspection checklist (inspections app), or a region's daily, weekly or monthly
self-inspection checklist (selfcheck app) — and versions that hold the items. A published version is
frozen (inspections and reports keep the version they were made against); editing makes the next version.

Each purpose keeps the rules of its app: inspection checklists are drafted, edited and published by the
regulators of the owning bureau and apply in every region below it; a self-check checklist gets a new,
published version each time a regulator saves it, and canteens use the nearest region's. Who sees and
changes which rows is one `ScopeRuleByValue` keyed by the purpose (core/scoping.py)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule, ScopeRuleByValue

MAX_WEIGHT = 100


class Purpose(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    DAILY = "daily", _("Daily check")
    WEEKLY = "weekly", _("Weekly review")
    MONTHLY = "monthly", _("Monthly review")


SELF_CHECK_PURPOSES = frozenset({Purpose.DAILY.value, Purpose.WEEKLY.value, Purpose.MONTHLY.value})
INSPECTION_PURPOSES = frozenset({Purpose.INSPECTION.value})

# Who edits inspection checklists (and inspects): market-supervision regulators (operators always may).
INSPECTION_EDITORS = frozenset({Role.REGULATOR})
# Who edits self-check checklists: regulators and operators; every staff role reads them.
SELF_CHECK_EDITORS = frozenset({Role.OPERATOR, Role.REGULATOR})


def checklist_rule(prefix: str) -> ScopeRuleByValue:
    """The rule of a checklist row reached through `prefix` (`""` for the template, `template__` for a
    version, `version__template__` for an item), by the template's purpose.

    Inspection: the owning bureau's region and below (its jurisdiction) and the bureaus above it (a
    province checklist applies in every county) are visible to regulators; only the owning region's
    change it. Self-check: the region's checklists are visible to staff of the region and above and
    changed by its regulators (the inherited checklist a canteen uses is read by selfcheck's selectors
    for a canteen the caller may see)."""
    region = f"{prefix}region__code"
    return ScopeRuleByValue(
        field=f"{prefix}purpose",
        rules=(
            (
                INSPECTION_PURPOSES,
                ScopeRule(
                    region=region,
                    view_roles=INSPECTION_EDITORS,
                    change_roles=INSPECTION_EDITORS,
                    applies_below=True,
                ),
            ),
            (SELF_CHECK_PURPOSES, ScopeRule(region=region, change_roles=SELF_CHECK_EDITORS)),
        ),
    )


class ChecklistTemplate(AuditedModel):
    """A checklist of one purpose, owned by a region (for an inspection checklist: its bureau's region).
    A region has at most one self-check checklist of each kind; its versions are the history."""

    purpose = models.CharField(_("kind"), max_length=16, choices=Purpose.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="checklists"
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owning bureau"),
        on_delete=models.PROTECT,
        related_name="checklists",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    submission_key = submission_key_field(editable=False)

    objects = ScopedManager()
    scope_rule = checklist_rule("")

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["region_id", "purpose", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "purpose"],
                condition=~models.Q(purpose="inspection"),
                name="checklist_one_self_check_per_region_kind",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "region"], name="checklist_purpose_region")]

    def __str__(self) -> str:
        return self.name or f"{self.region_id} {self.get_purpose_display()}"


class ChecklistVersion(AuditedModel):
    """One version of a checklist: a draft (published_at empty) is edited; a published one is frozen."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = user_field(_("created by"))
    submission_key = submission_key_field(editable=False)

    objects = ScopedManager()
    scope_rule = checklist_rule("template__")

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_number_unique"),
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


class ChecklistItem(AuditedModel):
    """An item of a version. Inspection items have a code (unique in the version) and a weight;
    self-check items are numbered by their order."""

    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=16, blank=True, validators=[code_validator])
    text = models.CharField(_("item"), max_length=300)
    is_key = models.BooleanField(_("key item"), default=False)
    weight = models.PositiveSmallIntegerField(
        _("weight (points)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)]
    )

    objects = ScopedManager()
    scope_rule = checklist_rule("version__template__")

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], condition=~models.Q(code=""), name="checklist_item_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()

    @property
    def position(self) -> int:
        """A self-check item's number in its checklist (1, 2, ...)."""
        return self.order
