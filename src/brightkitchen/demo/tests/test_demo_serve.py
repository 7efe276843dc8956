"""`brightkitchen demo` end to end: three real processes on the embedded default, answering over
HTTP, and all of them gone after one SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Settings that would point the demo at a shared server instead of its own throw-away directory.
_SERVER_SETTINGS = (
    "DATABASE_URL",
    "BROKER_URL",
    "CACHE_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "BRIGHTKITCHEN_TESTING",
    "PROMETHEUS_MULTIPROC_DIR",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_serves_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_SETTINGS}
    env["BRIGHTKITCHEN_DATA_DIR"] = str(tmp_path / "data")
    env["RELAY_URL"] = f"http://127.0.0.1:{_free_port()}"  # the live relay, beside the web server
    log_path = tmp_path / "demo.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        demo = subprocess.Popen(
            [sys.executable, "-m", "brightkitchen", "demo", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while _status(f"{base}/healthz") != 200 and demo.poll() is None and time.monotonic() < deadline:
                time.sleep(0.5)
            assert _status(f"{base}/healthz") == 200, log_path.read_text()[-3000:]
            assert _status(f"{base}/accounts/login/") == 200, log_path.read_text()[-3000:]
        finally:
            demo.send_signal(signal.SIGTERM)
            code = demo.wait(timeout=60)
    output = log_path.read_text()
    assert code == 0, output[-3000:]
    pids = [int(pid) for pid in re.findall(r"started \w+ \(pid (\d+)\)", output)]
    assert len(pids) == 5  # web, worker, scheduler, the demo cameras' RTSP server and the live relay
    assert "started cameras" in output and "started relay" in output
    assert not [pid for pid in pids if _alive(pid)]
    assert "yuci_regulator" in output
    assert "all processes stopped" in output
