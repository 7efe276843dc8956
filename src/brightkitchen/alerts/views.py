from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from brightkitchen.alerts import selectors, services
from brightkitchen.alerts.forms import DismissForm, InboxFilterForm
from brightkitchen.alerts.models import Alert
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.scoping import Action, get_visible_or_404


def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.inbox_for(
        request.user,
        selectors.AlertFilters(
            state=data.get("state") or selectors.State.OPEN,
            severity=data.get("severity", ""),
            unread=True if data.get("unread") else None,
        ),
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    dismissable = selectors.dismissable_ids(request.user, [a.pk for a in page])
    return render(
        request,
        "alerts/inbox.html",
        {
            "form": form,
            "page": page,
            "unread": selectors.unread_count(request.user),
            "dismiss_form": DismissForm(),
            "dismissable": dismissable,
        },
    )


@require_POST
def read(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_visible_or_404(Alert, request.user, Action.VIEW, pk=alert_id)
    services.mark_read(request.user, alert)
    return _back(request)


@require_http_methods(["GET", "POST"])
def dismiss(request: HttpRequest, alert_id: int) -> HttpResponse:
    qs = selectors.with_read_at(request.user)
    alert = get_visible_or_404(qs, request.user, Action.CHANGE, pk=alert_id)
    if alert.is_open and alert.pk not in selectors.dismissable_ids(request.user, [alert.pk]):
        raise PermissionDenied  # a critical alert: regulators only
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dismiss(request.user, alert, form.cleaned_data["note"])
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("The alert was dismissed."))
            return _back(request)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "alerts/dismiss.html", {"alert": alert, "form": form, "dismissable": set()}, status=status
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("alerts:inbox")
