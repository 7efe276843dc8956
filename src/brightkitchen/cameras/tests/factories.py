"""County A/B cameras made without the audit log (bulk_create), once per world: per county one camera
whose source carries a password (to prove it never leaks), with a health event and a measurement."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from brightkitchen.cameras import credentials
from brightkitchen.cameras.models import (
    Camera,
    CameraHealthEvent,
    CameraStatus,
    KeyPoint,
    QualityMeasurement,
    SourceKind,
)
from brightkitchen.conftest import World

NAME = {"a": "甲县烹饪区摄像头", "b": "乙县烹饪区摄像头"}
PASSWORD = {"a": "Pa55-secret-A", "b": "Pa55-secret-B"}


def raw_url(county: str) -> str:
    # A loopback address (nothing listens on it): a test that probes these cameras never leaves the machine.
    return f"rtsp://admin:{PASSWORD[county]}@127.0.{ord(county)}.64:554/Streaming/Channels/101"


def cameras(w: World) -> dict[str, Camera]:
    cache: dict[str, Any] | None = getattr(w, "_cameras", None)
    if cache is not None:
        return cache
    now = timezone.now()
    cache = {}
    for county in ("a", "b"):
        url = raw_url(county)
        (camera,) = Camera.objects.bulk_create(
            [
                Camera(
                    canteen=w.canteens[county],
                    name=NAME[county],
                    key_point=KeyPoint.COOKING,
                    source_kind=SourceKind.RTSP,
                    source_secret=credentials.encrypt(url),
                    display_url=credentials.redact(url),
                    status=CameraStatus.OFFLINE,
                    last_frame_at=now,
                )
            ]
        )
        CameraHealthEvent.objects.bulk_create(
            [CameraHealthEvent(camera=camera, kind="offline", started_at=now, detail="timeout")]
        )
        QualityMeasurement.objects.bulk_create(
            [
                QualityMeasurement(
                    camera=camera,
                    measured_at=now,
                    check_key="blur",
                    value=120.0,
                    threshold=100.0,
                    passed=True,
                )
            ]
        )
        cache[county] = camera
    setattr(w, "_cameras", cache)  # noqa: B010
    return cache


def stalled_cameras(canteen: Any, port: int, count: int, **fields: Any) -> list[Camera]:
    """`count` cameras of a canteen whose source is the stalled server on `port` (bulk_create)."""
    url = f"rtsp://127.0.0.1:{port}/cam"
    return Camera.objects.bulk_create(
        [
            Camera(
                canteen=canteen,
                name=f"卡住的摄像头{i}",
                key_point=KeyPoint.COOKING,
                source_kind=SourceKind.RTSP,
                source_secret=credentials.encrypt(url),
                display_url=credentials.redact(url),
                **fields,
            )
            for i in range(count)
        ]
    )
