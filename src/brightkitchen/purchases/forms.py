"""The phone form of a delivery. It carries a hidden submission_key (a fresh UUID per rendered form) so a
double tap or a resubmit over poor Wi-Fi creates nothing twice; the rules are checked by the service,
whose FieldErrors are shown beside the field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.forms import DayField, MultipleFileField
from brightkitchen.purchases.models import DELIVERY_FIELDS, CertificateKind, Decision, RejectionHandling


class DeliveryForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    delivered_on = DayField(label=_("Delivered on"))
    supplier_name = forms.CharField(label=_("Supplier"), max_length=100)
    product = forms.CharField(label=_("Product"), max_length=60)
    specification = forms.CharField(label=_("Specification"), max_length=60, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    unit = forms.CharField(label=_("Unit"), max_length=16, help_text=_("kg, box, bag…"))
    production_date = DayField(label=_("Production date"), required=False)
    lot_number = forms.CharField(
        label=_("Lot number"), max_length=40, required=False, help_text=_("The production date or the lot.")
    )
    shelf_life_days = forms.IntegerField(
        label=_("Shelf life (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave empty for products without a shelf life."),
    )
    bulk_staple = forms.BooleanField(
        label=_("Bulk staple (two people accept it)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-toggles": "bulk"}),
    )
    acceptor_name = forms.CharField(label=_("Accepted by"), max_length=40)
    second_acceptor_name = forms.CharField(
        label=_("Second acceptor"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"data-bulk": "1"}),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, initial=Decision.ACCEPTED, widget=forms.RadioSelect
    )
    rejection_reason = forms.CharField(label=_("Rejection reason"), max_length=200, required=False)
    rejection_handling = forms.ChoiceField(
        label=_("Rejected goods were"),
        choices=[("", "—"), *RejectionHandling.choices],
        required=False,
    )
    certificate_kind = forms.ChoiceField(
        label=_("Certificate kind"), choices=CertificateKind.choices, initial=CertificateKind.QUALITY
    )
    certificates = MultipleFileField(label=_("Certificate photos or PDF"), required=False)

    def record_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DELIVERY_FIELDS}
