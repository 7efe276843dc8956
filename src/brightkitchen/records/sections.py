"""The school file's "Today's records" section: each canteen's meals today with their samples (count,
weights, countdown) and whether a school leader accompanied them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.days import today
from brightkitchen.records import selectors
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _today(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    day = today()
    rows = [{"canteen": c, "boards": selectors.day_board(request.user, c, day)} for c in canteens]
    return {"rows": rows, "day": day, "now": timezone.now()}


def register() -> None:
    register_section(
        SchoolFileSection("records_today", _("Today's records"), "records/sections/today.html", 40, _today)
    )
