from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import ApiToken


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput, max_length=200)
    # Asked for only after repeated failed sign-ins on the account (accounts.captcha).
    captcha_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    captcha = forms.CharField(
        label=_("The sum in the picture"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), required=False, min_value=1, max_value=3650
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        required=False,  # left out: read only
        widget=forms.RadioSelect,
        help_text=_("A read-only token gets 403 on any change (POST, PUT, PATCH, DELETE)."),
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class InvitationForm(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput(render_value=False), max_length=128
    )
    again = forms.CharField(
        label=_("The password again"), widget=forms.PasswordInput(render_value=False), max_length=128
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("password") and data.get("again") and data["password"] != data["again"]:
            self.add_error("again", _("The two passwords differ."))
        return data


class ImportForm(forms.Form):
    sheet = forms.FileField(label=_("Spreadsheet (.xlsx)"))
