"""`brightkitchen bench video`: three parts (`--part` picks some). The live view's latency and the
relay's fan-out are in bench/live_video.py.

The sweep part: the camera health sweep's throughput over local RTSP cameras (GStreamer test streams,
live H.264, each picture encoded once for several cameras, as real cameras encode on their own chips,
with keyframes at times of their own), the project's sweep (`cameras.health.check_cameras`: keyframes
only, several probes in flight in one worker process, results written to the database) against the
naive baseline in the same run (one camera after the other, OpenCV VideoCapture reading and decoding
every frame until it has one). The measuring process is pinned to one CPU core and the streaming
server kept off it, so the figures are probes per core-minute; CPU time per probe is printed too.

The first project sweep also diagnoses every picture (three keyframes each, the quality checks, new
cameras); the following ones are the steady state, where a probe checks the camera is online from one
keyframe and the picture is diagnosed every CAMERA_QUALITY_INTERVAL_S. The ratio is taken on the steady
state and printed for the diagnosing sweep too.

Needs some canteen to hang the cameras on (`brightkitchen demo --no-serve` or `seed` first); the bench
cameras are deleted afterwards.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandParser, OutputWrapper
from django.db import connection

from brightkitchen.bench import live_video
from brightkitchen.bench.naive import probe_naive
from brightkitchen.bench.registry import BenchError
from brightkitchen.cameras import credentials, health
from brightkitchen.cameras.models import Camera, CameraStatus, KeyPoint, SourceKind
from brightkitchen.cameras.sources import source_for
from brightkitchen.demo.tables import text_table
from brightkitchen.schools.models import Canteen
from brightkitchen.testbed.outbound import loopback_cameras_allowed
from brightkitchen.testbed.streams import RtspTestServer, gstreamer_missing

TARGET_RATIO = 20.0
PARTS = ("sweep", "latency", "fanout")
NAME_PREFIX = "bench-video-"


@dataclass(frozen=True)
class Round:
    implementation: str
    probes: int
    online: int
    wall_s: float
    cpu_s: float

    @property
    def per_core_minute(self) -> float:
        return self.probes / (self.wall_s / 60)

    @property
    def cpu_ms_per_probe(self) -> float:
        return 1000 * self.cpu_s / self.probes


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(implementation: str, probes: int, run: Any) -> Round:
    wall, cpu = time.perf_counter(), _cpu_s()
    online = run()
    return Round(implementation, probes, online, time.perf_counter() - wall, _cpu_s() - cpu)


class VideoBenchmark:
    name = "video"
    help = (
        "Camera health sweep throughput against a sequential OpenCV baseline (needs some canteen: run "
        "the demo or a seed first), live-view latency in Chromium against a direct RTSP read, and the "
        "relay's CPU and memory with 1/10/50 viewers against a transcoding relay (needs GStreamer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--part",
            choices=PARTS,
            action="append",
            help="run only this part (sweep, latency, fanout; repeatable); default all three",
        )
        parser.add_argument("--cameras", type=int, default=50, help="sweep: test cameras (default 50)")
        parser.add_argument("--rounds", type=int, default=3, help="sweeps of every camera (project)")
        parser.add_argument("--baseline-rounds", type=int, default=1, help="sweeps by the baseline")
        live_video.add_live_arguments(parser)

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        missing = gstreamer_missing()
        if missing:
            raise BenchError(missing)
        parts = options.get("part") or PARTS
        # The benchmark's cameras stream from this machine (loopback), which production's policy refuses.
        with loopback_cameras_allowed():
            self._run(out, options, parts)

    def _run(self, out: OutputWrapper, options: dict[str, Any], parts: Any) -> None:
        if "sweep" in parts:
            self.sweep(out, options)
        if "latency" in parts:
            out.write("")
            live_video.run_latency(out, options)
        if "fanout" in parts:
            out.write("")
            live_video.run_fanout(out, options)

    def sweep(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        canteen = Canteen.objects.order_by("pk").first()
        if canteen is None:
            raise BenchError("No canteen: run `brightkitchen demo --no-serve` or `brightkitchen seed` first.")
        n = max(1, options["cameras"])
        cores = sorted(os.sched_getaffinity(0))
        measured, others = cores[0], set(cores[1:])
        mounts = {f"cam{i:03d}": "good" for i in range(n)}
        with RtspTestServer(mounts=mounts, start_timeout_s=60, encode_once=True, cores=others) as server:
            os.sched_setaffinity(0, {measured})
            try:
                ids = _cameras(canteen, server, n)
                out.write(
                    f"bench video: database {connection.vendor}, {n} cameras (640×360 H.264, 15 fps, a "
                    f"keyframe a second), measured on core {measured} of {len(cores)}, streams on "
                    f"{'the others' if others else 'the same core'}; {health.PROBE_THREADS} probes in flight"
                )
                health.check_cameras(ids[:1])  # warm-up: imports, codec set-up
                rounds = [_timed("project, diagnosis", n, lambda: _project(ids))]
                rounds += [
                    _timed("project", n, lambda: _project(ids)) for _ in range(max(1, options["rounds"]) - 1)
                ]
                urls = [source_for(c).open_url() for c in Camera.objects.filter(pk__in=ids).order_by("pk")]
                rounds += [
                    _timed("baseline", n, lambda: sum(probe_naive(url).online for url in urls))
                    for _ in range(max(0, options["baseline_rounds"]))
                ]
            finally:
                os.sched_setaffinity(0, set(cores))
                Camera.objects.filter(name__startswith=NAME_PREFIX).delete()
        _report(out, rounds)


def _cameras(canteen: Canteen, server: RtspTestServer, n: int) -> list[int]:
    Camera.objects.filter(name__startswith=NAME_PREFIX).delete()
    rows = []
    for i in range(n):
        url = server.url(f"cam{i:03d}")
        rows.append(
            Camera(
                canteen=canteen,
                name=f"{NAME_PREFIX}{i:03d}",
                key_point=KeyPoint.OTHER,
                source_kind=SourceKind.RTSP,
                source_secret=credentials.encrypt(url),
                display_url=credentials.redact(url),
            )
        )
    return [camera.pk for camera in Camera.objects.bulk_create(rows)]


def _project(ids: list[int]) -> int:
    health.check_cameras(ids)
    return Camera.objects.filter(pk__in=ids, status=CameraStatus.ONLINE).count()


def _report(out: OutputWrapper, rounds: list[Round]) -> None:
    rows = [
        (
            r.implementation,
            r.probes,
            r.online,
            f"{r.wall_s:.2f}",
            f"{r.cpu_s:.2f}",
            f"{r.cpu_ms_per_probe:.1f}",
            f"{r.per_core_minute:.0f}",
        )
        for r in rounds
    ]
    header = ("implementation", "probes", "online", "wall s", "CPU s", "CPU ms/probe", "probes/core-min")
    out.write(text_table(header, rows, right_align=(1, 2, 3, 4, 5, 6)))
    baseline = [r for r in rounds if r.implementation == "baseline"]
    if not baseline:
        return
    base = _median([r.per_core_minute for r in baseline])
    first = rounds[0].per_core_minute / base
    out.write(f"ratio project/baseline, probes per core-minute, diagnosing sweep: x{first:.1f}")
    steady = [r.per_core_minute for r in rounds if r.implementation == "project"]
    if not steady:
        return
    ratio = _median(steady) / base
    out.write(f"ratio project/baseline, probes per core-minute (median rounds): x{ratio:.1f}")
    out.write(f"target >= {TARGET_RATIO:.0f}x: {'met' if ratio >= TARGET_RATIO else 'MISSED'}")


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


BENCHMARK = VideoBenchmark()
