"""Patrol evidence in one click (抓拍): a finding takes a camera's current picture, as the workers stored
it, with the camera and the time it was taken; the notice it opens carries that picture and says which
camera and when, and its issuing step names the regulator. Refusals name the field and save nothing."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from brightkitchen.cameras import snapshots
from brightkitchen.cameras.models import CameraSnapshot
from brightkitchen.cameras.tests.factories import cameras
from brightkitchen.conftest import World
from brightkitchen.core.errors import FieldError
from brightkitchen.patrols import services
from brightkitchen.patrols.models import AssignmentState, PatrolAssignment, PatrolFinding, PatrolRecord
from brightkitchen.patrols.services import FindingInput
from brightkitchen.records.tests.factories import jpeg, photo
from brightkitchen.rectifications.models import RectificationNotice, RectificationPhoto, StepKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)
PICTURE = (72, 48)  # the camera's picture, told apart from the factories' 40×30 uploads by its size


def _picture() -> bytes:
    return jpeg(PICTURE, "purple")


def _pending(world: World, user: str = "regulator_a", quota: int = 1) -> PatrolAssignment:
    regulator = world.users[user]
    plan, _ = services.create_plan(regulator, period=TODAY, quota=quota)
    services.draw(regulator, plan.pk)
    return PatrolAssignment.objects.get(plan=plan, canteen=world.canteens["a"])


def _nothing_saved(assignment: PatrolAssignment) -> None:
    assert not PatrolRecord.objects.exists() and not PatrolFinding.objects.exists()
    assert not RectificationNotice.objects.exists()
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PENDING


def _size(path: str) -> tuple[int, int]:
    with default_storage.open(path, "rb") as stored, Image.open(stored) as image:
        return image.size


def test_a_finding_takes_the_cameras_stored_picture_with_camera_and_time(world: World) -> None:
    assignment = _pending(world)
    camera = cameras(world)["a"]
    taken = (timezone.now() - datetime.timedelta(seconds=5)).replace(microsecond=0)  # fresh: used as it is
    snapshots.store(camera.pk, _picture(), taken)
    regulator = world.users["regulator_a"]
    record, created = services.submit_patrol(
        regulator,
        assignment.pk,
        findings=[FindingInput("pests", "灶台下有鼠迹", camera=camera.pk)],
        submission_key=uuid.uuid4(),
    )
    assert created
    finding = PatrolFinding.objects.get(record=record)
    assert finding.camera == camera and finding.captured_at == taken
    assert finding.thumbnail and _size(finding.photo) == PICTURE
    assert CameraSnapshot.objects.get(camera=camera).requested_at is None
    # The notice carries the picture and says which camera and when; its first step names the regulator.
    notice = RectificationNotice.objects.get()
    assert finding.notice == notice
    (evidence,) = RectificationPhoto.objects.filter(step__notice=notice)
    assert _size(evidence.photo) == PICTURE
    when = timezone.localtime(taken).strftime("%Y-%m-%d %H:%M:%S")
    assert camera.name in notice.problem and when in notice.problem and "灶台下有鼠迹" in notice.problem
    first = notice.steps.order_by("at", "pk").first()
    assert first is not None and first.kind == StepKind.ISSUED and first.actor == regulator
    page = world.client("regulator_a").get(f"/rectifications/{notice.pk}/").content.decode()
    assert f"{world.orgs['regulator_a'].name} · {regulator}" in page
    # The patrol screen shows the camera and the time with the evidence (local time, names).
    screen = world.client("regulator_a").get(f"/patrols/assignments/{assignment.pk}/").content.decode()
    assert f'data-captured-by="{camera.pk}"' in screen and camera.name in screen and when in screen
    # The API says the same.
    out = world.client("regulator_a").get(f"/api/v1/patrols/assignments/{assignment.pk}").json()
    (shown,) = out["record"]["findings"]
    assert shown["camera_id"] == camera.pk and shown["camera_name"] == camera.name
    assert datetime.datetime.fromisoformat(shown["captured_at"]) == taken


def test_an_old_picture_is_used_with_its_time_and_a_new_one_asked_for(world: World) -> None:
    assignment = _pending(world)
    camera = cameras(world)["a"]
    taken = timezone.now() - datetime.timedelta(minutes=10)
    snapshots.store(camera.pk, _picture(), taken)
    now = timezone.now()
    services.submit_patrol(
        world.users["regulator_a"],
        assignment.pk,
        findings=[FindingInput("waste_uncovered", camera=camera.pk, open_notice=False)],
        now=now,
    )
    finding = PatrolFinding.objects.get()
    assert finding.captured_at == taken and finding.camera == camera and finding.notice is None
    assert CameraSnapshot.objects.get(camera=camera).requested_at == now


def test_a_camera_of_another_canteen_or_jurisdiction_is_refused_naming_the_field(world: World) -> None:
    made = cameras(world)
    for camera in made.values():
        snapshots.store(camera.pk, _picture(), timezone.now())
    # County A's regulator may not use county B's camera; nor may the city, which sees both canteens,
    # use canteen B's camera for canteen A's patrol.
    for user, quota in (("regulator_a", 1), ("city_regulator", 2)):
        assignment = _pending(world, user, quota)
        for camera_id in (made["b"].pk, 0, 2**62):
            with pytest.raises(FieldError) as exc:
                services.submit_patrol(
                    world.users[user],
                    assignment.pk,
                    findings=[FindingInput("pests", "", camera=camera_id)],
                )
            assert exc.value.field == "camera_pests" and exc.value.status == 400
            _nothing_saved(assignment)
        assignment.plan.delete()
    # Both a file and a camera for one finding: refused, naming the camera.
    assignment = _pending(world)
    with pytest.raises(FieldError) as exc:
        services.submit_patrol(
            world.users["regulator_a"],
            assignment.pk,
            findings=[FindingInput("pests", "", photo(), camera=made["a"].pk)],
        )
    assert exc.value.field == "camera_pests"
    _nothing_saved(assignment)
    # The page and the API answer 400 naming the field, and keep what was typed.
    form = {
        "submission_key": str(uuid.uuid4()),
        "working_days": "10",
        "items": ["pests"],
        "note_pests": "鼠迹",
        "notice_pests": "1",
        "camera_pests": str(made["b"].pk),
    }
    client = world.client("regulator_a")
    page = client.post(f"/patrols/assignments/{assignment.pk}/", form)
    text = page.content.decode()
    assert page.status_code == 400 and 'data-field="camera_pests"' in text and 'value="鼠迹"' in text
    api = client.post(
        f"/api/v1/patrols/assignments/{assignment.pk}/records",
        {"findings": json.dumps([{"item": "pests", "camera": made["b"].pk}])},
    )
    assert api.status_code == 400 and api.json()["detail"][0]["loc"] == ["body", "camera_pests"]
    _nothing_saved(assignment)


def test_a_camera_without_a_picture_yet_is_refused_and_one_asked_for(world: World) -> None:
    assignment = _pending(world)
    camera = cameras(world)["a"]
    now = timezone.now()
    with pytest.raises(FieldError) as exc:
        services.submit_patrol(
            world.users["regulator_a"],
            assignment.pk,
            findings=[FindingInput("pests", "鼠迹", camera=camera.pk)],
            now=now,
        )
    assert exc.value.field == "camera_pests" and exc.value.code == "pending"
    assert camera.name in exc.value.message
    _nothing_saved(assignment)
    assert CameraSnapshot.objects.get(camera=camera).requested_at == now  # the picture is being taken
    # On the page: 400 with the message, the ticked item, its note and the camera choice kept.
    form = {
        "submission_key": str(uuid.uuid4()),
        "working_days": "10",
        "items": ["pests"],
        "note_pests": "鼠迹",
        "notice_pests": "1",
        "camera_pests": str(camera.pk),
    }
    client = world.client("regulator_a")
    page = client.post(f"/patrols/assignments/{assignment.pk}/", form)
    text = page.content.decode()
    assert page.status_code == 400 and 'data-field="camera_pests"' in text
    assert 'value="鼠迹"' in text and f'<option value="{camera.pk}" selected>' in text
    _nothing_saved(assignment)
    # Once the workers stored a picture, the same form goes through in one click.
    snapshots.store(camera.pk, _picture(), timezone.now())
    done = client.post(f"/patrols/assignments/{assignment.pk}/", form)
    assert done.status_code == 302
    finding = PatrolFinding.objects.get()
    assert finding.camera == camera and finding.notice is not None


def test_the_patrol_screen_offers_capture_on_each_tile_and_a_camera_per_item(world: World) -> None:
    assignment = _pending(world)
    camera = cameras(world)["a"]
    text = world.client("regulator_a").get(f"/patrols/assignments/{assignment.pk}/").content.decode()
    assert f'data-capture="{camera.pk}"' in text and 'name="camera_pests"' in text
    assert f'<option value="{camera.pk}">' in text and "patrol_capture.js" in text
    assert "<script>" not in text  # no inline script (CSP)
    # A reader who may not patrol sees the tiles without the button.
    other = world.client("edu_a").get(f"/patrols/assignments/{assignment.pk}/").content.decode()
    assert "data-capture=" not in other
