"""The records API: multipart sample creation with a photo, errors naming the field, resubmits."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.records.models import AccompaniedMeal, SampleRetention
from brightkitchen.records.tests.factories import jpeg, photo, records

pytestmark = pytest.mark.django_db


def _url(world: World, county: str = "a") -> str:
    return f"/api/v1/records/canteens/{world.canteens[county].pk}/samples"


def _form(**overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "date": now.date().isoformat(),
        "meal": "lunch",
        "dish": "清炒时蔬",
        "weight_g": "130",
        "stored_at": now.isoformat(),
        "sampled_by": "王师傅",
        "photo": photo(),
        **overrides,
    }


def _loc(response: Any) -> list[str]:
    return [item["loc"][-1] for item in response.json()["detail"]]


def test_create_sample_scoping(world: World) -> None:
    assert Client().post(_url(world), _form()).status_code == 401
    assert world.client("manager_b").post(_url(world), _form()).status_code == 404
    assert world.client("regulator_a").post(_url(world), _form()).status_code == 403
    assert not SampleRetention.objects.exists()
    response = world.client("manager_a").post(_url(world), _form())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["weight_g"] == 130 and body["may_discard"] is False
    stored = datetime.datetime.fromisoformat(body["stored_at"])
    assert datetime.datetime.fromisoformat(body["may_discard_at"]) - stored == datetime.timedelta(hours=48)
    photo_response = world.client("regulator_a").get(body["photo_url"])
    assert photo_response.status_code == 200 and photo_response["Content-Type"] == "image/jpeg"
    assert world.client("regulator_b").get(body["photo_url"]).status_code == 404
    assert world.client("manager_a").get(body["thumbnail_url"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "overrides", "status"),
    [
        ("weight_g", {"weight_g": "124"}, 400),
        ("weight_g", {"weight_g": "heavy"}, 422),
        ("meal", {"meal": "supper"}, 422),
        ("date", {"date": "yesterday"}, 422),
        ("photo", {"photo": photo("fake.jpg", b"GIF89a not really")}, 400),
        ("photo", {"photo": photo("huge.jpg", jpeg((8000, 6000)))}, 400),
    ],
)
def test_bad_input_names_the_field(world: World, field: str, overrides: dict[str, Any], status: int) -> None:
    response = world.client("manager_a").post(_url(world), _form(**overrides))
    assert response.status_code == status, response.content
    assert field in _loc(response)
    assert not SampleRetention.objects.exists()


def test_missing_photo_names_the_field(world: World) -> None:
    data = _form()
    del data["photo"]
    response = world.client("manager_a").post(_url(world), data)
    assert response.status_code == 422 and "photo" in _loc(response)


def test_submission_key_and_idempotency_key_create_once(world: World) -> None:
    client = world.client("manager_a")
    key = str(uuid.uuid4())
    stored_at = timezone.localtime().isoformat()
    first = client.post(_url(world), _form(submission_key=key, stored_at=stored_at))
    again = client.post(_url(world), _form(submission_key=key, stored_at=stored_at))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    headers = {"Idempotency-Key": "tap-1"}
    one = client.post(_url(world), _form(dish="米饭", stored_at=stored_at), headers=headers)
    two = client.post(_url(world), _form(dish="米饭", stored_at=stored_at), headers=headers)
    assert one.status_code == two.status_code == 201 and one.json() == two.json()
    assert SampleRetention.objects.count() == 2


def test_discard_through_the_api(world: World) -> None:
    data = records(world)
    client = world.client("manager_a")
    early = client.post(f"/api/v1/records/samples/{data['a']['sample'].pk}/discard")
    assert early.status_code == 400 and _loc(early) == ["discarded_at"]
    ok = client.post(f"/api/v1/records/samples/{data['a']['old_sample'].pk}/discard")
    assert ok.status_code == 200 and ok.json()["discarded_at"]


def test_lists_are_scoped_and_filtered(world: World) -> None:
    records(world)
    body = world.client("regulator_a").get("/api/v1/records/samples?meal=lunch").json()
    assert body["count"] == 2 and {s["canteen_id"] for s in body["items"]} == {world.canteens["a"].pk}
    today = timezone.localdate().isoformat()
    body = world.client("manager_a").get(f"/api/v1/records/samples?date_from={today}").json()
    assert body["count"] == 1
    assert world.client("manager_a").get("/api/v1/records/samples?date_from=soon").status_code == 422
    meals = world.client("principal_a").get("/api/v1/records/accompanied-meals").json()
    assert meals["count"] == 1 and meals["items"][0]["covers_meal"] is True


def test_accompanied_meal_api(world: World) -> None:
    client = world.client("manager_a")
    payload = {
        "canteen_id": world.canteens["a"].pk,
        "date": timezone.localdate().isoformat(),
        "meal": "lunch",
        "companion_name": "赵家长",
        "companion_kind": "parent",
        "rating": 3,
        "problems": "菜量偏少",
        "submission_key": str(uuid.uuid4()),
    }
    first = client.post("/api/v1/records/accompanied-meals", payload, content_type="application/json")
    again = client.post("/api/v1/records/accompanied-meals", payload, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert AccompaniedMeal.objects.count() == 1
    bad = client.post(
        "/api/v1/records/accompanied-meals", {**payload, "rating": 6}, content_type="application/json"
    )
    assert bad.status_code == 422 and "rating" in _loc(bad)
    extra = client.post(
        "/api/v1/records/accompanied-meals", {**payload, "mood": "ok"}, content_type="application/json"
    )
    assert extra.status_code == 422 and "mood" in _loc(extra)
    record_id = first.json()["id"]
    answer_url = f"/api/v1/records/accompanied-meals/{record_id}/answer"
    refused = world.client("staff_a").post(answer_url, {"answer": "好"}, content_type="application/json")
    assert refused.status_code == 403 and _loc(refused) == ["answer"]
    answered = client.post(answer_url, {"answer": "已加量"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["answered_by"] == "manager_a"
