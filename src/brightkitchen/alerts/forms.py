from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.models import SeverityChoice
from brightkitchen.alerts.selectors import State
from brightkitchen.alerts.services import ANSWER_MAX, NOTE_MAX


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(State.OPEN, _("Open")), (State.CLOSED, _("Closed")), (State.ALL, _("All"))],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any severity")), *SeverityChoice.choices]
    )
    unread = forms.BooleanField(label=_("Unread only"), required=False)


class DismissForm(forms.Form):
    note = forms.CharField(
        label=_("Why dismiss it?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: checked on site, the licence renewal is in progress."),
    )


class AnswerForm(forms.Form):
    """The audited party's answer: what was done, or why the alert does not hold, and a photo of it."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    text = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What was done, or why the alert does not hold. The regulator reads it and closes the alert."
        ),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
