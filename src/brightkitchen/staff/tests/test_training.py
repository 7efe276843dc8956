"""Training records: the API (multipart with an optional certificate photo) and the phone page
reached from the staff detail page. Bad input names the field, nothing is stored for a refused form,
resubmits create nothing twice, and nobody outside the canteen's jurisdiction sees or adds one."""

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
from brightkitchen.staff.models import TrainingRecord
from brightkitchen.staff.tests.fixtures import TRAINING_TITLE, staff_fixture, training_fixture

pytestmark = pytest.mark.django_db

URL = "/api/v1/staff/training-records"


def _url(world: World) -> str:
    return f"/api/v1/staff/members/{staff_fixture(world).helper.pk}/training-records"


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _fault(response: Any) -> str:
    return str(_json(response)["detail"][0]["loc"][-1])


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 90, 160))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 52.0, 0.0), 3: "E", 4: (112.0, 33.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _post(world: World, who: str, body: dict[str, Any], **headers: str) -> Any:
    return world.client(who).post(_url(world), data=body, headers=headers)


def _body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "title": "食品安全法规培训",
        "date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "hours": "4.5",
        **changes,
    }


def test_multipart_training_with_photo_loses_its_location(world: World) -> None:
    body = _body(world, photo=SimpleUploadedFile("t.jpg", _jpeg_with_gps(), "image/jpeg"))
    response = _post(world, "manager_a", body)
    assert response.status_code == 201, response.content
    out = _json(response)
    assert (
        out["has_photo"] and out["hours"] == "4.5" and out["staff_name"] == staff_fixture(world).helper.name
    )
    record = TrainingRecord.objects.get(pk=out["id"])
    with default_storage.open(record.photo) as f, Image.open(f) as saved:
        assert not saved.getexif()
    photo = world.client("regulator_a").get(out["photo_url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert world.client("regulator_b").get(out["photo_url"]).status_code == 404


def test_training_without_photo(world: World) -> None:
    plain = _post(world, "manager_a", _body(world))
    assert plain.status_code == 201 and not _json(plain)["has_photo"] and _json(plain)["photo_url"] == ""


def test_json_body_is_refused_naming_the_fields(world: World) -> None:
    """Trainings are multipart like every upload of the API; a JSON body is a 422, never a 500."""
    response = world.client("manager_a").post(_url(world), _body(world), content_type="application/json")
    assert response.status_code == 422
    assert {item["loc"][-1] for item in _json(response)["detail"]} >= {"title", "date", "hours"}
    assert not TrainingRecord.objects.exists()


def test_resubmits_create_one_training(world: World) -> None:
    key = str(uuid.uuid4())
    body = _body(world, submission_key=key)
    first = _post(world, "manager_a", {**body, "photo": SimpleUploadedFile("t.jpg", _jpeg_with_gps())})
    again = _post(world, "manager_a", {**body, "photo": SimpleUploadedFile("t.jpg", _jpeg_with_gps())})
    assert (first.status_code, again.status_code) == (201, 200)
    assert _json(first)["id"] == _json(again)["id"]
    header = {"Idempotency-Key": "train-tap-1"}
    one = _post(world, "manager_a", _body(world, title="消毒规范培训"), **header)
    two = _post(world, "manager_a", _body(world, title="消毒规范培训"), **header)
    assert one.status_code == two.status_code == 201 and _json(one) == _json(two)
    assert TrainingRecord.objects.filter(staff=staff_fixture(world).helper).count() == 2
    # The same Idempotency-Key with another body is refused, nothing created.
    other = _post(world, "manager_a", _body(world, title="另一门培训"), **header)
    assert other.status_code == 422
    assert not TrainingRecord.objects.filter(title="另一门培训").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "培" * 121}, "title"),
        ({"hours": "0.4"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "200.5"}, "hours"),
        ({"hours": "1.25"}, "hours"),
        ({"hours": "many"}, "hours"),
        ({"date": "2025-02-30"}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"photo": SimpleUploadedFile("t.jpg", b"not base64!", "image/jpeg")}, "photo"),
        ({"photo": SimpleUploadedFile("t.pdf", b"%PDF-1.4 not a photo", "application/pdf")}, "photo"),
    ],
)
def test_bad_input_names_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    response = _post(world, "manager_a", _body(world, **changes))
    assert response.status_code in (400, 422), response.content
    assert _fault(response) == field
    assert not TrainingRecord.objects.exists()


def test_future_date_and_bad_photo_are_refused_and_store_no_file(world: World, settings: Any) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    photo = SimpleUploadedFile("t.jpg", _jpeg_with_gps(), "image/jpeg")
    response = _post(world, "manager_a", {**_body(world, date=tomorrow), "photo": photo})
    assert response.status_code == 400 and _fault(response) == "date"
    not_image = SimpleUploadedFile("t.jpg", b"GIF89a nothing", "image/jpeg")
    response = _post(world, "manager_a", {**_body(world), "photo": not_image})
    assert response.status_code == 400 and _fault(response) == "photo"
    assert not TrainingRecord.objects.exists()
    assert not default_storage.exists("staff/training") or not default_storage.listdir("staff/training")[1]


def test_rights_and_scoping(world: World) -> None:
    body = _body(world)
    assert _post(world, "manager_b", body).status_code == 404  # another county's person
    assert _post(world, "regulator_a", body).status_code == 403  # sees, may not change
    assert _post(world, "staff_a", body).status_code == 403  # kitchen staff may not
    left = staff_fixture(world).helper
    left.active = False
    left.save()
    gone = _post(world, "manager_a", body)
    assert gone.status_code == 400 and _fault(gone) == "staff"
    assert not TrainingRecord.objects.exists()


def test_list_is_scoped_and_filtered(world: World) -> None:
    a, b = training_fixture(world, "a"), training_fixture(world, "b")
    listed = _json(world.client("regulator_a").get(URL))
    ids = {item["id"] for item in listed["items"]}
    assert a.pk in ids and b.pk not in ids
    assert TRAINING_TITLE["b"] not in json.dumps(listed, ensure_ascii=False)
    staff_b = _json(world.client("regulator_a").get(URL, {"staff_id": b.staff_id}))
    assert staff_b["items"] == []
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert _json(world.client("manager_a").get(URL, {"date_from": since}))["items"] == []
    assert world.client("manager_a").get(URL, {"date_from": "soon"}).status_code == 422


# --- The phone page ------------------------------------------------------------------------------------


def test_training_page_from_the_staff_detail_page(world: World) -> None:
    helper = staff_fixture(world).helper
    client = world.client("manager_a")
    detail = client.get(f"/staff/{helper.pk}/").content.decode()
    url = f"/staff/{helper.pk}/training/"
    assert f'href="{url}"' in detail
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="submission_key"' in text and 'capture="environment"' in text
    assert 'enctype="multipart/form-data"' in text
    key = str(uuid.uuid4())
    form = {
        "title": "晨检与健康管理培训",
        "date": timezone.localdate().isoformat(),
        "hours": "2",
        "submission_key": key,
    }
    first = client.post(url, {**form, "photo": SimpleUploadedFile("t.jpg", _jpeg_with_gps(), "image/jpeg")})
    again = client.post(url, {**form, "photo": SimpleUploadedFile("t.jpg", _jpeg_with_gps(), "image/jpeg")})
    assert first.status_code == again.status_code == 302
    record = TrainingRecord.objects.get(staff=helper)
    assert record.photo and record.thumbnail
    detail = client.get(f"/staff/{helper.pk}/").content.decode()
    assert "晨检与健康管理培训" in detail and f"/staff/trainings/{record.pk}/photo/" in detail
    assert client.get(f"/staff/trainings/{record.pk}/photo/?thumb=1").status_code == 200
    # Without a photo is fine too.
    assert client.post(url, {**form, "submission_key": str(uuid.uuid4())}).status_code == 302
    assert TrainingRecord.objects.filter(staff=helper).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"hours": "0.2"}, "hours"),
        ({"hours": "300"}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"date": ""}, "date"),
        ({"date": "2099-01-01"}, "date"),
        ({"photo": SimpleUploadedFile("t.jpg", b"no image here", "image/jpeg")}, "photo"),
    ],
)
def test_training_page_bad_input_shows_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    helper = staff_fixture(world).helper
    form = {
        "title": "培训",
        "date": "2025-06-01",
        "hours": "2",
        "submission_key": str(uuid.uuid4()),
        **changes,
    }
    response = world.client("manager_a").post(f"/staff/{helper.pk}/training/", form)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not TrainingRecord.objects.exists()


def test_training_page_rights(world: World) -> None:
    helper = staff_fixture(world).helper
    url = f"/staff/{helper.pk}/training/"
    assert world.client("manager_b").get(url).status_code == 404
    assert world.client("regulator_a").get(url).status_code == 403
    assert "add-training" not in world.client("regulator_a").get(f"/staff/{helper.pk}/").content.decode()
    assert (
        world.client("staff_a").post(url, {"title": "x", "date": "2025-06-01", "hours": "1"}).status_code
        == 403
    )
    assert not TrainingRecord.objects.exists()


def test_training_page_date_picker_shows_today_in_chinese(world: World) -> None:
    """<input type=date> only takes YYYY-MM-DD; the zh-hans format (2026/11/22) would show empty."""
    helper = staff_fixture(world).helper
    client = world.client("manager_a")
    client.cookies["django_language"] = "zh-hans"
    text = client.get(f"/staff/{helper.pk}/training/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'type="date" name="date" value="{timezone.localdate().isoformat()}"' in text
