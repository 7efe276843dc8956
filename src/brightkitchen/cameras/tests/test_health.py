"""The health sweep against real RTSP cameras (GStreamer's RTSP server, started by the tests): a good
camera is online with its codec, size and rate and passes every check; a dark one opens a "too dark"
event with its measured value; an unreachable one opens an offline event that closes when it is back;
two workers never probe the same camera at once; the sweep queues only what is due."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from brightkitchen.cameras import credentials, health
from brightkitchen.cameras.models import (
    Camera,
    CameraHealthEvent,
    CameraStatus,
    KeyPoint,
    OfflineCause,
    QualityMeasurement,
    SourceKind,
)
from brightkitchen.cameras.tasks import check_camera_health
from brightkitchen.conftest import World
from brightkitchen.core.tests.test_browser import _region_tree_kept  # noqa: F401  (fixture)
from brightkitchen.testbed.fixtures import USER
from brightkitchen.testbed.streams import RtspTestServer, free_port

pytestmark = pytest.mark.django_db


def _camera(w: World, url: str, name: str = "烹饪区") -> Camera:
    return Camera.objects.create(
        canteen=w.canteens["a"],
        name=name,
        key_point=KeyPoint.COOKING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(url),
        display_url=credentials.redact(url),
    )


def test_a_good_camera_is_online_and_passes_every_check(world: World, rtsp_server: RtspTestServer) -> None:
    camera = _camera(world, rtsp_server.url("good"))
    result = health.check_camera(camera.pk)
    assert result is not None and result.online
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ONLINE
    assert camera.codec == "h264" and (camera.width, camera.height) == (640, 360)
    assert camera.fps is not None and 10 <= camera.fps <= 20
    assert camera.bitrate_kbps and camera.bitrate_kbps > 0
    assert camera.clarity_ok is True and camera.last_frame_at is not None
    assert camera.reference_jpeg  # the first clean picture becomes the scene-change reference
    measured = QualityMeasurement.objects.filter(camera=camera)
    assert measured.exists() and all(m.passed for m in measured)
    assert not CameraHealthEvent.objects.filter(camera=camera).exists()
    assert camera.probe_lease_until is None  # released
    # Until the quality interval has passed, the next probes only say online: one keyframe, no new
    # measurement.
    health.check_camera(camera.pk)
    assert QualityMeasurement.objects.filter(camera=camera).count() == measured.count()
    later = Camera.objects.get(pk=camera.pk).last_probe_at
    assert later is not None and camera.last_probe_at is not None and later > camera.last_probe_at


def test_a_dark_camera_opens_a_too_dark_event_with_its_value(
    world: World, rtsp_server: RtspTestServer, settings: Any
) -> None:
    settings.CAMERA_QUALITY_INTERVAL_S = 0  # every probe diagnoses the picture
    camera = _camera(world, rtsp_server.url("dark"))
    health.check_camera(camera.pk)
    event = CameraHealthEvent.objects.get(camera=camera, ended_at__isnull=True)
    assert event.kind == "dark" and event.value is not None and event.value < 45
    assert (event.threshold, event.decided_by) == (45.0, "luminance")
    with translation.override("zh-hans"):
        assert "太暗" in event.advice and "45.0" in event.advice, event.advice
    dark = QualityMeasurement.objects.get(camera=camera, check_key="dark")
    assert not dark.passed and dark.value == pytest.approx(event.value)
    # A threshold tuned for this kitchen: the same picture now passes and the event closes.
    Camera.objects.filter(pk=camera.pk).update(quality_thresholds={"dark": 5.0})
    health.check_camera(camera.pk)
    event.refresh_from_db()
    assert event.ended_at is not None


def test_offline_opens_and_closes_and_never_raises(world: World, rtsp_server: RtspTestServer) -> None:
    dead = f"rtsp://127.0.0.1:{free_port()}/good"
    camera = _camera(world, dead)
    started = timezone.now()
    result = health.check_camera(camera.pk)
    assert result is not None and not result.online
    assert (timezone.now() - started).total_seconds() < health.PROBE_TIMEOUT_S + 3
    camera.refresh_from_db()
    assert camera.status == CameraStatus.OFFLINE
    offline = CameraHealthEvent.objects.get(camera=camera, kind="offline")
    assert offline.ended_at is None and offline.detail and offline.cause == OfflineCause.REFUSED
    health.check_camera(camera.pk)  # still offline: the same event stays open, no second one
    assert CameraHealthEvent.objects.filter(camera=camera, kind="offline").count() == 1
    # Now the address answers, but the password is wrong: the same event, its cause follows.
    wrong = rtsp_server.url("secure", user=USER, password="not-the-password")
    Camera.objects.filter(pk=camera.pk).update(source_secret=credentials.encrypt(wrong))
    health.check_camera(camera.pk)
    offline.refresh_from_db()
    assert (offline.ended_at, offline.cause) == (None, OfflineCause.CREDENTIALS)
    assert "not-the-password" not in offline.detail
    # The camera is repaired (its address fixed): online again, the event closes.
    url = rtsp_server.url("good")
    Camera.objects.filter(pk=camera.pk).update(
        source_secret=credentials.encrypt(url), display_url=credentials.redact(url)
    )
    health.check_camera(camera.pk)
    offline.refresh_from_db()
    assert offline.ended_at is not None


def test_one_worker_at_a_time_and_the_lease_expires(world: World) -> None:
    camera = _camera(world, "rtsp://127.0.0.1:9/none")
    now = timezone.now()
    assert health.claim(camera.pk, now)
    assert not health.claim(camera.pk, now)  # a second worker finds it taken
    assert health.check_camera(camera.pk, now) is None  # and does nothing
    assert health.claim(camera.pk, now + health.LEASE + datetime.timedelta(seconds=1))  # a dead worker's
    Camera.objects.filter(pk=camera.pk).update(enabled=False, probe_lease_until=None)
    assert not health.claim(camera.pk, now)  # disabled cameras are not probed


def test_the_sweep_queues_what_is_due(world: World, rtsp_server: RtspTestServer) -> None:
    fresh = _camera(world, rtsp_server.url("good"), "新")
    stale = _camera(world, rtsp_server.url("good"), "旧")
    now = timezone.now()
    Camera.objects.filter(pk=fresh.pk).update(last_probe_at=now)
    Camera.objects.filter(pk=stale.pk).update(last_probe_at=now - datetime.timedelta(hours=1))
    assert health.due_cameras(now, datetime.timedelta(minutes=5)) == [stale.pk]
    assert check_camera_health(stale.pk) is True  # the task body, run here
    assert check_camera_health(10**9) is False  # deleted meanwhile: nothing, no exception


def test_alerts_follow_the_health_events(world: World) -> None:
    from brightkitchen.alerts.models import Alert
    from brightkitchen.alerts.services import sweep
    from brightkitchen.cameras import rules

    camera = _camera(world, "rtsp://127.0.0.1:9/none")
    now = timezone.now()
    offline = CameraHealthEvent.objects.create(camera=camera, kind="offline", started_at=now)
    CameraHealthEvent.objects.create(camera=camera, kind="dark", started_at=now, value=12.5)
    sweep(timezone.localdate(), now, rules=rules.RULES)
    # Offline for less than 30 minutes is not yet an alert; the dark picture is.
    assert list(Alert.objects.filter(canteen=world.canteens["a"]).values_list("kind", flat=True)) == [
        "camera_picture"
    ]
    CameraHealthEvent.objects.filter(pk=offline.pk).update(started_at=now - datetime.timedelta(hours=1))
    sweep(timezone.localdate(), now, rules=rules.RULES)
    assert Alert.objects.filter(kind="camera_offline", closed_at__isnull=True).count() == 1
    CameraHealthEvent.objects.filter(camera=camera).update(ended_at=now)
    sweep(timezone.localdate(), now, rules=rules.RULES)
    assert not Alert.objects.filter(canteen=world.canteens["a"], closed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_probed_in_threads(transactional_db: None, rtsp_server: RtspTestServer) -> None:
    """The worker's batch: cameras probed at once in threads (each with its own connection), a dead
    one among them costing only its own timeout."""
    from brightkitchen.conftest import build_world
    from brightkitchen.core.tests.test_browser import _load_regions_if_flushed

    _load_regions_if_flushed()
    world = build_world()
    good = [_camera(world, rtsp_server.url("good"), f"好{i}") for i in range(4)]
    dead = _camera(world, f"rtsp://127.0.0.1:{free_port()}/x", "坏")
    started = timezone.now()
    assert health.check_cameras([c.pk for c in [*good, dead]], threads=5) == 5
    elapsed = (timezone.now() - started).total_seconds()
    assert elapsed < health.PROBE_TIMEOUT_S + 4  # together, not one after the other
    statuses = dict(Camera.objects.values_list("pk", "status"))
    assert all(statuses[c.pk] == CameraStatus.ONLINE for c in good)
    assert statuses[dead.pk] == CameraStatus.OFFLINE


def test_health_board_shows_the_online_rate_and_what_is_wrong(
    world: World, rtsp_server: RtspTestServer
) -> None:
    good = _camera(world, rtsp_server.url("good"), "好")
    blurred = _camera(world, rtsp_server.url("blurred"), "模糊")
    dead = _camera(world, f"rtsp://127.0.0.1:{free_port()}/cam", "离线")
    other = Camera.objects.create(  # county B's: never on county A's board
        canteen=world.canteens["b"],
        name="乙县",
        key_point=KeyPoint.COOKING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(rtsp_server.url("good")),
        display_url=credentials.redact(rtsp_server.url("good")),
    )
    for camera in (good, blurred, dead, other):  # one at a time: threads would not see this test's rows
        health.check_camera(camera.pk)
    client = world.client("regulator_a")
    board = client.get("/cameras/").content.decode()
    figure = {
        key: board.split(f'data-figure="{key}"><span class="value">')[1].split("</span>")[0]
        for key in ("cameras", "online-rate", "offline", "clarity-rate")
    }
    # 3 cameras, 2 online (66.7 %), 1 offline; of the 2 diagnosed pictures 1 is clear (50.0 %).
    assert figure == {"cameras": "3", "online-rate": "66.7%", "offline": "1", "clarity-rate": "50.0%"}
    assert 'data-problem="blur"' in board and 'data-problem="offline"' in board and "乙县" not in board
    problems = client.get("/cameras/", {"problem": "1"}).content.decode()
    assert "模糊" in problems and "离线" in problems and f'data-camera="{good.pk}"' not in problems
    assert "乙县" not in client.get("/cameras/", {"problem": "1", "status": "online"}).content.decode()
    canteen_page = client.get(f"/cameras/canteens/{world.canteens['a'].pk}/").content.decode()
    assert 'data-problem="blur"' in canteen_page
    # County B's regulator sees only its own camera, healthy.
    theirs = world.client("regulator_b").get("/cameras/").content.decode()
    assert "乙县" in theirs and "模糊" not in theirs and 'data-problem="' not in theirs


def test_a_regulator_turns_a_health_event_into_one_rectification_notice(
    world: World, rtsp_server: RtspTestServer
) -> None:
    from brightkitchen.rectifications.models import RectificationNotice, RectificationPhoto

    blurred = _camera(world, rtsp_server.url("blurred"), "模糊")
    dead = _camera(world, f"rtsp://127.0.0.1:{free_port()}/cam", "离线")
    for camera in (blurred, dead):
        health.check_camera(camera.pk)
    blur = CameraHealthEvent.objects.get(camera=blurred, kind="blur")
    offline = CameraHealthEvent.objects.get(camera=dead, kind="offline")
    page = world.client("regulator_a").get(f"/cameras/{blurred.pk}/").content.decode()
    assert f'data-rectify="{blur.pk}"' in page
    # Neither the canteen (not an issuer) nor another county's regulator may; nothing is issued.
    assert world.client("manager_a").post(f"/cameras/events/{blur.pk}/rectify/").status_code == 403
    assert world.client("regulator_b").post(f"/cameras/events/{blur.pk}/rectify/").status_code == 404
    assert not RectificationNotice.objects.exists()
    client = world.client("regulator_a")
    response = client.post(f"/cameras/events/{blur.pk}/rectify/")
    notice = RectificationNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rectifications/{notice.pk}/"
    assert notice.source_kind == "camera" and notice.source_ref == f"camera-event:{blur.pk}"
    assert notice.canteen_id == world.canteens["a"].pk and "模糊" in notice.problem
    # The blurred picture is the evidence.
    assert RectificationPhoto.objects.filter(step__notice=notice).count() == 1
    # Asked again (a double click): the same notice, no second one; the page links to it.
    assert client.post(f"/cameras/events/{blur.pk}/rectify/")["Location"] == f"/rectifications/{notice.pk}/"
    assert RectificationNotice.objects.count() == 1
    blur.refresh_from_db()
    assert blur.notice_id == notice.pk
    page = client.get(f"/cameras/{blurred.pk}/").content.decode()
    assert f"/rectifications/{notice.pk}/" in page and f'data-rectify="{blur.pk}"' not in page
    # An offline camera gives no picture: its notice goes out without one.
    client.post(f"/cameras/events/{offline.pk}/rectify/")
    second = RectificationNotice.objects.exclude(pk=notice.pk).get()
    assert second.source_ref == f"camera-event:{offline.pk}"
    assert not RectificationPhoto.objects.filter(step__notice=second).exists()
    # In the risk grade each problem counts once: the outage and the blur as camera signals, not again
    # as the notices they were turned into.
    from brightkitchen.risk.services import period_for
    from brightkitchen.risk.signals import registered_signals
    from brightkitchen.schools.models import Canteen

    start, end = period_for(timezone.localdate())
    canteens = Canteen.objects.filter(pk=world.canteens["a"].pk)
    points = {s.key: s.compute(canteens, start, end) for s in registered_signals()}
    counted = {key: found[world.canteens["a"].pk].points for key, found in points.items() if found}
    assert counted == {"camera_offline": 2, "camera_clarity": 1}, counted
