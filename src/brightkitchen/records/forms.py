"""Phone-first forms. Each carries a hidden submission_key (a fresh UUID per rendered form) so a double tap
or a resubmit over poor Wi-Fi creates nothing twice. Domain rules are checked by the services, whose
FieldErrors are shown beside the field."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.forms import DayField
from brightkitchen.records.models import MIN_SAMPLE_WEIGHT_G, CompanionKind
from brightkitchen.schedule.models import Meal

STORED_AT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class _KeyedForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class SampleForm(_KeyedForm):
    date = DayField(label=_("Date"))
    meal = forms.ChoiceField(label=_("Meal"), choices=Meal.choices)
    dish = forms.CharField(label=_("Dish"), max_length=60)
    weight_g = forms.IntegerField(
        label=_("Weight (g)"),
        widget=forms.NumberInput(attrs={"min": MIN_SAMPLE_WEIGHT_G, "step": 1, "inputmode": "numeric"}),
        help_text=_("At least 125 g of each dish."),
    )
    stored_at = forms.DateTimeField(
        label=_("Stored at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=STORED_AT_FORMATS,
    )
    sampled_by = forms.CharField(label=_("Sampled by"), max_length=40)
    storage_label = forms.CharField(label=_("Fridge or cabinet"), max_length=40, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    @staticmethod
    def initial_for(day: object, sampled_by: str) -> dict[str, object]:
        now = timezone.localtime()
        return {"date": day, "stored_at": now.strftime("%Y-%m-%dT%H:%M"), "sampled_by": sampled_by}


class MealSamplesForm(forms.Form):
    """What the samples of one meal share: when and by whom they were put in the fridge, and where."""

    stored_at = forms.DateTimeField(
        label=_("Stored at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=STORED_AT_FORMATS,
    )
    sampled_by = forms.CharField(label=_("Sampled by"), max_length=40)
    storage_label = forms.CharField(label=_("Fridge or cabinet"), max_length=40, required=False)

    @staticmethod
    def initial_for(day: datetime.date, sampled_by: str) -> dict[str, object]:
        """Now on today's page; on an earlier day's page (a late entry) that day at the current time."""
        now = timezone.localtime()
        stored = now if now.date() == day else datetime.datetime.combine(day, now.time())
        return {"stored_at": stored.strftime("%Y-%m-%dT%H:%M"), "sampled_by": sampled_by}


class SampleRowForm(forms.Form):
    """One dish of the meal's sample page (prefixed by its row). The minimum weight is the service's
    rule; the browser is only told it for the keypad."""

    dish = forms.CharField(label=_("Dish"), max_length=60, required=False)
    weight_g = forms.IntegerField(
        label=_("Weight (g)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": MIN_SAMPLE_WEIGHT_G, "step": 1, "inputmode": "numeric"}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class AccompaniedMealForm(_KeyedForm):
    date = DayField(label=_("Date"))
    meal = forms.ChoiceField(label=_("Meal"), choices=Meal.choices)
    companion_name = forms.CharField(label=_("Companion"), max_length=40)
    companion_kind = forms.ChoiceField(label=_("Companion is"), choices=CompanionKind.choices)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        initial=5,
    )
    problems = forms.CharField(
        label=_("Problems found"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The school's answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
