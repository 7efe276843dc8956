"""Online patrol pages: the plans with the form to make the month's plan, a plan's quota split and drawn
canteens with the draw button, and the patrol screen of one drawn canteen (cameras, checklist with
snapshots, submit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.cameras.live_views import canteen_live_tiles
from brightkitchen.core import uploads
from brightkitchen.core.errors import FieldError, FieldPermissionDenied
from brightkitchen.core.forms import figure_query, show_field_error
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.patrols import selectors, services
from brightkitchen.patrols.checklist import CHECKLIST
from brightkitchen.patrols.forms import PatrolForm, PlanForm
from brightkitchen.patrols.models import AssignmentState, PatrolAssignment, PatrolFinding
from brightkitchen.regions.selectors import full_name_of


def _is_planner(user: AnyUser) -> bool:
    return scope_of(user).role == Role.REGULATOR


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = PlanForm()
    status = 200
    if request.method == "POST":
        if not _is_planner(request.user):
            raise PermissionDenied
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plan, created = services.create_plan(request.user, **form.cleaned_data)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Patrol plan made."))
                else:
                    messages.info(request, _("This month's plan already exists."))
                return redirect("patrols:plan", plan.pk)
        status = 400
    page = Paginator(selectors.plans_for(request.user), 25).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "may_plan": _is_planner(request.user)}
    return render(request, "patrols/index.html", context, status=status)


def _figure_context(figure: Any) -> dict[str, Any]:
    return {
        "figure": figure,
        "figure_region": full_name_of(figure.region) if figure else "",
        "figure_label": selectors.Measure(figure.measure).label if figure else "",
    }


@require_GET
def assignments(request: HttpRequest) -> HttpResponse:
    """The canteens drawn for patrol, newest plan first; from a dashboard figure, those it counts."""
    figure = figure_query(request, (selectors.Measure.DRAWN, selectors.Measure.PATROLLED))
    filters = selectors.AssignmentFilters(
        region=figure.region if figure else "",
        measure=selectors.Measure(figure.measure) if figure else None,
        start=figure.start if figure else None,
        end=figure.end if figure else None,
    )
    page = Paginator(selectors.assignments_for(request.user, filters), 50).get_page(request.GET.get("page"))
    return render(request, "patrols/assignments.html", {"page": page} | _figure_context(figure))


@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    """The problems found by online patrol, latest patrol first; from a dashboard figure, those it counts."""
    figure = figure_query(request, (selectors.Measure.PROBLEMS,))
    filters = selectors.FindingFilters(
        region=figure.region if figure else "",
        start=figure.start if figure else None,
        end=figure.end if figure else None,
    )
    page = Paginator(selectors.findings_for(request.user, filters), 50).get_page(request.GET.get("page"))
    return render(request, "patrols/findings.html", {"page": page} | _figure_context(figure))


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_visible_or_404(selectors.plans_for(request.user), request.user, Action.VIEW, pk=plan_id)
    assignments = selectors.assignments_for(request.user, selectors.AssignmentFilters(plan=plan.pk))
    context = {
        "plan": plan,
        "blocks": selectors.quota_split(request.user, plan),
        "page": Paginator(assignments, 50).get_page(request.GET.get("page")),
        "may_draw": plan.drawn_at is None
        and _is_planner(request.user)
        and getattr(request.user, "organisation_id", None) == plan.organisation_id,
    }
    return render(request, "patrols/plan.html", context)


@require_POST
def draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        _plan, drawn = services.draw(request.user, plan_id)
    except FieldPermissionDenied:
        raise PermissionDenied from None
    if drawn:
        messages.success(request, _("Canteens drawn."))
    return redirect("patrols:plan", plan_id)


def camera_choice(value: str | None) -> int | None:
    """A finding's camera as sent ("" or missing: none); anything but an id reads as no such camera, which
    the service refuses naming the field."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 20 else 0


def _findings_from(request: HttpRequest) -> list[services.FindingInput]:
    """The ticked checklist items of the patrol screen, in the order sent."""
    return [
        services.FindingInput(
            item=code,
            note=request.POST.get(f"note_{code}", ""),
            snapshot=request.FILES.get(f"snapshot_{code}"),
            open_notice=bool(request.POST.get(f"notice_{code}")),
            camera=camera_choice(request.POST.get(f"camera_{code}")),
        )
        for code in request.POST.getlist("items")
    ]


def _screen(
    request: HttpRequest,
    assignment: PatrolAssignment,
    form: PatrolForm,
    error: FieldError | None = None,
    status: int = 200,
) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    items: list[dict[str, Any]] = [
        {
            "code": item.code,
            "text": item.text,
            "checked": posted is not None and item.code in posted.getlist("items"),
            "note": posted.get(f"note_{item.code}", "") if posted is not None else "",
            "notice": posted is None or bool(posted.get(f"notice_{item.code}")),
            "camera": posted.get(f"camera_{item.code}", "") if posted is not None else "",
        }
        for item in CHECKLIST
    ]
    may_patrol = _is_planner(request.user) and assignment.state == AssignmentState.PENDING
    context = {
        "assignment": assignment,
        "canteen": assignment.canteen,
        "school": assignment.canteen.school,
        "record": selectors.record_of(request.user, assignment),
        "camera_tiles": canteen_live_tiles(request.user, [assignment.canteen_id]),
        "evidence_cameras": (
            list(selectors.evidence_cameras(request.user, assignment.canteen_id)) if may_patrol else []
        ),
        "items": items,
        "form": form,
        "error": error,
        "may_patrol": may_patrol,
    }
    return render(request, "patrols/assignment.html", context, status=status)


@require_http_methods(["GET", "POST"])
def assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    qs = selectors.assignments_for(request.user)
    found = get_visible_or_404(qs, request.user, Action.VIEW, pk=assignment_id)
    if request.method == "GET":
        return _screen(request, found, PatrolForm())
    form = PatrolForm(request.POST)
    if not form.is_valid():
        return _screen(request, found, form, status=400)
    try:
        _record, created = services.submit_patrol(
            request.user, found.pk, findings=_findings_from(request), **form.cleaned_data
        )
    except FieldPermissionDenied:
        raise PermissionDenied from None
    except FieldError as exc:
        if exc.field in form.fields:
            show_field_error(form, exc)
        return _screen(request, found, form, error=exc, status=exc.status)
    if created:
        messages.success(request, _("Patrol recorded."))
    return redirect("patrols:assignment", found.pk)


@require_GET
def snapshot(request: HttpRequest, finding_id: int) -> HttpResponseBase:
    item = get_visible_or_404(PatrolFinding, request.user, Action.VIEW, pk=finding_id)
    return uploads.serve(item.thumbnail if request.GET.get("thumbnail") and item.thumbnail else item.photo)
