"""The "incident_open" alert rule: every open incident report is a critical alert to the canteen, its
school and the county regulator and education bureau (city and province offices see critical alerts
too). The incident services also run this rule at once when a report is filed or closed."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity, register_rule
from brightkitchen.incidents.models import IncidentReport, IncidentStatus

KIND = "incident_open"
_MESSAGE = gettext_noop(
    "Suspected food poisoning reported: %(affected)s people affected at %(place)s since %(onset)s."
)


def _message(affected: int, place: str, onset: str) -> str:
    return gettext(_MESSAGE) % {"affected": affected, "place": place, "onset": onset}


_lazy_message = lazy(_message, str)


def incident_open_findings(day: datetime.date) -> list[Finding]:
    from django.utils import timezone

    rows = IncidentReport.objects.filter(status=IncidentStatus.OPEN).values_list(
        "pk", "canteen_id", "affected", "place", "onset_at"
    )
    return [
        Finding(
            canteen_id,
            f"incident:{pk}",
            Severity.CRITICAL,
            _lazy_message(affected, place[:60], f"{timezone.localtime(onset):%Y-%m-%d %H:%M}"),
            reverse("incidents:detail", args=[pk]),
        )
        for pk, canteen_id, affected, place, onset in rows.order_by("pk")
    ]


def register() -> None:
    register_rule(KIND, incident_open_findings)
