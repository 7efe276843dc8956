"""Snapshot on demand (公众即时抓拍): one keyframe of a camera, taken now, as a JPEG. Signed-in users get
the cameras of their jurisdiction; anyone gets public cameras within their public hours. Each request
opens the camera, so requests are rate-limited per client address."""

from __future__ import annotations

import cv2

from brightkitchen.cameras.health import PROBE_TIMEOUT_S
from brightkitchen.cameras.models import Camera
from brightkitchen.cameras.probe import probe
from brightkitchen.cameras.sources import source_for

JPEG_QUALITY = 85
# Per client address: snapshots within the window before 429.
SNAPSHOTS_PER_MINUTE = 20


class SnapshotFailed(Exception):
    """The camera gave no picture (offline, no keyframe within the timeout)."""


def take(camera: Camera) -> bytes:
    result = probe(source_for(camera).open_url(), timeout_s=PROBE_TIMEOUT_S, keyframes=1)
    if not result.online or not result.keyframes:
        raise SnapshotFailed(result.message or str(result.error or ""))
    ok, jpeg = cv2.imencode(".jpg", result.keyframes[0], [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise SnapshotFailed("encoding")
    return jpeg.tobytes()
