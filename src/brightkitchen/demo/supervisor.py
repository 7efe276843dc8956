"""Running the web server, the worker and the scheduler as three real processes, and stopping them
together: on Ctrl-C or SIGTERM all of them, and when one dies the others, since a half-running
platform (pages up, no worker) would look healthy while nothing happens in the background.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

POLL_S = 0.2


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    """Use as a context manager: inside it Ctrl-C and SIGTERM ask for a stop instead of raising, and
    leaving it stops every child."""

    children: list[Child]
    env: Mapping[str, str]
    stop_timeout_s: float = 25.0
    log: Callable[[str], None] = print
    stop_requested: bool = field(default=False, init=False)
    _previous: dict[int, Any] = field(default_factory=dict, init=False)

    def __enter__(self) -> Supervisor:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._request_stop)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requested = True

    def start(self) -> None:
        for child in self.children:
            # Own process group: a Ctrl-C in the terminal reaches only this supervisor, which then
            # stops each child once, instead of all of them racing to shut down at the same time.
            child.process = subprocess.Popen(list(child.argv), env=dict(self.env), process_group=0)
            self.log(f"started {child.name} (pid {child.process.pid})")

    def dead_child(self) -> Child | None:
        return next((c for c in self.children if not c.running), None)

    def healthy(self) -> bool:
        return not self.stop_requested and self.dead_child() is None

    def wait(self) -> int:
        """Block until a stop is requested (0) or a child exits on its own (1)."""
        while not self.stop_requested:
            dead = self.dead_child()
            if dead is not None:
                code = dead.process.returncode if dead.process else None
                self.log(f"{dead.name} exited with status {code}; stopping the others")
                return 1
            time.sleep(POLL_S)
        return 0

    def stop(self) -> None:
        for child in self.children:
            if child.running and child.process is not None:
                child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout_s
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.name} did not stop in time; killing it")
                # The whole group: gunicorn's workers and Celery's pool processes go with their master.
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
        self.log("all processes stopped")


def wait_for_port(host: str, port: int, timeout_s: float, keep_waiting: Callable[[], bool]) -> bool:
    """True once something accepts connections on host:port; False on timeout or when
    `keep_waiting` says to give up (a child died, a stop was requested)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and keep_waiting():
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(POLL_S)
    return False
