"""The school file's "Incidents" section: the school's incident reports, open ones first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.incidents import selectors
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _incidents(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    rows = list(selectors.incidents_for(request.user).filter(canteen_id__in=[c.pk for c in canteens])[:10])
    return {"incidents": rows}


def register() -> None:
    register_section(
        SchoolFileSection("incidents", _("Incidents"), "incidents/sections/incidents.html", 30, _incidents)
    )
