from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import User
from brightkitchen.core.forms import DayField
from brightkitchen.staff.models import Position


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices, initial=Position.COOK)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    hired_on = DayField(label=_("Hired on"), required=False)
    account_id = forms.TypedChoiceField(
        label=_("Sign-in account"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("When the person signs in to the platform: their account, so their records name them."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, accounts: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("None")), *((a.pk, f"{a} ({a.username})") for a in accounts)]
        if not accounts:
            del self.fields["account_id"]


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    issued_on = DayField(label=_("Issued on"))
    expires_on = DayField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty for one year after issue."),
    )
    photo = forms.FileField(
        label=_("Photo of the certificate"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=120)
    date = DayField(label=_("Date"), initial=timezone.localdate)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.5"),
        max_value=Decimal("200"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    photo = forms.FileField(
        label=_("Photo of the training certificate"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
