from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from brightkitchen.core.days import today
from brightkitchen.core.scoping import Scope, get_visible_or_404
from brightkitchen.regions.models import Region
from brightkitchen.schools.forms import SchoolSearchForm
from brightkitchen.schools.models import Canteen, LicenceStatus, School
from brightkitchen.schools.sections import render_sections
from brightkitchen.schools.selectors import (
    SchoolFilters,
    canteens_for,
    licence_status_q,
    region_summary,
    schools_for,
)


def school_list(request: HttpRequest) -> HttpResponse:
    form = SchoolSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = schools_for(
        request.user,
        SchoolFilters(
            q=data.get("q", ""), region=data.get("region", ""), school_type=data.get("school_type", "")
        ),
    )
    canteen_filter = canteens_for(request.user).filter(school_id=OuterRef("pk"))
    if data.get("risk_grade"):
        qs = qs.filter(Exists(canteen_filter.filter(risk_grade=data["risk_grade"])))
    if data.get("licence_status"):
        qs = qs.filter(
            Exists(canteen_filter.filter(licence_status_q(LicenceStatus(data["licence_status"]), today())))
        )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    region = Region.objects.filter(code=data["region"]).first() if data.get("region") else None
    # The canteens of the listed schools: the figure "canteens on the platform" links here.
    canteen_total = canteens_for(request.user).filter(school__in=qs.order_by().values("pk")).count()
    return render(
        request,
        "schools/list.html",
        {"form": form, "page": page, "region": region, "canteen_total": canteen_total},
    )


def school_file(request: HttpRequest, school_id: int) -> HttpResponse:
    school = get_visible_or_404(
        School, request.user, related=("organisation", "organisation__region"), pk=school_id
    )
    canteens: list[Canteen] = list(canteens_for(request.user).filter(school=school))
    return render(
        request,
        "schools/file.html",
        {"school": school, "canteens": canteens, "sections": render_sections(request, school, canteens)},
    )


def home_context(request: HttpRequest, scope: Scope) -> dict[str, object]:
    """The start page of a region user (core.views.home): the region, its summary and the canteens whose
    licence expires soon or has expired."""
    on = today()
    return {
        "region": Region.objects.filter(code=scope.region_prefix).first() if scope.region_prefix else None,
        "summary": region_summary(request.user, scope.region_prefix),
        "expiring": (
            canteens_for(request.user)
            .filter(
                licence_status_q(LicenceStatus.EXPIRING, on) | licence_status_q(LicenceStatus.EXPIRED, on)
            )
            .order_by("licence_expires_on")[:20]
        ),
        "today": on,
    }
