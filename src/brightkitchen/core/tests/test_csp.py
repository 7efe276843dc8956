"""Content-Security-Policy (issue 13 §4): every page answers with a policy that allows no inline script or
style, and no template needs one (no inline <script>, event handler attribute or style attribute), so the
policy breaks nothing. The Chromium tests also fail on anything the policy blocked in the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from brightkitchen.conftest import World

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.PACKAGE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/accounts/login/"),
        (None, "/cameras/offline/"),
        ("regulator_a", "/"),
        ("regulator_a", "/cameras/wall/"),
        ("manager_a", "/schedule/today/"),
        ("operator", "/admin/"),
    ],
)
def test_pages_carry_a_policy_without_inline_code(world: World, who: str | None, path: str) -> None:
    response = world.client(who).get(path)
    assert response.status_code == 200, (path, response.status_code)
    policy = _directives(response.headers["Content-Security-Policy"])
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == ["'self'"], (path, directive, policy[directive])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_the_live_players_may_reach_the_relays(world: World) -> None:
    policy = _directives(world.client("regulator_a").get("/").headers["Content-Security-Policy"])
    relays = [url.strip().rstrip("/") for url in settings.RELAY_URL.split(",") if url.strip()]
    assert set(relays) <= set(policy["connect-src"])


def test_no_template_needs_inline_script_or_style() -> None:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("handler", HANDLER),
            ("style", STYLE_ATTRIBUTE),
        ):
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {name} {match.group(0).strip()!r}")
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_looks_for() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert HANDLER.search('<button onclick="x()">') and STYLE_ATTRIBUTE.search('<p style="color:red">')
