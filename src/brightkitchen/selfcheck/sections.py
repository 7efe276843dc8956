"""The school file's "Self-inspection" section: each canteen's daily-check rate over the last 30 days,
today's daily check and the latest monthly review with its signature."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.schools.metrics import canteen_rate
from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.sections import SchoolFileSection, register_section
from brightkitchen.selfcheck import selectors
from brightkitchen.selfcheck.metrics import daily_check_rate
from brightkitchen.selfcheck.models import CheckKind


def _section(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not canteens:
        return None
    today = timezone.localdate()
    start = today - datetime.timedelta(days=29)
    reports = list(
        selectors.inspections_for(
            request.user,
            selectors.InspectionFilters(period_from=today.replace(day=1) - datetime.timedelta(days=62)),
        ).filter(canteen_id__in=[c.pk for c in canteens])
    )
    rows = []
    for canteen in canteens:
        mine = [r for r in reports if r.canteen_id == canteen.pk]
        rate = canteen_rate(daily_check_rate, canteen.pk, start, today)
        rows.append(
            {
                "canteen": canteen,
                "rate": rate,
                "percent": round(rate.rate * 100) if rate.rate is not None else None,
                "today": next((r for r in mine if r.kind == CheckKind.DAILY and r.period == today), None),
                "monthly": next((r for r in mine if r.kind == CheckKind.MONTHLY), None),
            }
        )
    return {"rows": rows, "day": today}


def register() -> None:
    register_section(
        SchoolFileSection(
            "selfcheck", _("Self-inspection"), "selfcheck/sections/selfcheck.html", 50, _section
        )
    )
