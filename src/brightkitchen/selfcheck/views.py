"""Phone pages: the current period's checklist of one canteen (one tap per item marks a risk; all OK
files a zero-risk report), the filed report, and the principal's sign button on the monthly review;
and the regulators' checklist editor (a new version for their region, inherited below it)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.core import uploads
from brightkitchen.core.errors import FieldError
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen
from brightkitchen.selfcheck import selectors, services
from brightkitchen.selfcheck.models import CheckKind, InspectionAnswer, SelfInspection, period_start


def _kind(request: HttpRequest) -> CheckKind:
    try:
        return CheckKind(request.GET.get("kind", "daily"))
    except ValueError:
        return CheckKind.DAILY


def _url(canteen_id: int, kind: str) -> str:
    return reverse("selfcheck:report", args=[canteen_id]) + f"?kind={kind}"


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    kind = _kind(request)
    period = period_start(kind, timezone.localdate())
    template = selectors.template_for(canteen, kind)
    error = ""
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = request.POST.dict()
        answers = []
        photos: dict[int, UploadedFile[bytes]] = {}
        for item in template.items.all() if template else []:
            risk = request.POST.get(f"risk_{item.pk}") == "1"
            answers.append(
                services.AnswerIn(item.pk, ok=not risk, note=request.POST.get(f"note_{item.pk}", ""))
            )
            upload = request.FILES.get(f"photo_{item.pk}")
            if upload is not None and risk:
                photos[item.pk] = upload
        try:
            created = services.create_inspection(
                request.user,
                canteen.pk,
                kind=kind,
                period=period,
                answers=answers,
                summary=request.POST.get("summary", ""),
                photos=photos,
                submission_key=_uuid(request.POST.get("submission_key", "")),
            )[1]
        except FieldError as exc:
            error = exc.message
        else:
            if created:
                messages.success(request, _("Self-inspection filed."))
            return redirect(_url(canteen.pk, kind))
    filters = selectors.InspectionFilters(canteen=canteen.pk, kind=kind)
    history = list(selectors.inspections_for(request.user, filters)[:12])
    current = next((r for r in history if r.period == period), None)
    role = scope_of(request.user).role
    context: dict[str, Any] = {
        "canteen": canteen,
        "kind": kind,
        "kinds": CheckKind,
        "period": period,
        "template": template,
        "items": list(template.items.all()) if template else [],
        "current": current,
        "answers": list(current.answers.select_related("item")) if current else [],
        "history": history,
        "may_record": SelfInspection.scope_rule.allows(role, Action.CHANGE),
        "may_sign": role in services.SIGN_ROLES,
        "error": error,
        "values": values,
        "submission_key": uuid.uuid4(),
    }
    return render(request, "selfcheck/report.html", context, status=400 if request.method == "POST" else 200)


@require_POST
def sign(request: HttpRequest, inspection_id: int) -> HttpResponse:
    record = get_visible_or_404(SelfInspection, request.user, Action.VIEW, pk=inspection_id)
    try:
        services.sign_monthly(request.user, inspection_id)
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Monthly review signed."))
    return redirect(_url(record.canteen_id, record.kind))


@require_GET
def answer_photo(request: HttpRequest, answer_id: int) -> HttpResponseBase:
    answer = get_visible_or_404(InspectionAnswer, request.user, Action.VIEW, pk=answer_id)
    thumbnail = request.GET.get("thumbnail") and answer.photo_thumbnail
    return uploads.serve(answer.photo_thumbnail if thumbnail else answer.photo)


# A line starting with one of these marks a key item (重点项) in the editor's text box.
_KEY_MARKS = ("*", "＊", "★")


def _items_text(template: Any) -> str:
    if template is None:
        return ""
    return "\n".join(("* " if i.is_key else "") + i.text for i in template.items.all())


def _parsed_items(text: str) -> list[services.ItemIn]:
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        is_key = line.startswith(_KEY_MARKS)
        items.append(services.ItemIn(text=line.lstrip("".join(_KEY_MARKS)).strip(), is_key=is_key))
    return items


@require_http_methods(["GET", "POST"])
def checklists(request: HttpRequest) -> HttpResponse:
    """The checklist in force in the regulator's region for one kind, and a form saving a new version."""
    scope = scope_of(request.user)
    if scope.role not in (Role.REGULATOR, Role.OPERATOR):
        raise PermissionDenied
    code = request.POST.get("region") or request.GET.get("region") or scope.region_prefix or ""
    region = Region.objects.filter(code=code).first()
    if code and (region is None or not (scope.everything or code.startswith(scope.region_prefix or "\x00"))):
        raise Http404
    kind = CheckKind(request.POST["kind"]) if request.POST.get("kind") in CheckKind.values else _kind(request)
    in_force = selectors.template_in_force(region.code, kind) if region else None
    error, text = "", _items_text(in_force)
    if request.method == "POST":
        text = request.POST.get("items", "")
        try:
            template, created = services.save_template(
                request.user,
                code,
                kind,
                _parsed_items(text),
                submission_key=_uuid(request.POST.get("submission_key", "")),
            )
        except FieldError as exc:
            error = exc.message
        else:
            if created:
                messages.success(
                    request,
                    _("Version %(version)s saved; it applies from now on.") % {"version": template.number},
                )
            return redirect(reverse("selfcheck:checklists") + f"?kind={kind}&region={code}")
    context: dict[str, Any] = {
        "region": region,
        "kind": kind,
        "kinds": CheckKind,
        "in_force": in_force,
        "items": list(in_force.items.all()) if in_force else [],
        "inherited": in_force is not None
        and region is not None
        and in_force.template.region_id != region.code,
        "text": text,
        "error": error,
        "submission_key": uuid.uuid4(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "selfcheck/checklists.html", context, status=status)
