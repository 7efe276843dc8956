"""Creating a record exactly once per submission key (poor kitchen Wi-Fi resubmits forms)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from brightkitchen.core.errors import Conflict, FieldError

_M = TypeVar("_M", bound=models.Model)


def create_once(
    model: type[_M],
    submission_key: uuid.UUID | None,
    build: Callable[[], _M],
    *,
    on_created: Callable[[_M], None] | None = None,
) -> tuple[_M, bool]:
    """(record, created). With a key already used, the first record comes back unchanged and nothing
    is created; without a key, the record is simply created. `build` returns an unsaved instance;
    it is validated (FieldError naming the field) and saved in a transaction, in which `on_created`
    then runs with the new record (what must change with it, such as its canteen's tallies)."""
    manager: Any = model._default_manager
    if submission_key is not None:
        existing = manager.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    instance = build()
    if submission_key is not None:
        instance.submission_key = submission_key  # type: ignore[attr-defined]
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        message = "; ".join(str(m) for e in errors for m in e.messages)
        if any(e.code in ("unique", "unique_together") for e in errors):
            raise Conflict("__all__" if field == "__all__" else field, message) from exc
        raise FieldError(field, message) from exc
    try:
        with transaction.atomic():
            instance.save()
            if on_created is not None:
                on_created(instance)
    except IntegrityError:
        if submission_key is not None:
            existing = manager.filter(submission_key=submission_key).first()
            if existing is not None:  # a concurrent resubmit won the race
                return existing, False
        raise
    return instance, True
