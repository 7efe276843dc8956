"""The live-view benchmarks of `brightkitchen bench video`: glass-to-glass latency in a real browser,
and the relay's cost as viewers are added (fan-out). Neither touches the database.

Latency: the GStreamer test camera burns a QR code with each frame's wall-clock time into the picture;
Chromium plays the camera through the relay (a process of its own) with the project's player (whep.js)
on a local page, samples a few frames a second with requestVideoFrameCallback, and hands the QR corner
of each with its display time to Python, which decodes it. The floor is the same stream read straight
from RTSP by OpenCV. Time to first frame is taken on fresh pages, the first one opening the upstream.

Fan-out: the relay and the viewers run in separate processes, the relay pinned to one core when there
are two; the viewers are aiortc peer connections that decode what they get. The relay's CPU comes from
/proc/<pid>/stat over the measuring window, its memory from VmRSS. The baseline is a transcoding relay
(bench/transcoding_relay.py: decode once, re-encode per viewer) measured the same way in the same run.

Run as `python -m brightkitchen.bench.live_video viewers ...`, this module is the viewers' process.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import secrets
import selectors
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandParser, OutputWrapper

from brightkitchen.bench.registry import BenchError
from brightkitchen.core.browser import CHROMIUM, CHROMIUM_ARGS
from brightkitchen.testbed.streams import pinned

CAMERA_ID = 1
LATENCY_TARGET_MS = 500.0
FIRST_FRAME_TARGET_MS = 1500.0
WHEP_JS = Path(__file__).resolve().parent.parent / "static" / "brightkitchen" / "whep.js"
# The QR code sits at (1, 1) with modules of 3 px, about 160 px square with its quiet zone.
CROP_PX = 220
PAD_PX = 16
SAMPLE_INTERVAL_MS = 200
# The replayed GOP reaches a new viewer in a burst: the first seconds are not the steady state.
WARMUP_S = 2.0
PAGE_TIMEOUT_MS = 15_000
START_TIMEOUT_S = 30.0
SETTLE_S = 1.5


# --- options -------------------------------------------------------------------------------------


def add_live_arguments(parser: CommandParser | argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--latency-seconds", type=float, default=20.0, help="live latency: seconds sampled (default 20)"
    )
    parser.add_argument(
        "--page-loads", type=int, default=5, help="live latency: fresh pages timed to first frame (default 5)"
    )
    parser.add_argument(
        "--no-mdns",
        action="store_true",
        help="live latency: Chromium offers its plain host addresses, not mDNS names (as once a page "
        "has camera permission); by default it hides them as it does for any page (the relay drops "
        "such candidates rather than resolve them)",
    )
    parser.add_argument(
        "--viewers", default="1,10,50", help="fan-out: viewer counts, comma separated (default 1,10,50)"
    )
    parser.add_argument(
        "--fanout-seconds", type=float, default=15.0, help="fan-out: seconds measured per level (default 15)"
    )
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=30.0,
        help="fan-out: seconds a level may take to connect its viewers (default 30)",
    )
    parser.add_argument(
        "--no-fanout-baseline", action="store_true", help="fan-out: skip the transcoding baseline"
    )


def _viewer_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in str(text).split(",") if part.strip()]
    except ValueError:
        raise BenchError(f"--viewers takes counts separated by commas, not {text!r}") from None
    if not counts or min(counts) < 1:
        raise BenchError("--viewers needs at least one count of 1 or more")
    return counts


# --- processes -----------------------------------------------------------------------------------


def _cores() -> tuple[set[int], set[int]]:
    """The core the relay gets to itself and the cores for everything else (the same when only one)."""
    cores = sorted(os.sched_getaffinity(0))
    return {cores[0]}, set(cores[1:]) or {cores[0]}


def _gst_missing() -> None:
    from brightkitchen.testbed.streams import gstreamer_missing

    missing = gstreamer_missing()
    if missing:
        raise BenchError(missing)


@contextlib.contextmanager
def _rtsp_server(mounts: dict[str, str], cores: set[int]) -> Iterator[Any]:
    from brightkitchen.testbed.streams import RtspTestServer, TestServerError

    try:
        with RtspTestServer(mounts=mounts, cores=cores) as server:
            yield server
    except TestServerError as exc:
        raise BenchError(str(exc)) from None


@contextlib.contextmanager
def _process(command: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, ended on leaving; its stderr is kept in a file (a pipe left unread would block
    it) and quoted when it fails."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env
        )
        process.stderr_file = stderr  # type: ignore[attr-defined]
        try:
            yield process
        finally:
            _end(process)


def _end(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _stderr_tail(process: subprocess.Popen[Any]) -> str:
    stderr: IO[bytes] | None = getattr(process, "stderr_file", None)
    if stderr is None:
        return ""
    stderr.seek(0)
    return stderr.read().decode(errors="replace").strip()[-1500:]


def _wait_healthy(process: subprocess.Popen[Any], base_url: str, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the {what} exited at start: {_stderr_tail(process)}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise BenchError(f"the {what} did not answer /healthz within {START_TIMEOUT_S:.0f} s")


@contextlib.contextmanager
def _project_relay(cores: set[int]) -> Iterator[tuple[subprocess.Popen[bytes], str, bytes]]:
    """`brightkitchen relay` in a process of its own, with a secret of this run; yields the process,
    its address and the grant key."""
    from brightkitchen.cameras import grants
    from brightkitchen.testbed.streams import free_port

    secret = secrets.token_urlsafe(32)
    port = free_port()
    env = {**os.environ, "RELAY_SECRET": secret}
    env.setdefault("DJANGO_SETTINGS_MODULE", "brightkitchen.config.settings")
    command = pinned([sys.executable, "-m", "brightkitchen", "relay", "--bind", f"127.0.0.1:{port}"], cores)
    with _process(command, env) as process:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(process, url, "relay")
        yield process, url, grants.relay_key(secret)


@contextlib.contextmanager
def _transcoding_relay(source: str, cores: set[int]) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    from brightkitchen.testbed.streams import free_port

    port = free_port()
    module = "brightkitchen.bench.transcoding_relay"
    command = pinned([sys.executable, "-m", module, "--port", str(port), "--source", source], cores)
    with _process(command) as process:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(process, url, "transcoding relay")
        yield process, url


def _target_pid(process: subprocess.Popen[Any]) -> int:
    """The pid to measure: taskset execs the command, so the pid is the command's own."""
    return process.pid


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far, from /proc (no psutil in the venv)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces and parentheses: the fields start after the last ")".
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- figures -------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# --- live latency --------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>live latency</title>
<script>
/* Marks when the player starts negotiating: it makes its RTCPeerConnection just before createOffer. */
(function () {
  var Native = window.RTCPeerConnection;
  var nativeFetch = window.fetch;
  window.__bench = {
    start: null, posted: null, answered: null, first: null, frames: 0, sampling: false, samples: []
  };
  function Timed(config) {
    if (window.__bench.start === null) { window.__bench.start = performance.now(); }
    return new Native(config);
  }
  Timed.prototype = Native.prototype;
  window.RTCPeerConnection = Timed;
  // And when the offer is posted (the browser's ICE gathered) and answered (the relay's side done).
  window.fetch = function () {
    var bench = window.__bench;
    var pending = nativeFetch.apply(this, arguments);
    if (bench.posted === null) {
      bench.posted = performance.now();
      pending.then(function () { bench.answered = performance.now(); }, function () {});
    }
    return pending;
  };
})();
</script></head>
<body style="margin:0">
<video id="live" data-whep="__WHEP__" data-grant="__GRANT__" data-status="status" muted autoplay playsinline
  width="640" height="360"></video>
<span id="status"></span>
<canvas id="crop" width="__SIDE__" height="__SIDE__"></canvas>
<script>
(function () {
  var video = document.getElementById("live");
  var canvas = document.getElementById("crop");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var last = -1e9;
  function onFrame(now, meta) {
    var bench = window.__bench;
    if (bench.first === null) { bench.first = now; }
    bench.frames += 1;
    if (bench.sampling && now - last >= __INTERVAL__) {
      last = now;
      // A white margin around the crop: the QR code's quiet zone is cut at the frame's edge.
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(video, 0, 0, __CROP__, __CROP__, __PAD__, __PAD__, __CROP__, __CROP__);
      bench.samples.push({
        display: performance.timeOrigin + meta.expectedDisplayTime,
        image: canvas.toDataURL("image/png"),
        width: video.videoWidth,
        height: video.videoHeight
      });
    }
    video.requestVideoFrameCallback(onFrame);
  }
  video.requestVideoFrameCallback(onFrame);
})();
</script>
<script src="/whep.js"></script>
</body></html>
"""


def _page_html(whep_url: str, grant: str) -> str:
    values = {
        "__WHEP__": whep_url,
        "__GRANT__": grant,
        "__SIDE__": str(CROP_PX + 2 * PAD_PX),
        "__CROP__": str(CROP_PX),
        "__PAD__": str(PAD_PX),
        "__INTERVAL__": str(SAMPLE_INTERVAL_MS),
    }
    html = PAGE
    for name, value in values.items():
        html = html.replace(name, value)
    return html


@contextlib.contextmanager
def _page_server(html: str) -> Iterator[str]:
    """The test page and the project's whep.js on 127.0.0.1, so the browser fetches nothing else."""
    script = WHEP_JS.read_bytes()
    page = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, kind = {"/": (page, "text/html"), "/whep.js": (script, "text/javascript")}.get(
                self.path, (b"not found", "text/plain")
            )
            self.send_response(200 if body != b"not found" else 404)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="bench-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class LatencyResult:
    samples: int
    decoded: int
    latencies_ms: list[float]
    first_frames: list[FirstFrame]  # the first load (cold upstream) first
    video_size: tuple[int, int]
    baseline_ms: list[float]


@dataclass(frozen=True)
class FirstFrame:
    """One page load, ms from the player's start: its offer posted (the browser's ICE gathered), the
    relay's answer in, the first frame shown."""

    posted_ms: float
    answered_ms: float
    first_ms: float


FIRST_FRAME_JS = (
    "() => { const b = window.__bench;"
    " return [b.posted - b.start, b.answered - b.start, b.first - b.start]; }"
)


def _open_page(browser: Any, url: str) -> tuple[Any, FirstFrame]:
    """A fresh page on the player, and how long it took to show its first frame."""
    context = browser.new_context(viewport={"width": 700, "height": 700})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    try:
        page.wait_for_function("() => window.__bench.first !== null", timeout=PAGE_TIMEOUT_MS)
    except Exception as exc:
        state = page.evaluate("() => document.getElementById('status').dataset.state || 'none'")
        context.close()
        raise BenchError(
            f"the browser showed no frame within {PAGE_TIMEOUT_MS} ms (player: {state})"
        ) from exc
    posted, answered, first = (float(v) for v in page.evaluate(FIRST_FRAME_JS))
    return page, FirstFrame(posted, answered, first)


def _browser_run(
    url: str, seconds: float, loads: int, mdns: bool
) -> tuple[list[dict[str, Any]], list[FirstFrame]]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BenchError("playwright is not installed in this environment") from None
    first_frames: list[FirstFrame] = []
    with sync_playwright() as playwright:
        args = CHROMIUM_ARGS if mdns else [*CHROMIUM_ARGS, "--disable-features=WebRtcHideLocalIpsWithMdns"]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            page, first = _open_page(browser, url)
            first_frames.append(first)
            time.sleep(WARMUP_S)
            page.evaluate("() => { window.__bench.sampling = true; }")
            time.sleep(seconds)
            samples: list[dict[str, Any]] = page.evaluate("() => window.__bench.samples.splice(0)")
            page.context.close()
            for _ in range(max(0, loads - 1)):
                page, first = _open_page(browser, url)
                first_frames.append(first)
                page.context.close()
        finally:
            browser.close()
    return samples, first_frames


def _decode_sample(sample: dict[str, Any]) -> float | None:
    """Latency in ms of one browser sample, or None when its QR code does not decode."""
    import cv2
    import numpy as np

    from brightkitchen.testbed.streams import read_burned_timestamp

    data = base64.b64decode(str(sample["image"]).partition(",")[2])
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    burned = read_burned_timestamp(np.asarray(image, dtype=np.uint8)) if image is not None else None
    if burned is None:
        return None
    return float(sample["display"]) - burned * 1000


def _opencv_floor(source: str, seconds: float) -> list[float]:
    """The latency of reading the camera straight from RTSP with OpenCV: the burned time against the
    wall clock when the decoded frame is in hand. Every frame is read (so none queue up); only some are
    decoded for their QR code, which costs more than a frame interval."""
    import cv2
    import numpy as np

    from brightkitchen.testbed.streams import read_burned_timestamp

    os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")
    # One decoding thread: FFmpeg's frame threads each hold a frame back, which is delay, not work.
    capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    latencies: list[float] = []
    try:
        if not capture.isOpened():
            return latencies
        started = time.monotonic()
        frame_index = 0
        while time.monotonic() - started < WARMUP_S + seconds:
            ok, frame = capture.read()
            now = time.time()
            if not ok:
                break
            frame_index += 1
            if time.monotonic() - started < WARMUP_S or frame_index % 5:
                continue
            burned = read_burned_timestamp(np.asarray(frame[:CROP_PX, :CROP_PX], dtype=np.uint8))
            if burned is not None:
                latencies.append((now - burned) * 1000)
    finally:
        capture.release()
    return latencies


def measure_latency(seconds: float, loads: int, baseline_seconds: float, mdns: bool = True) -> LatencyResult:
    """The live latency figures (see the module's docstring); raises BenchError when it cannot run."""
    from brightkitchen.cameras import grants

    _gst_missing()
    if not CHROMIUM.exists():
        raise BenchError(f"Chromium not found at {CHROMIUM}: run ./scripts/bootstrap-system dev")
    relay_cores, other_cores = _cores()
    with (
        _rtsp_server({"ts": "good:timestamp"}, other_cores) as server,
        _project_relay(relay_cores) as (_, relay_url, key),
    ):
        source = server.url("ts")
        # Fernet grants live 60 s; the page is reloaded within that, each load posting it anew.
        grant = grants.issue(CAMERA_ID, source, key)
        html = _page_html(f"{relay_url}/whep/{CAMERA_ID}", grant)
        with _page_server(html) as page_url:
            samples, first_frames = _browser_run(page_url, seconds, loads, mdns)
        baseline = _opencv_floor(source, baseline_seconds) if baseline_seconds > 0 else []
    latencies = [ms for ms in map(_decode_sample, samples) if ms is not None]
    size = (int(samples[0]["width"]), int(samples[0]["height"])) if samples else (0, 0)
    return LatencyResult(len(samples), len(latencies), latencies, first_frames, size, baseline)


def run_latency(out: OutputWrapper, options: dict[str, Any]) -> None:
    seconds = max(1.0, float(options.get("latency_seconds", 20.0)))
    loads = max(1, int(options.get("page_loads", 5)))
    mdns = not options.get("no_mdns", False)
    result = measure_latency(seconds, loads, baseline_seconds=min(seconds, 10.0), mdns=mdns)
    out.write(
        f"live latency: GStreamer test camera (640×360 H.264, 15 fps, QR timestamp) → relay process → "
        f"Chromium (headless, whep.js), frames sampled every {SAMPLE_INTERVAL_MS} ms for {seconds:.0f} s "
        f"after {WARMUP_S:.0f} s of play; the browser's picture {result.video_size[0]}×{result.video_size[1]}"
    )
    if not result.latencies_ms:
        raise BenchError(f"no QR timestamp decoded from {result.samples} browser samples")
    lat = result.latencies_ms
    rows: list[tuple[object, ...]] = [
        (
            "relay → Chromium",
            f"{result.decoded}/{result.samples}",
            f"{statistics.median(lat):.0f}",
            f"{_percentile(lat, 0.95):.0f}",
            f"{min(lat):.0f}",
            f"{max(lat):.0f}",
        )
    ]
    base = result.baseline_ms
    if base:
        rows.append(
            (
                "baseline: RTSP → OpenCV",
                str(len(base)),
                f"{statistics.median(base):.0f}",
                f"{_percentile(base, 0.95):.0f}",
                f"{min(base):.0f}",
                f"{max(base):.0f}",
            )
        )
    from brightkitchen.demo.tables import text_table

    header = ("path", "decoded", "median ms", "p95 ms", "min ms", "max ms")
    out.write(text_table(header, rows, right_align=(1, 2, 3, 4, 5)))
    median = statistics.median(lat)
    out.write(f"target median latency < {LATENCY_TARGET_MS:.0f} ms: {_verdict(median < LATENCY_TARGET_MS)}")
    if base:
        added = median - statistics.median(base)
        out.write(
            f"relay + browser minus the direct OpenCV read: {added:+.0f} ms"
            + (" (the direct read is the slower path here, not a floor)" if added < 0 else "")
        )
    out.write(
        "(each RTSP connection gets its own test pipeline, stamped from its first frame's wall time: the "
        "burned times carry an offset of their own, so medians move by tens of ms from run to run)"
    )
    _first_frame_report(out, result.first_frames)


def _first_frame_report(out: OutputWrapper, loads: list[FirstFrame]) -> None:
    from brightkitchen.demo.tables import text_table

    def row(label: str, group: list[FirstFrame]) -> tuple[object, ...]:
        return (
            label,
            len(group),
            f"{statistics.median(f.posted_ms for f in group):.0f}",
            f"{statistics.median(f.answered_ms for f in group):.0f}",
            f"{statistics.median(f.first_ms for f in group):.0f}",
            ", ".join(f"{f.first_ms:.0f}" for f in group),
        )

    cold, warm = loads[:1], loads[1:]
    rows = [row("first load (upstream cold)", cold)]
    if warm:
        rows.append(row("later loads (upstream open)", warm))
    header = ("time to first frame", "loads", "offer posted ms", "answered ms", "first frame ms", "each")
    out.write(text_table(header, rows, right_align=(1, 2, 3, 4)))
    worst = max(statistics.median(f.first_ms for f in group) for group in (cold, warm) if group)
    out.write(
        f"target first frame < {FIRST_FRAME_TARGET_MS:.0f} ms (cold and warm median): "
        f"{_verdict(worst < FIRST_FRAME_TARGET_MS)}"
    )


# --- fan-out: the viewers' process ---------------------------------------------------------------


async def _count_frames(track: Any, frames: list[int], index: int) -> None:
    from aiortc.mediastreams import MediaStreamError

    with contextlib.suppress(MediaStreamError):
        while True:
            await track.recv()
            frames[index] += 1


async def _connect(url: str, grant: str, index: int, frames: list[int], session: Any, pcs: list[Any]) -> bool:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    # No STUN server: everything is on this machine, and the machine is offline.
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pcs.append(pc)
    pc.addTransceiver("video", direction="recvonly")
    pc.on("track", lambda track: asyncio.ensure_future(_count_frames(track, frames, index)))
    await pc.setLocalDescription(await pc.createOffer())
    headers = {"Content-Type": "application/sdp", "Authorization": f"Bearer {grant}"}
    async with session.post(url, data=pc.localDescription.sdp, headers=headers) as response:
        if response.status != 201:
            return False
        answer = await response.text()
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return True


def _emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


async def _viewers(url: str, grant: str, count: int, seconds: float, connect_timeout: float) -> None:
    import aiohttp

    frames = [0] * count
    pcs: list[Any] = []
    deadline = time.monotonic() + connect_timeout
    # A few offers at a time, as viewers arriving, not one burst the baseline could not answer at all.
    gate = asyncio.Semaphore(8)

    async def one(index: int, session: aiohttp.ClientSession) -> bool:
        try:
            async with gate:
                left = deadline - time.monotonic()
                return left > 0 and await asyncio.wait_for(
                    _connect(url, grant, index, frames, session, pcs), left
                )
        except (TimeoutError, aiohttp.ClientError, OSError):
            return False

    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        answered = await asyncio.gather(*(one(i, session) for i in range(count)))
    connected = [i for i, ok in enumerate(answered) if ok]
    while any(frames[i] == 0 for i in connected) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    flowing = [i for i in connected if frames[i] > 0]
    # The replayed GOP arrives as a burst: measure the steady flow after it.
    await asyncio.sleep(SETTLE_S)
    _emit("ready", connected=len(connected), flowing=len(flowing), connect_s=time.monotonic() - started)
    if flowing:
        before, t0 = list(frames), time.monotonic()
        await asyncio.sleep(seconds)
        after, t1 = list(frames), time.monotonic()
        fps = [(after[i] - before[i]) / (t1 - t0) for i in connected]
        _emit("done", fps=fps, seconds=t1 - t0)
    await asyncio.gather(*(asyncio.wait_for(pc.close(), 5) for pc in pcs), return_exceptions=True)


def viewers_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m brightkitchen.bench.live_video viewers")
    parser.add_argument("--url", required=True, help="the WHEP endpoint of the camera")
    parser.add_argument("--grant", default="")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--connect-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    asyncio.run(_viewers(args.url, args.grant, args.count, args.seconds, args.connect_timeout))


# --- fan-out: the measuring side -----------------------------------------------------------------


@dataclass(frozen=True)
class FanoutLevel:
    implementation: str
    viewers: int
    connected: int
    flowing: int
    cpu_pct: float | None  # of one core, over the measuring window
    rss_mb: float | None
    fps: list[float]  # per connected viewer
    viewers_cpu_pct: float | None  # the viewers' process, to see whether it held the figures back
    note: str = ""

    @property
    def cpu_pct_per_viewer(self) -> float | None:
        return None if self.cpu_pct is None or not self.connected else self.cpu_pct / self.connected


def _read_event(process: subprocess.Popen[str], deadline: float) -> dict[str, Any] | None:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                return None
            line = process.stdout.readline()
            if not line:
                return None
            with contextlib.suppress(ValueError):
                event: dict[str, Any] = json.loads(line)
                return event
    return None


def _fanout_level(
    implementation: str,
    relay_pid: int,
    whep_url: str,
    grant: str,
    count: int,
    seconds: float,
    connect_timeout: float,
    cores: set[int],
) -> FanoutLevel:
    command = pinned(
        [
            sys.executable,
            "-m",
            "brightkitchen.bench.live_video",
            "viewers",
            "--url",
            whep_url,
            "--grant",
            grant,
            "--count",
            str(count),
            "--seconds",
            str(seconds),
            "--connect-timeout",
            str(connect_timeout),
        ],
        cores,
    )

    def missing(note: str, connected: int = 0, flowing: int = 0) -> FanoutLevel:
        return FanoutLevel(implementation, count, connected, flowing, None, None, [], None, note)

    viewers = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        ready = _read_event(viewers, time.monotonic() + connect_timeout + 20)
        if ready is None:
            return missing(f"no viewer connected within {connect_timeout:.0f} s")
        connected, flowing = int(ready["connected"]), int(ready["flowing"])
        if not flowing:
            return missing(f"no frames within {connect_timeout:.0f} s", connected, flowing)
        cpu0, viewers_cpu0, t0 = _cpu_s(relay_pid), _cpu_s(viewers.pid), time.monotonic()
        done = _read_event(viewers, time.monotonic() + seconds + 30)
        cpu1, viewers_cpu1, t1 = _cpu_s(relay_pid), _cpu_s(viewers.pid), time.monotonic()
        rss = _rss_mb(relay_pid)
        if done is None:
            return missing("the viewers' process did not report", connected, flowing)
        wall = t1 - t0
        note = f"{connected - flowing} connected without frames" if flowing < connected else ""
        return FanoutLevel(
            implementation,
            count,
            connected,
            flowing,
            100 * (cpu1 - cpu0) / wall,
            rss,
            [float(v) for v in done["fps"]],
            100 * (viewers_cpu1 - viewers_cpu0) / wall,
            note,
        )
    finally:
        _end(viewers)
        if viewers.stdout is not None:
            viewers.stdout.close()


def measure_fanout(
    counts: list[int], seconds: float, connect_timeout: float, baseline: bool = True
) -> list[FanoutLevel]:
    """The fan-out figures (see the module's docstring), project first, then the baseline."""
    from brightkitchen.cameras import grants

    _gst_missing()
    relay_cores, other_cores = _cores()
    levels: list[FanoutLevel] = []
    with _rtsp_server({"cam": "good"}, other_cores) as server:
        source = server.url("cam")
        with _project_relay(relay_cores) as (process, url, key):
            for count in counts:
                grant = grants.issue(CAMERA_ID, source, key)
                levels.append(
                    _fanout_level(
                        "project (H.264 relayed)",
                        _target_pid(process),
                        f"{url}/whep/{CAMERA_ID}",
                        grant,
                        count,
                        seconds,
                        connect_timeout,
                        other_cores,
                    )
                )
        if baseline:
            with _transcoding_relay(source, relay_cores) as (process, url):
                for count in counts:
                    levels.append(
                        _fanout_level(
                            "baseline (transcoding)",
                            _target_pid(process),
                            f"{url}/whep/{CAMERA_ID}",
                            "",
                            count,
                            seconds,
                            connect_timeout,
                            other_cores,
                        )
                    )
    return levels


def _fanout_row(level: FanoutLevel) -> tuple[object, ...]:
    def number(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    fps = level.fps
    return (
        level.implementation,
        level.viewers,
        f"{level.flowing}/{level.viewers}",
        number(level.cpu_pct),
        number(level.cpu_pct_per_viewer, 2),
        number(level.rss_mb, 0),
        number(statistics.median(fps) if fps else None),
        number(min(fps) if fps else None),
        number(level.viewers_cpu_pct, 0),
        level.note,
    )


def run_fanout(out: OutputWrapper, options: dict[str, Any]) -> None:
    from brightkitchen.demo.tables import text_table

    counts = _viewer_counts(str(options.get("viewers", "1,10,50")))
    seconds = max(1.0, float(options.get("fanout_seconds", 15.0)))
    connect_timeout = max(5.0, float(options.get("connect_timeout", 30.0)))
    baseline = not options.get("no_fanout_baseline", False)
    relay_cores, other_cores = _cores()
    out.write(
        f"live fan-out: one camera (640×360 H.264, 15 fps), viewers {', '.join(map(str, counts))} (aiortc, "
        f"decoding, in another process), {seconds:.0f} s measured per level; relay on core "
        f"{min(relay_cores)}, viewers and camera on {','.join(map(str, sorted(other_cores)))}"
    )
    levels = measure_fanout(counts, seconds, connect_timeout, baseline)
    header = (
        "implementation",
        "viewers",
        "with frames",
        "relay CPU %core",
        "CPU %/viewer",
        "RSS MB",
        "fps median",
        "fps min",
        "viewers' CPU %",
        "note",
    )
    out.write(text_table(header, [_fanout_row(level) for level in levels], right_align=range(1, 9)))
    for line in _ratios(levels):
        out.write(line)


def _ratios(levels: list[FanoutLevel]) -> list[str]:
    """project/baseline CPU per viewer at each level both measured; and per frame delivered, which is
    fairer where the baseline fell behind (it then spends less CPU per viewer by sending less)."""
    lines = []
    project = {lv.viewers: lv for lv in levels if lv.implementation.startswith("project")}
    for level in levels:
        mine = project.get(level.viewers)
        if level.implementation.startswith("project") or mine is None:
            continue
        if mine.cpu_pct_per_viewer is None or not level.cpu_pct_per_viewer:
            lines.append(f"{level.viewers} viewers: no ratio (a side did not run)")
            continue
        ratio = mine.cpu_pct_per_viewer / level.cpu_pct_per_viewer
        line = (
            f"{level.viewers} viewers: CPU per viewer project/baseline = {ratio:.3f} (x{1 / ratio:.1f} less)"
        )
        mine_frames, base_frames = sum(mine.fps), sum(level.fps)
        if mine.cpu_pct and level.cpu_pct and mine_frames and base_frames:
            per_frame = (mine.cpu_pct / mine_frames) / (level.cpu_pct / base_frames)
            line += f"; CPU per frame delivered project/baseline = {per_frame:.3f}"
        lines.append(line)
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] != ["viewers"]:
        raise SystemExit("usage: python -m brightkitchen.bench.live_video viewers --url URL --count N ...")
    viewers_main(sys.argv[2:])
