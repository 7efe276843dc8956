"""Stalled cameras cannot take the web server: the real gunicorn server, configured as `brightkitchen
serve` and the demo run it (2 processes × 4 threads), with every camera's source a stalled server (it
accepts and never answers). 50 snapshot and wall requests at once, and meanwhile /healthz and a regulator's
dashboard still answer (nine in ten within 500 ms, none near the probe timeout); no page connects to a
camera; the cameras asked for get one `take_snapshot` task each, not one per request. Prints the
latencies it measured.

Before snapshots moved to the workers, each snapshot request held a web thread for the probe's 6 s:
eight such requests took every thread, and /healthz waited behind them."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from kombu import Connection

from brightkitchen.cameras.tests.factories import stalled_cameras
from brightkitchen.cameras.tests.test_snapshots import stalled_counting
from brightkitchen.conftest import build_world
from brightkitchen.core.processes import web_command
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (the region tree kept after a flush)
    _load_regions_if_flushed,
    _region_tree_kept,
)
from brightkitchen.core.tests.test_operations import _database_url_for_subprocess

pytestmark = pytest.mark.django_db(transaction=True)

CAMERAS = 8  # the demo server's request slots: 2 processes × 4 threads
REQUESTS = 50
WALLS = 10  # of the 50; the others are snapshots, half of them by anonymous visitors (public cameras)
BUDGET_S = 0.5  # for nine answers in ten of /healthz and the dashboard during the burst
# No single answer may come near the probe's timeout (6 s): that is what a thread held by a camera
# looks like. A lone slower answer below it is the burst's own CPU load on a small machine (2 cores
# serving 50 requests at once), not a held thread.
CEILING_S = 2.0
# Sample /healthz and the dashboard at least this long from the burst's start (longer if it lasts).
WATCH_S = 3.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, cookie: str = "", timeout: float = 30) -> tuple[int, float]:
    """(status, seconds to the whole answer)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status: int = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return status, time.monotonic() - started


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The real web server on a free loopback port, on the test database; yields (base URL, broker URL).
    Its own broker (a SQLite file) so the test can count what the pages queued."""
    port = _free_port()
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    with Connection(broker) as connection:  # the broker's tables exist before two processes race for them
        connection.SimpleQueue("celery").close()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "PROMETHEUS_MULTIPROC_DIR")},
        "DATABASE_URL": _database_url_for_subprocess(),
        "BROKER_URL": broker,
        "SECRET_KEY": settings.SECRET_KEY,  # the test's sessions and camera addresses stay valid
        "BRIGHTKITCHEN_DATA_DIR": str(tmp_path / "data"),
        "BRIGHTKITCHEN_TESTING": "1",
    }
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen(
        web_command(f"127.0.0.1:{port}", workers=2, threads=4), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get(f"{base}/healthz", timeout=5)[0] != 200:
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "web.log").read_text()[
                -3000:
            ]
            time.sleep(0.3)
        yield base, broker
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _queued(broker: str) -> int:
    with Connection(broker) as connection:
        queue = connection.SimpleQueue("celery")
        try:
            return int(queue.qsize())
        finally:
            queue.close()


def test_stalled_cameras_leave_the_web_server_answering(web_server: tuple[str, str], capsys: Any) -> None:
    _load_regions_if_flushed()
    world = build_world()
    signed_in = Client()
    signed_in.force_login(world.users["regulator_a"])
    cookie = f"sessionid={signed_in.cookies['sessionid'].value}"
    base, broker = web_server
    with stalled_counting() as (port, connected):
        cameras = stalled_cameras(world.canteens["a"], port, CAMERAS, is_public=True)
        # Warm both pages once (each process's first answer loads templates and opens connections).
        for _ in range(4):
            _get(f"{base}/healthz")
            _get(f"{base}/dashboards/", cookie)

        def burst(i: int) -> tuple[str, int, float]:
            start.wait()
            if i < WALLS:
                return ("wall", *_get(f"{base}/cameras/wall/?grid=3&rotate=0", cookie))
            camera = cameras[i % CAMERAS]
            who = cookie if i % 2 else ""
            return ("snapshot", *_get(f"{base}/cameras/{camera.pk}/snapshot.jpg", who))

        watched: dict[str, list[tuple[int, float]]] = {"healthz": [], "dashboard": []}
        done = threading.Event()

        def watch(name: str, path: str, with_cookie: str) -> None:
            start.wait()
            until = time.monotonic() + WATCH_S
            while time.monotonic() < until or not done.is_set():
                watched[name].append(_get(f"{base}{path}", with_cookie))
                time.sleep(0.05)

        start = threading.Barrier(REQUESTS + 3)
        watchers = [
            threading.Thread(target=watch, args=("healthz", "/healthz", "")),
            threading.Thread(target=watch, args=("dashboard", "/dashboards/", cookie)),
        ]
        for thread in watchers:
            thread.start()
        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            futures = [pool.submit(burst, i) for i in range(REQUESTS)]
            started = time.monotonic()
            start.wait()
            answers = [f.result() for f in futures]
            burst_s = time.monotonic() - started
        done.set()
        for thread in watchers:
            thread.join()
        time.sleep(0.3)  # a connection a page had started would have been accepted by now
        opened = list(connected)
    queued = _queued(broker)

    def figures(rows: list[tuple[int, float]]) -> str:
        ms = sorted(seconds * 1000 for _, seconds in rows)
        return f"n={len(ms)} median={statistics.median(ms):.0f} ms max={ms[-1]:.0f} ms"

    with capsys.disabled():  # the figures belong in the test output (issue 12 §3 asks for them)
        print(  # noqa: T201
            f"\n{CAMERAS} stalled cameras, {REQUESTS} concurrent snapshot and wall requests on gunicorn "
            f"2×4 threads: burst answered in {burst_s * 1000:.0f} ms "
            f"(snapshots {figures([(s, t) for k, s, t in answers if k == 'snapshot'])}, "
            f"walls {figures([(s, t) for k, s, t in answers if k == 'wall'])}); meanwhile "
            f"/healthz {figures(watched['healthz'])}, dashboard {figures(watched['dashboard'])}; "
            f"camera connections from the web: {len(opened)}; take_snapshot tasks queued: {queued}"
        )
    assert sorted({(kind, status) for kind, status, _ in answers}) == [("snapshot", 202), ("wall", 200)]
    for name, rows in watched.items():
        assert rows and {status for status, _ in rows} == {200}, f"{name}: {rows}"
        seconds = sorted(s for _, s in rows)
        p90 = seconds[int(0.9 * (len(seconds) - 1))]
        assert p90 < BUDGET_S, f"{name}: 90th percentile {p90 * 1000:.0f} ms while the cameras stalled"
        assert seconds[-1] < CEILING_S, f"{name} took {seconds[-1] * 1000:.0f} ms: a thread was held"
    assert opened == [], "a web request connected to a camera"
    assert queued == CAMERAS  # one probe per camera, however many asked
