from __future__ import annotations

import functools
import ipaddress
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from brightkitchen.core import metrics
from brightkitchen.core.context import Actor, acting_as


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES must be CIDR networks, comma-separated: {exc}") from None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a forwarding header entry: "1.2.3.4", "1.2.3.4:5678", "[::1]:80", "::1"."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer's, unless the peer is a proxy listed in TRUSTED_PROXIES (none by
    default). From a trusted proxy, the right-most hop of X-Forwarded-For that is not itself a trusted
    proxy (the left-hand entries are whatever the client wrote), or X-Real-IP when the proxy sends only
    that. Anyone else's forwarding headers are ignored: they are the client's to forge."""
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer_address = _address(peer) if peer else None
    if not trusted or peer_address is None or not any(peer_address in net for net in trusted):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        last = peer_address
        for hop in reversed(forwarded.split(",")):
            address = _address(hop)
            if address is None:
                # A trusted proxy passed on something that is no address: go no further left.
                return str(last)
            if not any(address in net for net in trusted):
                return str(address)
            last = address
        return str(last)  # every hop is one of ours
    real = _address(request.META.get("HTTP_X_REAL_IP", ""))
    return str(real) if real is not None else peer


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and counts it for the metrics endpoint."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "<unmatched>"
        metrics.observe_request(
            request.method or "", route, response.status_code, time.perf_counter() - started
        )
        return response


class AuditActorMiddleware:
    """Makes the signed-in user (session or API token) the actor of everything this request changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for(request, source="web")
        with acting_as(actor):
            request.audit_actor = actor  # type: ignore[attr-defined]
            return self.get_response(request)


def actor_for(request: HttpRequest, source: str) -> Actor:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return Actor(
        user_id=user.pk if signed_in and user is not None else None,
        username=user.get_username() if signed_in and user is not None else "",
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        request_id=getattr(request, "request_id", uuid.uuid4().hex),
        source=source,
    )
