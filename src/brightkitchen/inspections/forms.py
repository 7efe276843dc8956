"""Phone-first forms of standardised inspection. Each create form carries a hidden submission_key (a
fresh UUID per rendered form) so a double tap creates nothing twice. The inspection form is built from
the items of the chosen checklist version: per item an outcome (large radio buttons), a note and
photos taken with the phone's camera."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.checklists.models import MAX_WEIGHT, ChecklistItem
from brightkitchen.core.forms import DayField, MultipleFileField, MultipleFileInput
from brightkitchen.inspections.models import Outcome


class TemplateForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    name = forms.CharField(label=_("Checklist name"), max_length=100)


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16, help_text=_("For example 3.1"))
    text = forms.CharField(label=_("Item"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    is_key = forms.BooleanField(label=_("Key item"), required=False)
    weight = forms.IntegerField(
        label=_("Weight (points)"),
        min_value=1,
        max_value=MAX_WEIGHT,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "big", "inputmode": "numeric"}),
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=10_000, required=False)


class ItemEditForm(ItemForm):
    """The same fields; the code names the item and is not changed (its results refer to it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True


def outcome_field(item: ChecklistItem) -> str:
    return f"outcome_{item.pk}"


def note_field(item: ChecklistItem) -> str:
    return f"note_{item.pk}"


def photos_field(item: ChecklistItem) -> str:
    return f"photos_{item.pk}"


class InspectionForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    inspected_on = DayField(label=_("Inspected on"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Overall note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, items: list[ChecklistItem], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[outcome_field(item)] = forms.ChoiceField(
                label=item.text, choices=Outcome.choices, widget=forms.RadioSelect(attrs={"class": "big"})
            )
            self.fields[note_field(item)] = forms.CharField(label=_("Note"), max_length=500, required=False)
            self.fields[photos_field(item)] = MultipleFileField(
                label=_("Photos"),
                required=False,
                widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
            )

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """Per item: the item and its outcome, note and photos fields, for the template."""
        return [(i, self[outcome_field(i)], self[note_field(i)], self[photos_field(i)]) for i in self.items]

    def field_for(self, error_field: str) -> str | None:
        """The form field of a service error on `results.<code>…` or `photos.<code>`."""
        for prefix, field in (("results.", outcome_field), ("photos.", photos_field)):
            for item in sorted(self.items, key=lambda i: -len(i.code)):  # "3.1" before "3"
                name = prefix + item.code
                if error_field == name or error_field.startswith(name + "."):
                    return field(item)
        return error_field if error_field in self.fields else None
