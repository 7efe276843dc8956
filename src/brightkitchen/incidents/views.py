"""Phone-first incident pages: the list (open first), the quick filing form with the 2-hour countdown,
and the detail page with progress and closing forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.incidents import selectors, services
from brightkitchen.incidents.forms import CloseForm, IncidentForm, ProgressForm
from brightkitchen.incidents.models import IncidentReport
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for


def _may_change(request: HttpRequest) -> bool:
    return IncidentReport.scope_rule.allows(scope_of(request.user).role, Action.CHANGE)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.incidents_for(request.user), 25).get_page(request.GET.get("page"))
    canteens = list(canteens_for(request.user)[:50]) if _may_change(request) else []
    return render(request, "incidents/index.html", {"page": page, "canteens": canteens})


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    if not _may_change(request):
        raise PermissionDenied
    now = timezone.localtime()
    form = IncidentForm(
        initial={"onset_at": now.strftime("%Y-%m-%dT%H:%M"), "reporter_name": str(request.user)}
    )
    if request.method == "POST":
        form = IncidentForm(request.POST)
        if form.is_valid():
            try:
                report, created = services.create_incident(request.user, canteen.pk, **form.cleaned_data)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("Incident reported. The county regulator and education bureau were alerted."),
                    )
                return redirect("incidents:detail", report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/new.html", {"canteen": canteen, "form": form}, status=status)


@require_GET
def detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    report = get_visible_or_404(
        IncidentReport,
        request.user,
        Action.VIEW,
        related=("canteen", "canteen__school__organisation"),
        pk=incident_id,
    )
    context = {
        "report": report,
        "progress": selectors.progress_of(request.user, report).select_related("recorded_by"),
        "progress_form": ProgressForm(),
        "close_form": CloseForm(),
        "may_change": _may_change(request),
    }
    return render(request, "incidents/detail.html", context)


@require_POST
def add_progress(request: HttpRequest, incident_id: int) -> HttpResponse:
    get_visible_or_404(IncidentReport, request.user, Action.VIEW, pk=incident_id)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress(request.user, incident_id, form.cleaned_data["text"])
        except FieldError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Progress report added."))
    else:
        messages.error(request, _("Write the progress report first."))
    return redirect("incidents:detail", incident_id)


@require_POST
def close(request: HttpRequest, incident_id: int) -> HttpResponse:
    get_visible_or_404(IncidentReport, request.user, Action.VIEW, pk=incident_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_incident(request.user, incident_id, form.cleaned_data["summary"])
        except FieldError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Closing report filed."))
    else:
        messages.error(request, _("Write the closing report first."))
    return redirect("incidents:detail", incident_id)
