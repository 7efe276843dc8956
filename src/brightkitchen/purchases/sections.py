"""The school file's "Purchase inspection" section: the school's last 10 deliveries with their
certificate status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.purchases import selectors
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section

SHOWN = 10


def _recent(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    qs = selectors.inspections_for(request.user).filter(canteen_id__in=[c.pk for c in canteens])
    return {"deliveries": list(qs[:SHOWN])}


def register() -> None:
    register_section(
        SchoolFileSection(
            "purchases", _("Purchase inspection"), "purchases/sections/recent.html", 45, _recent
        )
    )
