"""Snapshot on demand against a real RTSP camera: a JPEG of the picture for the camera's jurisdiction,
for anyone when the camera is public within its public hours, never outside them; rate-limited."""

from __future__ import annotations

import datetime

import cv2
import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client

from brightkitchen.cameras import credentials
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind
from brightkitchen.cameras.snapshots import SNAPSHOTS_PER_MINUTE
from brightkitchen.conftest import World
from brightkitchen.testbed.streams import RtspTestServer

pytestmark = pytest.mark.django_db


def _camera(w: World, url: str, **fields: object) -> Camera:
    return Camera.objects.create(
        canteen=w.canteens["a"],
        name="分餐区",
        key_point=KeyPoint.SERVING_SAMPLING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(url),
        display_url=credentials.redact(url),
        **fields,
    )


def test_snapshot_is_a_jpeg_of_the_picture(world: World, rtsp_server: RtspTestServer) -> None:
    cache.clear()
    camera = _camera(world, rtsp_server.url("good"))
    response = world.client("regulator_a").get(f"/cameras/{camera.pk}/snapshot.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    image = cv2.imdecode(np.frombuffer(response.content, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[:2] == (360, 640)
    assert world.client("regulator_b").get(f"/cameras/{camera.pk}/snapshot.jpg").status_code == 404
    assert Client().get(f"/cameras/{camera.pk}/snapshot.jpg").status_code == 302  # not public: sign in


def test_public_cameras_within_their_hours_only(world: World, rtsp_server: RtspTestServer) -> None:
    cache.clear()
    always = _camera(world, rtsp_server.url("good"), is_public=True)
    assert Client().get(f"/cameras/{always.pk}/snapshot.jpg").status_code == 200
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=8)  # Asia/Shanghai
    closed_from = (now + datetime.timedelta(hours=2)).time().replace(microsecond=0)
    closed_until = (now + datetime.timedelta(hours=3)).time().replace(microsecond=0)
    Camera.objects.filter(pk=always.pk).update(public_from=closed_from, public_until=closed_until)
    assert Client().get(f"/cameras/{always.pk}/snapshot.jpg").status_code == 302


def test_snapshots_are_rate_limited_per_address(world: World, rtsp_server: RtspTestServer) -> None:
    cache.clear()
    camera = _camera(world, rtsp_server.url("signal_loss"), is_public=True, enabled=False)
    client = Client(REMOTE_ADDR="198.51.100.7")
    Camera.objects.filter(pk=camera.pk).update(enabled=True)
    from brightkitchen.core import ratelimit

    for _ in range(SNAPSHOTS_PER_MINUTE):
        ratelimit.hit("camera-snapshot", "198.51.100.7", 60)
    assert client.get(f"/cameras/{camera.pk}/snapshot.jpg").status_code == 429
