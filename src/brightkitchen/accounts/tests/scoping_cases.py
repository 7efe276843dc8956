"""Scoping cases of the accounts routes added with token rotation and re-authentication (discovered by
core/tests/route_cases.py; the older accounts routes have their cases there)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase


def _sheet(w: World) -> dict[str, Any]:
    """A sheet of one cook for county A's canteen (the import creates the account: a change)."""
    from brightkitchen.accounts.tests.test_accounts_at_scale import sheet

    row = [
        "case_cook_a",
        "",
        "canteen_staff",
        w.orgs["school_a"].name,
        "",
        w.canteens["a"].licence_number,
        "",
        "",
    ]
    return {"sheet": SimpleUploadedFile("cook.xlsx", sheet([row]).read())}


CASES: list[RouteCase] = [
    # An invitation link carries no data but the invited person's name; an unknown one is 404 for all.
    RouteCase(
        "page accounts:invitation", Kind.PUBLIC, lambda w: "/accounts/invitation/unknown/", right_status=404
    ),
    # Sign-in with an identity provider: no provider is configured in the route matrix (404 for all).
    RouteCase("page accounts:oidc_start", Kind.PUBLIC, lambda w: "/accounts/oidc/gov/", right_status=404),
    RouteCase(
        "page accounts:oidc_callback", Kind.PUBLIC, lambda w: "/accounts/oidc/gov/callback/", right_status=404
    ),
    RouteCase(
        "page accounts:import",
        Kind.WRITE,
        lambda w: "/accounts/import/",
        method="POST",
        body=_sheet,
        right="operator",
    ),
    RouteCase(
        "api POST /api/v1/users/{user_id}/deactivate",
        Kind.WRITE,
        lambda w: f"/api/v1/users/{w.users['staff_a'].pk}/deactivate",
        method="POST",
        body=lambda w: {},
        right="operator",
    ),
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
