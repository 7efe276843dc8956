"""The notification settings and webhook receivers in a real browser: a county regulator on a phone
turns on SMS for expired licences and sets quiet hours; a principal adds the school's receiver and sees
its signing secret once. Uses the browser fixtures of core/tests/test_browser.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    VIEWPORTS,
    Site,
    _chromium_installed,
    _no_horizontal_scroll,
    _region_tree_kept,
    browser,
    screenshot_dir,
    sign_in,
    site,
)

pytestmark = pytest.mark.browser


def test_a_regulator_chooses_channels_and_quiet_hours_on_a_phone(
    browser: Any,  # noqa: F811  (the fixtures imported above)
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
) -> None:
    page = sign_in(browser, site, "regulator_a", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    page.goto(f"{site.url}/notifications/")
    assert page.locator("h1").inner_text() == "通知设置"
    page.locator("input[name=quiet_from]").fill("22:00")
    page.locator("input[name=quiet_until]").fill("07:00")
    row = page.locator("[data-kind=licence_expired]")
    assert "食品经营许可证已过期" in row.inner_text()
    row.locator("input[value=same]").uncheck()
    row.locator("input[value=sms]").check()
    _no_horizontal_scroll(page, "notification settings")
    with page.expect_navigation():
        page.locator("form[data-testid=notification-settings] button.primary").click()
    assert "通知设置已保存" in page.locator("body").inner_text()
    assert page.locator("input[name=quiet_from]").input_value() == "22:00"
    assert page.locator("[data-kind=licence_expired] input[value=sms]").is_checked()
    assert not page.locator("[data-kind=licence_expired] input[value=same]").is_checked()
    assert page.locator("[data-kind=incident_open] input[value=same]").is_checked()
    page.screenshot(path=str(screenshot_dir / "notifications-settings-phone.png"), full_page=True)
    page.context.close()


def test_a_principal_adds_the_schools_receiver_and_sees_its_secret_once(
    browser: Any,  # noqa: F811
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
) -> None:
    page = sign_in(browser, site, "principal_a")
    page.goto(f"{site.url}/notifications/webhooks/")
    page.locator("input[name=url]").fill("https://hooks.example.edu.cn/bright-kitchen")
    page.locator("input[name=description]").fill("校内食安系统")
    with page.expect_navigation():
        page.locator("form.card button.primary").click()
    secret = page.get_by_test_id("webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    assert "hooks.example.edu.cn" in page.locator("ul.cards").inner_text()
    page.screenshot(path=str(screenshot_dir / "notifications-webhooks.png"), full_page=True)
    page.goto(f"{site.url}/notifications/webhooks/")
    assert page.get_by_test_id("webhook-secret").count() == 0  # shown once
    assert page.locator("ul.cards li[data-endpoint]").count() == 1
    page.context.close()
