"""Staff, certificates and morning checks through the API (/api/v1/staff/): bad input names the field,
uploads are checked and cleaned, resubmits create nothing twice."""

from __future__ import annotations

import datetime
import io
import json
import uuid
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from brightkitchen.conftest import World
from brightkitchen.core.uploads import MAX_PHOTO_BYTES
from brightkitchen.staff.models import HealthCertificate, MorningCheck, StaffMember
from brightkitchen.staff.tests.fixtures import staff_fixture

pytestmark = pytest.mark.django_db


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _fault(response: Any) -> str:
    return str(_json(response)["detail"][0]["loc"][-1])


def _post(world: World, who: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    return world.client(who).post(url, data=body, content_type="application/json", headers=headers)


def _members(world: World, county: str = "a") -> str:
    return f"/api/v1/staff/canteens/{world.canteens[county].pk}/members"


def _checks(staff: StaffMember) -> str:
    return f"/api/v1/staff/members/{staff.pk}/morning-checks"


def _certificates(staff: StaffMember) -> str:
    return f"/api/v1/staff/members/{staff.pk}/health-certificates"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_manager_adds_staff_once_per_submission_key(world: World) -> None:
    key = str(uuid.uuid4())
    body = {"name": "王师傅", "position": "cook", "submission_key": key}
    first = _post(world, "manager_a", _members(world), body)
    again = _post(world, "manager_a", _members(world), body)
    assert first.status_code == 201 and again.status_code == 200
    assert _json(first)["id"] == _json(again)["id"]
    assert _json(first)["certificate_status"] == "missing"
    assert StaffMember.objects.filter(name="王师傅").count() == 1


def test_idempotency_key_header_replays_the_first_answer(world: World) -> None:
    staff = staff_fixture(world).helper
    body = {"temperature": 36.6}
    first = _post(world, "staff_a", _checks(staff), body, **{"Idempotency-Key": "tap-1"})
    again = _post(world, "staff_a", _checks(staff), body, **{"Idempotency-Key": "tap-1"})
    assert first.status_code == again.status_code == 201
    assert _json(first) == _json(again)
    assert MorningCheck.objects.filter(staff=staff).count() == 1


def test_morning_check_resubmit_with_same_key_creates_one(world: World) -> None:
    staff = staff_fixture(world).helper
    body = {"temperature": 37.3, "submission_key": str(uuid.uuid4())}
    assert _post(world, "staff_a", _checks(staff), body).status_code == 201
    again = _post(world, "staff_a", _checks(staff), body)
    assert again.status_code == 200 and _json(again)["result"] == "off_duty"
    assert MorningCheck.objects.filter(staff=staff).count() == 1
    # A second check of the same person on the same day, with another key, is a conflict.
    other = {**body, "submission_key": str(uuid.uuid4())}
    conflict = _post(world, "staff_a", _checks(staff), other)
    assert conflict.status_code == 409 and _fault(conflict) == "staff"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"temperature": "36.5", "staff_id": 1}, 422, "staff_id"),  # the person is in the path
        ({}, 422, "temperature"),
        ({"temperature": "hot"}, 422, "temperature"),
        ({"temperature": "33.9"}, 422, "temperature"),
        ({"temperature": "43.1"}, 422, "temperature"),
        ({"temperature": "36.55"}, 422, "temperature"),
        ({"temperature": "36.5", "fever": "maybe"}, 422, "fever"),
        ({"temperature": "36.5", "mood": "good"}, 422, "mood"),
        ({"temperature": "36.5", "date": "2020-02-30"}, 422, "date"),
        ({"temperature": "36.5", "date": "2099-01-01"}, 400, "date"),
        ({"temperature": "36.5", "date": "2999-01-01"}, 422, "date"),
    ],
)
def test_bad_morning_checks_name_the_field(
    world: World, body: dict[str, Any], status: int, field: str
) -> None:
    staff = staff_fixture(world).helper
    response = _post(world, "staff_a", _checks(staff), body)
    assert response.status_code == status, response.content
    assert _fault(response) == field


def test_expired_certificate_is_checked_as_not_allowed_on_duty_via_api(world: World) -> None:
    staff = staff_fixture(world).helper
    HealthCertificate.objects.filter(staff=staff).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = _post(world, "staff_a", _checks(staff), {"temperature": 36.5})
    assert response.status_code == 201 and _json(response)["result"] == "uncertified"


def test_canteen_staff_may_not_add_staff_and_regulators_may_not_check(world: World) -> None:
    response = _post(world, "staff_a", _members(world), {"name": "某人"})
    assert response.status_code == 403
    helper = staff_fixture(world).helper
    response = _post(world, "regulator_a", _checks(helper), {"temperature": "36"})
    assert response.status_code == 403
    assert _post(world, "manager_a", _members(world, "b"), {"name": "某人"}).status_code == 404
    response = _post(world, "manager_a", _members(world), {"name": "某人", "canteen_id": 1})
    assert response.status_code == 422 and _fault(response) == "canteen_id"  # the canteen is in the path
    assert not StaffMember.objects.filter(name="某人").exists()


def test_patch_staff(world: World) -> None:
    cook = staff_fixture(world).cook
    client = world.client("manager_a")
    url = f"/api/v1/staff/members/{cook.pk}"
    response = client.patch(url, data={"active": False, "phone": None}, content_type="application/json")
    assert (
        response.status_code == 200 and _json(response)["active"] is False and _json(response)["phone"] == ""
    )
    response = client.patch(url, data={"position": "chef"}, content_type="application/json")
    assert response.status_code == 422 and _fault(response) == "position"
    response = client.patch(url, data={"name": None}, content_type="application/json")
    assert response.status_code == 400 and _fault(response) == "name"


def test_certificate_upload_strips_location_and_serves_only_in_jurisdiction(world: World) -> None:
    helper = staff_fixture(world).helper
    key = str(uuid.uuid4())
    form = {
        "number": "JK2026-001",
        "issued_on": "2026-01-05",
        "submission_key": key,
    }
    client = world.client("manager_a")
    first = client.post(
        _certificates(helper), data={**form, "photo": SimpleUploadedFile("c.jpg", _jpeg_with_gps())}
    )
    assert first.status_code == 201, first.content
    body = _json(first)
    assert body["expires_on"] == "2027-01-05"
    again = client.post(
        _certificates(helper), data={**form, "photo": SimpleUploadedFile("c.jpg", _jpeg_with_gps())}
    )
    assert again.status_code == 200 and _json(again)["id"] == body["id"]
    assert HealthCertificate.objects.filter(number="JK2026-001").count() == 1
    cert = HealthCertificate.objects.get(pk=body["id"])
    with default_storage.open(cert.photo) as f, Image.open(f) as saved:
        assert not saved.getexif()
    assert cert.thumbnail
    photo = world.client("regulator_a").get(body["photo_url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert world.client("regulator_b").get(body["photo_url"]).status_code == 404
    assert world.client("regulator_a").get(body["photo_url"] + "?thumbnail=true").status_code == 200


def test_certificate_as_json_is_refused_naming_the_fields(world: World) -> None:
    """Certificates are multipart like every upload of the API; a JSON body is a 422, never a 500."""
    helper = staff_fixture(world).helper
    body = {"number": "JK-JSON", "issued_on": "2026-01-05"}
    response = _post(world, "manager_a", _certificates(helper), body)
    assert response.status_code == 422
    assert {item["loc"][-1] for item in _json(response)["detail"]} >= {"number", "issued_on"}
    assert not HealthCertificate.objects.filter(number="JK-JSON").exists()


@pytest.mark.parametrize(
    ("fields", "photo", "status", "field"),
    [
        ({}, b"GIF89a not really", 400, "photo"),
        ({}, b"<script>alert(1)</script>", 400, "photo"),
        ({}, b"\xff" * (MAX_PHOTO_BYTES + 1), 400, "photo"),
        ({}, None, 400, "photo"),
        ({"number": ""}, "jpeg", 422, "number"),
        ({"issued_on": "yesterday"}, "jpeg", 422, "issued_on"),
        ({"issued_on": None}, "jpeg", 422, "issued_on"),
        ({"expires_on": "2025-01-01"}, "jpeg", 400, "expires_on"),
        ({"issued_on": "2099-01-01"}, "jpeg", 400, "issued_on"),
        ({"issued_on": "2999-01-01"}, "jpeg", 422, "issued_on"),
    ],
)
def test_bad_certificates_name_the_field(
    world: World, fields: dict[str, Any], photo: bytes | str | None, status: int, field: str
) -> None:
    helper = staff_fixture(world).helper
    form: dict[str, Any] = {"number": "JK1", "issued_on": "2026-01-05", **fields}
    form = {k: v for k, v in form.items() if v is not None}
    if photo is not None:
        content = _jpeg_with_gps() if photo == "jpeg" else photo
        assert isinstance(content, bytes)
        form["photo"] = SimpleUploadedFile("c.jpg", content, "image/jpeg")
    before = HealthCertificate.objects.count()
    response = world.client("manager_a").post(_certificates(helper), data=form)
    assert response.status_code == status, response.content
    assert _fault(response) == field
    assert HealthCertificate.objects.count() == before


def test_lists_are_scoped_and_filtered(world: World) -> None:
    staff_fixture(world, "a")
    staff_fixture(world, "b")
    body = _json(world.client("regulator_a").get("/api/v1/staff/members?certificate_status=expiring"))
    assert body["count"] == 0
    body = _json(world.client("regulator_a").get("/api/v1/staff/members"))
    assert {s["canteen_id"] for s in body["items"]} == {world.canteens["a"].pk}
    body = _json(world.client("city_regulator").get("/api/v1/staff/morning-checks"))
    assert body["count"] == 2
    body = _json(world.client("principal_b").get("/api/v1/staff/health-certificates"))
    assert {c["canteen_id"] for c in body["items"]} == {world.canteens["b"].pk}
    assert world.client("public").get("/api/v1/staff/members").json()["count"] == 0
    canteen_b = world.canteens["b"].pk
    only_b = _json(world.client("city_regulator").get("/api/v1/staff/members", {"canteen": canteen_b}))
    assert only_b["count"] > 0 and {s["canteen_id"] for s in only_b["items"]} == {canteen_b}
