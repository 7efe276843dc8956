"""Camera health: one probe of one camera, its keyframes diagnosed, written back as the camera's latest
health, a measurement per quality check (with the measured value and the threshold, so thresholds can
be tuned later) and health events that open when a problem starts and close when it ends.

A camera is probed by one worker at a time across every worker machine: `claim` takes a lease with one
conditional UPDATE (no row lock held while the network is slow), and the lease expires by itself if
the worker dies. A dead, slow or lying source costs at most the probe's timeout and never raises."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np
from django import db
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from brightkitchen.cameras import quality, snapshots
from brightkitchen.cameras.credentials import UndecryptableSource
from brightkitchen.cameras.models import (
    Camera,
    CameraHealthEvent,
    CameraStatus,
    HealthEventKind,
    QualityCheck,
    QualityMeasurement,
)
from brightkitchen.cameras.probe import ProbeError, ProbeResult, probe
from brightkitchen.cameras.sources import UnsupportedSourceKind, source_for

PROBE_TIMEOUT_S = 6.0
PROBE_THREADS = 16  # probes in flight per worker process (they wait on the network, not the CPU)
KEYFRAMES = 3
# Longer than any probe can last (connect + read deadline), so a live lease is never taken over.
LEASE = datetime.timedelta(seconds=60)

# The diagnosis's checks (quality.py) as the camera's stored checks: one brightness measure judges
# both "too dark" (below its minimum) and "too bright" (above its maximum); clarity is the blur check.
_STORED_AS: dict[str, tuple[str, ...]] = {
    "clarity": (QualityCheck.BLUR,),
    "brightness": (QualityCheck.DARK, QualityCheck.BRIGHT),
    "colour_cast": (QualityCheck.COLOUR_CAST,),
    "noise": (QualityCheck.NOISE,),
    "frozen": (QualityCheck.FROZEN,),
    "occlusion": (QualityCheck.OCCLUSION,),
    "scene_change": (QualityCheck.SCENE_CHANGE,),
    "signal_loss": (QualityCheck.SIGNAL_LOSS,),
}


@dataclass(frozen=True)
class Judged:
    """One stored check's outcome: its value, the bound it was held to, and whether it passed."""

    check: str
    value: float
    bound: float
    passed: bool


def claim(camera_id: int, now: datetime.datetime) -> bool:
    """Take the camera's probe lease; False when another worker holds it (or the camera is disabled)."""
    free = Q(probe_lease_until__isnull=True) | Q(probe_lease_until__lt=now)
    taken = Camera.objects.filter(free, pk=camera_id, enabled=True).update(probe_lease_until=now + LEASE)
    return taken == 1


def release(camera_id: int) -> None:
    Camera.objects.filter(pk=camera_id).update(probe_lease_until=None)


def thresholds_for(camera: Camera) -> dict[str, quality.Threshold]:
    """The diagnosis thresholds with the camera's overrides ({stored check: bound}) applied."""
    limits = dict(quality.DEFAULT_THRESHOLDS)
    overrides: Mapping[str, float] = camera.quality_thresholds or {}
    for check, bound in overrides.items():
        if check == QualityCheck.DARK:
            limits["brightness"] = _with(limits["brightness"], minimum=bound)
        elif check == QualityCheck.BRIGHT:
            limits["brightness"] = _with(limits["brightness"], maximum=bound)
        else:
            name = next((key for key, stored in _STORED_AS.items() if check in stored), None)
            if name is None:
                continue
            default = limits[name]
            limits[name] = _with(
                default, **({"minimum": bound} if default.minimum is not None else {"maximum": bound})
            )
    return limits


def _with(threshold: quality.Threshold, **bounds: float) -> quality.Threshold:
    values = {"minimum": threshold.minimum, "maximum": threshold.maximum, **bounds}
    return quality.Threshold(
        threshold.measure, threshold.unit, minimum=values["minimum"], maximum=values["maximum"]
    )


def judge(results: list[quality.CheckResult]) -> list[Judged]:
    """The diagnosis as stored checks; checks that could not be judged (no reference yet, one keyframe)
    are left out."""
    judged: list[Judged] = []
    for result in results:
        if result.value is None or result.passed is None:
            continue
        low, high = result.threshold.minimum, result.threshold.maximum
        for check in _STORED_AS.get(result.check, ()):
            if check == QualityCheck.BRIGHT:
                if high is None:
                    continue
                judged.append(Judged(check, result.value, high, result.value <= high))
            elif check == QualityCheck.DARK:
                if low is None:
                    continue
                judged.append(Judged(check, result.value, low, result.value >= low))
            else:
                bound = low if low is not None else high
                assert bound is not None
                judged.append(Judged(check, result.value, bound, bool(result.passed)))
    return judged


def _reference(camera: Camera) -> quality.Image | None:
    if not camera.reference_jpeg:
        return None
    data = np.frombuffer(bytes(camera.reference_jpeg), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return None if image is None else np.asarray(image, dtype=np.uint8)


def _probe(camera: Camera, keyframes: int) -> ProbeResult:
    try:
        url = source_for(camera).open_url()
    except (UndecryptableSource, UnsupportedSourceKind) as exc:
        return ProbeResult(online=False, error=ProbeError.OTHER, message=str(exc))
    return probe(url, timeout_s=PROBE_TIMEOUT_S, keyframes=keyframes)


def quality_due(camera: Camera, now: datetime.datetime) -> bool:
    """Whether this probe also diagnoses the picture: every CAMERA_QUALITY_INTERVAL_S, and whenever the
    camera was not online (a camera coming back is judged at once). Otherwise one keyframe says online."""
    if camera.status != CameraStatus.ONLINE:
        return True
    last = (
        QualityMeasurement.objects.filter(camera=camera)
        .order_by("-measured_at")
        .values_list("measured_at", flat=True)
        .first()
    )
    interval = datetime.timedelta(seconds=settings.CAMERA_QUALITY_INTERVAL_S)
    return last is None or now - last >= interval


def check_camera(camera_id: int, now: datetime.datetime | None = None) -> ProbeResult | None:
    """Probe one camera and record what was found; None when another worker holds its lease."""
    now = now or timezone.now()
    if not claim(camera_id, now):
        return None
    try:
        camera = Camera.objects.get(pk=camera_id)
        diagnose = quality_due(camera, now)
        result = _probe(camera, KEYFRAMES if diagnose else 1)
        judged: list[Judged] = []
        if diagnose and result.online and result.keyframes:
            thresholds = thresholds_for(camera)
            judged = judge(quality.diagnose(result.keyframes, _reference(camera), thresholds))
        record(camera, result, judged, timezone.now())
        return result
    finally:
        release(camera_id)


def record(camera: Camera, result: ProbeResult, judged: list[Judged], now: datetime.datetime) -> None:
    """Write one probe's outcome: the camera's latest health, the measurements, and the events."""
    failing: dict[str, Judged | None] = {}
    if not result.online:
        failing[HealthEventKind.OFFLINE] = None
    failing.update({j.check: j for j in judged if not j.passed})
    blur = next((j for j in judged if j.check == QualityCheck.BLUR), None)
    health: dict[str, object] = {"status": CameraStatus.ONLINE if result.online else CameraStatus.OFFLINE}
    health["last_probe_at"] = now
    if result.online:
        health.update(
            last_frame_at=result.last_frame_at or now,
            codec=result.codec[:20],
            width=result.width or None,
            height=result.height or None,
            fps=round(result.fps, 2) if result.fps else None,
            bitrate_kbps=round(result.bitrate_bps / 1000) if result.bitrate_bps else None,
            clarity_ok=blur.passed if blur is not None else camera.clarity_ok,
        )
    picture = snapshots.encode(result)  # the probe's keyframe is the camera's latest snapshot, free
    with transaction.atomic():
        Camera.objects.filter(pk=camera.pk).update(**health)
        snapshots.store(camera.pk, picture, now)
        QualityMeasurement.objects.bulk_create(
            [
                QualityMeasurement(
                    camera=camera,
                    measured_at=now,
                    check_key=j.check,
                    value=j.value,
                    threshold=j.bound,
                    passed=j.passed,
                )
                for j in judged
            ]
        )
        if judged and all(j.passed for j in judged) and not camera.reference_jpeg:
            ok, jpeg = cv2.imencode(".jpg", result.keyframes[0], [cv2.IMWRITE_JPEG_QUALITY, 80])
            if ok:
                Camera.objects.filter(pk=camera.pk).update(reference_jpeg=jpeg.tobytes())
        _events(camera, failing, result, now, judged_any=bool(judged))


def _events(
    camera: Camera,
    failing: dict[str, Judged | None],
    result: ProbeResult,
    now: datetime.datetime,
    *,
    judged_any: bool,
) -> None:
    """Open an event for each problem that has none open; close the open ones that have passed. While a
    camera is offline its picture cannot be judged, so its open picture events stay as they are."""
    open_events = {e.kind: e for e in CameraHealthEvent.objects.filter(camera=camera, ended_at__isnull=True)}
    for kind, event in open_events.items():
        if kind in failing:
            continue
        if kind == HealthEventKind.OFFLINE or (result.online and judged_any):
            event.ended_at = now
            event.save(update_fields=["ended_at", "updated_at"])
    for kind, judged in failing.items():
        if kind in open_events:
            continue
        detail = (result.message or str(result.error or ""))[:300] if kind == HealthEventKind.OFFLINE else ""
        try:
            with transaction.atomic():
                CameraHealthEvent.objects.create(
                    camera=camera,
                    kind=kind,
                    started_at=now,
                    value=judged.value if judged is not None else None,
                    detail=detail,
                )
        except IntegrityError:
            pass  # a concurrent probe opened it first (one open event per camera and kind)


def check_cameras(camera_ids: Sequence[int], threads: int = PROBE_THREADS) -> int:
    """Probe several cameras at once from one worker process: a probe mostly waits on the network, so
    threads keep one core busy with many cameras instead of one. Returns how many were probed (the
    others were leased elsewhere). Each thread closes its database connection when done."""

    def one(camera_id: int) -> bool:
        try:
            return check_camera(camera_id) is not None
        except Camera.DoesNotExist:
            return False
        finally:
            db.connection.close()

    if not camera_ids:
        return 0
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(camera_ids)))) as pool:
        return sum(pool.map(one, camera_ids))


def due_cameras(now: datetime.datetime, interval: datetime.timedelta) -> list[int]:
    """Enabled cameras not probed for `interval` and not leased: what a sweep hands to the workers."""
    stale = Q(last_probe_at__isnull=True) | Q(last_probe_at__lt=now - interval)
    free = Q(probe_lease_until__isnull=True) | Q(probe_lease_until__lt=now)
    return list(
        Camera.objects.filter(stale, free, enabled=True)
        .order_by("last_probe_at", "pk")
        .values_list("pk", flat=True)
    )
