"""Form fields shared by every page form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest

from brightkitchen.core.api import EARLIEST_DAY, LATEST_DAY


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO (YYYY-MM-DD): the zh-hans format (2026/11/22) is
    not a valid value of <input type=date>, the browser would show it empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format or "%Y-%m-%d")


class DayField(forms.DateField):
    """A calendar day in the same window the API accepts, picked with the browser's date picker."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]
        self.widget.attrs.setdefault("min", EARLIEST_DAY.isoformat())
        self.widget.attrs.setdefault("max", LATEST_DAY.isoformat())


def day_from_query(request: HttpRequest, name: str) -> datetime.date | None:
    """The day in `?name=YYYY-MM-DD`, or None when it is missing, malformed or outside the accepted window
    (a hand-typed year 1 has no previous day to link to)."""
    try:
        day = datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None
