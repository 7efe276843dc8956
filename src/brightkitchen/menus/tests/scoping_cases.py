"""Scoping cases of every menus route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.menus.tests.factories import DISH, menus


def _canteen_a(w: World) -> int:
    menus(w)
    return w.canteens["a"].pk


def _menu_a(w: World) -> int:
    return int(menus(w)["a"]["menu"].pk)


def _item_a(w: World) -> int:
    return int(menus(w)["a"]["item"].pk)


def _markers(w: World) -> list[str]:
    menus(w)
    return [DISH["a"]]


def _monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def _item_body(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "day": _monday().isoformat(),
        "meal": "lunch",
        "dish": "路由测试红烧茄子",
        "quantity_g": 120,
        "price": 3.5,
    }


CASES: list[RouteCase] = [
    RouteCase(
        "page menus:editor", Kind.DETAIL, lambda w: f"/menus/canteens/{_canteen_a(w)}/", markers=_markers
    ),
    RouteCase(
        "page menus:editor",
        Kind.WRITE,
        lambda w: f"/menus/canteens/{_canteen_a(w)}/",
        method="POST",
        body=_item_body,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page menus:publish",
        Kind.WRITE,
        lambda w: f"/menus/menus/{_menu_a(w)}/publish/",
        method="POST",
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page menus:remove_item",
        Kind.WRITE,
        lambda w: f"/menus/items/{_item_a(w)}/remove/",
        method="POST",
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/menus/menus",
        Kind.LIST,
        lambda w: (menus(w), "/api/v1/menus/menus")[1],
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/menus/canteens/{canteen_id}/menus",
        Kind.WRITE,
        lambda w: f"/api/v1/menus/canteens/{_canteen_a(w)}/menus",
        method="POST",
        body=lambda w: {"week_start": (_monday() + datetime.timedelta(days=7)).isoformat()},
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/menus/menus/{menu_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/menus/menus/{_menu_a(w)}",
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/menus/menus/{menu_id}/items",
        Kind.WRITE,
        lambda w: f"/api/v1/menus/menus/{_menu_a(w)}/items",
        method="POST",
        body=_item_body,
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api POST /api/v1/menus/menus/{menu_id}/publish",
        Kind.WRITE,
        lambda w: f"/api/v1/menus/menus/{_menu_a(w)}/publish",
        method="POST",
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
]
