"""Camera addresses and the outbound policy: refused when saved (services, API, pages: 400 on
source_url) and again when the probe or the relay connects, on the address the name resolves to then.
Every connection here is to loopback; a refused one is shown by a loopback listener that nobody reached."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from brightkitchen.cameras import credentials, sources
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind
from brightkitchen.cameras.probe import ProbeError, probe
from brightkitchen.cameras.relay.upstream import Hub, UpstreamFailed
from brightkitchen.conftest import World
from brightkitchen.core.errors import FieldError

pytestmark = pytest.mark.django_db

# As in production: a school VPN range is listed, loopback is not.
VPN_ONLY = ["10.20.0.0/16"]


@pytest.fixture(autouse=True)
def _loopback_traffic_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The private addresses below are data for the policy (its resolver is offline in tests): a
    connection to anything but loopback fails the test instead of leaving the machine."""
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            if not str(host).startswith("127."):
                raise AssertionError(f"a test connected to {address!r}, not to loopback")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


FORBIDDEN = [
    "rtsp://127.0.0.1:8554/cam",
    "rtsp://2130706433:8554/cam",  # 127.0.0.1, decimal
    "rtsp://0177.0.0.1/cam",  # octal
    "rtsp://0x7f.1/cam",  # hex, short form
    "rtsp://127.1/cam",
    "rtsp://[::1]:554/cam",
    "rtsp://[::ffff:127.0.0.1]/cam",
    "rtsp://localhost:8554/cam",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fe80::1]/x",
    "rtsp://0.0.0.0/cam",
    "rtsp://224.1.1.1/cam",
    "rtsp://192.168.1.64:554/cam",  # private, not listed
    "rtsp://10.21.0.5/cam",  # private, outside the listed range
]

# Names the tests' resolver answers (OUTBOUND_RESOLVER points at it): no DNS server is asked.
ANSWERS: dict[str, list[str]] = {}


def school_resolver(host: str, port: int) -> Sequence[str]:
    if host not in ANSWERS:
        raise socket.gaierror(socket.EAI_NONAME, "unknown to the test resolver")
    return ANSWERS[host]


@pytest.fixture
def vpn_only(settings: Any) -> Iterator[None]:
    settings.OUTBOUND_ALLOWED_NETWORKS = VPN_ONLY
    settings.OUTBOUND_RESOLVER = f"{__name__}.school_resolver"
    ANSWERS.clear()
    yield
    ANSWERS.clear()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback port that counts who connects (through accept with a short timeout)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.3)
    yield sock
    sock.close()


def reached(sock: socket.socket) -> bool:
    try:
        conn, _addr = sock.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


def _body(world: World, url: str, kind: str = "rtsp") -> dict[str, Any]:
    return {
        "canteen_id": world.canteens["a"].pk,
        "name": f"cam-{uuid.uuid4().hex[:6]}",
        "key_point": "cooking",
        "source_kind": kind,
        "source_url": url,
    }


@pytest.mark.parametrize("url", FORBIDDEN)
def test_saving_a_forbidden_address_is_refused_on_source_url(url: str, vpn_only: None) -> None:
    kind = "http" if url.startswith("http") else "rtsp"
    with pytest.raises(FieldError) as err:
        credentials.validate_url(kind, url)
    assert (err.value.field, err.value.status, err.value.code) == ("source_url", 400, "outbound_refused")


def test_private_range_saved_only_inside_the_listed_network(vpn_only: None) -> None:
    # Validation only: the private addresses here are stored as data, never connected to.
    assert credentials.validate_url("rtsp", "rtsp://10.20.0.5/cam") == "rtsp://10.20.0.5/cam"
    ANSWERS["cam.school.example"] = ["10.20.0.9"]
    assert credentials.validate_url("rtsp", "rtsp://cam.school.example/c")
    ANSWERS["bad.school.example"] = ["127.0.0.1"]
    with pytest.raises(FieldError):
        credentials.validate_url("rtsp", "rtsp://bad.school.example/c")


def test_api_create_and_change_refuse_with_400_naming_source_url(world: World, vpn_only: None) -> None:
    # Adding a camera stores its address and probes nothing (the sweep would, on a worker): no traffic
    # leaves the machine; open_url() below only reads the stored address back.
    client = world.client("manager_a")
    for url in ("http://2130706433:8000/", "http://[::1]:8000/", "http://169.254.169.254/latest/meta-data/"):
        answer = client.post("/api/v1/cameras", _body(world, url, "http"), content_type="application/json")
        assert answer.status_code == 400, answer.content
        assert answer.json()["detail"][0]["loc"] == ["body", "source_url"]
    assert not Camera.objects.exists()
    made = client.post(
        "/api/v1/cameras", _body(world, "rtsp://10.20.0.5/cam"), content_type="application/json"
    )
    assert made.status_code == 201
    patch = client.patch(
        f"/api/v1/cameras/{made.json()['id']}",
        {"source_url": "rtsp://127.1:8554/cam"},
        content_type="application/json",
    )
    assert patch.status_code == 400 and patch.json()["detail"][0]["loc"] == ["body", "source_url"]
    assert sources.source_for(Camera.objects.get()).open_url() == "rtsp://10.20.0.5/cam"


def test_the_add_page_refuses_with_the_reason_beside_the_field(world: World, vpn_only: None) -> None:
    client = world.client("manager_a")
    page = client.post(
        f"/cameras/canteens/{world.canteens['a'].pk}/",
        {
            "name": "粗加工",
            "key_point": "rough_processing",
            "source_kind": "http",
            "source_url": "http://169.254.169.254/latest/meta-data/",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert page.status_code == 400
    assert "metadata" in page.content.decode() or "元数据" in page.content.decode()
    assert not Camera.objects.exists()


def _stored(world: World, url: str) -> Camera:
    """A camera whose address was saved before (under another policy, or while its name pointed
    elsewhere): only the check when connecting stands between it and the address."""
    return Camera.objects.create(
        canteen=world.canteens["a"],
        name=f"legacy-{uuid.uuid4().hex[:6]}",
        key_point=KeyPoint.COOKING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(url),
        display_url=credentials.redact(url),
    )


def test_probe_refuses_a_name_re_pointed_after_saving(
    world: World, vpn_only: None, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    url = f"rtsp://cam.school.example:{port}/c"
    ANSWERS["cam.school.example"] = ["10.20.0.9"]
    credentials.validate_url("rtsp", url)  # allowed when saved
    ANSWERS["cam.school.example"] = ["127.0.0.1"]  # DNS rebinding: now it points at this machine
    camera = _stored(world, url)
    result = probe(sources.source_for(camera).open_url(), timeout_s=2)
    assert (result.online, result.error) == (False, ProbeError.REFUSED_BY_POLICY)
    assert "refused by the outbound policy" in result.message
    assert not reached(listener)


def test_probe_refuses_loopback_in_any_notation_without_connecting(
    vpn_only: None, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    for host in ("127.0.0.1", "2130706433", "127.1", "[::ffff:127.0.0.1]", "localhost"):
        result = probe(f"rtsp://{host}:{port}/cam", timeout_s=2)
        assert result.error == ProbeError.REFUSED_BY_POLICY, (host, result)
    assert not reached(listener)


def test_probe_connects_to_loopback_when_the_operator_lists_it(
    settings: Any, listener: socket.socket
) -> None:
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    port = listener.getsockname()[1]
    result = probe(f"rtsp://2130706433:{port}/cam", timeout_s=1)
    assert result.error != ProbeError.REFUSED_BY_POLICY
    assert reached(listener)


def test_the_checked_address_is_what_ffmpeg_opens(world: World, settings: Any) -> None:
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.OUTBOUND_RESOLVER = f"{__name__}.school_resolver"
    ANSWERS["cam.school.example"] = ["10.20.0.9"]
    camera = _stored(world, "rtsp://admin:pw@cam.school.example:554/c")
    assert sources.source_for(camera).open_url() == "rtsp://admin:pw@10.20.0.9:554/c"
    # HTTP keeps its name (virtual hosts): the probe and relay check it where they connect.
    assert sources.pinned_url("http://cam.school.example/live.flv") == "http://cam.school.example/live.flv"
    ANSWERS.clear()


def test_relay_refuses_to_open_a_forbidden_camera(vpn_only: None, listener: socket.socket) -> None:
    port = listener.getsockname()[1]

    async def scenario() -> None:
        hub = Hub(idle_close_s=0.1)
        with pytest.raises(UpstreamFailed, match="outbound policy"):
            await hub.watch(1, f"rtsp://2130706433:{port}/cam", wait_s=5)
        hub.close()

    asyncio.run(scenario())
    assert not reached(listener)
