from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.i18n import set_language

from brightkitchen.core.days import today
from brightkitchen.core.scoping import scope_of
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import LicenceStatus
from brightkitchen.schools.selectors import canteens_for, licence_status_q, region_summary


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: region users see their region's summary; school users go to their school."""
    scope = scope_of(request.user)
    if scope.school_id is not None:
        return redirect("schools:file", school_id=scope.school_id)
    if scope.canteen_id is not None:
        return redirect("schedule:today")  # what is due today and still missing, not the long file
    context: dict[str, object] = {"scope": scope}
    if scope.everything or scope.region_prefix:
        on = today()
        context["region"] = (
            Region.objects.filter(code=scope.region_prefix).first() if scope.region_prefix else None
        )
        context["summary"] = region_summary(request.user, scope.region_prefix)
        context["expiring"] = (
            canteens_for(request.user)
            .filter(
                licence_status_q(LicenceStatus.EXPIRING, on) | licence_status_q(LicenceStatus.EXPIRED, on)
            )
            .order_by("licence_expires_on")[:20]
        )
        context["today"] = on
    return render(request, "core/home.html", context)


# Switching the interface language needs no sign-in (the login page offers it).
language = login_not_required(set_language)
