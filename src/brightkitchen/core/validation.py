"""Checks every service applies to what a user typed, each failing with a FieldError naming the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.errors import FieldError
from brightkitchen.core.scoping import AnyUser

if TYPE_CHECKING:  # the type only: core imports no domain app at run time (the import-linter contract)
    from brightkitchen.accounts.models import User


def acting_user(user: AnyUser) -> User | None:
    """The user to store as the author of a record (None for the system)."""
    return cast("User", user) if user.is_authenticated else None


def clean_text(field: str, value: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FieldError(field, _("This field is required."), code="required")
    if len(value) > max_length:
        raise FieldError(field, _("This text is too long."), code="too_long")
    return value


def full_save(instance: Model) -> None:
    """Run the model's own validation (its first failing field becomes the FieldError), then save."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        name, errors = next(iter(exc.error_dict.items()))
        raise FieldError(name, "; ".join(str(m) for e in errors for m in e.messages)) from exc
    with transaction.atomic():
        instance.save()
