"""Every route, four kinds of user: anonymous, another jurisdiction's, the wrong role in the right
jurisdiction, the right one. Refused requests must
leak nothing of county A and change nothing (the audit log, which records every change, stays put)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import CASES, COVERED_ELSEWHERE_NAMESPACES, Kind, RouteCase

pytestmark = pytest.mark.django_db


def _changes() -> int:
    return AuditLogEntry.objects.exclude(action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED]).count()


def _call(client: Client, case: RouteCase, world: World, follow: bool | None = None) -> Any:
    follow = case.follow if follow is None else follow
    url = case.url(world)
    body = case.body(world) if case.body else None
    method = case.method.lower()
    if case.is_api and body is not None and not case.multipart:
        return getattr(client, method)(url, data=body, content_type="application/json", follow=follow)
    if method == "get":
        return client.get(url, follow=follow)
    return getattr(client, method)(url, data=body or {}, follow=follow)


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return str(b"".join(response.streaming_content).decode(errors="replace"))
    content: bytes = response.content
    return content.decode(errors="replace")


def _assert_no_leak(response: Any, case: RouteCase, world: World) -> None:
    text = _text(response)
    for marker in case.markers(world):
        assert marker not in text, f"{case.route}: refused answer leaks {marker!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.route)
def test_anonymous(case: RouteCase, world: World) -> None:
    before = _changes()
    response = _call(Client(), case, world, follow=False)
    if case.kind == Kind.PUBLIC:
        assert response.status_code in (case.right_status, 503), _text(response)[:300]
    elif case.is_api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    _assert_no_leak(response, case, world)
    assert _changes() == before, f"{case.route}: an anonymous request changed data"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.route)
def test_wrong_jurisdiction(case: RouteCase, world: World) -> None:
    before = _changes()
    response = _call(world.client(case.wrong), case, world)
    if case.kind in (Kind.DETAIL, Kind.WRITE):
        assert response.status_code in (403, 404), f"{case.route}: {response.status_code}"
        assert _changes() == before, f"{case.route}: a refused request changed data"
    elif case.kind == Kind.LIST:
        assert response.status_code in (200, 403)
        assert _changes() == before
    else:  # SELF and PUBLIC: allowed, but only about the caller
        assert response.status_code in (case.right_status, 503)
    _assert_no_leak(response, case, world)


_WRONG_ROLE = [(case, who) for case in CASES for who in case.wrong_roles()]


@pytest.mark.parametrize(("case", "who"), _WRONG_ROLE, ids=lambda v: v if isinstance(v, str) else v.route)
def test_wrong_role(case: RouteCase, who: str, world: World) -> None:
    """A user of county A whose role is not for this route (a canteen's staff on a regulator's page, a
    parent or a supplier anywhere, the education bureau on a market regulator's write) is refused or
    gets an answer without A's data, and changes nothing."""
    before = _changes()
    response = _call(world.client(who), case, world)
    if who == "public" and not case.is_api and response.status_code == 302:
        # pages for signed-in roles send a public user to sign in as someone else
        assert "/accounts/login/" in response["Location"], f"{case.route} as {who}: {response['Location']}"
    elif case.kind == Kind.WRITE and not case.is_api and response.status_code in (302, 400):
        pass  # a page form refused by its service: the form again or back with the message
    elif case.kind in (Kind.DETAIL, Kind.WRITE):
        assert response.status_code in (403, 404), f"{case.route} as {who}: {response.status_code}"
    else:
        assert response.status_code in (200, 403), f"{case.route} as {who}: {response.status_code}"
    assert _changes() == before, f"{case.route} as {who}: a refused request changed data"
    if who in ("public", "supplier_a"):  # the others belong to county A and may see their own school
        _assert_no_leak(response, case, world)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.route)
def test_right_jurisdiction(case: RouteCase, world: World) -> None:
    before = _changes()
    response = _call(world.client(case.right), case, world)
    expected = (case.right_status, 503) if case.kind == Kind.PUBLIC else (case.right_status,)
    assert response.status_code in expected, f"{case.route}: {response.status_code} {_text(response)[:400]}"
    if case.kind in (Kind.DETAIL, Kind.LIST):
        text = _text(response)
        assert any(m in text for m in case.markers(world)), f"{case.route}: right user does not see county A"
        assert _changes() == before
    if case.kind == Kind.WRITE:
        assert _changes() > before, f"{case.route}: the change was not made (or not audited)"
    if case.kind == Kind.PUBLIC:
        _assert_no_leak(response, case, world)


def _page_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                if namespace in COVERED_ELSEWHERE_NAMESPACES:
                    continue
                found.add(f"page {namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return found


def _api_routes() -> set[str]:
    from brightkitchen.core.api_routes import api

    schema = api.get_openapi_schema()
    return {f"api {m.upper()} {path}" for path, ops in schema["paths"].items() for m in ops}


# The API's two documentation pages have their own cases; its other URL patterns are operations,
# covered through their OpenAPI operations.
_API_DOC_PAGES = {"page api:openapi-json", "page api:openapi-view"}


def test_every_route_has_a_case() -> None:
    """Fails when a route (page or API operation) is added without its scoping case in route_cases.py."""
    pages = {r for r in _page_routes() if not r.startswith("page api:") or r in _API_DOC_PAGES}
    routes = pages | _api_routes()
    cased = {case.route for case in CASES}
    missing = sorted(routes - cased)
    assert not missing, "routes without a scoping case in core/tests/route_cases.py: " + ", ".join(missing)
    stale = sorted(cased - routes)
    assert not stale, "scoping cases for routes that no longer exist: " + ", ".join(stale)


def test_api_root_carries_no_data(world: World) -> None:
    for who in (None, "regulator_b", "regulator_a"):
        response = world.client(who).get("/api/v1/")
        assert response.status_code in (401, 404)
