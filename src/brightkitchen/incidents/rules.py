"""The "incident_open" alert rule: every open incident report is a critical alert to the canteen, its
school and the county regulator and education bureau (city and province offices see critical alerts
too). The incident services queue this rule for the report's canteen when it is filed or
closed (alerts.tasks.sweep_canteens)."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity, register_canteen_rule
from brightkitchen.core.texts import Text
from brightkitchen.incidents.models import IncidentReport, IncidentStatus

KIND = "incident_open"
_MESSAGE = gettext_noop(
    "Suspected food poisoning reported: %(affected)s people affected at %(place)s since %(onset)s."
)


def incident_open_findings(day: datetime.date, canteen_ids: Collection[int] | None = None) -> list[Finding]:
    from django.utils import timezone

    reports = IncidentReport.objects.filter(status=IncidentStatus.OPEN)
    if canteen_ids is not None:
        reports = reports.filter(canteen_id__in=sorted(canteen_ids))
    rows = reports.values_list("pk", "canteen_id", "affected", "place", "onset_at")
    return [
        Finding(
            canteen_id,
            f"incident:{pk}",
            Severity.CRITICAL,
            Text(
                _MESSAGE,
                {
                    "affected": affected,
                    "place": place[:60],
                    "onset": f"{timezone.localtime(onset):%Y-%m-%d %H:%M}",
                },
            ),
            reverse("incidents:detail", args=[pk]),
        )
        for pk, canteen_id, affected, place, onset in rows.order_by("pk")
    ]


def register() -> None:
    register_canteen_rule(
        KIND, incident_open_findings, urgent=True, label=gettext_lazy("Suspected food poisoning")
    )  # the 2-hour reporting clock
