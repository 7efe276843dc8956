"""The "Alerts" section of the school file page (一校一档): the open alerts of the school's canteens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.selectors import open_alerts_of_canteens
from brightkitchen.core.scoping import Action, scope_of
from brightkitchen.schools.models import Canteen, School


def alerts_section(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    if not Alert.scope_rule.allows(scope_of(request.user).role, Action.VIEW):
        return None  # roles that never see alerts do not get the section
    alerts = list(open_alerts_of_canteens(request.user, [c.pk for c in canteens])[:50])
    return {"alerts": alerts}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from brightkitchen.schools.sections import SchoolFileSection, register_section

    register_section(SchoolFileSection("alerts", _("Alerts"), "alerts/section.html", 30, alerts_section))
