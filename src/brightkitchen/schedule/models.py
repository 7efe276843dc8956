"""The canteen calendar: when a canteen serves which meals. "Due" and "missing" records are computed
from it, so no alert is raised in the summer holiday or on a day the canteen is closed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


# Terms and holidays are set for a region by its education bureau (or the operator) and apply to every
# school below it; the nearest region that has terms wins (a county can override its province).
_CALENDAR_RULE = ScopeRule(
    region="region__code",
    change_roles=frozenset({Role.OPERATOR, Role.EDUCATION_BUREAU}),
)


class Term(AuditedModel):
    """A school term (学期): canteens serve meals only inside one."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = ScopedManager()
    scope_rule = _CALENDAR_RULE

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["region", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} – {self.ends_on})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A term ends after it starts.")})


class CalendarDay(AuditedModel):
    """A public holiday inside a term (no meals), or a weekend day made a working day (调休上班)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=60)
    is_workday = models.BooleanField(
        _("working day"), default=False, help_text=_("Ticked: a weekend day on which school runs.")
    )

    objects = ScopedManager()
    scope_rule = _CALENDAR_RULE

    class Meta:
        verbose_name = _("holiday or working day")
        verbose_name_plural = _("holidays and working days")
        ordering = ["region", "date"]
        constraints = [models.UniqueConstraint(fields=["region", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class MealPlan(AuditedModel):
    """Which meals a canteen serves, on which weekdays (ISO numbers, 1 = Monday)."""

    canteen = models.OneToOneField(
        "schools.Canteen", verbose_name=_("canteen"), on_delete=models.CASCADE, related_name="meal_plan"
    )
    breakfast = models.BooleanField(_("breakfast"), default=False)
    lunch = models.BooleanField(_("lunch"), default=True)
    dinner = models.BooleanField(_("dinner"), default=False)
    weekdays = models.CharField(
        _("weekdays"), max_length=7, default="12345", help_text=_("1 = Monday … 7 = Sunday")
    )

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="canteen__school__organisation__region__code",
        school="canteen__school_id",
        canteen="canteen_id",
        change_roles=frozenset({Role.OPERATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
    )

    class Meta:
        verbose_name = _("meal plan")
        verbose_name_plural = _("meal plans")

    def __str__(self) -> str:
        return f"{self.canteen_id}: {', '.join(str(m.label) for m in self.meals)}"

    def clean(self) -> None:
        if (
            not self.weekdays
            or any(c not in "1234567" for c in self.weekdays)
            or len(set(self.weekdays)) != len(self.weekdays)
        ):
            raise ValidationError({"weekdays": _("Give weekdays as distinct digits 1 to 7.")})

    @property
    def meals(self) -> list[Meal]:
        return [meal for meal in Meal if getattr(self, meal.value)]
