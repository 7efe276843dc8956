"""The demo's process supervision, with real child processes."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path

from brightkitchen.demo.supervisor import Child, Supervisor, wait_for_port


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


SLEEPER = _python("import time; time.sleep(60)")


def test_a_dying_child_stops_the_others() -> None:
    log: list[str] = []
    sleeper, crasher = Child("sleeper", SLEEPER), Child("crasher", _python("import sys; sys.exit(3)"))
    with Supervisor([sleeper, crasher], os.environ, stop_timeout_s=10, log=log.append) as supervisor:
        supervisor.start()
        assert supervisor.wait() == 1
    assert sleeper.process is not None
    assert sleeper.process.returncode == -signal.SIGTERM
    assert "crasher exited with status 3; stopping the others" in log


def test_sigterm_stops_every_child_and_reports_success() -> None:
    children = [Child(f"sleeper{i}", SLEEPER) for i in range(3)]
    with Supervisor(children, os.environ, stop_timeout_s=10, log=lambda line: None) as supervisor:
        supervisor.start()
        os.kill(os.getpid(), signal.SIGTERM)
        assert supervisor.wait() == 0
    assert [c.process.returncode if c.process else None for c in children] == [-signal.SIGTERM] * 3
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    stubborn = Child(
        "stubborn",
        _python(
            "import signal, time, pathlib; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            f"pathlib.Path({str(ready)!r}).touch(); time.sleep(60)"
        ),
    )
    with Supervisor([stubborn], os.environ, stop_timeout_s=0.5, log=lambda line: None) as supervisor:
        supervisor.start()
        deadline = time.monotonic() + 10
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    assert stubborn.process is not None
    assert stubborn.process.returncode == -signal.SIGKILL


def test_wait_for_port() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert wait_for_port("127.0.0.1", port, 5, lambda: True)
    assert not wait_for_port("127.0.0.1", port, 5, lambda: False)
