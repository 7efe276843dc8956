"""Risk pages: the list (highest risk first) with the grade distribution and filters, and a canteen's
page with each signal's contribution and, for market-supervision regulators, the override form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import AnyUser, scope_of
from brightkitchen.risk import selectors, services
from brightkitchen.risk.forms import OverrideForm
from brightkitchen.risk.models import OVERRIDE_ROLES, RiskAssessment
from brightkitchen.schools.models import RiskGrade
from brightkitchen.schools.selectors import CanteenFilters, canteens_for


def may_override(user: AnyUser) -> bool:
    return scope_of(user).role in {*OVERRIDE_ROLES, Role.OPERATOR}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    region = region if region.isdigit() and len(region) <= 12 else ""
    grade = request.GET.get("grade", "")
    grade = grade if grade in RiskGrade.values else ""
    filters = selectors.AssessmentFilters(region=region, grade=grade)
    page = Paginator(selectors.assessments_for(request.user, filters), 25).get_page(request.GET.get("page"))
    counts = selectors.grade_distribution(canteens_for(request.user, CanteenFilters(region=region)))
    total = sum(counts.values())
    distribution = [
        {
            "grade": g,
            "count": counts[g],
            "width": round(100 * counts[g] / total) if total else 0,
            "inspections": selectors.inspection_frequency(g),
        }
        for g in RiskGrade.values
    ]
    context = {
        "page": page,
        "distribution": distribution,
        "grades": RiskGrade.values,
        "grade": grade,
        "region": region,
    }
    return render(request, "risk/index.html", context)


def _detail(
    request: HttpRequest, assessment: RiskAssessment, form: OverrideForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "a": assessment,
        "inspections": assessment.inspections_per_year,
        "form": form or OverrideForm(initial={"grade": assessment.override_grade}),
        "may_override": may_override(request.user),
    }
    return render(request, "risk/detail.html", context, status=status)


@require_GET
def detail(request: HttpRequest, canteen_id: int) -> HttpResponse:
    return _detail(request, selectors.assessment_for(request.user, canteen_id))


@require_POST
def override(request: HttpRequest, canteen_id: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, canteen_id)
    if not may_override(request.user):
        raise PermissionDenied
    form = OverrideForm(request.POST)
    if form.is_valid():
        grade, reason = form.cleaned_data["grade"], form.cleaned_data["reason"]
        try:
            if grade:
                result = services.override(request.user, assessment.canteen_id, grade, reason)
                if result[1]:
                    messages.success(request, _("Risk grade overridden."))
            else:
                services.clear_override(request.user, assessment.canteen_id, reason)
                messages.success(request, _("Override cleared: the computed grade applies."))
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            return redirect("risk:detail", assessment.canteen_id)
    return _detail(request, assessment, form, status=400)
