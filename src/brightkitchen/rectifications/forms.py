"""Phone-first forms of the rectification workflow, each with a hidden submission_key (a fresh UUID per
rendered form) so a double tap or a resubmit changes nothing twice."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.forms import MultipleFileField, MultipleFileInput
from brightkitchen.rectifications.models import (
    DEFAULT_WORKING_DAYS,
    MAX_WORKING_DAYS,
    NoticeDecision,
    NoticeSource,
)


def _photos(label: str | Promise) -> MultipleFileField:
    return MultipleFileField(
        label=label,
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class NoticeForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    problem = forms.CharField(
        label=_("Problem found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "class": "big"})
    )
    source_kind = forms.ChoiceField(label=_("Source"), choices=NoticeSource.choices)
    source_ref = forms.CharField(
        label=_("Source reference"),
        max_length=100,
        required=False,
        help_text=_("For example the patrol or alert number."),
    )
    working_days = forms.IntegerField(
        label=_("Working days to rectify"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        initial=DEFAULT_WORKING_DAYS,
        widget=forms.NumberInput(attrs={"class": "big", "inputmode": "numeric"}),
    )
    photos = _photos(_("Evidence photos"))


class ResponseForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    response = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = _photos(_("Photos of the rectification"))


class ReviewForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=NoticeDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        help_text=_("Required when returning: say what is still wrong."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
