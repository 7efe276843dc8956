"""The large screen (大屏) in a real browser at 1920×1080: Debian's Chromium, driven by Playwright, against
the live server. The province's regulator signs in and opens the screen: the map shows each of Shanxi's
cities, the page does not scroll either way, nothing is refused by the Content-Security-Policy or fetched
from another host; choosing another indicator keeps it in the address and swaps the map in place (no
reload); a real click on Jinzhong drills down to it, whose map then shows its counties.
Uses the browser fixtures of core/tests/test_browser.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from brightkitchen.conftest import CITY, PASSWORD, PROVINCE
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    LOCAL_HOSTS,
    TIMEOUT_MS,
    Site,
    _chromium_installed,
    _region_tree_kept,
    browser,
    screenshot_dir,
    site,
)
from brightkitchen.regions.models import Region

pytestmark = pytest.mark.browser

SCREEN = {"width": 1920, "height": 1080}

# A point inside the region's own shape (the middle of its box may be a neighbour's), in page pixels.
INSIDE = """code => {
  const path = document.querySelector(`path[data-region="${code}"]`);
  if (!path) { return null; }
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 12; i++) {
    for (let j = 1; j < 12; j++) {
      const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.closest(`[data-region="${code}"]`)) { return [x, y]; }
    }
  }
  return null;
}"""


@dataclass(frozen=True)
class Regions:
    cities: frozenset[str]  # Shanxi's
    counties: frozenset[str]  # Jinzhong's


@pytest.fixture
def regions(site: Site) -> Regions:  # noqa: F811
    """Read before the browser starts (no queries while Playwright's loop runs)."""
    return Regions(
        frozenset(Region.objects.filter(parent_id=PROVINCE).values_list("code", flat=True)),
        frozenset(Region.objects.filter(parent_id=CITY).values_list("code", flat=True)),
    )


def _shown(page: Any) -> set[str]:
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=map-region], [data-testid=map-missing]')]
             .map(e => e.dataset.region)"""
    )
    assert len(found) == len(set(found)), found
    return set(found)


def _fits(page: Any, what: str) -> None:
    size = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " document.body.scrollWidth, document.body.scrollHeight]"
    )
    assert size[0] <= SCREEN["width"] and size[1] <= SCREEN["height"], f"{what}: the page is {size}"
    assert size[2] <= SCREEN["width"] and size[3] <= SCREEN["height"], f"{what}: the body is {size}"


def test_the_screen_fills_1920_by_1080_and_drills_down_on_the_map(
    regions: Regions,
    browser: Any,  # noqa: F811
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
) -> None:
    context = browser.new_context(viewport=SCREEN, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    requested: list[str] = []
    refused: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{site.url}/accounts/login/")
        page.locator("input[name=username]").fill("province_regulator")
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()

        response = page.goto(f"{site.url}/dashboards/screen/")
        assert response is not None and response.status == 200
        page.screenshot(path=str(screenshot_dir / "screen-1-province.png"))
        assert _shown(page) == regions.cities
        assert page.locator("path[data-testid=map-region], a[data-testid=map-region]").count() == len(
            regions.cities
        )
        _fits(page, "the province's screen")

        # Another indicator: kept in the address, the map swapped in place (the page is not reloaded).
        page.evaluate("window.__notReloaded = true")
        choice = page.locator("#map-indicator")
        options = choice.locator("option")
        assert options.count() >= 2
        other = options.nth(1).get_attribute("value")
        assert other
        choice.select_option(other)
        page.wait_for_selector(f'.map-area[data-indicator="{other}"]')
        assert page.evaluate("window.__notReloaded") is True
        assert parse_qs(urlsplit(page.url).query)["indicator"] == [other]
        assert _shown(page) == regions.cities

        # A real click on Jinzhong drills down: its counties on the map, the indicator kept.
        point = page.evaluate(INSIDE, CITY)
        assert point is not None, "no visible point of Jinzhong on the map"
        with page.expect_navigation():
            page.mouse.click(point[0], point[1])
        query = parse_qs(urlsplit(page.url).query)
        assert query["region"] == [CITY] and query["indicator"] == [other], page.url
        assert urlsplit(page.url).path == "/dashboards/screen/"
        page.screenshot(path=str(screenshot_dir / "screen-2-city.png"))
        assert _shown(page) == regions.counties
        _fits(page, "the city's screen")
        assert page.locator(f'#map-indicator option[value="{other}"]').evaluate("o => o.selected")

        hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
        assert hosts <= LOCAL_HOSTS, hosts
        assert not refused, refused
        assert not errors, errors
    finally:
        context.close()
