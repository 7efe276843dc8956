"""Phone-first purchase inspection pages: a canteen's recent deliveries and the form for a new one (with
certificate photos from the camera); certificate files are served through a scoped view."""

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
from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.roles import CANTEEN_ROLES
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.purchases import selectors, services
from brightkitchen.purchases.forms import DeliveryForm
from brightkitchen.purchases.models import PurchaseCertificate, PurchaseInspection
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for

RECENT = 30


@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    scope = scope_of(request.user)
    if scope.role in CANTEEN_ROLES and scope.canteen_id is not None:
        return redirect("purchases:deliveries", scope.canteen_id)
    page = Paginator(canteens_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "purchases/index.html", {"page": page})


@require_http_methods(["GET", "POST"])
def deliveries(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    form = DeliveryForm(initial={"delivered_on": today(), "acceptor_name": str(request.user)})
    if request.method == "POST":
        form = DeliveryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                record, created = services.create_inspection(
                    request.user,
                    canteen.pk,
                    form.record_data(),
                    certificates=form.cleaned_data["certificates"],
                    certificate_kind=form.cleaned_data["certificate_kind"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Delivery recorded."))
                return redirect(reverse("purchases:deliveries", args=[canteen.pk]) + f"#delivery-{record.pk}")
    recent = selectors.inspections_for(request.user, selectors.InspectionFilters(canteen=canteen.pk))[:RECENT]
    context = {
        "canteen": canteen,
        "deliveries": list(recent),
        "form": form,
        "may_record": PurchaseInspection.scope_rule.allows(scope_of(request.user).role, Action.CHANGE),
        "today": today(),
    }
    return render(
        request, "purchases/deliveries.html", context, status=400 if request.method == "POST" else 200
    )


@require_GET
def certificate_file(request: HttpRequest, certificate_id: int) -> HttpResponseBase:
    certificate = get_visible_or_404(PurchaseCertificate, request.user, Action.VIEW, pk=certificate_id)
    thumbnail = request.GET.get("thumbnail") and certificate.thumbnail
    return uploads.serve(certificate.thumbnail if thumbnail else certificate.file)
