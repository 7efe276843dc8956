"""Live view in a real browser: county A's regulator opens the live page of a county A camera filming the
GStreamer test stream, and the <video> really plays (frames decoded keep increasing) through the relay
over WebRTC, with the browser's own RTCPeerConnection. County B's regulator gets 404 for the page and
403 from the relay's WHEP endpoint with a forged, an expired or another camera's grant. Uses the
browser fixtures of core/tests/test_browser.py; the relay runs in a thread of the test process."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from cryptography.fernet import Fernet

from brightkitchen.cameras import credentials, grants
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind
from brightkitchen.cameras.relay.server import RelayConfig, make_app
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (fixtures)
    LOCAL_HOSTS,
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
from brightkitchen.schools.models import Canteen
from brightkitchen.testbed.streams import RtspTestServer, free_port

pytestmark = pytest.mark.browser

RELAY_SECRET = "browser test relay secret"


@pytest.fixture
def relay_url(settings: Any) -> Iterator[str]:
    """The relay on a free port, in a thread with its own event loop; the live page is pointed at it."""
    settings.RELAY_SECRET = RELAY_SECRET
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(RelayConfig(key=grants.relay_key(RELAY_SECRET), idle_close_s=1.0)))
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="test-relay", daemon=True)
    thread.start()
    assert started.wait(10), "the relay did not start"
    url = f"http://127.0.0.1:{port}"
    settings.RELAY_URL = url
    try:
        yield url
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(15)


@pytest.fixture
def live_cameras(site: Site, rtsp_server: RtspTestServer) -> dict[str, int]:  # noqa: F811
    """A camera in each county filming the test stream, made before the browser starts (no queries after)."""
    made = {}
    for county, school in (("a", site.school_a), ("b", site.school_b)):
        url = rtsp_server.url("good")
        (camera,) = Camera.objects.bulk_create(
            [
                Camera(
                    canteen=Canteen.objects.get(school_id=school),
                    name=f"直播测试摄像头{county}",
                    key_point=KeyPoint.COOKING,
                    source_kind=SourceKind.RTSP,
                    source_secret=credentials.encrypt(url),
                    display_url=credentials.redact(url),
                )
            ]
        )
        made[county] = camera.pk
    return made


def _login(browser: Any, site: Site, username: str) -> Any:  # noqa: F811
    return sign_in(browser, site, username)


FRAMES_JS = "() => document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames"


def test_regulator_watches_live_and_other_county_is_refused(
    live_cameras: dict[str, int],
    relay_url: str,
    browser: Any,  # noqa: F811  (the fixtures imported above)
    site: Site,  # noqa: F811
    screenshot_dir: Path,  # noqa: F811
    rtsp_server: RtspTestServer,
) -> None:
    camera_a, camera_b = live_cameras["a"], live_cameras["b"]
    page = _login(browser, site, "regulator_a")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{site.url}/cameras/{camera_a}/live/")
    assert response is not None and response.status == 200
    assert "rtsp://" not in page.content()
    # Playing: frames are decoded, and keep being decoded (25 fps test stream: ~50 in 2 s).
    # A function, not an expression: an expression would be eval'd in the page, which the CSP forbids.
    page.wait_for_function(f"() => ({FRAMES_JS})() > 0", timeout=TIMEOUT_MS)
    before = page.evaluate(FRAMES_JS)
    time.sleep(2)
    after = page.evaluate(FRAMES_JS)
    assert after - before >= 10, f"the video is not playing: {before} → {after} frames decoded in 2 s"
    video = page.evaluate(
        "() => { const v = document.querySelector('video');"
        " return [v.videoWidth, v.videoHeight, v.paused, v.readyState]; }"
    )
    assert video[0] > 0 and video[1] > 0 and video[2] is False and video[3] >= 2, video
    assert page.locator("#live-status").get_attribute("data-state") == "msgPlaying"
    page.screenshot(path=str(screenshot_dir / "live-a.png"))
    # The page talked to the web server and the relay only: no CDN, no library from elsewhere.
    assert {urlsplit(url).hostname for url in requested} <= LOCAL_HOSTS
    page.context.close()

    # County B's regulator: the page is not found, and the relay refuses every grant B could bring.
    other = _login(browser, site, "regulator_b")
    response = other.goto(f"{site.url}/cameras/{camera_a}/live/")
    assert response is not None and response.status == 404
    assert "rtsp://" not in other.content()
    source = rtsp_server.url("good")
    expired = Fernet(grants.relay_key(RELAY_SECRET)).encrypt_at_time(
        json.dumps({"c": camera_a, "u": source}).encode(), int(time.time()) - 120
    )
    refused = {
        "forged": "not-a-grant",
        "expired": expired.decode(),
        "another camera's": grants.issue(camera_b, source, grants.relay_key(RELAY_SECRET)),
    }
    offer = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
    for what, grant in refused.items():
        answer = other.request.post(
            f"{relay_url}/whep/{camera_a}",
            headers={"Content-Type": "application/sdp", "Authorization": f"Bearer {grant}"},
            data=offer,
        )
        assert answer.status == 403, f"{what} grant: {answer.status}"
    other.context.close()
