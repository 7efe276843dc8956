"""The one-click evidence loop in a real browser (patrol_capture.js): a county regulator ticks a problem
on the patrol screen and presses 抓拍 on the camera's tile, with no file to download or upload; the
finding keeps the picture the workers stored for that camera, with the camera and the time; the notice
it opens carries that picture and names the regulator who issued it; the canteen answers and the
regulator closes it. Uses the browser fixtures of core/tests/test_browser.py."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.cameras import credentials, snapshots
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    TIMEOUT_MS,
    Site,
    _chromium_installed,
    _region_tree_kept,
    browser,
    in_thread,
    sign_in,
    site,
)
from brightkitchen.records.tests.factories import jpeg

pytestmark = pytest.mark.browser


def _login(browser: Any, site: Site, username: str) -> Any:  # noqa: F811
    return sign_in(browser, site, username)


def test_capture_on_a_tile_is_the_findings_evidence_through_to_the_closed_notice(
    site: Site,  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    made: dict[str, Any] = {}

    def setup() -> None:
        from brightkitchen.accounts.models import User
        from brightkitchen.patrols import services
        from brightkitchen.patrols.models import PatrolAssignment
        from brightkitchen.schools.models import Canteen

        regulator = User.objects.select_related("organisation").get(username="regulator_a")
        plan, _ = services.create_plan(regulator, period=timezone.localdate(), quota=1)
        services.draw(regulator, plan.pk)
        canteen = Canteen.objects.get(school_id=site.school_a)
        made["assignment"] = PatrolAssignment.objects.get(plan=plan, canteen=canteen).pk
        # A source the relay cannot play, so the tile shows the stored snapshot; nothing opens it.
        (camera,) = Camera.objects.bulk_create(
            [
                Camera(
                    canteen=canteen,
                    name="切配间摄像头",
                    key_point=KeyPoint.COOKING,
                    source_kind=SourceKind.GB28181,
                    source_secret=credentials.encrypt("rtsp://127.0.0.1:9/none"),
                    display_url="gb28181",
                )
            ]
        )
        made["camera"] = camera.pk
        made["taken"] = timezone.now() - datetime.timedelta(seconds=3)
        snapshots.store(camera.pk, jpeg((96, 64), "teal"), made["taken"])
        assert regulator.organisation is not None
        made["issuer"] = f"{regulator.organisation.name} · {regulator}"

    in_thread(setup)
    page = _login(browser, site, "regulator_a")
    page.goto(f"{site.url}/patrols/assignments/{made['assignment']}/")
    page.locator("#item_pests").check()
    page.locator("#note_pests").fill("灶台下有鼠迹")
    page.locator(f'button[data-capture="{made["camera"]}"]').click()
    assert page.locator("#camera_pests").input_value() == str(made["camera"])
    with page.expect_navigation():
        page.locator("#submit-patrol").click()
    finding = page.locator('[data-finding="pests"]')
    assert finding.count() == 1
    taken = timezone.localtime(made["taken"]).strftime("%Y-%m-%d %H:%M:%S")
    assert "切配间摄像头" in finding.inner_text() and taken in finding.inner_text()
    with page.expect_navigation():
        finding.locator("a.notice").click()
    notice_url = page.url
    assert "切配间摄像头" in page.content() and taken in page.content()
    assert page.locator("img[src*='/rectifications/photos/']").count() == 1
    issued = page.locator('[data-step="issued"] [data-actor]').inner_text()
    assert made["issuer"] in issued

    manager = _login(browser, site, "manager_a")
    manager.goto(notice_url)
    manager.locator("textarea[name=response]").fill("已堵塞鼠洞并消杀")
    with manager.expect_navigation():
        manager.locator("form[action$='/respond/'] button").click()
    assert manager.locator('[data-step="responded"]').count() == 1
    manager.context.close()

    page.goto(notice_url)
    page.locator("input[name=decision][value=close]").check()
    with page.expect_navigation():
        page.locator("form[action$='/review/'] button").click()
    assert page.locator('[data-step="closed"]').count() == 1
    page.context.close()
