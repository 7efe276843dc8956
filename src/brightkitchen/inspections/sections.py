"""The school file's "Inspections" section: the latest inspections of the school's canteens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.inspections import selectors
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _inspections(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    qs = selectors.inspections_for(request.user).filter(canteen_id__in=[c.pk for c in canteens])
    return {"inspections": list(qs[:10])}


def register() -> None:
    register_section(
        SchoolFileSection(
            "inspections", _("Inspections"), "inspections/sections/inspections.html", 33, _inspections
        )
    )
