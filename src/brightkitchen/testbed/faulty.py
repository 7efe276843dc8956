"""Faulty camera servers on loopback, for the tests and the diagnosis benchmark: what a probe meets when
a camera misbehaves in ways a real RTSP server will not do on purpose.

    with faulty.stalled() as port:        # accepts the connection, then says nothing
        probe(f"rtsp://127.0.0.1:{port}/cam")

Each server runs in daemon threads of the calling process, listens on 127.0.0.1 only, and stops when
its context ends; a handler that the client hangs up on ends quietly.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np

Handler = Callable[[socket.socket], None]
# How long a handler keeps a connection at most: longer than any probe budget, short enough that a
# test session never waits on a leftover thread.
HOLD_S = 8.0


def _guarded(handle: Handler, connection: socket.socket) -> None:
    with connection:
        try:
            handle(connection)
        except OSError:
            pass  # the client hung up, as a probe does when its budget ends


@contextlib.contextmanager
def tcp_server(handle: Handler) -> Iterator[int]:
    """A TCP server on 127.0.0.1 running `handle` for each connection in a thread; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_guarded, args=(handle, connection), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


def _hang(connection: socket.socket) -> None:
    connection.settimeout(HOLD_S)
    deadline = time.monotonic() + HOLD_S
    while time.monotonic() < deadline:
        try:
            if not connection.recv(4096):
                return  # the client closed
        except TimeoutError:
            return


def stalled() -> contextlib.AbstractContextManager[int]:
    """Accepts every connection, reads what the client sends and never answers: a stuck source."""
    return tcp_server(_hang)


def _spew(connection: socket.socket) -> None:
    rng = np.random.default_rng(7)
    deadline = time.monotonic() + HOLD_S
    while time.monotonic() < deadline:
        connection.sendall(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
        time.sleep(0.01)


def garbage() -> contextlib.AbstractContextManager[int]:
    """Answers every connection with random bytes, as a wrong device on the camera's port might."""
    return tcp_server(_spew)


_CSEQ = re.compile(rb"^CSeq:\s*(\d+)", re.IGNORECASE | re.MULTILINE)


def _rtsp_answer(status: str, extra: str = "") -> Handler:
    def answer(connection: socket.socket) -> None:
        connection.settimeout(HOLD_S)
        buffer = b""
        deadline = time.monotonic() + HOLD_S
        while time.monotonic() < deadline:
            chunk = connection.recv(4096)
            if not chunk:
                return
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                request, buffer = buffer.split(b"\r\n\r\n", 1)
                match = _CSEQ.search(request)
                cseq = match.group(1).decode() if match else "1"
                if request.startswith(b"OPTIONS"):
                    methods = "OPTIONS, DESCRIBE, SETUP, PLAY"
                    reply = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: {methods}\r\n\r\n"
                else:
                    reply = f"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n"
                connection.sendall(reply.encode())

    return answer


def unauthorised() -> contextlib.AbstractContextManager[int]:
    """An RTSP server that refuses every DESCRIBE with 401 whatever the credentials (a changed password)."""
    return tcp_server(_rtsp_answer("401 Unauthorized", 'WWW-Authenticate: Basic realm="camera"\r\n'))


def forbidden() -> contextlib.AbstractContextManager[int]:
    """An RTSP server that answers every DESCRIBE with 403 (an account without the right to the stream)."""
    return tcp_server(_rtsp_answer("403 Forbidden"))
