"""The issue's acceptance path in a real browser. A city regulator makes this month's patrol plan, draws
it, patrols the drawn canteen and records a finding with a snapshot, which opens a rectification notice
with the snapshot as evidence; the canteen's manager answers with a photo; the regulator closes the
notice. The dashboard, the canteen's risk grade and the evaluation of the counties move accordingly,
and the month's bulletin downloads as a PDF that opens and carries Chinese text. Uses the browser
fixtures of core/tests/test_browser.py."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from brightkitchen.conftest import PASSWORD
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    TIMEOUT_MS,
    Site,
    _chromium_installed,
    _region_tree_kept,
    browser,
    in_thread,
    screenshot_dir,
    sign_in,
    site,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def canteen_a(site: Site) -> int:  # noqa: F811
    """County A's canteen, read before the browser starts (no queries after)."""
    from brightkitchen.schools.models import Canteen

    return int(Canteen.objects.get(school_id=site.school_a).pk)


def _login(browser: Any, site: Site, username: str) -> Any:  # noqa: F811
    return sign_in(browser, site, username, accept_downloads=True)


def _snapshot(path: Path) -> Path:
    image = Image.new("RGB", (640, 360), (120, 90, 60))
    for x in range(200, 440):
        for y in range(120, 240):
            image.putpixel((x, y), (230, 230, 230))
    image.save(path, "JPEG", quality=85)
    return path


def test_city_regulator_patrols_a_canteen_to_a_rectification_and_a_bulletin(
    canteen_a: int,
    browser: Any,  # noqa: F811  (the fixtures imported above)
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
    tmp_path: Path,
    tasks_run_at_once: None,  # the notice's re-grade, which a worker runs, is shown on the risk page
) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/")
    page.locator("input[name=username]").fill("city_regulator")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()

    # This month's plan: one canteen, a recorded seed; the quota goes to county A (ties: lower code).
    page.goto(f"{site.url}/patrols/")
    form = page.locator("#plan-form")
    form.locator("input[name=quota]").fill("1")
    form.locator("input[name=seed]").fill("2026")
    with page.expect_navigation():
        page.locator("#create-plan").click()
    with page.expect_navigation():
        page.locator("#draw").click()
    drawn = page.locator("#assignments a.assignment")
    assert drawn.count() == 1
    assert site.school_a_name in drawn.inner_text()
    with page.expect_navigation():
        drawn.click()

    # The patrol screen: tick a problem, attach its snapshot, submit.
    page.locator("#item_no_mask_cap").check()
    page.locator("input[name=snapshot_no_mask_cap]").set_input_files(str(_snapshot(tmp_path / "snap.jpg")))
    page.locator("textarea[name=note_no_mask_cap], input[name=note_no_mask_cap]").first.fill(
        "切配间两人未戴口罩"
    )
    page.screenshot(path=str(screenshot_dir / "patrol-screen.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#submit-patrol").click()
    finding = page.locator('[data-finding="no_mask_cap"]')
    assert finding.count() == 1
    with page.expect_navigation():
        finding.locator("a.notice").click()

    # The rectification notice it opened, with the snapshot as evidence, awaiting the canteen.
    assert "切配间两人未戴口罩" in page.content()
    evidence = page.locator("img[src*='/rectifications/photos/']")
    assert evidence.count() == 1
    evidence.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector(\"img[src*='/rectifications/photos/']\");"
        " return i.complete && i.naturalWidth > 0; }"
    )
    page.screenshot(path=str(screenshot_dir / "patrol-notice.png"), full_page=True)
    notice_url = page.url

    # The canteen answers with a photo of the work done.
    manager = _login(browser, site, "manager_a")
    manager.goto(notice_url)
    manager.locator("textarea[name=response]").fill("已对从业人员开展培训，佩戴口罩上岗")
    manager.locator("input[name=photos]").set_input_files(str(_snapshot(tmp_path / "fixed.jpg")))
    with manager.expect_navigation():
        manager.locator("form[action$='/respond/'] button").click()
    assert manager.locator('[data-step="responded"]').count() == 1
    manager.context.close()

    # The regulator closes it (销号).
    page.goto(notice_url)
    page.locator("input[name=decision][value=close]").check()
    with page.expect_navigation():
        page.locator("form[action$='/review/'] button").click()
    assert page.locator('[data-step="closed"]').count() == 1

    # The risk grade counts the violation; the dashboard the problem, the notice and the canteen
    # rectified; the evaluation puts county A first. The charts come from /static/.
    page.goto(f"{site.url}/risk/canteens/{canteen_a}/")
    assert page.locator('[data-signal="violations"] td').nth(1).inner_text() == "1"
    page.goto(f"{site.url}/dashboards/evaluation/")
    first = page.locator("#evaluation tbody tr").first
    assert first.get_attribute("data-region") == "140702"
    assert first.locator(".score").inner_text() != "—"
    page.goto(f"{site.url}/dashboards/")
    assert page.locator('[data-indicator="patrol_problems"] .value').inner_text() == "1"
    assert page.locator('[data-indicator="notices_issued"] .value').inner_text() == "1"
    assert page.locator('[data-indicator="canteens_rectified"] .value').inner_text() == "1"
    page.wait_for_function(
        "() => document.body.dataset.charts && document.body.dataset.charts.includes('trend')"
    )
    page.screenshot(path=str(screenshot_dir / "dashboard-city.png"), full_page=True)

    # The month's bulletin as PDF: it downloads, opens, and its text is Chinese.
    page.goto(f"{site.url}/bulletins/")
    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    pdf = Path(info.value.path())
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "学校食堂监管通报" in text and "晋中市" in text and "网上巡查发现问题" in text
    page.context.close()
