"""The alert inbox on a phone, in a real browser: a canteen manager sees the licence alert in colour,
marks it read and answers it (the alert stays open: closing it is the regulator's). Uses the browser
fixtures of core/tests/test_browser.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.services import sweep
from brightkitchen.conftest import PASSWORD
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    TIMEOUT_MS,
    VIEWPORTS,
    Site,
    _chromium_installed,
    _no_horizontal_scroll,
    _region_tree_kept,
    browser,
    screenshot_dir,
    site,
)
from brightkitchen.schools import alert_rules

pytestmark = pytest.mark.browser


@pytest.fixture
def alert_a(site: Site) -> int:  # noqa: F811
    """County A's licence alert, opened by a sweep before the browser starts (no queries after)."""
    sweep(timezone.localdate(), timezone.now(), {alert_rules.LICENCE_EXPIRING: alert_rules.licence_expiring})
    return Alert.objects.get(kind=alert_rules.LICENCE_EXPIRING, canteen__school_id=site.school_a).pk


def test_manager_reads_and_answers_an_alert_on_a_phone(
    alert_a: int,
    browser: Any,  # noqa: F811  (the fixtures imported above)
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"],
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/")
    page.locator("input[name=username]").fill("manager_a")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    page.goto(f"{site.url}/alerts/")
    item = page.locator(f'[data-alert="{alert_a}"]')
    assert item.get_attribute("data-severity") == "warning"
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    _no_horizontal_scroll(page, "alert inbox")
    page.screenshot(path=str(screenshot_dir / "alerts-inbox-phone.png"), full_page=True)

    with page.expect_navigation():
        item.locator("form[action$='/read/'] button").click()
    assert page.get_by_test_id("unread-count").count() == 0
    item = page.locator(f'[data-alert="{alert_a}"]')
    item.locator("details summary").click()
    item.locator("textarea[name=text]").fill("已提交换证申请")
    assert item.locator("input[name=photo]").get_attribute("capture") == "environment"
    with page.expect_navigation():
        item.locator("form[action$='/answer/'] button").click()
    item = page.locator(f'[data-alert="{alert_a}"]')  # still open, with the answer on it
    assert "已提交换证申请" in item.get_by_test_id("answer").inner_text()
    assert item.locator("form[action$='/dismiss/']").count() == 0
    page.screenshot(path=str(screenshot_dir / "alerts-answered-phone.png"), full_page=True)
    context.close()
