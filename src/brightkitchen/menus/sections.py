"""The school file's "This week's menu" section: each canteen's published menu of the current week."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.menus import selectors
from brightkitchen.menus.services import monday_of
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _menu(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    week = monday_of(timezone.localdate())
    filters = selectors.MenuFilters(week_start=week, published=True)
    menus = {m.canteen_id: m for m in selectors.menus_for(request.user, filters).filter(canteen__in=canteens)}
    rows = [{"canteen": c, "menu": menus.get(c.pk)} for c in canteens]
    return {"rows": rows, "week": week}


def register() -> None:
    register_section(SchoolFileSection("menus", _("This week's menu"), "menus/sections/week.html", 60, _menu))
