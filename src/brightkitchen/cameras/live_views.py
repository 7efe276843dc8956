"""The live view page: a plain WebRTC player that asks the relay (cameras/relay/) for the camera over
WHEP with a short-lived grant issued here. Who may watch: users whose jurisdiction holds the camera,
and anyone (signed in or not) while the camera is public and within its public hours."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from brightkitchen.cameras import grants, selectors
from brightkitchen.cameras.credentials import UndecryptableSource
from brightkitchen.cameras.models import Camera
from brightkitchen.cameras.sources import UnsupportedSourceKind, source_for
from brightkitchen.core.scoping import Action, get_visible_or_404


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
    grant = ""
    if camera.enabled:
        try:
            grant = grants.issue(camera.pk, source_for(camera).open_url())
        except (UndecryptableSource, UnsupportedSourceKind):
            grant = ""  # the page says the camera cannot be watched; the address is never shown
    context: dict[str, Any] = {
        "camera": camera,
        "grant": grant,
        "whep_url": f"{grants.relay_url()}/whep/{camera.pk}",
    }
    response = render(request, "cameras/live.html", context)
    response["Cache-Control"] = "no-store"  # the grant is for this viewer, now
    return response
