"""The live view page: a plain WebRTC player that asks the relay (cameras/relay/) for the camera over
WHEP with a short-lived grant issued here. Who may watch: users whose jurisdiction holds the camera,
and anyone (signed in or not) while the camera is public and within its public hours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from brightkitchen.cameras import grants, selectors, snapshots
from brightkitchen.cameras.credentials import UndecryptableSource
from brightkitchen.cameras.models import Camera
from brightkitchen.cameras.sources import UnsupportedSourceKind, source_for
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404

# Live tiles on a page that is about something else (school file, patrol screen): the first few cameras.
PAGE_TILES = 4


def watchable_or_404(request: HttpRequest, camera_id: int) -> Camera:
    """The camera if the user may watch it now: in their jurisdiction, or public within its hours."""
    if request.user.is_authenticated:
        try:
            return get_visible_or_404(
                selectors.cameras_for(request.user), request.user, Action.VIEW, pk=camera_id
            )
        except Http404:
            pass  # not theirs, but perhaps public now
    public = selectors.public_cameras_now().select_related("canteen", "canteen__school__organisation")
    camera = public.filter(pk=camera_id).first() if 0 < camera_id < 2**63 else None
    if camera is None:
        raise Http404
    return camera


@dataclass(frozen=True)
class LiveTile:
    """What a page needs to play one camera: the relay's WHEP address and a grant ("" when the camera
    cannot be watched: disabled, or a source that does not open), and the snapshot shown instead."""

    camera: Camera
    grant: str
    whep_url: str
    snapshot_url: str
    snapshot_status: str = ""  # the stored picture's age ("being taken" without one)
    snapshot_pending: bool = False  # no picture stored yet: the tile asks again soon


def grant_for(camera: Camera) -> str:
    """A viewing grant for a camera the caller has already found watchable, or "" when there is none."""
    if not camera.enabled:
        return ""
    try:
        return grants.issue(camera.pk, source_for(camera).open_url())
    except (UndecryptableSource, UnsupportedSourceKind):
        return ""  # the page says the camera cannot be watched; the address is never shown


def live_tiles(cameras: Iterable[Camera], snapshot_url: str = "") -> list[LiveTile]:
    """Tiles for cameras the caller has already found watchable (scoped, or public by display link).
    `snapshot_url` is a pattern with "{pk}" where the snapshots are not the signed-in users' route."""
    listed = list(cameras)
    taken = snapshots.taken_times([camera.pk for camera in listed])
    now = timezone.now()
    return [
        LiveTile(
            camera=camera,
            grant=grant_for(camera),
            whep_url=f"{grants.relay_url(camera.pk)}/whep/{camera.pk}",
            snapshot_url=(
                snapshot_url.format(pk=camera.pk)
                if snapshot_url
                else reverse("cameras:snapshot", args=[camera.pk])
            ),
            snapshot_status=snapshots.age_text(taken.get(camera.pk), now),
            snapshot_pending=camera.pk not in taken,
        )
        for camera in listed
    ]


def canteen_live_tiles(user: AnyUser, canteen_ids: list[int], limit: int = PAGE_TILES) -> list[LiveTile]:
    """Live tiles of the user's cameras in these canteens (key points first), for pages about them."""
    cameras = (
        selectors.cameras_for(user)
        .filter(canteen_id__in=canteen_ids, enabled=True)
        .order_by("canteen_id", "key_point", "name")[:limit]
    )
    return live_tiles(cameras)


def _login_first(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


@login_not_required  # public cameras are watchable by anyone; watchable_or_404 checks everyone else
@require_GET
def live(request: HttpRequest, camera_id: int) -> HttpResponse:
    try:
        camera = watchable_or_404(request, camera_id)
    except Http404:
        if not request.user.is_authenticated:
            return _login_first(request)  # not public now: signing in may show it
        raise
    (tile,) = live_tiles([camera])
    context: dict[str, Any] = {"camera": camera, "grant": tile.grant, "whep_url": tile.whep_url}
    response = render(request, "cameras/live.html", context)
    response["Cache-Control"] = "no-store"  # the grant is for this viewer, now
    return response
