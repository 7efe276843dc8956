"""HTTP requests to addresses users configure (webhook receivers, SMS and WeChat gateways; docking
endpoints later), through the outbound-address policy (core.netpolicy): the host is resolved and checked
when the request is made, and the connection goes to the address that was checked, never to the name
again (DNS rebinding). HTTPS still verifies the certificate against the host name (SNI). No redirect is
followed: a 3xx is an answer like any other, so a receiver cannot send the platform somewhere else.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from brightkitchen.core import netpolicy

ANSWER_LIMIT = 2000  # characters of the answer's body kept


@dataclass(frozen=True)
class Answer:
    status: int
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout_s: float = 10.0,
    context: ssl.SSLContext | None = None,
) -> Answer:
    """POSTs `body` to `url`. Raises netpolicy.OutboundRefused for an address the policy forbids,
    socket.gaierror for a name that does not resolve, OSError (timeouts included) when the connection
    fails; any HTTP answer, 5xx included, comes back as an Answer."""
    parts, host, port = netpolicy.split_url(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise ValueError(f"not an http(s) URL: {url}")
    target = netpolicy.destination(host, port)
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, target.address, port, timeout_s, context or ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, target.address, port, timeout_s)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers={"Content-Length": str(len(body)), **headers})
        response = connection.getresponse()
        text = response.read(ANSWER_LIMIT * 4).decode("utf-8", "replace")[:ANSWER_LIMIT]
        return Answer(response.status, text)
    finally:
        connection.close()
