"""Scoping cases of every cameras route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone, translation

from brightkitchen.cameras.models import CameraHealthEvent, DisplayToken, HealthEventKind
from brightkitchen.cameras.tests.factories import NAME, PASSWORD, cameras, raw_url
from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase


def _camera_a(w: World) -> int:
    return cameras(w)["a"].pk


def _offline_event_a(w: World) -> int:
    """An open offline event of county A's camera (made without the audit log, before the request)."""
    camera_id = _camera_a(w)
    found = CameraHealthEvent.objects.filter(camera_id=camera_id, kind=HealthEventKind.OFFLINE).first()
    if found is None:
        event = CameraHealthEvent(
            camera_id=camera_id, kind=HealthEventKind.OFFLINE, started_at=timezone.now()
        )
        CameraHealthEvent.objects.bulk_create([event])
        found = CameraHealthEvent.objects.get(camera_id=camera_id, kind=HealthEventKind.OFFLINE)
    return found.pk


def _canteen_a(w: World) -> int:
    cameras(w)
    return w.canteens["a"].pk


def _with(w: World, url: str) -> str:
    cameras(w)
    return url


def _markers(w: World) -> list[str]:
    cameras(w)
    return [NAME["a"]]


def _secrets(w: World) -> list[str]:
    """What must never appear in a public answer: the source, its password, any stream address."""
    cameras(w)
    return [PASSWORD["a"], raw_url("a"), "rtsp://", "127.0.97.64"]


def _being_taken(w: World) -> list[str]:
    with translation.override("zh-hans"):
        return [translation.gettext("The snapshot is being taken…")]


def _display_token(w: World) -> str:
    """County A's dining-hall display link (made without the audit log, before the request)."""
    cameras(w)
    link = DisplayToken.objects.filter(canteen=w.canteens["a"]).first()
    if link is None:
        (link,) = DisplayToken.objects.bulk_create(
            [DisplayToken(canteen=w.canteens["a"], label="食堂大屏", token="display-a-0123456789")]
        )
    return link.token


def _form(w: World) -> dict[str, Any]:
    return {
        "name": "路由测试摄像头",
        "key_point": "cutting",
        "source_kind": "rtsp",
        "source_url": "rtsp://viewer:Route-Pass-1@127.0.1.70:554/live",
        "enabled": "on",
    }


def _add_form(w: World) -> dict[str, Any]:
    return {**_form(w), "submission_key": str(uuid.uuid4())}


def _api_body(w: World) -> dict[str, Any]:
    return {
        "canteen_id": w.canteens["a"].pk,
        "name": "路由测试摄像头",
        "key_point": "cutting",
        "source_kind": "rtsp",
        "source_url": "rtsp://viewer:Route-Pass-1@127.0.1.70:554/live",
        "submission_key": str(uuid.uuid4()),
    }


CASES: list[RouteCase] = [
    RouteCase("page cameras:index", Kind.LIST, lambda w: _with(w, "/cameras/"), markers=_markers),
    RouteCase("page cameras:offline", Kind.PUBLIC, lambda w: _with(w, "/cameras/offline/"), markers=_secrets),
    RouteCase(
        "page cameras:canteen",
        Kind.DETAIL,
        lambda w: f"/cameras/canteens/{_canteen_a(w)}/",
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page cameras:canteen",
        Kind.WRITE,
        lambda w: f"/cameras/canteens/{_canteen_a(w)}/",
        method="POST",
        body=_add_form,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase("page cameras:detail", Kind.DETAIL, lambda w: f"/cameras/{_camera_a(w)}/", markers=_markers),
    RouteCase(
        "page cameras:edit",
        Kind.WRITE,
        lambda w: f"/cameras/{_camera_a(w)}/edit/",
        method="POST",
        body=_form,
        right_status=302,
        markers=_markers,
        right="principal_a",
        wrong="principal_b",
    ),
    RouteCase(
        "page cameras:delete",
        Kind.WRITE,
        lambda w: f"/cameras/{_camera_a(w)}/delete/",
        method="POST",
        right_status=302,
        markers=_markers,
    ),
    RouteCase("api GET /api/v1/cameras", Kind.LIST, lambda w: _with(w, "/api/v1/cameras"), markers=_markers),
    RouteCase(
        "api POST /api/v1/cameras",
        Kind.WRITE,
        lambda w: _with(w, "/api/v1/cameras"),
        method="POST",
        body=_api_body,
        right_status=201,
        markers=_markers,
    ),
    RouteCase(
        "api GET /api/v1/cameras/{camera_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/cameras/{_camera_a(w)}",
        markers=_markers,
        right="edu_a",
        wrong="edu_b",
    ),
    RouteCase(
        "api PATCH /api/v1/cameras/{camera_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/cameras/{_camera_a(w)}",
        method="PATCH",
        body=lambda w: {"is_public": True, "public_from": "22:00", "public_until": "06:00"},
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api DELETE /api/v1/cameras/{camera_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/cameras/{_camera_a(w)}",
        method="DELETE",
        right_status=204,
        markers=_markers,
    ),
    # No worker has taken camera A's picture yet: the right user is told it is being taken (and the page
    # never opens the camera); the picture itself is tested against a real camera (test_snapshots).
    RouteCase(
        "page cameras:snapshot",
        Kind.DETAIL,
        lambda w: f"/cameras/{_camera_a(w)}/snapshot.jpg",
        right_status=202,
        markers=_being_taken,
    ),
    RouteCase("page cameras:wall", Kind.LIST, lambda w: _with(w, "/cameras/wall/"), markers=_markers),
    RouteCase(
        "page cameras:display",
        Kind.PUBLIC,
        lambda w: f"/cameras/display/{_display_token(w)}/",
        markers=_secrets,
    ),
    RouteCase(
        "page cameras:display_links",
        Kind.WRITE,
        lambda w: f"/cameras/canteens/{_canteen_a(w)}/display-links/",
        method="POST",
        body=lambda w: {"label": "食堂东墙大屏"},
        right="manager_a",
        wrong="manager_b",
        right_status=302,
    ),
    RouteCase(
        "page cameras:rectify_event",
        Kind.WRITE,
        lambda w: f"/cameras/events/{_offline_event_a(w)}/rectify/",
        method="POST",
        right_status=302,
        also_allowed=("edu_a",),  # a notice from the event: ISSUER_ROLES include education bureaus,
    ),
    # The live page (live_views.py): camera A's name, and a grant only for the right user.
    RouteCase("page cameras:live", Kind.DETAIL, lambda w: f"/cameras/{_camera_a(w)}/live/", markers=_markers),
]
