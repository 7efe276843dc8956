from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from brightkitchen.core.scoping import scope_of
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import child_counts, region_visible, trail_for


def region_browser(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.everything or scope.region_prefix):
        raise PermissionDenied
    if code is None:
        if scope.region_prefix:
            return redirect("regions:detail", code=scope.region_prefix)
        region = None
    else:
        region = Region.objects.select_related("parent").filter(code=code).first()
        if region is None or not region_visible(scope, region):
            raise Http404
        if scope.region_prefix and not region.code.startswith(scope.region_prefix):
            return redirect("regions:detail", code=scope.region_prefix)
    rows = child_counts(request.user, region.code if region else None)
    trail = trail_for(scope, region)[:-1]  # the path above the region shown
    return render(
        request,
        "regions/browser.html",
        {
            "region": region,
            "trail": trail,
            "rows": rows,
            "total_schools": sum(r.schools for r in rows),
            "total_canteens": sum(r.canteens for r in rows),
        },
    )
