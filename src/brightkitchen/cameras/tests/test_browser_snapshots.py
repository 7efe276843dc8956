"""Snapshot tiles in a real browser (tiles.js): the dining-hall display's tile of a camera without a
picture yet says "being taken" and asks again soon; once a worker has stored the picture, the tile shows
it with its age, without reloading the page. Uses the browser fixtures of core/tests/test_browser.py."""

from __future__ import annotations

import time
from typing import Any

import cv2
import numpy as np
import pytest
from django.utils import timezone, translation

from brightkitchen.cameras import credentials, snapshots
from brightkitchen.cameras.models import Camera, DisplayToken, KeyPoint, SourceKind
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
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.browser


def test_a_tile_says_being_taken_then_shows_the_stored_picture_with_its_age(
    site: Site,  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    made: dict[str, Any] = {}

    def setup() -> None:
        canteen = Canteen.objects.get(school_id=site.school_a)
        # A source the relay cannot play (GB/T 28181, not built yet), so the tile is a snapshot tile.
        (made["camera"],) = Camera.objects.bulk_create(
            [
                Camera(
                    canteen=canteen,
                    name="抓拍测试摄像头",
                    key_point=KeyPoint.COOKING,
                    source_kind=SourceKind.GB28181,
                    source_secret=credentials.encrypt("rtsp://127.0.0.1:9/none"),
                    display_url="gb28181",
                    is_public=True,
                )
            ]
        )
        (made["link"],) = DisplayToken.objects.bulk_create(
            [DisplayToken(canteen=canteen, label="大屏", token="browser-snapshot-display-token")]
        )
        with translation.override("zh-hans"):
            made["pending"] = translation.gettext("The snapshot is being taken…")

    in_thread(setup)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site.url}/cameras/display/{made['link'].token}/")
    status = page.locator(f"#tile-status-{made['camera'].pk}")
    assert status.text_content() == made["pending"]
    # The tile asks again within seconds and is told the same; then a worker stores the picture.
    with page.expect_response(lambda r: "camera=" in r.url and r.status == 202, timeout=TIMEOUT_MS):
        pass
    picture = np.full((360, 640, 3), (40, 160, 90), dtype=np.uint8)
    ok, jpeg = cv2.imencode(".jpg", picture)
    assert ok
    in_thread(lambda: snapshots.store(made["camera"].pk, jpeg.tobytes(), timezone.now()))
    with page.expect_response(lambda r: "camera=" in r.url and r.status == 200, timeout=TIMEOUT_MS):
        pass
    page.wait_for_function(
        "(id) => document.querySelector('#tile-status-' + id).textContent.indexOf('…') < 0",
        arg=made["camera"].pk,
    )
    text = status.text_content() or ""
    with translation.override("zh-hans"):
        expected = [translation.gettext("Taken %(seconds)s s ago") % {"seconds": s} for s in range(20)]
    assert text in expected, text
    img = page.locator(f'figure[data-camera="{made["camera"].pk}"] img')
    deadline = time.monotonic() + 10
    while not (img.get_attribute("src") or "").startswith("blob:") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (img.get_attribute("src") or "").startswith("blob:")
    assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) == 640
    context.close()
