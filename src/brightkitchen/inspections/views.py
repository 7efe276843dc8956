"""Phone-first pages of standardised inspection: the inspections list and plan, the checklist templates
and their editor (a published version is frozen: edits go to the next draft), starting an inspection
from a canteen, the item-by-item form with photos, and the inspection's result with its face."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.checklists import selectors as checklists
from brightkitchen.checklists.models import INSPECTION_PURPOSES, ChecklistVersion
from brightkitchen.core import uploads
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.scoping import Action, AnyUser, can, get_visible_or_404, scope_of
from brightkitchen.inspections import selectors, services
from brightkitchen.inspections.forms import (
    InspectionForm,
    ItemEditForm,
    ItemForm,
    TemplateForm,
    note_field,
    outcome_field,
    photos_field,
)
from brightkitchen.inspections.models import INSPECTOR_ROLES, InspectionPhoto
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for


def _is_inspector(user: AnyUser) -> bool:
    return scope_of(user).role in INSPECTOR_ROLES


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2099 else timezone.localdate().year


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    filters = selectors.InspectionFilters(year=year)
    page = Paginator(selectors.inspections_for(request.user, filters), 25).get_page(request.GET.get("page"))
    canteens = list(canteens_for(request.user)[:50]) if _is_inspector(request.user) else []
    context = {"page": page, "year": year, "canteens": canteens, "is_inspector": _is_inspector(request.user)}
    return render(request, "inspections/index.html", context)


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    result = selectors.plan_for(request.user, year)
    page = Paginator(result.rows, 50).get_page(request.GET.get("page"))
    context = {"plan": result, "page": page, "year": year, "is_inspector": _is_inspector(request.user)}
    return render(request, "inspections/plan.html", context)


# --- Templates ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest) -> HttpResponse:
    if not _is_inspector(request.user) and not scope_of(request.user).everything:
        raise PermissionDenied
    form = TemplateForm()
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template, created = services.create_template(request.user, **form.cleaned_data)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Checklist created: add its items, then publish it."))
                draft = template.versions.order_by("-number").first()
                assert draft is not None  # a template is created with its version 1
                return redirect("inspections:version", draft.pk)
    status = 400 if request.method == "POST" else 200
    context = {"templates": selectors.templates_for(request.user), "form": form}
    return render(request, "inspections/templates.html", context, status=status)


def _version_page(
    request: HttpRequest, version: ChecklistVersion, form: ItemForm | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "version": version,
        "items": version.items.all(),
        "form": form or ItemForm(),
        "may_edit": can(request.user, Action.CHANGE, version),
        "versions": version.template.versions.order_by("-number"),
    }
    return render(request, "inspections/version.html", context, status=status)


def _version(request: HttpRequest, version_id: int) -> ChecklistVersion:
    return get_visible_or_404(selectors.versions_for(request.user), request.user, Action.VIEW, pk=version_id)


@require_GET
def version(request: HttpRequest, version_id: int) -> HttpResponse:
    return _version_page(request, _version(request, version_id))


@require_POST
def add_item(request: HttpRequest, version_id: int) -> HttpResponse:
    current = _version(request, version_id)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.add_item(request.user, current.pk, **form.cleaned_data)
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("Item added."))
            return redirect("inspections:version", item.version_id)
    return _version_page(request, current, form, status=400)


@require_http_methods(["GET", "POST"])
def edit_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_visible_or_404(
        checklists.items(request.user, INSPECTION_PURPOSES),
        request.user,
        Action.CHANGE,
        related=("version", "version__template"),
        pk=item_id,
    )
    initial = {
        "code": item.code,
        "text": item.text,
        "is_key": item.is_key,
        "weight": item.weight,
        "order": item.order,
    }
    form = ItemEditForm(initial=initial)
    if request.method == "POST":
        form = ItemEditForm(request.POST, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            changes = services.ItemChanges(
                text=data["text"], is_key=data["is_key"], weight=data["weight"], order=data["order"]
            )
            try:
                changed = services.update_item(request.user, item.pk, changes)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                messages.success(request, _("Item saved."))
                return redirect("inspections:version", changed.version_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "inspections/item_edit.html", {"item": item, "form": form}, status=status)


@require_POST
def remove_item(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        draft = services.remove_item(request.user, item_id)
    except FieldError as exc:
        messages.error(request, exc.message)
        item = get_visible_or_404(
            checklists.items(request.user, INSPECTION_PURPOSES), request.user, Action.VIEW, pk=item_id
        )
        return redirect("inspections:version", item.version_id)
    messages.success(request, _("Item removed."))
    return redirect("inspections:version", draft.pk)


@require_POST
def publish(request: HttpRequest, version_id: int) -> HttpResponse:
    current = _version(request, version_id)
    try:
        services.publish(request.user, current.pk)
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version published."))
    return redirect("inspections:version", current.pk)


# --- Inspections ----------------------------------------------------------------------------------


def _canteen_to_inspect(request: HttpRequest, canteen_id: int) -> Canteen:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    if not _is_inspector(request.user):
        raise PermissionDenied
    return canteen


@require_GET
def start(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = _canteen_to_inspect(request, canteen_id)
    versions = selectors.published_versions_for(request.user)
    return render(request, "inspections/start.html", {"canteen": canteen, "versions": versions})


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, canteen_id: int, version_id: int) -> HttpResponse:
    canteen = _canteen_to_inspect(request, canteen_id)
    chosen = get_visible_or_404(
        selectors.versions_for(request.user).filter(published_at__isnull=False),
        request.user,
        Action.VIEW,
        pk=version_id,
    )
    items = list(chosen.items.all())
    form = InspectionForm(items)
    if request.method == "POST":
        form = InspectionForm(items, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            results = [
                services.ResultInput(i.code, data[outcome_field(i)], data[note_field(i)]) for i in items
            ]
            photos = {i.code: data[photos_field(i)] for i in items if data[photos_field(i)]}
            try:
                inspection, created = services.submit_inspection(
                    request.user,
                    canteen.pk,
                    version_id=chosen.pk,
                    inspected_on=data["inspected_on"],
                    results=results,
                    photos=photos,
                    note=data["note"],
                    submission_key=data["submission_key"],
                )
            except FieldError as exc:
                show_field_error(form, exc, form.field_for(exc.field))
            else:
                if created:
                    messages.success(request, _("Inspection recorded."))
                return redirect("inspections:detail", inspection.pk)
    status = 400 if request.method == "POST" else 200
    context = {"canteen": canteen, "version": chosen, "form": form}
    return render(request, "inspections/new.html", context, status=status)


@require_GET
def detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    qs = selectors.inspections_for(request.user)
    inspection = get_visible_or_404(qs, request.user, Action.VIEW, pk=inspection_id)
    context = {"inspection": inspection, "results": selectors.results_of(request.user, inspection)}
    return render(request, "inspections/detail.html", context)


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    item = get_visible_or_404(InspectionPhoto, request.user, Action.VIEW, pk=photo_id)
    return uploads.serve(item.thumbnail if request.GET.get("thumbnail") and item.thumbnail else item.photo)
