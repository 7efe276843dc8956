"""Forms of the dispatch pages, each with a hidden submission_key (a fresh UUID per rendered form) so a
double click or a resubmit changes nothing twice."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.forms import DayField, MultipleFileField, MultipleFileInput
from brightkitchen.dispatch.models import DispatchDecision
from brightkitchen.organisations.models import Organisation


def _attachments() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Photos or PDF documents."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class TaskForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Instructions"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))
    deadline = DayField(label=_("Deadline"))
    recipients = forms.TypedMultipleChoiceField(
        label=_("Send to"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )
    attachments = _attachments()

    def __init__(self, *args: Any, units: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(u.pk, f"{u.name} ({u.region_id})") for u in units]


class AnswerForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    text = forms.CharField(label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = _attachments()


class ReviewForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DispatchDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=8000,
        required=False,
        help_text=_("Required when returning: say what is still missing."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
