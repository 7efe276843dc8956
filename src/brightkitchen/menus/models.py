"""Weekly menus with quantities and prices (带量食谱, 明码标价): a canteen plans each week's dishes with the
grams per portion and the price, and publishes the menu so it shows on the school file."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel, submission_key_field
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schedule.models import Meal
from brightkitchen.schools.models import CanteenRecord

MAX_PORTION_G = 2000
MAX_PRICE = Decimal("999.99")
MAX_ITEMS_PER_MENU = 300


class WeeklyMenu(CanteenRecord):
    week_start = models.DateField(_("week starting"), help_text=_("A Monday."))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("weekly menu")
        verbose_name_plural = _("weekly menus")
        ordering = ["-week_start", "canteen"]
        constraints = [
            models.UniqueConstraint(fields=["canteen", "week_start"], name="weekly_menu_one_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.week_start}"

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)


class MenuItem(AuditedModel):
    menu = models.ForeignKey(
        WeeklyMenu, verbose_name=_("menu"), on_delete=models.CASCADE, related_name="items"
    )
    day = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=16, choices=Meal.choices)
    dish = models.CharField(_("dish"), max_length=60)
    quantity_g = models.PositiveIntegerField(
        _("grams per portion"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PORTION_G)]
    )
    price = models.DecimalField(
        _("price (yuan)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE)],
    )
    submission_key = submission_key_field(editable=False)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="menu__canteen__school__organisation__region__code",
        school="menu__canteen__school_id",
        canteen="menu__canteen_id",
        change_roles=CanteenRecord.scope_rule.change_roles,
    )

    class Meta:
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        ordering = ["day", "meal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["menu", "day", "meal", "dish"], name="menu_item_unique_dish"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="menu_item_price_not_negative"),
            models.CheckConstraint(condition=models.Q(quantity_g__gte=1), name="menu_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_meal_display()} {self.dish}"
