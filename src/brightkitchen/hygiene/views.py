"""The phone page of hygiene ledgers: a kind selector, the form of that kind and its last records."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from brightkitchen.core import uploads
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.roles import CANTEEN_ROLES
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.hygiene import selectors, services
from brightkitchen.hygiene.forms import HygieneForm
from brightkitchen.hygiene.models import HygieneKind, HygieneRecord
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for


@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    scope = scope_of(request.user)
    if scope.role in CANTEEN_ROLES and scope.canteen_id is not None:
        return redirect("hygiene:ledger", scope.canteen_id)
    page = Paginator(canteens_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "hygiene/index.html", {"page": page})


@require_http_methods(["GET", "POST"])
def ledger(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    kind = request.POST.get("kind") or request.GET.get("kind") or HygieneKind.CLEANING
    if kind not in HygieneKind.values:
        kind = HygieneKind.CLEANING
    form = HygieneForm(kind, initial={"person": str(request.user)})
    if request.method == "POST":
        form = HygieneForm(kind, request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                record, created = services.create_record(request.user, canteen.pk, **data)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Record saved."))
                return redirect(reverse("hygiene:ledger", args=[canteen.pk]) + f"?kind={record.kind}")
    records = selectors.records_for(request.user, selectors.HygieneFilters(canteen=canteen.pk, kind=kind))[
        :30
    ]
    context = {
        "canteen": canteen,
        "kind": kind,
        "kinds": HygieneKind.choices,
        "form": form,
        "records": records,
        "may_record": HygieneRecord.scope_rule.allows(scope_of(request.user).role, Action.CHANGE),
    }
    return render(request, "hygiene/ledger.html", context, status=400 if request.method == "POST" else 200)


@require_GET
def photo(request: HttpRequest, record_id: int) -> HttpResponseBase:
    record = get_visible_or_404(HygieneRecord, request.user, Action.VIEW, pk=record_id)
    thumbnail = request.GET.get("thumbnail") and record.photo_thumbnail
    return uploads.serve(record.photo_thumbnail if thumbnail else record.photo)
