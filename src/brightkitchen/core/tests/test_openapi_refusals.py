"""The served OpenAPI document refuses what the server refuses (core.openapi): for each rule, the server's
422 for a value and the document's verdict on the same value, and a value both take. So a client that
sends only what the document calls valid is never answered 422 (the positive schemathesis run in
test_fuzz_openapi checks the same over every operation)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from brightkitchen.conftest import World
from brightkitchen.staff.models import Position, StaffMember
from brightkitchen.staff.tests.fixtures import staff_fixture
from brightkitchen.testbed.openapi_check import Document, served_document

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document() -> Document:
    return served_document()


def _parameter(document: Document, path: str, name: str) -> dict[str, Any]:
    for parameter in document.document["paths"][path]["get"]["parameters"]:
        if parameter["name"] == name:
            return dict(parameter["schema"])
    raise AssertionError(f"{path} has no parameter {name}")


def _body_field(document: Document, path: str, media_type: str, name: str) -> dict[str, Any]:
    schema = document.document["paths"][path]["post"]["requestBody"]["content"][media_type]["schema"]
    return dict(document.resolve(schema)["properties"][name])


def _takes(document: Document, schema: dict[str, Any], value: Any) -> bool:
    return document.validator(schema).is_valid(value)


def _loc(response: Any) -> list[str]:
    return list(response.json()["detail"][0]["loc"])


def test_a_day_outside_2000_2099(world: World, document: Document) -> None:
    schema = _parameter(document, "/api/v1/hygiene/records", "date_from")
    client = world.client("regulator_a")
    for day in ("1999-12-31", "2100-01-01"):
        answer = client.get(f"/api/v1/hygiene/records?date_from={day}")
        assert answer.status_code == 422 and _loc(answer) == ["query", "date_from"]
        assert not _takes(document, schema, day)
    assert client.get("/api/v1/hygiene/records?date_from=2000-01-01").status_code == 200
    assert _takes(document, schema, "2000-01-01") and _takes(document, schema, "2099-12-31")


def test_text_with_a_nul_character(world: World, document: Document) -> None:
    schema = _parameter(document, "/api/v1/audit-log", "object_id")
    answer = world.client("regulator_a").get("/api/v1/audit-log?object_id=a%00b")
    assert answer.status_code == 422 and answer.json()["detail"][0]["type"] == "null_character"
    assert not _takes(document, schema, "a\x00b") and _takes(document, schema, "ab")


def test_a_form_field_has_no_null(world: World, document: Document) -> None:
    path = "/api/v1/staff/members/{staff_id}/health-certificates"
    schema = _body_field(document, path, "multipart/form-data", "submission_key")
    cook = staff_fixture(world).cook
    answer = world.client("manager_a").post(
        f"/api/v1/staff/members/{cook.pk}/health-certificates",
        {"number": "JK-1", "issued_on": "2026-01-05", "submission_key": "null"},
    )
    assert answer.status_code == 422 and _loc(answer)[-1] == "submission_key"
    assert not _takes(document, schema, None)
    assert _takes(document, schema, str(uuid.uuid4()))


def test_a_decimal_is_a_number_with_its_step(world: World, document: Document) -> None:
    schema = document.resolve({"$ref": "#/components/schemas/MorningCheckIn"})["properties"]["temperature"]
    newcomer = StaffMember.objects.create(
        canteen=world.canteens["a"], name="新来的帮厨", position=Position.HELPER
    )
    url = f"/api/v1/staff/members/{newcomer.pk}/morning-checks"
    client = world.client("manager_a")
    for refused in ("", "abc", 36.55):
        answer = client.post(url, {"temperature": refused}, content_type="application/json")
        assert answer.status_code == 422 and _loc(answer)[-1] == "temperature", refused
        assert not _takes(document, schema, refused)
    assert _takes(document, schema, 36.5)
    answer = client.post(url, {"temperature": 36.5}, content_type="application/json")
    # The temperature is taken (the newcomer, without a health certificate, is kept off duty).
    assert answer.status_code == 201 and answer.json()["result"] == "uncertified", answer.content


def test_an_empty_file_is_not_a_photo(document: Document) -> None:
    path = "/api/v1/hygiene/canteens/{canteen_id}/records"
    schema = _body_field(document, path, "multipart/form-data", "photo")
    assert schema["format"] == "binary" and schema["minLength"] == 1
