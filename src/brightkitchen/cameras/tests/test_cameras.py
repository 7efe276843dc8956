"""Cameras: URL validation and encryption, the source registry, public hours, services' refusals, the
API and pages (never the secret), the audit log, the dashboard figures and risk signals, the public
offline board, the school-file section and the demo data."""

from __future__ import annotations

import datetime
import json
import random
import uuid
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.cameras import credentials, demo_data, figures, selectors, services, sources
from brightkitchen.cameras.models import (
    PUBLIC_HOURS_ZONE,
    Camera,
    CameraHealthEvent,
    CameraStatus,
    KeyPoint,
    public_now_q,
)
from brightkitchen.cameras.tests.factories import NAME, PASSWORD, cameras, raw_url
from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.scoping import Action
from brightkitchen.schools.metrics import MetricInput, Ratio
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.django_db

SECRET = "Very-Secret-99"
URL = f"rtsp://admin:{SECRET}@127.0.10.64:554/Streaming/Channels/101"


def _add(w: World, who: str = "manager_a", county: str = "a", **extra: Any) -> tuple[Camera, bool]:
    args: dict[str, Any] = {
        "name": "烹饪区",
        "key_point": "cooking",
        "source_kind": "rtsp",
        "source_url": URL,
        **extra,
    }
    return services.add_camera(w.users[who], w.canteens[county].pk, **args)


# --- URLs and encryption ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("rtsp", "http://host/x"),
        ("http", "rtsp://host/x"),
        ("rtsp", "rtsp:///path"),
        ("rtsp", "rtsp://host:0/x"),
        ("rtsp", "rtsp://host:70000/x"),
        ("rtsp", "rtsp://host:abc/x"),
        ("rtsp", "rtsp://ho st/x"),
        ("rtsp", "rtsp://bad_host!/x"),
        ("rtsp", "rtsp://host/" + "a" * 1000),
        ("rtsp", ""),
        ("rtsp", "not a url"),
    ],
)
def test_malformed_urls_are_refused_naming_source_url(kind: str, url: str) -> None:
    with pytest.raises(FieldError) as err:
        credentials.validate_url(kind, url)
    assert err.value.field == "source_url" and err.value.status == 400


def test_good_urls_and_redaction() -> None:
    assert credentials.validate_url("rtsp", " rtsps://[::1]:322/a ") == "rtsps://[::1]:322/a"
    assert (
        credentials.validate_url("http", "https://cam.example.cn/live.flv")
        == "https://cam.example.cn/live.flv"
    )
    assert credentials.redact(URL) == "rtsp://***@127.0.10.64:554/Streaming/Channels/101"
    assert credentials.redact("https://h/s?token=abc") == "https://h/s?***"
    assert credentials.redact("rtsp://[::1]:554/x") == "rtsp://[::1]:554/x"


def test_encryption_round_trip_and_key_setting(settings: Any) -> None:
    token = credentials.encrypt(URL)
    assert SECRET not in token and "127.0.10" not in token
    assert credentials.decrypt(token) == URL
    settings.CAMERA_SECRET_KEY = Fernet.generate_key().decode()
    with pytest.raises(credentials.UndecryptableSource):
        credentials.decrypt(token)  # another key: the derived one no longer applies
    assert credentials.decrypt(credentials.encrypt(URL)) == URL


# --- Sources ---------------------------------------------------------------------------------------------


def test_source_registry(world: World) -> None:
    camera, _ = _add(world)
    source = sources.source_for(camera)
    assert source.kind == "rtsp" and source.open_url() == URL
    assert SECRET not in source.display_url and SECRET not in repr(source)
    camera.source_kind = "gb28181"
    with pytest.raises(sources.UnsupportedSourceKind) as err:
        sources.source_for(camera)
    assert err.value.field == "source_kind" and err.value.code == "not_supported"

    class Fake:
        kind = "gb28181"
        display_url = "gb28181://34020000001320000001"

        def open_url(self) -> str:
            return "rtsp://127.0.0.1:554/rtp/34020000001320000001"

    sources.register_source_kind("gb28181", lambda c: Fake())
    try:
        assert sources.source_for(camera).open_url().endswith("0001")
    finally:
        del sources._REGISTRY["gb28181"]


def test_gb28181_is_refused_by_services(world: World) -> None:
    with pytest.raises(FieldError) as err:
        _add(world, source_kind="gb28181")
    assert err.value.field == "source_kind" and err.value.code == "not_supported"


# --- Public hours ----------------------------------------------------------------------------------------


def _at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, 5, 6, hour, minute, tzinfo=PUBLIC_HOURS_ZONE)


def test_public_hours_across_midnight(world: World) -> None:
    night, _ = _add(
        world, name="夜间", is_public=True, public_from=datetime.time(22), public_until=datetime.time(6)
    )
    day, _ = _add(
        world, name="午餐", is_public=True, public_from=datetime.time(10, 30), public_until=datetime.time(13)
    )
    always, _ = _add(world, name="全天", is_public=True)
    private, _ = _add(world, name="内部")
    cases = {
        (21, 59): {always},
        (22, 0): {night, always},
        (3, 0): {night, always},
        (6, 0): {always},
        (10, 30): {day, always},
        (12, 59): {day, always},
        (13, 0): {always},
    }
    for (hour, minute), expected in cases.items():
        now = _at(hour, minute)
        by_rule = {c for c in (night, day, always, private) if selectors.is_public_now(c, now)}
        assert by_rule == expected, (hour, minute)
        # The public scope's filter (Camera.scope_rule.public) agrees with the rule on loaded rows.
        assert set(Camera.objects.filter(public_now_q(now))) == expected, (hour, minute)
    # The public scope itself (visible_to an anonymous visitor, a parent, or None) uses the same filter
    # at the present hour, and never lets the public change a camera.
    seen = set(Camera.objects.visible_to(None))
    assert always in seen and private not in seen
    assert (
        seen
        == set(Camera.objects.visible_to(AnonymousUser()))
        == set(Camera.objects.visible_to(world.users["public"]))
    )
    assert not Camera.objects.visible_to(world.users["public"], Action.CHANGE).exists()
    # A server in another zone still reads the hours in China's time.
    assert selectors.is_public_now(night, _at(23).astimezone(datetime.UTC))
    always.enabled = False
    assert not selectors.is_public_now(always, _at(12))


# --- Services --------------------------------------------------------------------------------------------


def test_add_is_idempotent_and_audited_without_secret(world: World) -> None:
    key = uuid.uuid4()
    camera, created = _add(world, submission_key=key)
    again, created_again = _add(world, submission_key=key)
    assert created and not created_again and again.pk == camera.pk
    assert Camera.objects.count() == 1
    assert camera.display_url == "rtsp://***@127.0.10.64:554/Streaming/Channels/101"
    services.change_camera(world.users["regulator_a"], camera.pk, {"source_url": URL.replace("99", "77")})
    services.set_thresholds(world.users["principal_a"], camera.pk, {"blur": 80})
    entries = AuditLogEntry.objects.filter(object_id=str(camera.pk), content_type__model="camera")
    assert entries.count() == 3
    dump = json.dumps([[e.before, e.after, e.object_repr] for e in entries], ensure_ascii=False)
    assert SECRET not in dump and "Secret-77" not in dump and "source_secret" not in dump
    assert "source_changed_at" in dump  # a changed password shows as a change, without the password


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("staff_a", PermissionDenied),
        ("edu_a", PermissionDenied),
        ("regulator_b", Http404),
        ("public", Http404),
    ],
)
def test_add_refused_for_wrong_role_or_county(world: World, who: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        _add(world, who)
    assert not Camera.objects.exists()


def test_service_refusals_name_the_field(world: World) -> None:
    checks: list[tuple[dict[str, Any], str]] = [
        ({"source_url": "http://host/x"}, "source_url"),
        ({"key_point": "attic"}, "key_point"),
        ({"source_kind": "ftp"}, "source_kind"),
        ({"name": " "}, "name"),
        ({"public_from": datetime.time(8)}, "public_until"),
        ({"public_from": datetime.time(8), "public_until": datetime.time(8)}, "public_until"),
        ({"quality_thresholds": {"sharpness": 1.0}}, "quality_thresholds.sharpness"),
        ({"quality_thresholds": {"blur": float("nan")}}, "quality_thresholds.blur"),
        ({"quality_thresholds": {"blur": True}}, "quality_thresholds.blur"),
    ]
    for extra, field in checks:
        with pytest.raises(FieldError) as err:
            _add(world, **extra)
        assert err.value.field == field, extra
    _add(world)
    with pytest.raises(Conflict):
        _add(world)  # the same name in the same canteen


def test_change_disable_and_delete(world: World) -> None:
    camera, _ = _add(world)
    manager = world.users["manager_a"]
    with pytest.raises(FieldError) as err:  # the stored rtsp:// address is not an http one
        services.change_camera(manager, camera.pk, {"source_kind": "http"})
    assert err.value.field == "source_url"
    with pytest.raises(FieldError):
        services.change_camera(manager, camera.pk, {"source_secret": "x"})
    services.set_public(
        manager, camera.pk, is_public=True, public_from=datetime.time(22), public_until=datetime.time(6)
    )
    assert services.disable_camera(manager, camera.pk).enabled is False
    with pytest.raises(PermissionDenied):
        services.change_camera(world.users["edu_a"], camera.pk, {"name": "x"})
    with pytest.raises(Http404):
        services.delete_camera(world.users["manager_b"], camera.pk)
    services.delete_camera(manager, camera.pk)
    assert not Camera.objects.exists()


# --- API and pages ---------------------------------------------------------------------------------------


def test_api_create_refusals_and_no_secret(world: World) -> None:
    client = world.client("manager_a")
    body = {
        "canteen_id": world.canteens["a"].pk,
        "name": "切配间",
        "key_point": "cutting",
        "source_kind": "rtsp",
        "source_url": URL,
    }
    bad = client.post(
        "/api/v1/cameras", {**body, "source_url": "rtsp://:99999/x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["loc"] == ["body", "source_url"]
    gb = client.post("/api/v1/cameras", {**body, "source_kind": "gb28181"}, content_type="application/json")
    assert gb.status_code == 400 and gb.json()["detail"][0]["loc"] == ["body", "source_kind"]
    headers = {"Idempotency-Key": "cam-1"}
    first = client.post("/api/v1/cameras", body, content_type="application/json", headers=headers)
    again = client.post("/api/v1/cameras", body, content_type="application/json", headers=headers)
    assert first.status_code == 201 and again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Camera.objects.count() == 1
    camera_id = first.json()["id"]
    patch = client.patch(f"/api/v1/cameras/{camera_id}", {"name": None}, content_type="application/json")
    assert patch.status_code == 400 and patch.json()["detail"][0]["loc"] == ["body", "name"]
    patch = client.patch(
        f"/api/v1/cameras/{camera_id}", {"quality_thresholds": {"dark": 30}}, content_type="application/json"
    )
    assert patch.status_code == 200 and patch.json()["quality_thresholds"] == {"dark": 30.0}
    texts = [
        first.content.decode(),
        client.get("/api/v1/cameras").content.decode(),
        client.get(f"/api/v1/cameras/{camera_id}").content.decode(),
        client.get(f"/cameras/{camera_id}/").content.decode(),
        client.get(f"/cameras/canteens/{world.canteens['a'].pk}/").content.decode(),
        client.get("/cameras/").content.decode(),
        client.get(f"/schools/{world.schools['a'].pk}/").content.decode(),
    ]
    for text in texts:
        assert SECRET not in text and URL not in text and "admin:" not in text
    assert "rtsp://***@127.0.10.64:554" in texts[2]
    assert SECRET not in json.dumps(list(AuditLogEntry.objects.values("before", "after", "object_repr")))


def test_pages_add_edit_never_echo_the_password(world: World) -> None:
    client = world.client("manager_a")
    url = f"/cameras/canteens/{world.canteens['a'].pk}/"
    form = {
        "name": "粗加工",
        "key_point": "rough_processing",
        "source_kind": "rtsp",
        "source_url": "rtsp://u:" + SECRET + "@h:99999/x",
    }
    refused = client.post(url, {**form, "submission_key": str(uuid.uuid4())})
    assert refused.status_code == 400 and SECRET not in refused.content.decode()
    assert "1 to 65535" in refused.content.decode() or "65535" in refused.content.decode()
    form["source_url"] = URL
    assert client.post(url, {**form, "submission_key": str(uuid.uuid4())}).status_code == 302
    camera = Camera.objects.get()
    edit = client.post(f"/cameras/{camera.pk}/edit/", {**form, "source_url": "", "threshold_blur": "70"})
    assert edit.status_code == 302
    camera.refresh_from_db()
    assert camera.quality_thresholds == {"blur": 70.0} and sources.source_for(camera).open_url() == URL
    bad = client.post(f"/cameras/{camera.pk}/edit/", {**form, "threshold_blur": "not a number"})
    assert bad.status_code == 400 and SECRET not in bad.content.decode()
    assert 'id="id_threshold_blur-error"' in bad.content.decode()
    # Each check has its own labelled number, showing what is set now.
    page = client.get(f"/cameras/{camera.pk}/").content.decode()
    assert 'name="threshold_blur"' in page and 'value="70.0"' in page and "模糊" in page
    assert (
        world.client("staff_a")
        .post(url, {**form, "name": "x", "submission_key": str(uuid.uuid4())})
        .status_code
        == 403
    )


# --- Figures ---------------------------------------------------------------------------------------------


def test_indicators_on_known_statuses(world: World) -> None:
    a, b = world.canteens["a"], world.canteens["b"]
    rows = [
        ("cooking", True, CameraStatus.ONLINE, True),
        ("storeroom", True, CameraStatus.ONLINE, False),
        ("cutting", True, CameraStatus.OFFLINE, None),
        ("special_room", False, CameraStatus.ONLINE, True),  # disabled: counts nowhere
        ("other", True, CameraStatus.UNKNOWN, None),  # not a required point
    ]
    Camera.objects.bulk_create(
        Camera(
            canteen=a,
            name=point,
            key_point=point,
            source_kind="rtsp",
            source_secret=credentials.encrypt(URL),
            display_url=credentials.redact(URL),
            enabled=enabled,
            status=status,
            clarity_ok=clear,
        )
        for point, enabled, status, clear in rows
    )
    today = timezone.localdate()
    inp = MetricInput(Canteen.objects.filter(pk__in=[a.pk, b.pk]), today.replace(day=1), today)
    assert figures.coverage(inp) == {"140702": Ratio(1, 1), "140703": Ratio(0, 1)}
    assert figures.online_rate(inp) == {"140702": Ratio(2, 4)}
    assert figures.clarity_compliance(inp) == {"140702": Ratio(1, 2)}
    assert figures.key_point_coverage(inp) == {"140702": Ratio(2, 7), "140703": Ratio(0, 7)}
    from brightkitchen.dashboards.indicators import registered_indicators

    keys = {i.key for i in registered_indicators()}
    assert {"camera_coverage", "camera_online_rate", "camera_clarity", "camera_key_points"} <= keys


def test_risk_signals_count_episodes_in_the_period(world: World) -> None:
    camera = cameras(world)["a"]  # one open offline event, started now
    now = timezone.now()
    CameraHealthEvent.objects.bulk_create(
        [
            CameraHealthEvent(
                camera=camera,
                kind="offline",
                started_at=now - datetime.timedelta(days=3),
                ended_at=now - datetime.timedelta(days=2),
            ),
            CameraHealthEvent(
                camera=camera,
                kind="offline",
                started_at=now - datetime.timedelta(days=90),
                ended_at=now - datetime.timedelta(days=89),
            ),
            CameraHealthEvent(camera=camera, kind="blur", started_at=now - datetime.timedelta(days=1)),
        ]
    )
    today = timezone.localdate()
    canteens = Canteen.objects.all()
    offline = figures.offline_signal(canteens, today - datetime.timedelta(days=30), today)
    assert offline[world.canteens["a"].pk].value == 2 and offline[world.canteens["a"].pk].points == 4
    assert offline[world.canteens["b"].pk].value == 1
    clarity = figures.clarity_signal(canteens, today - datetime.timedelta(days=30), today)
    assert (
        clarity == {world.canteens["a"].pk: clarity[world.canteens["a"].pk]}
        and clarity[world.canteens["a"].pk].points == 1
    )
    from brightkitchen.risk.signals import registered_signals

    assert {"camera_offline", "camera_clarity"} <= {s.key for s in registered_signals()}


# --- Offline board, section, demo ------------------------------------------------------------------------


def test_offline_board_is_public_filtered_and_without_secrets(world: World) -> None:
    made = cameras(world)
    Camera.objects.filter(pk=made["b"].pk).update(enabled=False)  # disabled cameras are not exposed
    anonymous = world.client(None)
    page = anonymous.get("/cameras/offline/")
    text = page.content.decode()
    assert page.status_code == 200
    assert world.canteens["a"].name in text and world.canteens["b"].name not in text
    for secret in (PASSWORD["a"], raw_url("a"), "rtsp://", NAME["a"]):
        assert secret not in text
    Camera.objects.filter(pk=made["b"].pk).update(enabled=True)
    only_b = anonymous.get("/cameras/offline/?region=140703").content.decode()
    assert world.canteens["b"].name in only_b and world.canteens["a"].name not in only_b
    assert anonymous.get("/cameras/offline/?region=14'--").status_code == 400
    Camera.objects.update(status=CameraStatus.ONLINE)
    assert world.canteens["a"].name not in anonymous.get("/cameras/offline/").content.decode()


def test_offline_board_picks_regions_by_name_and_says_when_nothing_was_checked(world: World) -> None:
    """The board is linked from the sign-in page and the navigation; its picker names the regions below
    (with how many canteens are offline there), never asks for a code; empty, it says whether the
    cameras were checked (all online) or not yet."""
    cameras(world)
    anonymous = world.client(None)
    assert "/cameras/offline/" in anonymous.get("/accounts/login/").content.decode()
    assert "/cameras/offline/" in world.client("manager_a").get("/", follow=True).content.decode()
    top = anonymous.get("/cameras/offline/").content.decode()
    assert "?region=14" in top and "山西省" in top and 'name="region"' not in top
    city = anonymous.get("/cameras/offline/?region=1407").content.decode()
    assert f"?region={COUNTY_A}" in city and "榆次区" in city and "晋中市" in city
    CameraHealthEvent.objects.update(ended_at=timezone.now())  # every camera back online
    Camera.objects.update(status=CameraStatus.ONLINE, last_probe_at=None)
    never = anonymous.get("/cameras/offline/").content.decode()
    assert "尚未检测" in never or "还未检测" in never
    Camera.objects.update(last_probe_at=timezone.now())
    assert "全部在线" in anonymous.get("/cameras/offline/").content.decode()


def test_school_file_section_lists_cameras_and_events(world: World) -> None:
    cameras(world)
    text = world.client("principal_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert NAME["a"] in text and NAME["b"] not in text and PASSWORD["a"] not in text


def test_demo_cameras_are_idempotent(world: World) -> None:
    canteens = [world.canteens["a"], world.canteens["b"]]
    for _ in range(2):
        demo_data.seed(canteens, timezone.localdate(), random.Random(1))
    # County A is the demo county (every canteen filmed); B's canteen is the second of the list (one in
    # three elsewhere is filmed, the first, fourth, …), so it has none.
    assert Camera.objects.count() == len(demo_data._CAMERAS)
    assert not Camera.objects.filter(canteen=world.canteens["b"]).exists()
    camera = Camera.objects.filter(key_point=KeyPoint.COOKING).first()
    assert camera is not None and camera.status == CameraStatus.UNKNOWN
    assert sources.source_for(camera).open_url().startswith("rtsp://127.0.0.1:855")
