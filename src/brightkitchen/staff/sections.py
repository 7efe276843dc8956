"""The "Staff and health" section of the school file page (一校一档)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from brightkitchen.core.days import today
from brightkitchen.schools.models import Canteen, School
from brightkitchen.staff.models import MorningCheck, certificate_status
from brightkitchen.staff.selectors import StaffFilters, staff_for


def staff_section(request: HttpRequest, school: School, canteens: list[Canteen]) -> dict[str, Any] | None:
    on = today()
    ids = [c.pk for c in canteens]
    staff = list(staff_for(request.user, StaffFilters(active=True)).filter(canteen_id__in=ids))
    checks = {
        c.staff_id: c
        for c in MorningCheck.objects.visible_to(request.user).filter(canteen_id__in=ids, date=on)
    }
    groups = []
    for canteen in canteens:
        rows = [
            (s, certificate_status(getattr(s, "cert_expires_on", None), on), checks.get(s.pk))
            for s in staff
            if s.canteen_id == canteen.pk
        ]
        groups.append(
            {
                "canteen": canteen,
                "rows": rows,
                "done": sum(1 for r in rows if r[2] is not None),
                "off_duty": sum(1 for r in rows if r[2] is not None and r[2].result == "off_duty"),
            }
        )
    return {"groups": groups}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from brightkitchen.schools.sections import SchoolFileSection, register_section

    register_section(
        SchoolFileSection("staff", _("Staff and health"), "staff/sections/staff.html", 30, staff_section)
    )
