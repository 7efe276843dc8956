"""Phone-first pages: the staff list, adding a person and a health certificate (photo straight from the
camera), and today's morning check of the whole kitchen on one page."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from brightkitchen.core.api import MAX_ID
from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.core.uploads import serve
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import canteens_for
from brightkitchen.schools.services import canteen_for_recording
from brightkitchen.staff import selectors, services
from brightkitchen.staff.forms import CertificateForm, StaffForm, TrainingForm
from brightkitchen.staff.models import (
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    HealthCertificate,
    MorningCheck,
    StaffMember,
    TrainingRecord,
    certificate_status,
)


def _may_change(request: HttpRequest, model: type[Any]) -> bool:
    return bool(model.scope_rule.allows(scope_of(request.user).role, Action.CHANGE))


def staff_list(request: HttpRequest) -> HttpResponse:
    canteens = list(canteens_for(request.user)[:200])
    raw = request.GET.get("canteen", "")
    canteen_id = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
    qs = selectors.staff_for(request.user, selectors.StaffFilters(canteen=canteen_id, active=True))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    on = today()
    rows = [(s, certificate_status(getattr(s, "cert_expires_on", None), on)) for s in page]
    scope = scope_of(request.user)
    # A canteen user looking for themselves: their entry, or why it is not there.
    own_entry = (
        selectors.staff_for(request.user).filter(account_id=request.user.pk).first()
        if scope.canteen_id is not None
        else None
    )
    return render(
        request,
        "staff/list.html",
        {
            "page": page,
            "rows": rows,
            "is_canteen_user": scope.canteen_id is not None,
            "own_entry": own_entry,
            "canteens": canteens,
            "canteen_id": canteen_id,
            "may_manage": _may_change(request, StaffMember),
            "may_check": _may_change(request, MorningCheck),
        },
    )


def add_staff(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = canteen_for_recording(request.user, canteen_id, StaffMember)
    form = StaffForm(request.POST or None, accounts=services.accounts_to_link(request.user, canteen))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("submission_key")
        try:
            staff, _created = services.create_staff(request.user, canteen, data, key)
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": staff.name})
            return redirect(reverse("staff:detail", args=[staff.pk]))
    return render(request, "staff/add.html", {"form": form, "canteen": canteen})


def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_visible_or_404(selectors.staff_for(request.user), request.user, Action.VIEW, pk=staff_id)
    on = today()
    return render(
        request,
        "staff/detail.html",
        {
            "staff": staff,
            "status": certificate_status(getattr(staff, "cert_expires_on", None), on),
            "certificates": [
                (c, c.status(on)) for c in staff.certificates.order_by("-expires_on", "-id")[:20]
            ],
            "checks": list(staff.morning_checks.order_by("-date")[:14]),
            "trainings": list(staff.trainings.order_by("-date")[:20]),
            "may_manage": _may_change(request, HealthCertificate),
            "may_train": _may_change(request, TrainingRecord),
            "accounts": (
                services.accounts_to_link(request.user, staff.canteen)
                if _may_change(request, StaffMember) and staff.account_id is None
                else []
            ),
        },
    )


@require_POST
def link_account(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Links (or with an empty choice unlinks) the person's own sign-in account to their entry."""
    staff = services.staff_for_change(request.user, staff_id)
    raw = request.POST.get("account_id", "")
    if raw and not (raw.isdigit() and 0 < int(raw) <= MAX_ID):
        messages.error(request, _("Choose a sign-in account of this canteen."))
        return redirect(reverse("staff:detail", args=[staff.pk]))
    try:
        services.update_staff(request.user, staff, {"account_id": int(raw) if raw else None})
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The sign-in account of %(name)s was saved.") % {"name": staff.name})
    return redirect(reverse("staff:detail", args=[staff.pk]))


def add_certificate(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = services.staff_for_change(request.user, staff_id, HealthCertificate)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_certificate(
                request.user,
                staff,
                number=data["number"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                photo=data["photo"],
                submission_key=data["submission_key"],
            )
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("The health certificate was saved."))
            return redirect(reverse("staff:detail", args=[staff.pk]))
    return render(request, "staff/certificate_form.html", {"form": form, "staff": staff})


def certificate_photo(request: HttpRequest, certificate_id: int) -> HttpResponseBase:
    cert = get_visible_or_404(HealthCertificate, request.user, Action.VIEW, pk=certificate_id)
    return serve(cert.thumbnail if request.GET.get("thumb") and cert.thumbnail else cert.photo)


def add_training(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Record a training the person attended, with an optional photo of its certificate."""
    staff = services.staff_for_change(request.user, staff_id, TrainingRecord)
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_training(
                request.user,
                staff,
                title=data["title"],
                date=data["date"],
                hours=data["hours"],
                photo=data["photo"] or None,
                submission_key=data["submission_key"],
            )
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("The training was saved."))
            return redirect(reverse("staff:detail", args=[staff.pk]))
    return render(
        request,
        "staff/training_form.html",
        {"form": form, "staff": staff},
        status=400 if request.method == "POST" else 200,
    )


def training_photo(request: HttpRequest, record_id: int) -> HttpResponseBase:
    record = get_visible_or_404(TrainingRecord, request.user, Action.VIEW, pk=record_id)
    return serve(record.thumbnail if request.GET.get("thumb") and record.thumbnail else record.photo)


def _parse_temperature(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", ".").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or not TEMPERATURE_MIN <= value <= TEMPERATURE_MAX:
        return None
    return value.quantize(Decimal("0.1"))


def _key(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        return uuid.uuid4()


def morning_check(request: HttpRequest, canteen_id: int) -> HttpResponse:
    """Today's morning check: one row per active staff member, filled in as they line up; one submit
    saves every row that has a temperature. Each row carries its own submission key."""
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school__organisation",), pk=canteen_id
    )
    may_record = _may_change(request, MorningCheck)
    on = today()
    errors: dict[int, str] = {}
    posted: dict[int, dict[str, Any]] = {}
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        saved = 0
        for row in selectors.morning_board(request.user, canteen, on):
            sid = row.staff.pk
            raw = request.POST.get(f"t_{sid}", "").strip()
            values: dict[str, Any] = {
                "temperature": raw,
                "fever": bool(request.POST.get(f"fever_{sid}")),
                "diarrhoea": bool(request.POST.get(f"diarrhoea_{sid}")),
                "skin_wound": bool(request.POST.get(f"skin_wound_{sid}")),
                "sore_throat": bool(request.POST.get(f"sore_throat_{sid}")),
                "other_symptoms": request.POST.get(f"other_{sid}", "")[:200],
                "key": str(_key(request.POST.get(f"key_{sid}"))),
            }
            if row.check is not None or not raw:
                continue
            posted[sid] = values
            temperature = _parse_temperature(raw)
            if temperature is None:
                errors[sid] = _("Enter a temperature between 34.0 and 43.0 °C.")
                continue
            try:
                services.record_morning_check(
                    request.user,
                    row.staff,
                    temperature=temperature,
                    date=on,
                    fever=values["fever"],
                    diarrhoea=values["diarrhoea"],
                    skin_wound=values["skin_wound"],
                    sore_throat=values["sore_throat"],
                    other_symptoms=values["other_symptoms"],
                    submission_key=uuid.UUID(values["key"]),
                )
            except FieldError as exc:
                errors[sid] = exc.message
            else:
                saved += 1
                posted.pop(sid)
        if saved:
            text = ngettext(
                "%(count)s morning check was saved.", "%(count)s morning checks were saved.", saved
            )
            messages.success(request, text % {"count": saved})
        if not errors:
            return redirect(reverse("staff:morning_check", args=[canteen.pk]))
    rows: list[dict[str, Any]] = []
    for row in selectors.morning_board(request.user, canteen, on):
        sid = row.staff.pk
        values = posted.get(sid) or {"key": str(uuid.uuid4())}
        rows.append({"row": row, "values": values, "error": errors.get(sid, "")})
    done = sum(1 for r in rows if r["row"].check is not None)
    return render(
        request,
        "staff/morning_check.html",
        {"canteen": canteen, "on": on, "rows": rows, "done": done, "may_record": may_record},
    )
