from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.schools.models import LicenceStatus, RiskGrade, SchoolType


class SchoolSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.RegexField(label=_("Region code"), required=False, regex=r"^\d{2,12}$")
    school_type = forms.ChoiceField(
        label=_("School type"), required=False, choices=[("", _("All types")), *SchoolType.choices]
    )
    risk_grade = forms.ChoiceField(
        label=_("Risk grade"), required=False, choices=[("", _("All risk grades")), *RiskGrade.choices]
    )
    licence_status = forms.ChoiceField(
        label=_("Licence"), required=False, choices=[("", _("Any licence status")), *LicenceStatus.choices]
    )
