"""Camera health: one probe of one camera, its keyframes diagnosed, written back as the camera's latest
health, a measurement per quality check (with the measured value and the threshold, so thresholds can
be tuned later) and health events that open when a problem starts and close when it ends.

A camera is probed by one worker at a time across every worker machine: `claim` takes a lease with one
conditional UPDATE (no row lock held while the network is slow), and the lease expires by itself if
the worker dies. A dead, slow or lying source costs at most the probe's timeout and never raises."""

from __future__ import annotations

import dataclasses
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

from brightkitchen.cameras import diagnosis, quality, snapshots
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
# Longer than any probe can last (connect + read deadline), so a live lease is never taken over; a dead
# worker's cameras are probed again by the first sweep after it (settings.CAMERA_PROBE_LEASE_S).
LEASE = datetime.timedelta(seconds=settings.CAMERA_PROBE_LEASE_S)


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
    """The diagnosis thresholds with the camera's overrides ({check: bound}) applied: the bound replaces
    the check's minimum where it has one (dark, blur, …), else its maximum (bright, noise, …)."""
    limits = dict(quality.DEFAULT_THRESHOLDS)
    overrides: Mapping[str, float] = camera.quality_thresholds or {}
    for check, bound in overrides.items():
        default = limits.get(check)
        if default is None:
            continue
        if default.minimum is not None:
            limits[check] = dataclasses.replace(default, minimum=bound)
        else:
            limits[check] = dataclasses.replace(default, maximum=bound)
    return limits


def judge(results: Sequence[quality.CheckResult]) -> list[Judged]:
    """The diagnosis as stored measurements; checks that could not be judged (no reference yet, one
    keyframe, silenced by a root cause) are left out."""
    judged: list[Judged] = []
    for result in results:
        low, high = result.threshold.minimum, result.threshold.maximum
        bound = low if low is not None else high
        if result.value is None or result.passed is None or bound is None:
            continue
        judged.append(Judged(result.check, result.value, bound, result.passed))
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
        checks: list[quality.CheckResult] = []
        if diagnose and result.online and result.keyframes:
            checks = quality.diagnose(
                result.keyframes,
                _reference(camera),
                thresholds_for(camera),
                frame_times=result.keyframe_times,
            )
        record(camera, result, judge(checks), diagnosis.findings_for(result, checks), timezone.now())
        return result
    finally:
        release(camera_id)


def record(
    camera: Camera,
    result: ProbeResult,
    judged: list[Judged],
    findings: Sequence[diagnosis.Finding],
    now: datetime.datetime,
) -> None:
    """Write one probe's outcome: the camera's latest health, the measurements, and the events."""
    failing = {finding.kind: finding for finding in findings}
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
    failing: dict[str, diagnosis.Finding],
    result: ProbeResult,
    now: datetime.datetime,
    *,
    judged_any: bool,
) -> None:
    """Open an event for each problem that has none open; close the open ones that have passed. While a
    camera is offline its picture cannot be judged, so its open picture events stay as they are. An open
    offline event follows its cause (a wrong password fixed, the camera now stalls)."""
    open_events = {e.kind: e for e in CameraHealthEvent.objects.filter(camera=camera, ended_at__isnull=True)}
    for kind, event in open_events.items():
        finding = failing.get(kind)
        if finding is not None:
            if kind == HealthEventKind.OFFLINE and (event.cause, event.detail) != (
                finding.cause,
                finding.detail,
            ):
                event.cause, event.detail = finding.cause, finding.detail
                event.save(update_fields=["cause", "detail", "updated_at"])
            continue
        if kind == HealthEventKind.OFFLINE or (result.online and judged_any):
            event.ended_at = now
            event.save(update_fields=["ended_at", "updated_at"])
    for kind, finding in failing.items():
        if kind in open_events:
            continue
        try:
            with transaction.atomic():
                CameraHealthEvent.objects.create(
                    camera=camera,
                    kind=kind,
                    started_at=now,
                    value=finding.value,
                    threshold=finding.threshold,
                    cause=finding.cause,
                    decided_by=finding.decided_by,
                    detail=finding.detail[:300],
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
