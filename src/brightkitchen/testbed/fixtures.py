"""pytest fixture: one RTSP test server per test session with every preset.

Registered for the whole suite by the root conftest.py (defined once, so one server per session, not
per module); a test asks for `rtsp_server`. Without GStreamer the fixture fails (not skips) and says
how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brightkitchen.testbed.streams import RtspTestServer, TestServerError, gstreamer_missing

PRESETS = ("good", "blurred", "dark", "bright", "colour_cast", "noise", "frozen", "occluded", "signal_loss")
USER, PASSWORD = "inspector", "s3cret:pw"
STOP_AFTER_S = 2  # the "stops" mount ends its stream this long after a client starts playing

MOUNTS: dict[str, str] = {
    **{preset: preset for preset in PRESETS},
    "moved": "moved",  # the good camera turned elsewhere, for the scene change check
    "secure": "good",  # needs USER / PASSWORD
    "stops": f"good:stop_after={STOP_AFTER_S}",  # a camera that stops mid-stream
    "stamped": "good:timestamp",  # wall-clock time burned into each frame
}


@pytest.fixture(scope="session", name="rtsp_server")
def rtsp_server_fixture() -> Iterator[RtspTestServer]:
    missing = gstreamer_missing()
    if missing:
        pytest.fail(missing, pytrace=False)
    try:
        server = RtspTestServer(mounts=MOUNTS, auth={"secure": (USER, PASSWORD)}).start()
    except TestServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
