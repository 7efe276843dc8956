"""The school file's "Cameras" section: live tiles of the first cameras, each canteen's cameras with
status and last frame, and the recent health events."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.cameras import selectors
from brightkitchen.cameras.live_views import canteen_live_tiles
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section


def _cameras(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    cameras = list(selectors.cameras_for(request.user).filter(canteen_id__in=[c.pk for c in canteens])[:50])
    events = selectors.events_for(request.user, [c.pk for c in cameras], limit=10)
    tiles = canteen_live_tiles(request.user, [c.pk for c in canteens])
    return {"cameras": cameras, "events": events, "tiles": tiles}


def register() -> None:
    register_section(
        SchoolFileSection("cameras", _("Cameras"), "cameras/sections/cameras.html", 30, _cameras)
    )
