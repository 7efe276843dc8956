"""Real peers of the notification channels on loopback, for their tests and `bench notifications`: an SMTP
server (aiosmtpd) and an HTTP receiver that answers as it is told (a webhook receiver, the SMS and
WeChat gateways)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from brightkitchen.testbed.streams import free_port


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)  # time.perf_counter() of each acceptance
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(parsed)
        self.accepted_at.append(time.perf_counter())
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.perf_counter)

    def json(self) -> Any:
        return json.loads(self.body)


# (request) → (status, body as JSON-able or bytes)
Answerer = Callable[[Request], tuple[int, Any]]


@dataclass
class Receiver:
    answer: Answerer
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def http_receiver(answer: Answerer | None = None) -> Iterator[Receiver]:
    receiver = Receiver(answer or (lambda request: (200, {"ok": True})))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = Request(
                self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            receiver.requests.append(request)
            status, body = receiver.answer(request)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
