from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from brightkitchen.core import metrics
from brightkitchen.core.context import Actor, acting_as


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a reverse proxy, set the proxy to overwrite X-Real-IP."""
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


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
