from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from brightkitchen.alerts import selectors, services
from brightkitchen.alerts.forms import AnswerForm, DismissForm, InboxFilterForm
from brightkitchen.alerts.models import Alert, AlertAnswer
from brightkitchen.core import uploads
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import figure_query, show_field_error, submit
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.regions.selectors import full_name_of


def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    figure = figure_query(request, selectors.Measure)
    qs = selectors.inbox_for(
        request.user,
        selectors.AlertFilters(
            state=data.get("state") or selectors.State.OPEN,
            severity=data.get("severity", ""),
            unread=True if data.get("unread") else None,
            region=figure.region if figure else "",
            measure=selectors.Measure(figure.measure) if figure else None,
            end=figure.end if figure else None,
        ),
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    ids = [a.pk for a in page]
    dismissable = selectors.dismissable_ids(request.user, ids)
    answerable = selectors.answerable_ids(request.user, ids)
    return render(
        request,
        "alerts/inbox.html",
        {
            "form": form,
            "page": page,
            "figure": figure,
            "figure_region": full_name_of(figure.region) if figure else "",
            "figure_label": selectors.Measure(figure.measure).label if figure else "",
            "unread": selectors.unread_count(request.user),
            "dismiss_form": DismissForm(),
            "dismissable": dismissable,
            # One form (and one submission key) per alert: a key never answers two alerts.
            "answer_forms": {alert_id: AnswerForm() for alert_id in answerable},
            "answerable": answerable,
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


@require_POST
def answer(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The audited party answers an alert from the inbox; a refused answer shows the form again with the
    error beside its field."""
    alert = get_visible_or_404(selectors.with_read_at(request.user), request.user, Action.VIEW, pk=alert_id)
    form = AnswerForm(request.POST, request.FILES)
    _answer, status = submit(
        request,
        form,
        lambda data: services.answer(
            request.user,
            alert.pk,
            data["text"],
            photo=data["photo"],
            submission_key=data["submission_key"],
        ),
        _("Your answer was sent to the regulator."),
    )
    if status == 200:
        return _back(request)
    context = {"alert": alert, "answer_form": form, "answerable": set(), "dismissable": set()}
    return render(request, "alerts/answer.html", context, status=status)


def answer_photo(request: HttpRequest, answer_id: int) -> HttpResponseBase:
    item = get_visible_or_404(AlertAnswer, request.user, Action.VIEW, pk=answer_id)
    thumbnail = request.GET.get("thumbnail") and item.thumbnail
    return uploads.serve(item.thumbnail if thumbnail else item.photo)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("alerts:inbox")
