"""Phone-first record pages: today's sample retention and accompanied meals of one canteen."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.core import uploads
from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import day_from_query, show_field_error
from brightkitchen.core.roles import CANTEEN_ROLES
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.records import selectors, services
from brightkitchen.records.forms import AccompaniedMealForm, AnswerForm, SampleForm
from brightkitchen.records.models import AccompaniedMeal, SampleRetention
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for


def _canteen(request: HttpRequest, canteen_id: int) -> Canteen:
    return get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )


def _day(request: HttpRequest) -> datetime.date:
    return day_from_query(request, "date") or today()


def _may_record(request: HttpRequest, model: type[SampleRetention | AccompaniedMeal]) -> bool:
    return model.scope_rule.allows(scope_of(request.user).role, Action.CHANGE)


def _page_url(name: str, canteen_id: int, day: datetime.date) -> str:
    return reverse(name, args=[canteen_id]) + f"?date={day.isoformat()}"


@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    scope = scope_of(request.user)
    if scope.role in CANTEEN_ROLES and scope.canteen_id is not None:
        return redirect("records:samples", scope.canteen_id)
    page = Paginator(canteens_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "records/index.html", {"page": page})


@require_http_methods(["GET", "POST"])
def samples(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    day = _day(request)
    form = SampleForm(initial=SampleForm.initial_for(day, str(request.user)))
    if request.method == "POST":
        form = SampleForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sample, created = services.create_sample(
                    request.user,
                    canteen.pk,
                    date=data["date"],
                    meal=data["meal"],
                    dish=data["dish"],
                    weight_g=data["weight_g"],
                    stored_at=data["stored_at"],
                    sampled_by=data["sampled_by"],
                    storage_label=data["storage_label"],
                    photo=data["photo"],
                    submission_key=data["submission_key"],
                )
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Sample recorded."))
                return redirect(_page_url("records:samples", canteen.pk, sample.date))
    now = timezone.now()
    return render(
        request,
        "records/samples.html",
        {
            "canteen": canteen,
            "day": day,
            "boards": selectors.day_board(request.user, canteen, day),
            "form": form,
            "may_record": _may_record(request, SampleRetention),
            "now": now,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def discard_sample(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = get_visible_or_404(SampleRetention, request.user, Action.VIEW, pk=sample_id)
    try:
        services.discard_sample(request.user, sample_id)
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sample marked as discarded."))
    return redirect(_page_url("records:samples", sample.canteen_id, sample.date))


@require_GET
def sample_photo(request: HttpRequest, sample_id: int) -> HttpResponseBase:
    sample = get_visible_or_404(SampleRetention, request.user, Action.VIEW, pk=sample_id)
    thumbnail = request.GET.get("thumbnail") and sample.photo_thumbnail
    return uploads.serve(sample.photo_thumbnail if thumbnail else sample.photo)


@require_http_methods(["GET", "POST"])
def accompanied_meals(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    day = _day(request)
    form = AccompaniedMealForm(initial={"date": day})
    if request.method == "POST":
        form = AccompaniedMealForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record, created = services.create_accompanied_meal(request.user, canteen.pk, **data)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Accompanied meal recorded."))
                return redirect(_page_url("records:meals", canteen.pk, record.date))
    status = 400 if request.method == "POST" else 200
    context: dict[str, Any] = {
        "canteen": canteen,
        "day": day,
        "boards": selectors.day_board(request.user, canteen, day),
        "form": form,
        "answer_form": AnswerForm(),
        "may_record": _may_record(request, AccompaniedMeal),
        "may_answer": scope_of(request.user).role in services.ANSWER_ROLES,
    }
    return render(request, "records/meals.html", context, status=status)


@require_POST
def answer_meal(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_visible_or_404(AccompaniedMeal, request.user, Action.VIEW, pk=record_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_accompanied_meal(request.user, record_id, form.cleaned_data["answer"])
        except FieldError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Answer saved."))
    else:
        messages.error(request, _("Write the answer first."))
    return redirect(_page_url("records:meals", record.canteen_id, record.date))
