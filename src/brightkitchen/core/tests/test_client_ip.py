"""The client's address (core.middleware.client_ip): forwarding headers count only from the proxies in
TRUSTED_PROXIES, and then the right-most hop that is not one of them. /metrics, the snapshot rate limit
and the audit log all read it (the login throttle's test is in accounts)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.cameras import credentials, snapshots
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind
from brightkitchen.conftest import World
from brightkitchen.core.middleware import client_ip

PROXY = "10.0.0.2"


def _ip(remote: str, **headers: Any) -> str | None:
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_without_trusted_proxies_the_headers_are_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert _ip("203.0.113.5", HTTP_X_REAL_IP="127.0.0.1") == "203.0.113.5"
    assert _ip("203.0.113.5", HTTP_X_FORWARDED_FOR="127.0.0.1") == "203.0.113.5"


def test_from_a_trusted_proxy_the_right_most_untrusted_hop(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/29", "2001:db8:1::/64"]
    # The client wrote the left-hand entries itself; the proxy appended the address it saw.
    assert _ip(PROXY, HTTP_X_FORWARDED_FOR="127.0.0.1, 198.51.100.7") == "198.51.100.7"
    # Through two of our proxies: the hop before them.
    assert _ip(PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7, 10.0.0.3") == "198.51.100.7"
    assert _ip(PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7:5123") == "198.51.100.7"
    assert _ip(PROXY, HTTP_X_FORWARDED_FOR="[2001:db8::7]:443") == "2001:db8::7"
    assert _ip("2001:db8:1::5", HTTP_X_FORWARDED_FOR="2001:db8::7") == "2001:db8::7"
    # Garbage passed on by our proxy: no further left than the last address we trust.
    assert _ip(PROXY, HTTP_X_FORWARDED_FOR="127.0.0.1, unknown") == PROXY
    assert _ip(PROXY, HTTP_X_FORWARDED_FOR="10.0.0.4, 10.0.0.3") == "10.0.0.4"
    # A proxy that sends only X-Real-IP (it overwrites the client's).
    assert _ip(PROXY, HTTP_X_REAL_IP="198.51.100.8") == "198.51.100.8"
    assert _ip(PROXY) == PROXY
    # Not from a trusted proxy: the peer, whatever the headers say.
    assert _ip("198.51.100.9", HTTP_X_FORWARDED_FOR="10.0.0.3", HTTP_X_REAL_IP="127.0.0.1") == "198.51.100.9"


@pytest.mark.django_db
def test_metrics_cannot_be_reached_with_a_forged_header(world: World, settings: Any) -> None:
    client = world.client(None)
    forged: dict[str, Any] = {"HTTP_X_REAL_IP": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "127.0.0.1"}
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", **forged).status_code == 403
    settings.TRUSTED_PROXIES = [f"{PROXY}/32"]
    relayed = client.get("/metrics", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.5")
    assert relayed.status_code == 403
    local = client.get("/metrics", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert local.status_code == 200


@pytest.mark.django_db
def test_the_snapshot_rate_limit_is_not_escaped_by_changing_the_header(world: World, settings: Any) -> None:
    cache.clear()
    camera = Camera.objects.create(
        canteen=world.canteens["a"],
        name="限流",
        key_point=KeyPoint.COOKING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt("rtsp://127.0.0.1:9/cam"),
        display_url="rtsp://127.0.0.1:9/cam",
    )
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(world.users["regulator_a"])
    url = f"/cameras/{camera.pk}/snapshot.jpg"
    statuses = [
        client.get(
            url, HTTP_X_REAL_IP=f"192.0.2.{i % 250}", HTTP_X_FORWARDED_FOR=f"192.0.2.{i % 250}"
        ).status_code
        for i in range(snapshots.SNAPSHOTS_PER_MINUTE + 1)
    ]
    assert 429 not in statuses[:-1] and statuses[-1] == 429


@pytest.mark.django_db
def test_the_audit_log_records_the_address_that_really_connected(world: World, settings: Any) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(world.users["regulator_a"])
    client.post("/accounts/tokens/", {"name": "审计一"}, HTTP_X_REAL_IP="127.0.0.1")
    assert AuditLogEntry.objects.order_by("-pk").values_list("ip", flat=True)[0] == "198.51.100.7"
    settings.TRUSTED_PROXIES = [f"{PROXY}/32"]
    proxied = Client(REMOTE_ADDR=PROXY)
    proxied.force_login(world.users["regulator_a"])
    proxied.post("/accounts/tokens/", {"name": "审计二"}, HTTP_X_FORWARDED_FOR="127.0.0.1, 198.51.100.9")
    assert AuditLogEntry.objects.order_by("-pk").values_list("ip", flat=True)[0] == "198.51.100.9"
