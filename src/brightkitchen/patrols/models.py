"""Online patrol (网上巡查): a regulator's plan per month with a quota of canteens to watch on camera,
split over the counties of its region; the canteens drawn at random (stratified by county, weighted by
risk, reproducible from the recorded seed); each patrol's record and its findings against the checklist,
each finding with its snapshot and the rectification notice it opened."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import REGION_ROLES, Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule

# Regulators plan, draw and patrol; education bureaus of the same region may follow the results.
PLANNER_ROLES = frozenset({Role.REGULATOR})
_VIEW = REGION_ROLES
_CHANGE = PLANNER_ROLES


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("To patrol")
    DONE = "done", _("Patrolled")


class PatrolPlan(AuditedModel):
    """One organisation's plan for one month (period = the month's first day)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="patrol_plans",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="patrol_plans"
    )
    period = models.DateField(_("month"))
    quota = models.PositiveIntegerField(_("canteens to patrol"))
    seed = models.BigIntegerField(_("draw seed"))
    created_by = user_field(_("created by"))
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = user_field(_("drawn by"))

    objects = ScopedManager()
    # A city's or province's plan applies in every county below it: the county regulator sees it (and
    # patrols the canteens drawn in the county), only its own bureau draws or changes it.
    scope_rule = ScopeRule(region="region__code", view_roles=_VIEW, change_roles=_CHANGE, applies_below=True)

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["-period", "region", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period"], name="patrol_plan_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period:%Y-%m}"


class PatrolQuota(AuditedModel):
    """A county's share of a plan's quota (one stratum of the draw), with its city for subtotals."""

    plan = models.ForeignKey(
        PatrolPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="quotas"
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "regions.Region", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    canteens = models.PositiveIntegerField(_("canteens in the county"))
    quota = models.PositiveIntegerField(_("canteens to patrol"))

    objects = ScopedManager()
    scope_rule = ScopeRule(region="plan__region__code", view_roles=_VIEW, change_roles=_CHANGE)

    class Meta:
        verbose_name = _("patrol quota")
        verbose_name_plural = _("patrol quotas")
        ordering = ["plan", "county"]
        constraints = [models.UniqueConstraint(fields=["plan", "county"], name="patrol_quota_one_per_county")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.county_id} {self.quota}"


def _canteen_rule(prefix: str) -> ScopeRule:
    # A canteen drawn by a city or province plan is patrolled by any regulator above it, so the
    # assignment belongs to the canteen's region rather than the plan's.
    # The school and canteen paths only anchor the audit log: principals and canteens hold no view role.
    return ScopeRule(
        region=f"{prefix}canteen__school__organisation__region__code",
        school=f"{prefix}canteen__school_id",
        canteen=f"{prefix}canteen_id",
        view_roles=_VIEW,
        change_roles=_CHANGE,
    )


class PatrolAssignment(AuditedModel):
    """A canteen drawn for a plan: its stratum, weight and rank in the draw, and whether it was patrolled."""

    plan = models.ForeignKey(
        PatrolPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments"
    )
    canteen = models.ForeignKey(
        "schools.Canteen",
        verbose_name=_("canteen"),
        on_delete=models.CASCADE,
        related_name="patrol_assignments",
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.PositiveSmallIntegerField(_("weight"))
    rank = models.PositiveIntegerField(_("rank in the draw"))
    state = models.CharField(
        _("state"), max_length=8, choices=AssignmentState.choices, default=AssignmentState.PENDING
    )
    patrolled_by = user_field(_("patrolled by"))
    patrolled_at = models.DateTimeField(_("patrolled at"), null=True, blank=True)

    objects = ScopedManager()
    scope_rule = _canteen_rule("")

    class Meta:
        verbose_name = _("patrol assignment")
        verbose_name_plural = _("patrol assignments")
        ordering = ["plan", "county", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "canteen"], name="patrol_assignment_once_per_plan"),
        ]
        indexes = [models.Index(fields=["state", "patrolled_at"], name="patrol_assignment_state_at")]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.rank} {self.canteen_id}"


class PatrolRecord(AuditedModel):
    """The one patrol of an assignment (who and when are on the assignment)."""

    assignment = models.OneToOneField(
        PatrolAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="record"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    submission_key = submission_key_field()

    objects = ScopedManager()
    scope_rule = _canteen_rule("assignment__")

    class Meta:
        verbose_name = _("patrol record")
        verbose_name_plural = _("patrol records")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.assignment_id}"


class PatrolFinding(AuditedModel):
    """A checklist item found wrong, with its snapshot (an uploaded file, or a camera's stored picture
    with the camera and when it was taken) and the rectification notice it opened (if any)."""

    record = models.ForeignKey(
        PatrolRecord, verbose_name=_("patrol record"), on_delete=models.CASCADE, related_name="findings"
    )
    item = models.CharField(_("checklist item"), max_length=32)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    photo = models.CharField(_("snapshot"), max_length=200)
    thumbnail = models.CharField(_("snapshot thumbnail"), max_length=200, blank=True)
    # Set when the snapshot is a camera's picture (taken by the workers) rather than an uploaded file.
    camera = models.ForeignKey(
        "cameras.Camera",
        verbose_name=_("camera"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    captured_at = models.DateTimeField(_("picture taken at"), null=True, blank=True)
    notice = models.ForeignKey(
        "rectifications.RectificationNotice",
        verbose_name=_("rectification notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_rule = _canteen_rule("record__assignment__")

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["record", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="patrol_finding_once_per_item")
        ]

    @property
    def item_text(self) -> str:
        from brightkitchen.patrols.checklist import BY_CODE

        found = BY_CODE.get(self.item)
        return str(found.text) if found else self.item

    def __str__(self) -> str:
        return f"{self.record_id} {self.item}"
