import datetime
from typing import Any

from django import template
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def field_label(entry: Any, attname: str) -> str:
    """The translated name of a changed field of an audit entry's model (falls back to the column name)."""
    field = _model_field(entry, attname)
    return str(field.verbose_name) if field is not None else attname


def _model_field(entry: Any, attname: str) -> Any:
    model = entry.content_type.model_class() if getattr(entry, "content_type", None) else None
    if model is not None:
        for field in model._meta.concrete_fields:
            if attname in (field.attname, field.name):
                return field
    return None


@register.simple_tag
def audit_value(entry: Any, side: str, attname: str) -> str:
    """A changed field's value before or after (`side`) as a person reads it: a choice by its label, a
    time in the reader's time zone, yes/no for a flag; "—" for none. The log keeps the stored value."""
    values = getattr(entry, side, None)
    value = values.get(attname) if isinstance(values, dict) else None
    if value is None or value == "":
        return "—"
    field = _model_field(entry, attname)
    if field is None:
        return str(value)
    if field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return str(_("Yes") if value in (True, "true", "True", 1) else _("No"))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(value)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`{{ dict|get_item:key }}` for the audit log's before/after values."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def figure(ratio: Any, is_count: bool = False) -> str:
    """A dashboard figure: a count as a whole number, a rate as a percentage, "—" when nothing was
    expected (a holiday month is not 0 %)."""
    if ratio is None:
        return "—"
    if is_count:
        return f"{ratio.done:,}"
    rate = ratio.rate
    return "—" if rate is None else f"{rate * 100:.1f}%"
