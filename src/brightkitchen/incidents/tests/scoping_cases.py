"""Scoping cases of every incidents route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.incidents.tests.factories import PLACE, incidents


def _incident_a(w: World) -> int:
    return int(incidents(w)["a"].pk)


def _canteen_a(w: World) -> int:
    incidents(w)
    return w.canteens["a"].pk


def _with(w: World, url: str) -> str:
    incidents(w)
    return url


def _markers(w: World) -> list[str]:
    incidents(w)
    return [PLACE["a"]]


def _report(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "onset_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "路由测试餐厅",
        "affected": "3",
        "hospitalised": "0",
        "symptoms": "呕吐",
        "reporter_name": "路由测试员",
        "reporter_phone": "13900000000",
    }


CASES: list[RouteCase] = [
    RouteCase("page incidents:index", Kind.LIST, lambda w: _with(w, "/incidents/"), markers=_markers),
    RouteCase(
        "page incidents:new",
        Kind.DETAIL,
        lambda w: f"/incidents/canteens/{_canteen_a(w)}/new/",
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page incidents:new",
        Kind.WRITE,
        lambda w: f"/incidents/canteens/{_canteen_a(w)}/new/",
        method="POST",
        body=_report,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page incidents:detail",
        Kind.DETAIL,
        lambda w: f"/incidents/{_incident_a(w)}/",
        markers=_markers,
    ),
    RouteCase(
        "page incidents:progress",
        Kind.WRITE,
        lambda w: f"/incidents/{_incident_a(w)}/progress/",
        method="POST",
        body=lambda w: {"text": "3人已出院"},
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page incidents:close",
        Kind.WRITE,
        lambda w: f"/incidents/{_incident_a(w)}/close/",
        method="POST",
        body=lambda w: {"summary": "全部康复"},
        right_status=302,
        markers=_markers,
        right="principal_a",
        wrong="principal_b",
        also_allowed=("staff_a",),  # the canteen that reported it closes it (INCIDENT_CHANGE_ROLES),
    ),
    RouteCase(
        "api GET /api/v1/incidents", Kind.LIST, lambda w: _with(w, "/api/v1/incidents"), markers=_markers
    ),
    RouteCase(
        "api POST /api/v1/incidents",
        Kind.WRITE,
        lambda w: "/api/v1/incidents",
        method="POST",
        body=lambda w: {**_report(w), "canteen_id": _canteen_a(w), "affected": 3, "hospitalised": 0},
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/incidents/{incident_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/incidents/{_incident_a(w)}",
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/incidents/{incident_id}/progress",
        Kind.WRITE,
        lambda w: f"/api/v1/incidents/{_incident_a(w)}/progress",
        method="POST",
        body=lambda w: {"text": "3人已出院"},
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api POST /api/v1/incidents/{incident_id}/close",
        Kind.WRITE,
        lambda w: f"/api/v1/incidents/{_incident_a(w)}/close",
        method="POST",
        body=lambda w: {"summary": "全部康复"},
        markers=_markers,
        right="principal_a",
        wrong="principal_b",
        also_allowed=("staff_a",),  # the canteen that reported it closes it,
    ),
]
