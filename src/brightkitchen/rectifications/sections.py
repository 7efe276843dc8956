"""The school file's "Rectifications" section: the notices of the school's canteens, open ones first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.rectifications import selectors
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _notices(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    qs = selectors.notices_for(request.user).filter(canteen_id__in=[c.pk for c in canteens])
    return {"notices": list(qs[:10])}


def register() -> None:
    register_section(
        SchoolFileSection(
            "rectifications",
            _("Rectifications"),
            "rectifications/sections/rectifications.html",
            35,
            _notices,
        )
    )
