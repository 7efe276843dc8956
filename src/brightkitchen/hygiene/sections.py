"""The school file's "Hygiene ledgers" section: each canteen's last 7 days, per kind."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.days import today
from brightkitchen.hygiene import selectors
from brightkitchen.hygiene.models import HygieneKind
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section

DAYS = 7


def _ledgers(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    end = today()
    start = end - datetime.timedelta(days=DAYS - 1)
    records = list(
        selectors.records_for(request.user, selectors.HygieneFilters(date_from=start, date_to=end)).filter(
            canteen_id__in=[c.pk for c in canteens]
        )[:500]
    )
    rows = [
        {
            "canteen": c,
            "kinds": [
                (kind, [r for r in records if r.canteen_id == c.pk and r.kind == kind.value])
                for kind in HygieneKind
            ],
        }
        for c in canteens
    ]
    return {"rows": rows, "start": start, "end": end}


def register() -> None:
    register_section(
        SchoolFileSection("hygiene", _("Hygiene ledgers"), "hygiene/sections/ledgers.html", 45, _ledgers)
    )
