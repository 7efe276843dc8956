"""The menu editor's form, with a hidden submission_key so a double tap adds a dish once."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.forms import DayField
from brightkitchen.menus.models import MAX_PORTION_G, MAX_PRICE
from brightkitchen.schedule.models import Meal


class MenuItemForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    day = DayField(label=_("Day"))
    meal = forms.ChoiceField(label=_("Meal"), choices=Meal.choices, initial=Meal.LUNCH)
    dish = forms.CharField(label=_("Dish"), max_length=60)
    quantity_g = forms.IntegerField(
        label=_("Grams per portion"),
        min_value=1,
        max_value=MAX_PORTION_G,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    price = forms.DecimalField(
        label=_("Price (yuan)"),
        min_value=Decimal("0"),
        max_value=MAX_PRICE,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
