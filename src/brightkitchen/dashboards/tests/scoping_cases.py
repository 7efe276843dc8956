"""Scoping cases of every dashboards route (discovered by core/tests/route_cases.py): county A's
regulator sees county A's canteens in its drill-down; county B's regulator asking for county A gets 404."""

from __future__ import annotations

from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.tests.route_cases import Kind, RouteCase


def _region_a(w: World) -> list[str]:
    return ["榆次区"]


CASES: list[RouteCase] = [
    RouteCase("page dashboards:index", Kind.DETAIL, lambda w: f"/dashboards/?region={COUNTY_A}"),
    RouteCase(
        "page dashboards:screen",
        Kind.DETAIL,
        lambda w: f"/dashboards/screen/?region={COUNTY_A}",
        markers=_region_a,
    ),
    RouteCase(
        "page dashboards:evaluation",
        Kind.DETAIL,
        lambda w: f"/dashboards/evaluation/?region={COUNTY_A}",
        markers=_region_a,
    ),
    RouteCase(
        "api GET /api/v1/dashboards/summary",
        Kind.DETAIL,
        lambda w: f"/api/v1/dashboards/summary?region={COUNTY_A}",
    ),
    RouteCase(
        "api GET /api/v1/dashboards/evaluation",
        Kind.DETAIL,
        lambda w: "/api/v1/dashboards/evaluation?region=1407",
        right="city_regulator",
        markers=_region_a,
    ),
]
