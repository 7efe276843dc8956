"""The phone form of a hygiene record: the common fields and the fields of the chosen kind."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.hygiene.models import CleaningTarget, DisinfectionMethod, HygieneKind
from brightkitchen.hygiene.services import KIND_FIELDS

_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class HygieneForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=HygieneKind.choices)
    done_at = forms.DateTimeField(
        label=_("Done at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=_DT_FORMATS,
    )
    person = forms.CharField(label=_("Person"), max_length=40)
    target = forms.ChoiceField(label=_("Cleaned"), choices=CleaningTarget.choices, required=False)
    area = forms.CharField(label=_("Area"), max_length=60, required=False)
    method = forms.CharField(label=_("Method"), max_length=60, required=False)
    agent = forms.CharField(label=_("Disinfectant or pesticide"), max_length=60, required=False)
    quantity_kg = forms.DecimalField(label=_("Quantity (kg)"), min_value=0, decimal_places=1, required=False)
    collector = forms.CharField(label=_("Collector or company"), max_length=60, required=False)
    additive = forms.CharField(label=_("Additive"), max_length=60, required=False)
    amount_g = forms.DecimalField(label=_("Amount (g)"), min_value=0, decimal_places=1, required=False)
    dish = forms.CharField(label=_("Dish"), max_length=60, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, kind: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in {
            "target",
            "area",
            "method",
            "agent",
            "quantity_kg",
            "collector",
            "additive",
            "amount_g",
            "dish",
        }:
            if name not in KIND_FIELDS.get(kind, set()):
                del self.fields[name]
        if kind == HygieneKind.CLEANING:
            self.fields["method"] = forms.ChoiceField(label=_("Method"), choices=DisinfectionMethod.choices)
            self.fields["target"].required = True
        self.initial.setdefault("kind", kind)
        self.initial.setdefault("done_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
