"""Phone-first rectification pages: the list (notices awaiting someone first), the issuing form, and the
detail page with the whole history, the canteen's response form and the issuing bureau's review form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.core import uploads
from brightkitchen.core.forms import figure_query, submit
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.rectifications import selectors, services
from brightkitchen.rectifications.forms import NoticeForm, ResponseForm, ReviewForm
from brightkitchen.rectifications.models import (
    ISSUER_ROLES,
    RESPONDER_ROLES,
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
)
from brightkitchen.regions.selectors import full_name_of
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for


def _is_issuer(user: AnyUser) -> bool:
    return scope_of(user).role in ISSUER_ROLES


def may_respond(user: AnyUser, notice: RectificationNotice) -> bool:
    return scope_of(user).role in RESPONDER_ROLES and notice.awaiting_response


def may_review(user: AnyUser, notice: RectificationNotice) -> bool:
    organisation_id = getattr(user, "organisation_id", None)
    return (
        _is_issuer(user)
        and organisation_id == notice.issued_by_org_id
        and notice.state == NoticeState.RESPONDED
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    figure = figure_query(request, selectors.Measure)
    filters = selectors.NoticeFilters(
        state=state if state in NoticeState.values else "",
        region=figure.region if figure else "",
        measure=selectors.Measure(figure.measure) if figure else None,
        start=figure.start if figure else None,
        end=figure.end if figure else None,
    )
    notices = selectors.notices_for(request.user, filters)
    page = Paginator(notices, 25).get_page(request.GET.get("page"))
    canteens = list(canteens_for(request.user)[:50]) if _is_issuer(request.user) else []
    context = {
        "page": page,
        "canteens": canteens,
        "states": NoticeState.choices,
        "state": filters.state,
        "figure": figure,
        "figure_region": full_name_of(figure.region) if figure else "",
        "figure_label": selectors.Measure(figure.measure).label if figure else "",
        # The distinct canteens of the figure's notices (整改到位食堂 counts canteens, not notices).
        "figure_canteens": notices.order_by().values("canteen_id").distinct().count() if figure else None,
    }
    return render(request, "rectifications/index.html", context)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    if not _is_issuer(request.user):
        raise PermissionDenied
    form = NoticeForm()
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES)
        notice, _status = submit(
            request,
            form,
            lambda data: services.issue_notice(request.user, canteen.pk, **data),
            _("Rectification notice issued."),
        )
        if notice is not None:
            return redirect("rectifications:detail", notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "rectifications/new.html", {"canteen": canteen, "form": form}, status=status)


def _notice(request: HttpRequest, notice_id: int) -> RectificationNotice:
    qs = selectors.notices_for(request.user)
    return get_visible_or_404(qs, request.user, Action.VIEW, pk=notice_id)


def _detail(
    request: HttpRequest,
    notice: RectificationNotice,
    *,
    response_form: ResponseForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "notice": notice,
        "steps": selectors.steps_of(request.user, notice),
        "response_form": response_form or ResponseForm(),
        "review_form": review_form or ReviewForm(),
        "may_respond": may_respond(request.user, notice),
        "may_review": may_review(request.user, notice),
    }
    return render(request, "rectifications/detail.html", context, status=status)


@require_GET
def detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _detail(request, _notice(request, notice_id))


@require_POST
def respond(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(request, notice_id)
    form = ResponseForm(request.POST, request.FILES)
    changed, _status = submit(
        request,
        form,
        lambda data: services.respond(request.user, notice.pk, **data),
        _("Response sent for review."),
    )
    if changed is not None:
        return redirect("rectifications:detail", notice.pk)
    return _detail(request, notice, response_form=form, status=400)


@require_POST
def review(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(request, notice_id)
    form = ReviewForm(request.POST)

    def said(step: RectificationStep) -> str:
        return (
            _("Notice closed.")
            if step.state_after == NoticeState.CLOSED
            else _("Notice returned to the canteen.")
        )

    reviewed, _status = submit(
        request, form, lambda data: services.review(request.user, notice.pk, **data), said
    )
    if reviewed is not None:
        return redirect("rectifications:detail", notice.pk)
    return _detail(request, notice, review_form=form, status=400)


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    item = get_visible_or_404(RectificationPhoto, request.user, Action.VIEW, pk=photo_id)
    return uploads.serve(item.thumbnail if request.GET.get("thumbnail") and item.thumbnail else item.photo)
