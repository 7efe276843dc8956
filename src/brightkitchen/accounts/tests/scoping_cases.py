"""Scoping cases of the accounts routes added with token rotation and re-authentication (discovered by
core/tests/route_cases.py; the older accounts routes have their cases there)."""

from __future__ import annotations

from brightkitchen.core.tests.route_cases import Kind, RouteCase

CASES: list[RouteCase] = [
    RouteCase("page accounts:reauth", Kind.SELF, lambda w: "/accounts/confirm-password/"),
    RouteCase(
        "page accounts:rotate_token",
        Kind.WRITE,
        lambda w: f"/accounts/tokens/{w.token_a_key_id}/rotate/",
        method="POST",
    ),
    RouteCase(
        "api POST /api/v1/tokens/{key_id}/rotate",
        Kind.WRITE,
        lambda w: f"/api/v1/tokens/{w.token_a_key_id}/rotate",
        method="POST",
        body=lambda w: {},
        right_status=201,
    ),
]
