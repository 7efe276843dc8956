"""What incident reports add to a canteen's risk grade (risk.signals): an incident still open on the
assessment day weighs by its severity, one closed within the period still counts for a while.

| Incident | Points |
|---|---|
| open, serious: anyone in hospital, or 30 or more people ill | 45 (grade D on its own) |
| open, any other | 25 (grade C on its own) |
| closed, reported within the period | 10 each, at most 20 |

The points of a canteen's incidents add up, at most 45. (30 people ill is where the national emergency
plan's 一般食品安全事故 begins; anyone in hospital makes a school case serious whatever the count.)
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.incidents.models import IncidentReport, IncidentStatus
from brightkitchen.risk.signals import RiskSignal, SignalValue, capped, register_signal
from brightkitchen.schools.models import Canteen

SERIOUS_AFFECTED = 30
OPEN_SERIOUS_POINTS = 45
OPEN_POINTS = 25
CLOSED_POINTS, CLOSED_MAX = 10, 20
INCIDENT_MAX = 45


def serious_q() -> Q:
    return Q(hospitalised__gt=0) | Q(affected__gte=SERIOUS_AFFECTED)


def incidents_signal(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, SignalValue]:
    """Per canteen: how many incidents count (open ones, and closed ones reported in the period) and
    their points. One grouped query for all the canteens."""
    is_open = Q(status=IncidentStatus.OPEN)
    in_period = Q(reported_at__date__range=(start, end))
    rows = (
        IncidentReport.objects.filter(canteen__in=canteens.values("pk"))
        .filter(is_open | in_period)
        .order_by()
        .values("canteen_id")
        .annotate(
            open_serious=Count("pk", filter=is_open & serious_q()),
            open_other=Count("pk", filter=is_open & ~serious_q()),
            closed=Count("pk", filter=~is_open & in_period),
        )
    )
    result: dict[int, SignalValue] = {}
    for row in rows:
        points = (
            row["open_serious"] * OPEN_SERIOUS_POINTS
            + row["open_other"] * OPEN_POINTS
            + capped(row["closed"], CLOSED_POINTS, CLOSED_MAX)
        )
        count = row["open_serious"] + row["open_other"] + row["closed"]
        result[row["canteen_id"]] = SignalValue(count, min(points, INCIDENT_MAX))
    return result


def register() -> None:
    register_signal(RiskSignal("incidents", _("Incidents (open ones by severity)"), incidents_signal))
