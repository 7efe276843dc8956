"""Scoping cases of every bulletins route (discovered by core/tests/route_cases.py). The files' contents
are checked in test_bulletins.py (text extracted from the PDF, cells of the spreadsheet)."""

from __future__ import annotations

from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.tests.route_cases import Kind, RouteCase


def _region_a(w: World) -> list[str]:
    return ["榆次区"]


CASES: list[RouteCase] = [
    RouteCase(
        "page bulletins:index", Kind.DETAIL, lambda w: f"/bulletins/?region={COUNTY_A}", markers=_region_a
    ),
    RouteCase(
        "page bulletins:pdf",
        Kind.DETAIL,
        lambda w: f"/bulletins/bulletin.pdf?region={COUNTY_A}",
        markers=lambda w: ["%PDF"],
    ),
    RouteCase(
        "page bulletins:xlsx",
        Kind.DETAIL,
        lambda w: f"/bulletins/bulletin.xlsx?region={COUNTY_A}",
        markers=lambda w: ["xl/worksheets"],
    ),
]
