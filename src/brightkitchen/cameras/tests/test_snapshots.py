"""Snapshots are taken by the workers and served by the pages: the page answers "being taken" and asks
for one probe per camera (however many ask), the worker's probe of a real RTSP camera stores the picture,
the page then serves it with its age; public cameras within their public hours only; no web request
connects to a camera, and a rectification takes its evidence from the stored picture."""

from __future__ import annotations

import datetime
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import cv2
import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from brightkitchen.cameras import credentials, health, services, snapshots, tasks
from brightkitchen.cameras.models import (
    Camera,
    CameraHealthEvent,
    CameraSnapshot,
    HealthEventKind,
    KeyPoint,
    SourceKind,
)
from brightkitchen.conftest import World
from brightkitchen.rectifications.models import RectificationPhoto
from brightkitchen.testbed import faulty
from brightkitchen.testbed.streams import RtspTestServer

pytestmark = pytest.mark.django_db


def _camera(w: World, url: str, name: str = "分餐区", **fields: object) -> Camera:
    return Camera.objects.create(
        canteen=w.canteens["a"],
        name=name,
        key_point=KeyPoint.SERVING_SAMPLING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(url),
        display_url=credentials.redact(url),
        **fields,
    )


@contextmanager
def stalled_counting() -> Iterator[tuple[int, list[float]]]:
    """A stalled camera (accepts, never answers) that notes when anyone connects to it."""
    connected: list[float] = []

    def hang(connection: socket.socket) -> None:
        connected.append(time.monotonic())
        connection.settimeout(faulty.HOLD_S)
        try:
            while connection.recv(4096):
                pass
        except TimeoutError:
            pass

    with faulty.tcp_server(hang) as port:
        yield port, connected


def _url(camera: Camera) -> str:
    return f"/cameras/{camera.pk}/snapshot.jpg"


def test_the_worker_takes_the_picture_and_the_page_serves_it_with_its_age(
    world: World, rtsp_server: RtspTestServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    cache.clear()
    camera = _camera(world, rtsp_server.url("good"))
    regulator, principal = world.client("regulator_a"), world.client("principal_a")
    with django_capture_on_commit_callbacks() as queued:
        first = regulator.get(_url(camera))
        again = [c.get(_url(camera)).status_code for c in (regulator, principal, regulator)]
    # No picture yet: "being taken", asked again soon; three more viewers queue no second probe.
    assert first.status_code == 202 and first["Content-Type"].startswith("image/svg+xml")
    assert first["Retry-After"] == str(snapshots.PENDING_RETRY_S)
    with translation.override("zh-hans"):
        assert unquote(first["X-Snapshot-Status"]) == translation.gettext("The snapshot is being taken…")
    assert again == [202, 202, 202]
    assert len(queued) == 1
    assert snapshots.latest(camera.pk) is not None  # the request marker that keeps the others waiting
    # The worker runs the task: a real probe of the camera stores its picture (and its health).
    assert tasks.take_snapshot(camera.pk) is True
    assert Camera.objects.get(pk=camera.pk).status == "online"
    response = regulator.get(_url(camera))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert 0 <= int(response["X-Snapshot-Age"]) < snapshots.INTERVAL_S
    taken = datetime.datetime.fromisoformat(response["X-Snapshot-Taken-At"])
    assert abs((timezone.now() - taken).total_seconds()) < snapshots.INTERVAL_S
    image = cv2.imdecode(np.frombuffer(response.content, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[:2] == (360, 640)
    # A doubled task finds the picture fresh and probes nothing.
    probed_at = Camera.objects.get(pk=camera.pk).last_probe_at
    assert tasks.take_snapshot(camera.pk) is False
    assert Camera.objects.get(pk=camera.pk).last_probe_at == probed_at
    # Scoping: another county is not told the camera exists; anonymous users are sent to sign in.
    assert world.client("regulator_b").get(_url(camera)).status_code == 404
    assert Client().get(_url(camera)).status_code == 302


def test_an_old_picture_is_served_with_its_age_while_a_new_one_is_taken(
    world: World, rtsp_server: RtspTestServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    cache.clear()
    camera = _camera(world, rtsp_server.url("good"))
    assert health.check_camera(camera.pk) is not None  # the sweep's probe stores the picture too
    old = timezone.now() - datetime.timedelta(minutes=10)
    assert CameraSnapshot.objects.filter(camera=camera).update(taken_at=old, attempted_at=old) == 1
    client = world.client("regulator_a")
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(_url(camera))
        second = client.get(_url(camera))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert int(response["X-Snapshot-Age"]) >= 600 and second.status_code == 200
    with translation.override("zh-hans"):
        assert unquote(response["X-Snapshot-Status"]) == snapshots.age_text(old, timezone.now())
        assert "10" in snapshots.age_text(old, timezone.now())
    assert len(queued) == 1  # one new picture asked for, not one per request


def test_a_camera_that_gives_no_picture_says_so(world: World) -> None:
    cache.clear()
    with socket.socket() as s:  # a port nobody listens on: the camera is offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    camera = _camera(world, f"rtsp://127.0.0.1:{port}/cam")
    client = world.client("regulator_a")
    assert client.get(_url(camera)).status_code == 202
    assert tasks.take_snapshot(camera.pk) is True  # the worker tried, and got nothing
    response = client.get(_url(camera))
    assert response.status_code == 503 and response["Content-Type"].startswith("image/svg+xml")
    assert not CameraSnapshot.objects.get(camera=camera).jpeg


def test_no_web_request_connects_to_a_camera(world: World, settings: Any) -> None:
    cache.clear()
    settings.RELAY_URL = "http://relay.example:8001"
    with stalled_counting() as (port, connected):
        camera = _camera(world, f"rtsp://127.0.0.1:{port}/cam", is_public=True)
        client = world.client("regulator_a")
        started = time.monotonic()
        statuses = [client.get(_url(camera)).status_code for _ in range(3)]
        statuses.append(Client().get(_url(camera)).status_code)
        wall = client.get("/cameras/wall/")
        detail = client.get(f"/cameras/{camera.pk}/")
        elapsed = time.monotonic() - started
        time.sleep(0.3)  # a connection the pages had started would have been accepted by now
        assert statuses == [202, 202, 202, 202] and wall.status_code == 200 and detail.status_code == 200
        assert connected == [], "a page connected to the camera"
        assert elapsed < health.PROBE_TIMEOUT_S / 2


def test_public_cameras_within_their_hours_only(world: World, rtsp_server: RtspTestServer) -> None:
    cache.clear()
    always = _camera(world, rtsp_server.url("good"), is_public=True)
    assert health.check_camera(always.pk) is not None
    picture = Client().get(_url(always))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=8)  # Asia/Shanghai
    closed_from = (now + datetime.timedelta(hours=2)).time().replace(microsecond=0)
    closed_until = (now + datetime.timedelta(hours=3)).time().replace(microsecond=0)
    Camera.objects.filter(pk=always.pk).update(public_from=closed_from, public_until=closed_until)
    assert Client().get(_url(always)).status_code == 302


def test_the_largest_wall_refreshing_for_a_minute_stays_within_the_rate_limit(world: World) -> None:
    cache.clear()
    page = world.client("regulator_a").get("/cameras/wall/", {"grid": "4"})
    assert f'data-refresh="{snapshots.INTERVAL_S}"' in page.content.decode()
    cameras = Camera.objects.bulk_create(
        [
            Camera(
                canteen=world.canteens["a"],
                name=f"墙{i:02d}",
                key_point=KeyPoint.COOKING,
                source_kind=SourceKind.RTSP,
                source_secret=credentials.encrypt("rtsp://127.0.0.1:9/cam"),
                display_url="rtsp://127.0.0.1:9/cam",
            )
            for i in range(snapshots.MAX_TILES)
        ]
    )
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(world.users["regulator_a"])
    # The page's first load and one refresh per interval, for a whole minute, from one address.
    rounds = 1 + 60 // snapshots.INTERVAL_S
    statuses = {client.get(_url(c)).status_code for _ in range(rounds) for c in cameras}
    assert statuses == {202}
    for _ in range(snapshots.SNAPSHOTS_PER_MINUTE):
        client.get(_url(cameras[0]))
    assert client.get(_url(cameras[0])).status_code == 429


def test_a_rectification_takes_the_stored_picture_as_evidence(
    world: World, rtsp_server: RtspTestServer
) -> None:
    with stalled_counting() as (port, connected):
        camera = _camera(world, f"rtsp://127.0.0.1:{port}/cam")
        started = timezone.now() - datetime.timedelta(minutes=5)
        dark, blur = CameraHealthEvent.objects.bulk_create(
            [
                CameraHealthEvent(camera=camera, kind=HealthEventKind.DARK, started_at=started),
                CameraHealthEvent(camera=camera, kind=HealthEventKind.BLUR, started_at=timezone.now()),
            ]
        )
        # The picture a probe stored while the camera was dark (from the real camera's dark stream).
        from brightkitchen.cameras.probe import probe

        result = probe(rtsp_server.url("dark"), timeout_s=health.PROBE_TIMEOUT_S, keyframes=1)
        snapshots.store(camera.pk, snapshots.encode(result), started + datetime.timedelta(minutes=1))
        notice, created = services.rectify_event(world.users["regulator_a"], dark.pk)
        assert created and RectificationPhoto.objects.filter(step__notice=notice).count() == 1
        # The stored picture is older than the blur event: it does not show that problem, none is sent.
        later, _ = services.rectify_event(world.users["regulator_a"], blur.pk)
        assert RectificationPhoto.objects.filter(step__notice=later).count() == 0
        assert connected == [], "issuing the notice connected to the camera"


def test_a_signed_in_parent_asking_for_a_camera_that_is_not_public_gets_404_not_the_login_page(
    world: World,
) -> None:
    camera = _camera(world, "rtsp://127.0.0.1:9/cam")  # not public; never connected to here
    response = world.client("public").get(_url(camera))
    assert response.status_code == 404
    assert Client().get(_url(camera)).status_code == 302  # anonymous: signing in may show it
