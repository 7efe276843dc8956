"""Accompanied meals (陪餐): a school leader eats with the students at every meal and keeps a record;
parents may join, and the school studies and answers their feedback (规定 Art. 13, domain-rules §1.2)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import user_field
from brightkitchen.core.scoping import ScopedManager
from brightkitchen.schedule.models import Meal
from brightkitchen.schools.models import CanteenRecord


class CompanionKind(models.TextChoices):
    LEADER = "leader", _("School leader")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other")


class AccompaniedMeal(CanteenRecord):
    date = models.DateField(_("date"))
    meal = models.CharField(_("meal"), max_length=16, choices=Meal.choices)
    companion_name = models.CharField(_("companion"), max_length=40)
    companion_kind = models.CharField(_("companion is"), max_length=16, choices=CompanionKind.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1 to 5")
    )
    problems = models.TextField(_("problems found"), max_length=2000, blank=True)
    answer = models.TextField(_("the school's answer"), max_length=2000, blank=True)
    answered_by = user_field(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    record_day_field = "date"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("accompanied meal")
        verbose_name_plural = _("accompanied meals")
        ordering = ["-date", "meal", "companion_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["canteen", "date", "meal", "companion_name"], name="accompanied_meal_one_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="accompanied_meal_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["date", "canteen", "meal"], name="accompanied_day_canteen_meal")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_meal_display()} {self.companion_name}"

    @property
    def covers_meal(self) -> bool:
        """A meal counts as accompanied only with a school leader; parents come in addition."""
        return self.companion_kind == CompanionKind.LEADER
