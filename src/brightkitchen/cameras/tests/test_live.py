"""Live view: grants, the WHEP relay with a real aiortc client against the GStreamer test camera, and the
live page's refusals. The browser test is in test_browser_live.py."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from typing import Any

import aiohttp
import av
import pytest
from aiohttp import web
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from cryptography.fernet import Fernet
from django.test import Client
from django.utils import timezone

from brightkitchen.cameras import grants
from brightkitchen.cameras.models import PUBLIC_HOURS_ZONE, Camera
from brightkitchen.cameras.relay.server import HUB, RelayConfig, make_app
from brightkitchen.cameras.tests.factories import cameras, raw_url
from brightkitchen.conftest import World
from brightkitchen.testbed.streams import RtspTestServer, free_port

KEY = grants.relay_key("test relay secret")
CAMERA = 41


# --- grants -----------------------------------------------------------------------------------------


def test_grant_carries_the_camera_and_its_source_encrypted() -> None:
    token = grants.issue(CAMERA, "rtsp://admin:Secret-Pw@127.0.5.5/live", KEY)
    assert "Secret-Pw" not in token and "127.0.5.5" not in token
    grant = grants.verify(token, CAMERA, KEY)
    assert grant.camera_id == CAMERA
    assert grant.source_url == "rtsp://admin:Secret-Pw@127.0.5.5/live"
    assert "Secret-Pw" not in repr(grant)


def test_grant_refused_for_another_camera_forged_tampered_or_other_secret() -> None:
    token = grants.issue(CAMERA, "rtsp://127.0.5.5/live", KEY)
    with pytest.raises(grants.InvalidGrant):
        grants.verify(token, CAMERA + 1, KEY)
    with pytest.raises(grants.InvalidGrant):
        grants.verify(token, CAMERA, grants.relay_key("another secret"))
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    for bad in ("", "garbage", tampered, token + "x", "ü" * 40):
        with pytest.raises(grants.InvalidGrant):
            grants.verify(bad, CAMERA, KEY)


def _expired(camera_id: int, url: str, age_s: int = 120) -> str:
    payload = json.dumps({"c": camera_id, "u": url}).encode()
    return Fernet(KEY).encrypt_at_time(payload, int(time.time()) - age_s).decode()


def test_grant_expires() -> None:
    with pytest.raises(grants.InvalidGrant):
        grants.verify(_expired(CAMERA, "rtsp://127.0.5.5/live"), CAMERA, KEY, ttl_s=60)
    # Younger than its time to live: still good.
    assert grants.verify(_expired(CAMERA, "rtsp://x/y", age_s=30), CAMERA, KEY, ttl_s=60).camera_id == CAMERA


def test_grant_key_comes_from_relay_secret_not_the_camera_key(settings: Any) -> None:
    settings.RELAY_SECRET = ""
    from_secret_key = grants.relay_key()
    settings.RELAY_SECRET = "shared with the relays"
    assert grants.relay_key() == grants.relay_key("shared with the relays") != from_secret_key
    token = grants.issue(7, "rtsp://h/p")
    assert grants.verify(token, 7, grants.relay_key("shared with the relays")).source_url == "rtsp://h/p"


def test_each_camera_has_one_relay_and_a_new_relay_takes_only_some_cameras(settings: Any) -> None:
    settings.RELAY_URL = "http://relay-1:8001"
    assert grants.relay_urls() == ["http://relay-1:8001"] and grants.relay_url(5) == "http://relay-1:8001"
    settings.RELAY_URL = " http://relay-1:8001/, http://relay-2:8001 ,http://relay-3:8001"
    three = {camera: grants.relay_url(camera) for camera in range(1, 601)}
    assert set(three.values()) == {"http://relay-1:8001", "http://relay-2:8001", "http://relay-3:8001"}
    assert all(160 < list(three.values()).count(url) < 240 for url in set(three.values()))  # spread
    assert all(grants.relay_url(camera) == url for camera, url in three.items())  # stable
    settings.RELAY_URL += ",http://relay-4:8001"
    four = {camera: grants.relay_url(camera) for camera in three}
    moved = [camera for camera in three if four[camera] != three[camera]]
    # Only cameras taken over by the new relay move (about a quarter); none moves between old relays.
    assert all(four[camera] == "http://relay-4:8001" for camera in moved) and 100 < len(moved) < 200


# --- the relay, with aiortc as the viewer -------------------------------------------------------------


@asynccontextmanager
async def relay(idle_close_s: float = 0.5) -> AsyncIterator[tuple[str, web.Application]]:
    config = RelayConfig(
        key=KEY, idle_close_s=idle_close_s, connect_timeout_s=3.0, allowed_origins=frozenset({"http://web"})
    )
    app = make_app(config)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        await runner.cleanup()


@dataclass
class Viewer:
    pc: RTCPeerConnection
    status: int
    answer: str
    location: str
    frames: list[av.VideoFrame] = field(default_factory=list)
    first_frame_s: float | None = None


async def _post(base: str, camera_id: int, sdp: str, headers: dict[str, str]) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base}/whep/{camera_id}", data=sdp, headers=headers) as response,
    ):
        return response.status, await response.text(), response.headers.get("Location", "")


async def watch(base: str, camera_id: int, grant: str) -> Viewer:
    """An aiortc peer that offers to receive video, posts the offer WHEP-style and counts decoded frames."""
    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="recvonly")
    started = time.monotonic()
    viewer = Viewer(pc, 0, "", "")

    async def consume(track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                assert isinstance(frame, av.VideoFrame)
                if viewer.first_frame_s is None:
                    viewer.first_frame_s = time.monotonic() - started
                viewer.frames.append(frame)
        except MediaStreamError:
            pass

    pc.on("track", lambda track: asyncio.ensure_future(consume(track)))
    await pc.setLocalDescription(await pc.createOffer())
    headers = {"Content-Type": "application/sdp", "Authorization": f"Bearer {grant}"}
    viewer.status, viewer.answer, viewer.location = await _post(
        base, camera_id, pc.localDescription.sdp, headers
    )
    if viewer.status == 201:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=viewer.answer, type="answer"))
    return viewer


async def _until(check: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


def _run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(coro, 60))


def test_two_viewers_share_one_upstream_which_closes_after_the_last_leaves(
    rtsp_server: RtspTestServer,
) -> None:
    url = rtsp_server.url("good")

    async def scenario() -> None:
        async with relay(idle_close_s=0.5) as (base, app):
            hub = app[HUB]
            first = await watch(base, CAMERA, grants.issue(CAMERA, url, KEY))
            assert first.status == 201, first.answer
            assert first.location.startswith("/whep/sessions/")
            assert "H264/90000" in first.answer and "VP8" not in first.answer
            assert await _until(lambda: len(first.frames) >= 10, 15), "no H.264 frames reached the viewer"
            second = await watch(base, CAMERA, grants.issue(CAMERA, url, KEY))
            assert second.status == 201
            # The second viewer starts from the cached GOP: a picture without waiting for a keyframe.
            assert await _until(lambda: len(second.frames) >= 10, 15)
            assert second.first_frame_s is not None and second.first_frame_s < 3
            frame = second.frames[-1]
            assert (frame.width, frame.height) == (first.frames[-1].width, first.frames[-1].height)
            assert frame.width > 0
            assert hub.stats() == {"upstreams": 1, "viewers": 2, "opened": 1}

            async with aiohttp.ClientSession() as session:
                for viewer in (first, second):
                    async with session.delete(base + viewer.location) as response:
                        assert response.status == 200
                async with session.delete(base + first.location) as response:
                    assert response.status == 404  # already gone
            # Kept open for the idle time (a viewer coming back reuses it), then closed.
            assert hub.stats()["upstreams"] == 1
            assert await _until(lambda: hub.stats()["upstreams"] == 0, 5)
            for viewer in (first, second):
                await viewer.pc.close()
            # The next viewer opens a fresh upstream.
            third = await watch(base, CAMERA, grants.issue(CAMERA, url, KEY))
            assert await _until(lambda: len(third.frames) >= 3, 15)
            assert hub.opened == 2
            await third.pc.close()

    _run(scenario())


def test_relay_refuses_bad_grants_and_survives_a_dead_camera(
    rtsp_server: RtspTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = rtsp_server.url("good")

    async def scenario() -> None:
        async with relay() as (base, app):
            pc = RTCPeerConnection()
            pc.addTransceiver("video", direction="recvonly")
            await pc.setLocalDescription(await pc.createOffer())
            offer = pc.localDescription.sdp
            sdp = {"Content-Type": "application/sdp"}
            cases = {
                "missing": {},
                "forged": {"Authorization": "Bearer not-a-grant"},
                "expired": {"Authorization": f"Bearer {_expired(CAMERA, url)}"},
                "other camera": {"Authorization": f"Bearer {grants.issue(CAMERA + 1, url, KEY)}"},
                "other secret": {
                    "Authorization": f"Bearer {grants.issue(CAMERA, url, grants.relay_key('x'))}"
                },
            }
            for what, headers in cases.items():
                status, text, _ = await _post(base, CAMERA, offer, {**sdp, **headers})
                assert status == 403, what
                assert "rtsp" not in text
            good = {"Authorization": f"Bearer {grants.issue(CAMERA, url, KEY)}"}
            status, _, _ = await _post(base, CAMERA, offer, {"Content-Type": "text/plain", **good})
            assert status == 415
            status, text, _ = await _post(base, CAMERA, "v=0\r\n", {**sdp, **good})
            assert status == 400, text
            # CORS: the web origin may post; its preflight is answered.
            async with (
                aiohttp.ClientSession() as session,
                session.options(
                    f"{base}/whep/{CAMERA}",
                    headers={"Origin": "http://web", "Access-Control-Request-Method": "POST"},
                ) as response,
            ):
                assert response.status == 204
                assert response.headers["Access-Control-Allow-Origin"] == "http://web"
                assert "Location" in response.headers["Access-Control-Expose-Headers"]
            await pc.close()

            # A camera nobody answers at: 503 for its viewer, nothing kept, and the relay goes on.
            dead = f"rtsp://127.0.0.1:{free_port()}/none"
            refused = await watch(base, CAMERA + 2, grants.issue(CAMERA + 2, dead, KEY))
            assert refused.status == 503
            assert dead not in caplog.text  # a source address is never logged (it may hold a password)
            await refused.pc.close()
            assert app[HUB].stats()["upstreams"] == 0
            alive = await watch(base, CAMERA, grants.issue(CAMERA, url, KEY))
            assert alive.status == 201
            assert await _until(lambda: len(alive.frames) >= 3, 15)
            await alive.pc.close()
            assert await _until(lambda: app[HUB].stats()["upstreams"] == 0, 5)

            # A viewer that posts its offer and vanishes: dropped after the connect timeout, so the
            # camera's upstream closes after all.
            status, _, _ = await _post(base, CAMERA, offer, {**sdp, **good})
            assert status == 201
            assert app[HUB].stats()["viewers"] == 1
            assert await _until(lambda: app[HUB].stats()["upstreams"] == 0, 8)

    _run(scenario())


# --- the live page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_live_page_issues_a_grant_only_to_users_who_may_see_the_camera(world: World, settings: Any) -> None:
    settings.RELAY_URL = "http://relay.example:8001/"
    settings.RELAY_SECRET = "page test secret"
    camera = cameras(world)["a"]
    client = Client()
    client.force_login(world.users["regulator_a"])
    response = client.get(f"/cameras/{camera.pk}/live/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-whep="http://relay.example:8001/whep/{camera.pk}"' in html
    assert "whep.js" in html and "<video" in html
    grant = html.split('data-grant="')[1].split('"')[0]
    assert grants.verify(grant, camera.pk, grants.relay_key("page test secret")).source_url == raw_url("a")
    assert raw_url("a") not in html and "rtsp://" not in html

    for user in ("regulator_b", "manager_b"):
        client.force_login(world.users[user])
        assert client.get(f"/cameras/{camera.pk}/live/").status_code == 404
        # Nor does any page hand them a live tile of it.
        for page in (f"/schools/{world.schools['a'].pk}/", "/cameras/wall/"):
            assert f"/whep/{camera.pk}" not in client.get(page).content.decode()
    assert client.get("/cameras/999999/live/").status_code == 404
    client.logout()
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 302  # to the sign-in page


def _tiles(html: str) -> dict[int, str]:
    """The live tiles of a page: camera id → grant."""
    found = {}
    for part in html.split('data-whep="')[1:]:
        camera_id = int(part.split('"')[0].rsplit("/", 1)[1])
        found[camera_id] = part.split('data-grant="')[1].split('"')[0]
    return found


@pytest.mark.django_db
def test_wall_school_file_and_patrol_screen_play_the_cameras_live(world: World, settings: Any) -> None:
    settings.RELAY_URL = "http://relay.example:8001"
    settings.RELAY_SECRET = "tiles test secret"
    key = grants.relay_key("tiles test secret")
    camera = cameras(world)["a"]
    client = world.client("regulator_a")
    school_file = client.get(f"/schools/{world.schools['a'].pk}/").content.decode()
    wall = client.get("/cameras/wall/").content.decode()
    for html in (school_file, wall):
        tiles = _tiles(html)
        assert list(tiles) == [camera.pk], html
        assert grants.verify(tiles[camera.pk], camera.pk, key).source_url == raw_url("a")
        assert "whep.js" in html and raw_url("a") not in html and "rtsp://" not in html
    # A disabled camera gets no grant: its tile shows the snapshot instead.
    Camera.objects.filter(pk=camera.pk).update(enabled=False)
    assert _tiles(client.get(f"/schools/{world.schools['a'].pk}/").content.decode()) == {}


@pytest.mark.django_db
def test_public_camera_is_live_for_anyone_in_its_public_hours_only(world: World) -> None:
    camera = cameras(world)["b"]
    client = Client()
    camera.is_public = True
    camera.public_from, camera.public_until = None, None
    camera.save(update_fields=["is_public", "public_from", "public_until"])
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 200
    client.force_login(world.users["regulator_a"])  # another county, but the camera is public now
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 200
    client.logout()
    # Public hours that never include now (one minute, two minutes ahead).
    now = timezone.now().astimezone(PUBLIC_HOURS_ZONE)
    start = (now + timedelta(minutes=2)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(minutes=3)).time().replace(second=0, microsecond=0)
    if end <= start:  # around midnight: fall back to the middle of the day's other half
        start, end = clock(12, 0), clock(12, 1)
    camera.public_from, camera.public_until = start, end
    camera.save(update_fields=["public_from", "public_until"])
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 302  # to the sign-in page
    client.force_login(world.users["regulator_a"])
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 404
    client.force_login(world.users["regulator_b"])  # its own county: always
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 200
    client.logout()
    camera.enabled = False
    camera.public_from, camera.public_until = None, None
    camera.save(update_fields=["enabled", "public_from", "public_until"])
    assert client.get(f"/cameras/{camera.pk}/live/").status_code == 302
