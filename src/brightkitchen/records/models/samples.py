"""Sample retention (留样): every dish of every meal, at least 125 g, kept refrigerated at least 48 hours
(学校食品安全与营养健康管理规定; GB 31654 keeps 125 g — see reference/domain-rules.md §1.3)."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import user_field
from brightkitchen.core.scoping import ScopedManager
from brightkitchen.schedule.models import Meal
from brightkitchen.schools.models import CanteenRecord

MIN_SAMPLE_WEIGHT_G = 125
MAX_SAMPLE_WEIGHT_G = 5000  # a sample box, not a pot: larger is a typing error
SAMPLE_KEEP_HOURS = 48


class SampleRetention(CanteenRecord):
    date = models.DateField(_("date"))
    meal = models.CharField(_("meal"), max_length=16, choices=Meal.choices)
    dish = models.CharField(_("dish"), max_length=60)
    weight_g = models.PositiveIntegerField(
        _("weight (g)"),
        validators=[MinValueValidator(MIN_SAMPLE_WEIGHT_G), MaxValueValidator(MAX_SAMPLE_WEIGHT_G)],
        help_text=_("At least 125 g of each dish."),
    )
    stored_at = models.DateTimeField(_("stored at"))
    sampled_by = models.CharField(_("sampled by"), max_length=40)
    photo = models.CharField(_("photo"), max_length=200)
    photo_thumbnail = models.CharField(_("photo thumbnail"), max_length=200, blank=True)
    storage_label = models.CharField(_("fridge or cabinet"), max_length=40, blank=True)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    discarded_by = user_field(_("discarded by"))

    record_day_field = "date"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("sample retention record")
        verbose_name_plural = _("sample retention records")
        ordering = ["-date", "meal", "dish"]
        constraints = [
            models.UniqueConstraint(
                fields=["canteen", "date", "meal", "dish"], name="sample_one_per_dish_and_meal"
            ),
            models.CheckConstraint(
                condition=models.Q(weight_g__gte=MIN_SAMPLE_WEIGHT_G), name="sample_weight_at_least_125g"
            ),
        ]
        indexes = [models.Index(fields=["date", "canteen", "meal"], name="sample_day_canteen_meal")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_meal_display()} {self.dish} {self.weight_g} g"

    @property
    def may_discard_at(self) -> datetime.datetime:
        return self.stored_at + datetime.timedelta(hours=SAMPLE_KEEP_HOURS)

    def may_discard(self, now: datetime.datetime) -> bool:
        """True once the 48 hours are over and the sample is still kept."""
        return self.discarded_at is None and now >= self.may_discard_at

    def seconds_left(self, now: datetime.datetime) -> int:
        return max(0, int((self.may_discard_at - now).total_seconds()))
