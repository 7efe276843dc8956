"""What every page says to the people of a canteen that must not operate: its food business licence has
expired, or none is on file (食品安全法 第三十五条). The canteen's staff, its manager and the principal see
it on every page they open until the licence is renewed; regulators see it on the canteen's file and
count it on their dashboards."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from brightkitchen.core.days import today
from brightkitchen.core.roles import CANTEEN_ROLES, Role
from brightkitchen.schools.models import Canteen, LicenceStatus
from brightkitchen.schools.selectors import licence_status_q

# The roles that work in (or run) a canteen: regulators and bureaus see many canteens, not one banner each.
_BANNER_ROLES = CANTEEN_ROLES | {Role.PRINCIPAL}


def operating_bans(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", "") not in _BANNER_ROLES:
        return {}
    on = today()
    banned = licence_status_q(LicenceStatus.EXPIRED, on) | licence_status_q(LicenceStatus.MISSING, on)
    rows = Canteen.objects.visible_to(user).filter(banned).order_by("name")
    return {"operating_bans": [(canteen, canteen.licence_status(on)) for canteen in rows]}
