"""Scoping cases of every hygiene route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import JPEG_MARKERS, Kind, RouteCase
from brightkitchen.hygiene.tests.factories import PERSON, hygiene
from brightkitchen.records.tests.factories import photo


def _canteen_a(w: World) -> int:
    hygiene(w)
    return w.canteens["a"].pk


def _record_a(w: World) -> int:
    return int(hygiene(w)["a"].pk)


def _with(w: World, url: str) -> str:
    hygiene(w)
    return url


def _markers(w: World) -> list[str]:
    hygiene(w)
    return [PERSON["a"]]


def _form(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "kind": "waste",
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "person": "路由测试员",
        "quantity_kg": "12.5",
        "collector": "路由测试回收公司",
        "photo": photo(),
    }


CASES: list[RouteCase] = [
    RouteCase("page hygiene:index", Kind.LIST, lambda w: "/hygiene/"),
    RouteCase(
        "page hygiene:ledger",
        Kind.DETAIL,
        lambda w: f"/hygiene/canteens/{_canteen_a(w)}/",
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page hygiene:ledger",
        Kind.WRITE,
        lambda w: f"/hygiene/canteens/{_canteen_a(w)}/?kind=waste",
        method="POST",
        body=_form,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page hygiene:photo",
        Kind.DETAIL,
        lambda w: f"/hygiene/records/{_record_a(w)}/photo/",
        markers=JPEG_MARKERS,
    ),
    RouteCase(
        "api GET /api/v1/hygiene/records",
        Kind.LIST,
        lambda w: _with(w, "/api/v1/hygiene/records"),
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/hygiene/canteens/{canteen_id}/records",
        Kind.WRITE,
        lambda w: f"/api/v1/hygiene/canteens/{_canteen_a(w)}/records",
        method="POST",
        body=_form,
        multipart=True,
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/hygiene/records/{record_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/hygiene/records/{_record_a(w)}",
        markers=_markers,
    ),
    RouteCase(
        "api GET /api/v1/hygiene/records/{record_id}/photo",
        Kind.DETAIL,
        lambda w: f"/api/v1/hygiene/records/{_record_a(w)}/photo",
        markers=JPEG_MARKERS,
    ),
]
