"""Phone-first forms with a hidden submission_key (a fresh UUID per rendered form)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

_BIG = {"class": "big"}
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class IncidentForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    onset_at = forms.DateTimeField(
        label=_("Symptoms began at"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "big", "data-onset": "1"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=_DT_FORMATS,
    )
    place = forms.CharField(label=_("Place"), max_length=100, widget=forms.TextInput(attrs=_BIG))
    affected = forms.IntegerField(
        label=_("People affected"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "big", "inputmode": "numeric", "min": 1}),
    )
    hospitalised = forms.IntegerField(
        label=_("People in hospital"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "big", "inputmode": "numeric", "min": 0}),
    )
    symptoms = forms.CharField(
        label=_("Symptoms"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "class": "big"})
    )
    sealed_food = forms.BooleanField(label=_("Suspect food sealed"), required=False)
    sealed_tools = forms.BooleanField(label=_("Tools and utensils sealed"), required=False)
    sealed_scene = forms.BooleanField(label=_("Scene sealed"), required=False)
    samples_kept = forms.BooleanField(label=_("Retained samples kept for testing"), required=False)
    measures = forms.CharField(
        label=_("Other measures taken"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "big"}),
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=40, widget=forms.TextInput(attrs=_BIG))
    reporter_phone = forms.CharField(
        label=_("Reporter's phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "big", "type": "tel", "inputmode": "tel"}),
    )


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing report"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
