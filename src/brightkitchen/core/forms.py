"""Form fields shared by every page form, and how a service's FieldError is shown on one."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from brightkitchen.core.api import EARLIEST_DAY, LATEST_DAY
from brightkitchen.core.errors import FieldError

REGION_CODE_MAX = 12  # the longest division code (a township's)


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


@dataclass(frozen=True)
class FigureQuery:
    """A dashboard figure's list: `?measure=…&region=…&start=…&end=…` on a list page, read by
    `figure_query` and written by `figure_url` (dashboards link each figure to the list it counts)."""

    measure: str
    region: str
    start: datetime.date
    end: datetime.date


def figure_query(request: HttpRequest, measures: Iterable[str]) -> FigureQuery | None:
    """The figure the list is asked for, or None (a malformed or unknown part: the plain list)."""
    measure, region = request.GET.get("measure", ""), request.GET.get("region", "")
    start, end = day_from_query(request, "start"), day_from_query(request, "end")
    if measure not in set(measures) or start is None or end is None or start > end:
        return None
    if region and not (region.isdigit() and len(region) <= REGION_CODE_MAX):
        return None
    return FigureQuery(measure, region, start, end)


def figure_url(url_name: str, measure: str, region: str, start: datetime.date, end: datetime.date) -> str:
    query = {"measure": measure, "start": start.isoformat(), "end": end.isoformat()}
    if region:
        query["region"] = region
    return f"{reverse(url_name)}?{urlencode(query)}"


def show_field_error(form: forms.Form, exc: FieldError, field: str | None = None) -> None:
    """Show a service's FieldError beside the field it names, or above the form when the form has no such
    field. A dotted name belongs to its first part ("photos.2" is the third file of "photos",
    "quality_thresholds.blur" one key of the thresholds field); `field` overrides the name."""
    name = field if field is not None else exc.field.split(".")[0]
    form.add_error(name if name in form.fields else None, exc.message)


_T = TypeVar("_T")


def submit(
    request: HttpRequest,
    form: forms.Form,
    change: Callable[[dict[str, Any]], tuple[_T, bool]],
    success: str | Promise | Callable[[Any], str | Promise],
) -> tuple[_T | None, int]:
    """Run a service on a valid form's data: (its result, 200), with the success message when it changed
    something (a resubmit changes nothing); or (None, the status to answer with): 400 for an invalid
    form, the refusal's status with its error beside its field."""
    if not form.is_valid():
        return None, 400
    try:
        result, created = change(form.cleaned_data)
    except FieldError as exc:
        show_field_error(form, exc)
        return None, exc.status
    if created:
        messages.success(request, str(success(result) if callable(success) else success))
    return result, 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos, documents); cleans to a list, empty when none was chosen. The
    default input takes pictures (opening the phone's camera) and PDF documents."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
