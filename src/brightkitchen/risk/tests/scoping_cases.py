"""Scoping cases of every risk route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

from typing import Any

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.risk.tests.factories import assessments


def _a(w: World) -> int:
    assessments(w)
    return w.canteens["a"].pk


def _with(w: World, url: str) -> str:
    assessments(w)
    return url


def _override_body(w: World) -> dict[str, Any]:
    return {"grade": "C", "reason": "路由测试：复查后下调"}


def _clear_body(w: World) -> dict[str, Any]:
    return {"reason": "路由测试：恢复计算等级"}


CASES: list[RouteCase] = [
    RouteCase("page risk:index", Kind.LIST, lambda w: _with(w, "/risk/")),
    RouteCase(
        "page risk:detail",
        Kind.DETAIL,
        lambda w: f"/risk/canteens/{_a(w)}/",
        right="principal_a",
        wrong="principal_b",
    ),
    RouteCase(
        "page risk:override",
        Kind.WRITE,
        lambda w: f"/risk/canteens/{_a(w)}/override/",
        method="POST",
        body=_override_body,
        right_status=302,
    ),
    RouteCase("api GET /api/v1/risk/assessments", Kind.LIST, lambda w: _with(w, "/api/v1/risk/assessments")),
    RouteCase(
        "api GET /api/v1/risk/distribution",
        Kind.LIST,
        lambda w: _with(w, "/api/v1/risk/distribution?region=140702"),
        markers=lambda w: ['"D": 1'],
    ),
    RouteCase(
        "api GET /api/v1/risk/assessments/{canteen_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/risk/assessments/{_a(w)}",
        right="edu_a",
        wrong="edu_b",
    ),
    RouteCase(
        "api POST /api/v1/risk/assessments/{canteen_id}/override",
        Kind.WRITE,
        lambda w: f"/api/v1/risk/assessments/{_a(w)}/override",
        method="POST",
        body=_override_body,
    ),
    RouteCase(
        "api POST /api/v1/risk/assessments/{canteen_id}/clear-override",
        Kind.WRITE,
        lambda w: f"/api/v1/risk/assessments/{_a(w)}/clear-override",
        method="POST",
        body=_clear_body,
    ),
]
