"""The school file's "Risk grade" section: each canteen's grade, score, the signals behind it and the
inspections a year the grade calls for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.risk import selectors
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _risk(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    qs = selectors.assessments_for(request.user).filter(canteen_id__in=[c.pk for c in canteens])
    assessments = list(qs)
    if not assessments:
        return None
    return {"assessments": assessments}


def register() -> None:
    register_section(SchoolFileSection("risk", _("Risk grade"), "risk/sections/risk.html", 30, _risk))
