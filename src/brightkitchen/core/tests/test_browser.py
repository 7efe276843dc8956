"""End to end in a real browser: Debian's Chromium, driven by Playwright, against the live server.

County A's regulator signs in, opens county A's school file (name and canteen licence shown) and is
refused county B's (404 page, nothing of county B on it), on a desktop and on a phone viewport. The page
may only ever talk to the local server: nothing is fetched from another host (no CDN, fonts, analytics).

Screenshots go to pytest's tmp dir, or to $BRIGHTKITCHEN_SCREENSHOT_DIR when set (to look at them).
Chromium comes from `./scripts/bootstrap-system dev` (run by `make test`); Playwright never downloads one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django import db

from brightkitchen.conftest import PASSWORD, build_world
from brightkitchen.core.browser import CHROMIUM, CHROMIUM_ARGS
from brightkitchen.regions.models import Region

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Site:
    """What the browser test needs to know, read from the database before the browser starts (Django
    refuses database queries while Playwright's event loop runs in this thread)."""

    url: str
    school_a: int
    school_a_name: str
    licence_a: str
    school_b: int
    school_b_name: str
    licence_b: str


def _load_regions_if_flushed() -> None:
    from brightkitchen.regions.services import load_regions

    if not Region.objects.exists():
        load_regions()


@pytest.fixture(autouse=True)
def _region_tree_kept(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends by emptying every table, the region tree that `django_db_setup` loads
    once per session included. This fixture is set up before `transactional_db` (autouse fixtures come
    first), so it is torn down after that flush and puts the tree back for the tests that follow."""
    yield
    with django_db_blocker.unblock():
        _load_regions_if_flushed()


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> Site:
    _load_regions_if_flushed()
    world = build_world()
    school_a, school_b = world.schools["a"], world.schools["b"]
    return Site(
        url=live_server.url,
        school_a=school_a.pk,
        school_a_name=school_a.organisation.name,
        licence_a=world.canteens["a"].licence_number,
        school_b=school_b.pk,
        school_b_name=school_b.organisation.name,
        licence_b=world.canteens["b"].licence_number,
    )


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    """Fail (not skip) at once without Chromium: these tests are part of every run of `make test`."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run `./scripts/bootstrap-system dev` "
            "(or `make test`, which runs it) to install it with apt-get.",
            pytrace=False,
        )


@pytest.fixture
def browser(site: Site) -> Iterator[Any]:
    """Chromium, started after `site` (so it is stopped before the database is flushed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("BRIGHTKITCHEN_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(browser: Any, site: Site, username: str, **context_options: Any) -> Any:
    """A page of a new browser context (1280×900, zh-CN, Beijing time unless told otherwise), signed in
    as `username` with the test password."""
    options = {
        "viewport": {"width": 1280, "height": 900},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        **context_options,
    }
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    return page


def in_thread(work: Any) -> None:
    """Database work while Playwright runs: Django refuses it in the thread of Playwright's event loop."""

    def run() -> None:
        try:
            work()
        finally:
            db.connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)


def _no_horizontal_scroll(page: Any, what: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what}: the page is {widths[0]}px wide in a {widths[1]}px window"


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_regulator_sees_own_county_school_and_is_refused_the_other(
    browser: Any, site: Site, viewport: str, screenshot_dir: Path
) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    requested: list[str] = []
    failed: set[str] = set()
    page.on("request", lambda request: requested.append(request.url))
    refused: list[str] = []  # what the Content-Security-Policy blocked (Chromium says so on the console)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on(
        "response",
        lambda r: (
            failed.add(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    shot = screenshot_dir / viewport

    try:
        # Sign in.
        response = page.goto(f"{site.url}/accounts/login/")
        assert response is not None
        assert response.status == 200
        page.screenshot(path=f"{shot}-1-login.png", full_page=True)
        _no_horizontal_scroll(page, "login page")
        page.locator("input[name=username]").fill("regulator_a")
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        assert urlsplit(page.url).path == "/", f"after signing in the browser is at {page.url}"
        assert "regulator_a" in page.locator("[data-testid=who]").inner_text()
        page.screenshot(path=f"{shot}-2-start.png", full_page=True)

        # County A's school file: the school and its canteen's licence are shown.
        response = page.goto(f"{site.url}/schools/{site.school_a}/")
        assert response is not None
        assert response.status == 200
        assert page.locator("[data-testid=school-name]").inner_text().strip() == site.school_a_name
        licence = page.get_by_text(site.licence_a)
        licence.scroll_into_view_if_needed()
        assert licence.is_visible()
        page.screenshot(path=f"{shot}-3-school-a.png", full_page=True)
        _no_horizontal_scroll(page, "school file")

        # County B's school file: refused with the 404 page, nothing of county B on it.
        response = page.goto(f"{site.url}/schools/{site.school_b}/")
        assert response is not None
        assert response.status == 404
        assert page.locator("main h1").inner_text().strip() == "404"
        html = page.content()
        assert site.school_b_name not in html
        assert site.licence_b not in html
        page.screenshot(path=f"{shot}-4-school-b-refused.png", full_page=True)
    finally:
        context.close()

    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    assert not elsewhere, f"the pages asked other hosts for: {elsewhere}"
    assert any(urlsplit(url).path.endswith(".css") for url in requested), "no stylesheet was asked for"
    assert not failed, f"stylesheets, images or scripts the pages could not load: {sorted(failed)}"
    assert not refused, f"the Content-Security-Policy blocked: {refused}"
