"""The regulator's override form on the risk page: a grade with a reason, or clearing it with a reason.
Each rendered form carries a fresh submission key, so a double tap changes nothing twice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.schools.models import RiskGrade


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("", _("Back to the computed grade")), *RiskGrade.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: say why the grade differs from the computed one, or why the override ends."),
    )
