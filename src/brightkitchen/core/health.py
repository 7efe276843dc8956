"""Health and metrics endpoints for operators. Neither returns domain data."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Gauge

from brightkitchen.core import metrics
from brightkitchen.core.middleware import client_ip
from brightkitchen.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        logger.exception("health: database check failed")
        return False


def _check_broker() -> bool:
    from brightkitchen.config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health: broker check failed")
        return False


def _heartbeat_age_s() -> float | None:
    last = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    return None if last is None else (timezone.now() - last).total_seconds()


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    broker = _check_broker()
    age = _heartbeat_age_s() if database else None
    body: dict[str, Any] = {
        "status": "ok" if database and broker else "unavailable",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        # The heartbeat task runs every minute; older than three means no worker or no scheduler.
        "worker": "ok" if age is not None and age < 180 else "stale",
        "worker_heartbeat_age_s": None if age is None else round(age, 1),
    }
    return JsonResponse(body, status=200 if database and broker else 503)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        return True
    ip = client_ip(request)
    if ip is None:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


# Gauges an app adds to /metrics (e.g. schools: how many schools and canteens), registered from its
# AppConfig.ready(): name -> (help text, the function giving the value at scrape time).
_gauges: dict[str, tuple[str, Callable[[], float]]] = {}


def register_gauge(name: str, documentation: str, value: Callable[[], float]) -> None:
    _gauges[name] = (documentation, value)


@login_not_required
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    for name, (documentation, value) in _gauges.items():
        Gauge(name, documentation, registry=registry).set(value())
    Gauge("brightkitchen_users_active", "Active user accounts", registry=registry).set(
        get_user_model().objects.filter(is_active=True).count()
    )
    age = _heartbeat_age_s()
    Gauge(
        "brightkitchen_worker_heartbeat_age_seconds",
        "Seconds since a worker last ran the heartbeat",
        registry=registry,
    ).set(age if age is not None else float("nan"))
    body, content_type = metrics.render(extra=registry)
    return HttpResponse(body, content_type=content_type)
