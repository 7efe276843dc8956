"""Snapshots (公众即时抓拍): the latest picture of each camera, taken by the workers and served by the pages
with its age. No web request opens a camera: a camera that hangs would hold a web thread for the whole
probe timeout, and a wall of such cameras would take every thread of the server.

Who takes pictures: every health probe (`health.record` stores its first keyframe, so the sweep keeps
each camera's picture as fresh as its health), and the `take_snapshot` task, which a page queues when
the stored picture is older than `INTERVAL_S`. A page asks at most once per camera per interval
(`request`, one conditional UPDATE shared by every web process), so a hundred viewers of one camera
queue one probe; the task itself goes through the probe lease, so it never runs beside the sweep's
probe of the same camera.

Who sees them: the camera's jurisdiction, and anyone while the camera is public within its public
hours (views.snapshot); the dining-hall display's link for its canteen's public cameras."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import cv2
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.timesince import timesince
from django.utils.translation import gettext

from brightkitchen.cameras.models import CameraSnapshot
from brightkitchen.cameras.probe import ProbeResult

JPEG_QUALITY = 85
# A stored picture younger than this is served as it is; an older one is served while a new one is
# taken, at most once per camera per interval. Pages showing snapshots ask again at the same pace
# (the wall's and the tiles' refresh), so they never ask faster than pictures can come.
INTERVAL_S = 30
# A page still waiting for a camera's first picture asks again this soon (the probe's timeout is 6 s).
PENDING_RETRY_S = 5
# The largest page of tiles (the 4×4 wall): one address may refresh two such pages at the interval
# (two screens behind one address) before it gets 429. The limit guards the web server, not the
# cameras; those are guarded per camera by `request`.
MAX_TILES = 16
SNAPSHOTS_PER_MINUTE = 2 * MAX_TILES * 60 // INTERVAL_S


@dataclass(frozen=True)
class Stored:
    """What a page knows of a camera's picture: the JPEG (None until one was taken) and its times."""

    jpeg: bytes | None
    taken_at: datetime.datetime | None
    attempted_at: datetime.datetime | None
    requested_at: datetime.datetime | None

    def age_s(self, now: datetime.datetime) -> int | None:
        return None if self.taken_at is None else max(0, int((now - self.taken_at).total_seconds()))

    def fresh(self, now: datetime.datetime) -> bool:
        return self.taken_at is not None and now - self.taken_at < datetime.timedelta(seconds=INTERVAL_S)

    def failed(self) -> bool:
        """The last try, made after the last request, gave no picture: the camera gives none now."""
        if self.attempted_at is None or (self.taken_at is not None and self.taken_at >= self.attempted_at):
            return False
        return self.requested_at is None or self.attempted_at >= self.requested_at


def age_text(taken_at: datetime.datetime | None, now: datetime.datetime) -> str:
    """What a tile says under the picture: how old it is, or that it is being taken."""
    if taken_at is None:
        return gettext("The snapshot is being taken…")
    seconds = max(0, int((now - taken_at).total_seconds()))
    if seconds < 60:
        return gettext("Taken %(seconds)s s ago") % {"seconds": seconds}
    return gettext("Taken %(age)s ago") % {"age": timesince(taken_at, now, depth=1)}


def taken_times(camera_ids: list[int]) -> dict[int, datetime.datetime]:
    """When each of these cameras' stored picture was taken (cameras without one are left out)."""
    rows = CameraSnapshot.objects.filter(camera_id__in=camera_ids, taken_at__isnull=False)
    return {
        camera_id: taken_at for camera_id, taken_at in rows.values_list("camera_id", "taken_at") if taken_at
    }


def latest(camera_id: int) -> Stored | None:
    row = (
        CameraSnapshot.objects.filter(camera_id=camera_id)
        .values_list("jpeg", "taken_at", "attempted_at", "requested_at")
        .first()
    )
    if row is None:
        return None
    jpeg, taken_at, attempted_at, requested_at = row
    return Stored(bytes(jpeg) if jpeg else None, taken_at, attempted_at, requested_at)


def request(camera_id: int, stored: Stored | None, now: datetime.datetime) -> bool:
    """Ask for a new picture of the camera; True for the one caller per interval that should queue the
    task. `stored` (what the caller just read) spares the write when the camera was asked for lately."""
    since = now - datetime.timedelta(seconds=INTERVAL_S)
    if stored is not None and stored.requested_at is not None and stored.requested_at >= since:
        return False
    due = Q(requested_at__isnull=True) | Q(requested_at__lt=since)
    if CameraSnapshot.objects.filter(due, camera_id=camera_id).update(requested_at=now):
        return True
    try:
        with transaction.atomic():
            CameraSnapshot.objects.create(camera_id=camera_id, requested_at=now)
    except IntegrityError:
        return False  # the row is there: another page asked within the interval
    return True


def encode(result: ProbeResult) -> bytes | None:
    """The probe's first keyframe as a JPEG; None when it brought no picture."""
    if not result.online or not result.keyframes:
        return None
    ok, jpeg = cv2.imencode(".jpg", result.keyframes[0], [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return jpeg.tobytes() if ok else None


def store(camera_id: int, jpeg: bytes | None, now: datetime.datetime) -> None:
    """Record a try at the camera's picture: the new picture, or (None) that it gave none; an older
    picture is kept then, pages show its age."""
    fields: dict[str, object] = {"attempted_at": now}
    if jpeg is not None:
        fields.update(jpeg=jpeg, taken_at=now)
    if CameraSnapshot.objects.filter(camera_id=camera_id).update(**fields):
        return
    try:
        with transaction.atomic():
            CameraSnapshot.objects.create(camera_id=camera_id, **fields)
    except IntegrityError:  # a page created the row meanwhile (its request marker)
        CameraSnapshot.objects.filter(camera_id=camera_id).update(**fields)


@dataclass(frozen=True)
class Evidence:
    """A stored picture taken as evidence, with when the worker took it."""

    jpeg: bytes
    taken_at: datetime.datetime


def evidence(camera_id: int, since: datetime.datetime | None = None) -> Evidence | None:
    """The stored picture with its time, if it was taken at `since` or later (while the problem it shows
    was there; any time when None), as the evidence of a rectification or a patrol finding. Never taken
    now: the notice is issued in a web request (the caller may `request` a newer one)."""
    stored = latest(camera_id)
    if stored is None or stored.jpeg is None or stored.taken_at is None:
        return None
    if since is not None and stored.taken_at < since:
        return None
    return Evidence(stored.jpeg, stored.taken_at)
