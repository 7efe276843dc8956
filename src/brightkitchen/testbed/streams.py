"""Test cameras for tests, the demo and benchmarks: runs `gst_rtsp_server.py` under the system python.

    with RtspTestServer(mounts={"cam": "good", "dark": "dark"}, auth={"cam": ("user", "pw")}) as server:
        probe(server.url("dark"))

GStreamer's RTSP server is reached through python3-gi, which exists for the system python only, so the
server is a subprocess in its own process group; leaving the context kills the whole group.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

import cv2
import numpy as np
import numpy.typing as npt

SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")
SYSTEM_PYTHON = os.environ.get("BRIGHTKITCHEN_GST_PYTHON", "/usr/bin/python3")
SETUP_HINT = "GStreamer's RTSP server is missing: run ./scripts/bootstrap-system base"


class TestServerError(RuntimeError):
    __test__ = False  # not a pytest test class despite the name


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(command: list[str], cores: set[int] | None) -> list[str]:
    """The command run on these CPU cores only (benchmarks keep what they measure apart from the rest);
    taskset sets the affinity before exec, so every thread the process starts inherits it."""
    taskset = shutil.which("taskset")
    if not cores or taskset is None:
        return command
    return [taskset, "-c", ",".join(map(str, sorted(cores))), *command]


def gstreamer_missing() -> str | None:
    """Why the test server cannot run here, or None when it can."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found. {SETUP_HINT}"
    check = (
        "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
        "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
        "missing = [e for e in ('x264enc', 'videotestsrc', 'compositor', 'gaussianblur', 'videobalance',"
        " 'imagefreeze', 'debugqroverlay', 'rtph264pay') if Gst.ElementFactory.find(e) is None];"
        "print(' '.join(missing))"
    )
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", check], capture_output=True, text=True, timeout=30, check=False
    )
    if done.returncode != 0:
        return f"{SETUP_HINT} ({done.stderr.strip().splitlines()[-1:] or 'import failed'})"
    if done.stdout.strip():
        return f"GStreamer elements missing: {done.stdout.strip()}. {SETUP_HINT}"
    return None


class RtspTestServer:
    """A context manager running one RTSP server with the given mounts.

    `mounts` maps a mount name to a preset of gst_rtsp_server.PRESETS, optionally with options
    (``"good:stop_after=3"``, ``"good:timestamp"``); `auth` maps mount names to (user, password).
    `port=None` picks a free port. `encode_once` encodes each preset once for all clients, as real
    cameras do (gst_rtsp_server.py --encode-once): for benchmarks and the demo, where the server's
    CPU must not be what is measured. `cores` keeps the server on those CPU cores.
    """

    __test__ = False

    def __init__(
        self,
        port: int | None = None,
        mounts: dict[str, str] | None = None,
        auth: dict[str, tuple[str, str]] | None = None,
        *,
        host: str = "127.0.0.1",
        start_timeout_s: float = 20.0,
        encode_once: bool = False,
        cores: set[int] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.mounts = mounts or {"good": "good"}
        self.auth = auth or {}
        self.host = host
        self.start_timeout_s = start_timeout_s
        self.encode_once = encode_once
        self.cores = cores
        self.process: subprocess.Popen[str] | None = None

    def command(self) -> list[str]:
        args = [SYSTEM_PYTHON, "-I", str(SCRIPT), "--port", str(self.port)]
        if self.encode_once:
            args.append("--encode-once")
        for name, preset in self.mounts.items():
            args += ["--mount", f"{name}={preset}"]
        for name, (user, password) in self.auth.items():
            args += ["--auth", f"{name}={user}:{password}"]
        return pinned(args, self.cores)

    def url(self, mount: str, *, user: str | None = None, password: str | None = None) -> str:
        """The rtsp:// URL of a mount, with credentials when given."""
        credentials = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user is not None else ""
        return f"rtsp://{credentials}{self.host}:{self.port}/{mount}"

    def start(self) -> RtspTestServer:
        if not SCRIPT.exists() or not Path(SYSTEM_PYTHON).exists():
            raise TestServerError(SETUP_HINT)
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group, killed as one on stop()
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + self.start_timeout_s
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                line = self.process.stdout.readline()
                if line.strip() == "ready":
                    return self
                if not line:  # the script exited
                    break
        error = self._stop_and_collect_stderr()
        raise TestServerError(f"the RTSP test server did not start: {error.strip()[-2000:]}. {SETUP_HINT}")

    def _stop_and_collect_stderr(self) -> str:
        process, self.process = self.process, None
        if process is None:
            return ""
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass
        stderr = process.stderr.read() if process.stderr else ""
        for pipe in (process.stdout, process.stderr):
            if pipe:
                pipe.close()
        return stderr

    def stop(self) -> None:
        self._stop_and_collect_stderr()

    def __enter__(self) -> RtspTestServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def read_burned_timestamp(frame: npt.NDArray[np.uint8]) -> float | None:
    """The wall-clock time (Unix seconds) burned into a frame of a ``:timestamp`` mount, or None.

    The QR code in the top-left corner holds the frame's PTS in nanoseconds ("TIMESTAMP") and
    the offset from PTS to wall-clock time ("wall_offset_ns").
    """
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(np.ascontiguousarray(frame))
    if not text:
        return None
    try:
        # debugqroverlay upper-cases the JSON it encodes unless told otherwise.
        content = {str(key).upper(): value for key, value in json.loads(text).items()}
        return (int(content["TIMESTAMP"]) + int(content["WALL_OFFSET_NS"])) / 1e9
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
