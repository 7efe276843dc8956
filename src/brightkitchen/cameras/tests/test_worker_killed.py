"""A worker killed with SIGKILL in the middle of a camera batch (issue 12 §7): its cameras are probed again
by the next sweep once their leases lapse, no later than two probe intervals after the kill, and no camera
ends up with two open health events of one kind. Real worker processes on the configured broker, cameras
that stall (accept and never answer, so the batch is mid-probe when the worker dies)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from brightkitchen.cameras.models import Camera, CameraHealthEvent
from brightkitchen.cameras.tasks import sweep_camera_health
from brightkitchen.cameras.tests.factories import stalled_cameras as make_stalled_cameras
from brightkitchen.cameras.tests.test_snapshots import stalled_counting
from brightkitchen.conftest import build_world
from brightkitchen.core.processes import worker_command
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (the region tree kept after a flush)
    _load_regions_if_flushed,
    _region_tree_kept,
)
from brightkitchen.core.tests.test_operations import _database_url_for_subprocess

pytestmark = pytest.mark.django_db(transaction=True)

CAMERAS = 6
LEASE_S = 10  # the workers' probe lease: longer than a probe (6 s), short so the test is quick
INTERVAL_S = 15  # the workers' probe interval


def _worker(tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "PROMETHEUS_MULTIPROC_DIR")},
        "DATABASE_URL": _database_url_for_subprocess(),
        "BROKER_URL": settings.CELERY_BROKER_URL,
        "SECRET_KEY": settings.SECRET_KEY,  # the cameras' stored addresses stay readable
        "BRIGHTKITCHEN_DATA_DIR": str(tmp_path / name),
        "CAMERA_PROBE_LEASE_S": str(LEASE_S),
        "CAMERA_PROBE_INTERVAL_S": str(INTERVAL_S),
        "BRIGHTKITCHEN_TESTING": "1",
    }
    argv = [*worker_command(1), "--pool", "solo", "--without-mingle", "--without-gossip", "-n", f"{name}@%h"]
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait(condition: object, seconds: float, what: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.3)
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))
    raise AssertionError(f"{what} within {seconds:.0f} s\n{logs}")


@pytest.fixture
def stalled_cameras() -> Iterator[list[int]]:
    _load_regions_if_flushed()
    world = build_world()
    with stalled_counting() as (port, _connected):
        made = make_stalled_cameras(world.canteens["a"], port, CAMERAS)
        yield [camera.pk for camera in made]


def test_a_worker_killed_mid_batch_leaves_no_camera_behind(
    stalled_cameras: list[int], tmp_path: Path
) -> None:
    cameras = Camera.objects.filter(pk__in=stalled_cameras)
    first = _worker(tmp_path, "first")
    second: subprocess.Popen[bytes] | None = None
    try:
        sweep_camera_health()  # what the scheduler runs: the batch goes through the broker
        _wait(
            lambda: cameras.filter(probe_lease_until__isnull=False).count() == CAMERAS,
            60,
            "the first worker did not take the batch",
            tmp_path,
        )
        first.send_signal(signal.SIGKILL)  # mid-probe: the cameras stall for the probe's 6 s
        first.wait(timeout=10)
        killed_at = time.monotonic()
        assert not cameras.filter(last_probe_at__isnull=False).exists(), "the batch ended before the kill"

        second = _worker(tmp_path, "second")

        def all_probed() -> bool:
            sweep_camera_health()  # every few seconds here; the scheduler runs it every minute
            return not cameras.filter(last_probe_at__isnull=True).exists()

        _wait(all_probed, 2 * INTERVAL_S + 30, "the cameras were not all probed again", tmp_path)
        probed_after = time.monotonic() - killed_at
        assert probed_after < 2 * INTERVAL_S + LEASE_S, f"probed again {probed_after:.0f} s after the kill"
        open_events = (
            CameraHealthEvent.objects.filter(camera_id__in=stalled_cameras, ended_at__isnull=True)
            .values("camera_id", "kind")
            .annotate(n=Count("pk"))
        )
        assert {row["camera_id"] for row in open_events} == set(stalled_cameras)
        assert all(row["n"] == 1 for row in open_events), list(open_events)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
