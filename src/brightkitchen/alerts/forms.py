from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.models import SeverityChoice
from brightkitchen.alerts.selectors import State
from brightkitchen.alerts.services import NOTE_MAX


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
