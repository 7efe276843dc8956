from typing import Any

from django import template

register = template.Library()


@register.filter
def field_label(entry: Any, attname: str) -> str:
    """The translated name of a changed field of an audit entry's model (falls back to the column name)."""
    model = entry.content_type.model_class() if getattr(entry, "content_type", None) else None
    if model is not None:
        for field in model._meta.concrete_fields:
            if attname in (field.attname, field.name):
                return str(field.verbose_name)
    return attname


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
