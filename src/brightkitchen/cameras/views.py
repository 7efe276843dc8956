"""Camera pages: the list with health columns, a canteen's cameras with the add form, a camera's detail
with its health, events, measurements and the edit form, and the public offline exposure board."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.cameras import selectors, services, snapshots, tasks
from brightkitchen.cameras.forms import AddCameraForm, EditCameraForm
from brightkitchen.cameras.live_views import live_tiles
from brightkitchen.cameras.models import MANAGER_ROLES, Camera, CameraHealthEvent, CameraStatus, DisplayToken
from brightkitchen.core import ratelimit
from brightkitchen.core.errors import FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.forms import figure_query, show_field_error
from brightkitchen.core.middleware import client_ip
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.rectifications.models import ISSUER_ROLES
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import full_name_of
from brightkitchen.schools.models import Canteen

_REGION = re.compile(r"^\d{1,12}$")


def may_manage(user: AnyUser) -> bool:
    return scope_of(user).role in MANAGER_ROLES


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The camera health board: the jurisdiction's online rate and clarity compliance, and the cameras,
    filtered by status or to those with a problem now, each with what is wrong with it."""
    status = request.GET.get("status", "")
    figure = figure_query(request, selectors.Measure)
    filters = selectors.CameraFilters(
        status=status if status in CameraStatus.values else "",
        problem=request.GET.get("problem") == "1",
        region=figure.region if figure else "",
        measure=selectors.Measure(figure.measure) if figure else None,
        start=figure.start if figure else None,
        end=figure.end if figure else None,
    )
    page = Paginator(selectors.cameras_for(request.user, filters), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "statuses": CameraStatus.choices,
        "status": filters.status,
        "problem": filters.problem,
        "summary": selectors.health_summary(request.user),
        "problems": selectors.open_problems(request.user, [c.pk for c in page]),
        "figure": figure,
        "figure_region": full_name_of(figure.region) if figure else "",
        "figure_label": selectors.Measure(figure.measure).label if figure else "",
    }
    return render(request, "cameras/index.html", context)


@require_http_methods(["GET", "POST"])
def canteen(request: HttpRequest, canteen_id: int) -> HttpResponse:
    place = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    form = AddCameraForm()
    status = 200
    if request.method == "POST":
        form = AddCameraForm(request.POST)
        if form.is_valid():
            try:
                _camera, created = services.add_camera(request.user, place.pk, **form.cleaned_data)
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Camera added."))
                return redirect("cameras:canteen", place.pk)
        status = 400
    cameras = list(selectors.cameras_for(request.user, selectors.CameraFilters(canteen=place.pk)))
    context: dict[str, Any] = {
        "canteen": place,
        "cameras": cameras,
        "problems": selectors.open_problems(request.user, [c.pk for c in cameras]),
        "form": form,
        "may_manage": may_manage(request.user),
        "display_links": DisplayToken.objects.visible_to(request.user).filter(
            canteen=place, revoked_at__isnull=True
        ),
    }
    return render(request, "cameras/canteen.html", context, status=status)


def _camera(request: HttpRequest, camera_id: int) -> Camera:
    return get_visible_or_404(selectors.cameras_for(request.user), request.user, Action.VIEW, pk=camera_id)


def _detail(
    request: HttpRequest, camera: Camera, form: EditCameraForm | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "camera": camera,
        "public_now": selectors.is_public_now(camera, timezone.now()),
        "events": selectors.events_for(request.user, [camera.pk]),
        "measurements": selectors.measurements_for(request.user, camera.pk),
        "form": form or EditCameraForm(camera=camera),
        "may_manage": may_manage(request.user),
        "may_issue": scope_of(request.user).role in ISSUER_ROLES,
    }
    return render(request, "cameras/detail.html", context, status=status)


@require_GET
def detail(request: HttpRequest, camera_id: int) -> HttpResponse:
    return _detail(request, _camera(request, camera_id))


@require_POST
def edit(request: HttpRequest, camera_id: int) -> HttpResponse:
    camera = _camera(request, camera_id)
    form = EditCameraForm(request.POST, camera=camera)
    if form.is_valid():
        changes = dict(form.cleaned_data)
        if not changes.get("source_url"):
            changes.pop("source_url", None)
        try:
            services.change_camera(request.user, camera.pk, changes)
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("Camera saved."))
            return redirect("cameras:detail", camera.pk)
    return _detail(request, camera, form, status=400)


@require_POST
def delete(request: HttpRequest, camera_id: int) -> HttpResponse:
    camera = _camera(request, camera_id)
    services.delete_camera(request.user, camera.pk)
    messages.success(request, _("Camera deleted."))
    return redirect("cameras:canteen", camera.canteen_id)


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The public offline exposure board (不在线学校食堂曝光台): names and times only, never a source."""
    region = request.GET.get("region", "").strip()
    if region and not _REGION.match(region):
        context: dict[str, Any] = {
            "error": _("Give a region code (digits only)."),
            "region": "",
            "page": None,
        }
        return render(request, "cameras/offline.html", context, status=400)
    rows = selectors.offline_board(region)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    chosen = Region.objects.filter(code=region).first() if region else None
    context = {
        "page": page,
        "rows": selectors.offline_rows(list(page.object_list)),
        "region": region,
        "chosen": chosen,
        "parent_code": chosen.parent_id if chosen else None,
        "areas": selectors.offline_areas(region),
        "last_check": selectors.last_health_check(region),
    }
    return render(request, "cameras/offline.html", context)


def _snapshot_image(request: HttpRequest, message: str, status: int, retry_s: int) -> HttpResponse:
    """A placeholder picture that says why there is no snapshot yet (an <img> shows it as it is)."""
    response = render(request, "cameras/snapshot_placeholder.svg", {"message": message}, status=status)
    response["Content-Type"] = "image/svg+xml; charset=utf-8"
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(retry_s)
    response["Refresh"] = str(retry_s)  # opened on its own (the "take a snapshot" link): ask again
    response["X-Snapshot-Status"] = quote(message)
    return response


def _serve_snapshot(request: HttpRequest, camera: Camera) -> HttpResponse:
    """The camera's stored picture with its age, for a camera the caller may see. A picture older than
    the interval is still served, and a new one asked for (once per camera per interval, whoever asks);
    without any: 202 "being taken", or 503 when the last try gave none. Never opens the camera."""
    ident = client_ip(request) or "unknown"
    if ratelimit.hit("camera-snapshot", ident, 60) > snapshots.SNAPSHOTS_PER_MINUTE:
        return HttpResponse(
            _("Too many snapshots; try again in a minute."), status=429, content_type="text/plain"
        )
    now = timezone.now()
    stored = snapshots.latest(camera.pk)
    if camera.enabled and (stored is None or not stored.fresh(now)):
        if snapshots.request(camera.pk, stored, now):
            after_commit(tasks.take_snapshot.delay, camera.pk)
    if stored is None or stored.jpeg is None:
        if not camera.enabled or (stored is not None and stored.failed()):
            return _snapshot_image(
                request, _("The camera gives no picture right now."), 503, snapshots.INTERVAL_S
            )
        return _snapshot_image(request, _("The snapshot is being taken…"), 202, snapshots.PENDING_RETRY_S)
    assert stored.taken_at is not None
    response = HttpResponse(stored.jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    response["Last-Modified"] = http_date(stored.taken_at.timestamp())
    response["X-Snapshot-Taken-At"] = stored.taken_at.isoformat()
    response["X-Snapshot-Age"] = str(stored.age_s(now))
    status = snapshots.age_text(stored.taken_at, now)
    if not stored.fresh(now) and stored.failed():
        status = _("The camera gives no picture right now.") + " · " + status
    # Headers carry Latin-1 only: the tiles decode the text the page shows under the picture.
    response["X-Snapshot-Status"] = quote(status)
    return response


@login_not_required
@require_GET
def snapshot(request: HttpRequest, camera_id: int) -> HttpResponse:
    """The camera's latest picture as the workers took it, with its age (X-Snapshot-Age, seconds). The
    camera must be in the user's jurisdiction, or public and within its public hours (for anyone, signed
    in or not). No picture yet: 202 with a placeholder; none to be had: 503; too many requests: 429."""
    if request.user.is_authenticated and not scope_of(request.user).is_empty:
        camera = get_visible_or_404(Camera, request.user, Action.VIEW, pk=camera_id)
    else:
        found = selectors.public_cameras_now().filter(pk=camera_id).first()
        if found is None:
            if request.user.is_authenticated:  # a signed-in parent: signing in again shows nothing more
                raise Http404
            return redirect_to_login(request.get_full_path())  # not public now: signing in may show it
        camera = found
    return _serve_snapshot(request, camera)


WALL_GRIDS = (2, 3, 4)  # the largest page, 4×4, is snapshots.MAX_TILES tiles
# Snapshot tiles ask again at the pace pictures can come (live tiles come with the relay).
WALL_REFRESH_S = snapshots.INTERVAL_S


@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """The regulators' video wall (视频墙): the cameras of the jurisdiction in a grid of 2×2, 3×3 or 4×4
    tiles, a page at a time, turning to the next page every `rotate` seconds (0: no rotation)."""
    filters = selectors.CameraFilters(region=request.GET.get("region", "")[:12], enabled=True)
    grid = int(request.GET["grid"]) if request.GET.get("grid") in {str(g) for g in WALL_GRIDS} else 3
    rotate = request.GET.get("rotate", "30")
    rotate_s = int(rotate) if rotate.isdigit() and int(rotate) <= 3600 else 30
    qs = selectors.cameras_for(request.user, filters).select_related("canteen__school__organisation")
    page = Paginator(
        qs.order_by("canteen__school__organisation__region_id", "canteen_id", "name"), grid * grid
    )
    current = page.get_page(request.GET.get("page"))
    following = current.next_page_number() if current.has_next() else 1
    context = {
        "page": current,
        "tiles": live_tiles(current),
        "grid": grid,
        "grids": WALL_GRIDS,
        "rotate_s": rotate_s,
        "next_page": following,
        "refresh_s": WALL_REFRESH_S,
        "region": filters.region,
    }
    return render(request, "cameras/wall.html", context)


DISPLAY_MISS_BUCKET = "display-link-miss"


def _display_token(request: HttpRequest, token: str) -> DisplayToken | HttpResponse:
    """The link's row, or the refusal: 429 once this address has missed DISPLAY_LINK_MAX_MISSES times in
    the window (for every link, a right one too, so a guesser learns nothing from the answer), else 404 for
    an unknown or revoked link, the same answer for both (nothing says whether a link ever existed)."""
    address = client_ip(request) or "unknown"
    if ratelimit.exceeded(DISPLAY_MISS_BUCKET, [address], settings.DISPLAY_LINK_MAX_MISSES):
        response = HttpResponse(
            _("Too many wrong display links from here; try again later."),
            status=429,
            content_type="text/plain",
        )
        response["Retry-After"] = str(settings.DISPLAY_LINK_MISS_WINDOW_S)
        return response
    link = (
        DisplayToken.objects.select_related("canteen__school__organisation")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        ratelimit.hit(DISPLAY_MISS_BUCKET, address, settings.DISPLAY_LINK_MISS_WINDOW_S)
        raise Http404
    return link


@login_not_required
@require_GET
@never_cache
def display(request: HttpRequest, token: str) -> HttpResponse:
    """The dining-hall display (就餐区显示屏): full screen, opened by its revocable link without signing
    in, showing the canteen's public cameras. Never cached, so a revoked link stops at once."""
    link = _display_token(request, token)
    if isinstance(link, HttpResponse):
        return link
    cameras = Camera.objects.filter(canteen=link.canteen, enabled=True, is_public=True).order_by("name")
    if request.GET.get("camera", "").isdigit():
        camera = get_object_or_404(cameras, pk=int(request.GET["camera"]))
        return _serve_snapshot(request, camera)
    context = {
        "link": link,
        "canteen": link.canteen,
        # Public cameras, always: the screen hangs in the school's own dining hall.
        "tiles": live_tiles(cameras, snapshot_url="?camera={pk}"),
        "refresh_s": WALL_REFRESH_S,
    }
    return render(request, "cameras/display.html", context)


@require_POST
def display_links(request: HttpRequest, canteen_id: int) -> HttpResponse:
    """Make (label) or revoke (revoke=<id>) a dining-hall display link of a canteen."""
    try:
        if request.POST.get("revoke", "").isdigit():
            services.revoke_display_token(request.user, int(request.POST["revoke"]))
            messages.success(request, _("The display link is revoked."))
        else:
            services.create_display_token(request.user, canteen_id, label=request.POST.get("label", ""))
            messages.success(request, _("The display link is ready."))
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("cameras:canteen", canteen_id=canteen_id)


@require_POST
def rectify_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """Open a rectification notice for a camera health event (or go to the one already open)."""
    try:
        notice, created = services.rectify_event(request.user, event_id)
    except FieldError as exc:
        messages.error(request, exc.message)
        event = get_visible_or_404(CameraHealthEvent, request.user, Action.VIEW, pk=event_id)
        return redirect("cameras:detail", camera_id=event.camera_id)
    if created:
        messages.success(request, _("Rectification notice issued."))
    return redirect("rectifications:detail", notice.pk)
