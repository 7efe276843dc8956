"""The school file page (一校一档) is a list of sections. Any app adds one with `register_section`
from its AppConfig.ready(); the page template never changes when a section is added."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from brightkitchen.core.days import today
from brightkitchen.schools.models import Canteen, School

SectionContext = Callable[[HttpRequest, School, list[Canteen]], dict[str, Any] | None]


@dataclass(frozen=True)
class SchoolFileSection:
    key: str
    title: str | Promise
    template: str
    order: int
    # Returns the template context, or None to leave the section out for this user and school.
    context: SectionContext


_SECTIONS: dict[str, SchoolFileSection] = {}


def register_section(section: SchoolFileSection) -> None:
    _SECTIONS[section.key] = section


def registered_sections() -> list[SchoolFileSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str | Promise
    html: SafeString


def render_sections(request: HttpRequest, school: School, canteens: list[Canteen]) -> list[RenderedSection]:
    rendered = []
    for section in registered_sections():
        ctx = section.context(request, school, canteens)
        if ctx is None:
            continue
        ctx = {"school": school, "canteens": canteens, **ctx}
        html = render_to_string(section.template, ctx, request=request)
        rendered.append(RenderedSection(section.key, section.title, mark_safe(html)))
    return rendered


# --- The sections this app owns ------------------------------------------------------------------------


def _profile(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any]:
    return {}


def _canteens(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any]:

    on = today()
    return {"rows": [(c, c.licence_status(on)) for c in canteens]}


COMPLETENESS_DAYS = 30


def _completeness(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    """Every registered completeness rate of each canteen over the last 30 days: what a county regulator
    looks at first on a school's file."""
    import datetime

    from brightkitchen.schools.metrics import MetricInput, registered_metrics, total

    if not canteens:
        return None
    end = today()
    start = end - datetime.timedelta(days=COMPLETENESS_DAYS - 1)
    metrics = registered_metrics()
    rows = []
    for canteen in canteens:
        # Already fetched through scoping by the page; the metrics share what they read.
        one = MetricInput(Canteen.objects.filter(pk=canteen.pk), start, end)
        cells = []
        for metric in metrics:
            ratio = total(metric.compute(one))
            cells.append({"metric": metric, "ratio": ratio, "percent": _percent(ratio.rate)})
        rows.append({"canteen": canteen, "cells": cells})
    return {"rows": rows, "start": start, "end": end}


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


def _recent_changes(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from brightkitchen.audit.selectors import audit_entries_for

    # Changes to the school and its canteens (not its user accounts, which the audit log page shows).
    kinds = ContentType.objects.get_for_models(School, Canteen).values()
    entries = audit_entries_for(request.user).filter(
        Q(school_id=school.pk) | Q(canteen_id__in=[c.pk for c in canteens]), content_type__in=kinds
    )[:10]
    if not entries:
        return None
    return {"entries": entries}


def _register() -> None:
    from django.utils.translation import gettext_lazy as _

    register_section(
        SchoolFileSection("profile", _("School profile"), "schools/sections/profile.html", 10, _profile)
    )
    register_section(
        SchoolFileSection(
            "canteens", _("Canteens, licences and grades"), "schools/sections/canteens.html", 20, _canteens
        )
    )
    register_section(
        SchoolFileSection(
            "completeness",
            _("Record completeness"),
            "schools/sections/completeness.html",
            25,
            _completeness,
        )
    )
    register_section(
        SchoolFileSection(
            "changes", _("Recent changes"), "schools/sections/changes.html", 900, _recent_changes
        )
    )


_register()
