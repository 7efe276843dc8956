"""Scoping cases of the canteen's "today" page (joined to core/tests/route_cases.py)."""

from __future__ import annotations

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase


def _today_a(w: World) -> str:
    return f"/schedule/today/?canteen={w.canteens['a'].pk}"


CASES = [
    RouteCase("page schedule:today", Kind.DETAIL, _today_a, right="manager_a", wrong="manager_b"),
]
