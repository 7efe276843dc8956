"""Phone-first record pages: today's sample retention (one meal's dishes on one page) and accompanied meals
of one canteen."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.core import uploads
from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import day_from_query, show_field_error
from brightkitchen.core.roles import CANTEEN_ROLES
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.records import selectors, services
from brightkitchen.records.forms import (
    AccompaniedMealForm,
    AnswerForm,
    MealSamplesForm,
    SampleForm,
    SampleRowForm,
)
from brightkitchen.records.models import MIN_SAMPLE_WEIGHT_G, AccompaniedMeal, SampleRetention
from brightkitchen.schedule.models import Meal
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


# --- One meal's samples on one page (今日留样 · 午餐) -----------------------------------------------------

EXTRA_ROWS = 3  # empty rows for dishes the menu does not list
MAX_ROWS = 60  # rows read from one submit (a menu has a dozen dishes a meal)


@dataclass
class _Row:
    """A dish on the meal page: done (its sample) or a form to fill, with its own submission key."""

    dish: str
    sample: SampleRetention | None = None
    form: SampleRowForm | None = None
    key: str = ""
    planned: bool = False

    @property
    def failed(self) -> bool:
        return self.form is not None and bool(self.form.errors)


def _row_key(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        return uuid.uuid4()


def _fresh_row(index: int, dish: str = "", *, planned: bool = False) -> _Row:
    form = SampleRowForm(prefix=f"r{index}", initial={"dish": dish})
    return _Row(dish=dish, form=form, key=str(uuid.uuid4()), planned=planned)


def _sheet_rows(sheet: selectors.MealSheet, posted: list[_Row]) -> tuple[list[_Row], int]:
    """The page's rows: the menu's dishes in its order (done, the row as posted, or a fresh one), the
    samples of dishes not on the menu, then the posted rows of other dishes still to save, or empty
    rows. Returns the rows and the number of row prefixes used."""
    used = [int(r.form.prefix[1:]) for r in posted if r.form is not None and r.form.prefix]
    next_index = max(used, default=-1) + 1
    planned_posted = {r.dish: r for r in posted if r.planned}
    rows: list[_Row] = []
    for dish in sheet.menu_dishes:
        sample, row = sheet.sample_of(dish), planned_posted.get(dish)
        if row is not None and (row.failed or sample is None):
            rows.append(row)
        elif sample is not None:
            rows.append(_Row(dish=dish, sample=sample, planned=True))
        else:
            rows.append(_fresh_row(next_index, dish, planned=True))
            next_index += 1
    others = [r for r in posted if not r.planned and (r.failed or sheet.sample_of(r.dish) is None)]
    shown = set(sheet.menu_dishes) | {r.dish for r in others if r.failed}
    rows += [_Row(dish=s.dish, sample=s) for s in sheet.samples if s.dish not in shown]
    rows += others
    if not posted:
        for _i in range(EXTRA_ROWS):
            rows.append(_fresh_row(next_index))
            next_index += 1
    return rows, next_index


def _posted_rows(request: HttpRequest) -> list[_Row]:
    try:
        count = min(int(request.POST.get("rows", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for index in range(max(count, 0)):
        prefix = f"r{index}"
        if f"{prefix}-dish" not in request.POST:
            continue
        form = SampleRowForm(request.POST, request.FILES, prefix=prefix)
        rows.append(
            _Row(
                dish=request.POST.get(f"{prefix}-dish", "").strip(),
                form=form,
                key=str(_row_key(request.POST.get(f"{prefix}-key"))),
                planned=request.POST.get(f"{prefix}-planned") == "1",
            )
        )
    return rows


def _filled(request: HttpRequest, row: _Row) -> bool:
    """A row counts when it has a weight or a photo; one with neither is left out (not an error)."""
    assert row.form is not None
    prefix = row.form.prefix
    return bool(request.POST.get(f"{prefix}-weight_g", "").strip()) or f"{prefix}-photo" in request.FILES


def _save_row(
    request: HttpRequest, canteen: Canteen, day: datetime.date, meal: Meal, shared: MealSamplesForm, row: _Row
) -> bool:
    """Save one row through the one service that creates samples, with the row's own key: a valid row is
    kept whatever its neighbours hold, and a resubmit returns the sample it first made. Errors go on
    the row's field (or, for what the rows share, the shared field)."""
    form = row.form
    assert form is not None
    if not form.is_valid() or not shared.is_valid():
        return False
    data = form.cleaned_data
    if not data["dish"]:
        form.add_error("dish", _("Name the dish."))
        return False
    if data["weight_g"] is None:
        form.add_error("weight_g", _("Give the weight in whole grams."))
        return False
    try:
        services.create_sample(
            request.user,
            canteen.pk,
            date=day,
            meal=meal.value,
            dish=data["dish"],
            weight_g=data["weight_g"],
            stored_at=shared.cleaned_data["stored_at"],
            sampled_by=shared.cleaned_data["sampled_by"],
            storage_label=shared.cleaned_data["storage_label"],
            photo=data["photo"],
            submission_key=uuid.UUID(row.key),
        )
    except FieldError as exc:
        if exc.field in shared.fields:
            if exc.field not in shared.errors:
                show_field_error(shared, exc)
            form.add_error(None, _("Not saved: see the fields above the dishes."))
        else:
            show_field_error(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
def meal_samples(request: HttpRequest, canteen_id: int, meal: str) -> HttpResponse:
    """The samples of one meal on one page: a row per dish of the day's menu, done ones with their time,
    and empty rows for dishes the menu does not list. One submit saves every filled row, each with its
    own submission key (like the morning check): the valid rows are kept, a refused row shows its
    error on its field with its input (the photo must be taken again), and resubmitting the same page
    creates nothing twice."""
    canteen = _canteen(request, canteen_id)
    try:
        meal_value = Meal(meal)
    except ValueError:
        raise Http404 from None
    day = _day(request)
    may_record = _may_record(request, SampleRetention)
    shared = MealSamplesForm(initial=MealSamplesForm.initial_for(day, str(request.user)))
    posted: list[_Row] = []
    failed = False
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        shared = MealSamplesForm(request.POST)
        saved = 0
        for row in _posted_rows(request):
            if not _filled(request, row):
                posted.append(row)
                continue
            if _save_row(request, canteen, day, meal_value, shared, row):
                saved += 1
            else:
                failed = True
                posted.append(row)
        if saved:
            text = ngettext("%(count)s sample was saved.", "%(count)s samples were saved.", saved)
            messages.success(request, text % {"count": saved})
        if not failed:
            return redirect(_meal_url(canteen.pk, day, meal_value))
    sheet = selectors.meal_sheet(request.user, canteen, day, meal_value)
    rows, row_count = _sheet_rows(sheet, posted)
    context = {
        "canteen": canteen,
        "day": day,
        "is_today": day == today(),
        "sheet": sheet,
        "rows": rows,
        "row_count": row_count,
        "shared": shared,
        "may_record": may_record,
        "min_weight": MIN_SAMPLE_WEIGHT_G,
        "now": timezone.now(),
    }
    return render(request, "records/meal_samples.html", context, status=400 if failed else 200)


def _meal_url(canteen_id: int, day: datetime.date, meal: Meal) -> str:
    return reverse("records:meal_samples", args=[canteen_id, meal.value]) + f"?date={day.isoformat()}"
