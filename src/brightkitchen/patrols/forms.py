"""Forms of the patrol pages. The patrol screen's checklist (a checkbox, note, snapshot and "open a
rectification" per item) is rendered from the checklist and read in the view, since its fields follow
the checklist; this form carries the rest, with a hidden submission_key so a resubmit changes nothing."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.patrols.services import MAX_QUOTA, MAX_SEED
from brightkitchen.rectifications.models import DEFAULT_WORKING_DAYS, MAX_WORKING_DAYS


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


class PlanForm(forms.Form):
    period = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        initial=_this_month,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    quota = forms.IntegerField(
        label=_("Canteens to patrol"),
        min_value=1,
        max_value=MAX_QUOTA,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    seed = forms.IntegerField(
        label=_("Draw seed"),
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        help_text=_("Leave empty for a random seed; it is recorded so the draw can be checked."),
    )


class PatrolForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    note = forms.CharField(
        label=_("Patrol note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    working_days = forms.IntegerField(
        label=_("Working days to rectify"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        initial=DEFAULT_WORKING_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
