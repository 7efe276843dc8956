"""The check that holds the OpenAPI document to the bodies the tests send (testbed.openapi_check) can fail:
a body the document refuses fails the request that sent it, whatever the server answered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from brightkitchen.conftest import CHECK_MIDDLEWARE
from brightkitchen.testbed.openapi_check import (
    RequestBodyCheck,
    check_request,
    schema_name_clashes,
    served_document,
)

ANSWER = "/api/v1/records/accompanied-meals/7/answer"
SAMPLES = "/api/v1/records/canteens/3/samples"


def _accepting(request: HttpRequest) -> HttpResponse:
    """A server that takes anything (so only the check can refuse)."""
    request.POST  # noqa: B018  (read the form the way a view does)
    return HttpResponse(status=200)


def _sample_form(**overrides: Any) -> dict[str, Any]:
    return {
        "date": "2026-03-02",
        "meal": "lunch",
        "dish": "清炒时蔬",
        "weight_g": "130",
        "stored_at": "2026-03-02T11:30:00+08:00",
        "sampled_by": "王师傅",
        "photo": SimpleUploadedFile("p.jpg", b"\xff\xd8\xff"),
        **overrides,
    }


def test_the_check_is_on_in_the_test_settings() -> None:
    assert settings.MIDDLEWARE[-1] == CHECK_MIDDLEWARE


def test_a_wrong_json_body_fails_naming_operation_body_and_error() -> None:
    request = RequestFactory().post(ANSWER, {"text": "已加量"}, content_type="application/json")
    with pytest.raises(AssertionError) as failure:
        RequestBodyCheck(_accepting)(request)
    message = str(failure.value)
    assert "POST /api/v1/records/accompanied-meals/{record_id}/answer" in message
    assert '"text": "已加量"' in message
    assert "answer" in message and "required" in message


def test_the_right_json_body_passes() -> None:
    request = RequestFactory().post(ANSWER, {"answer": "已加量"}, content_type="application/json")
    assert RequestBodyCheck(_accepting)(request).status_code == 200


def test_a_refused_request_is_not_checked() -> None:
    request = RequestFactory().post(ANSWER, {"text": 1}, content_type="application/json")
    response = RequestBodyCheck(lambda r: HttpResponse(status=422))(request)
    assert response.status_code == 422


def test_a_multipart_form_is_checked_field_by_field() -> None:
    good = RequestFactory().post(SAMPLES, _sample_form())
    assert RequestBodyCheck(_accepting)(good).status_code == 200
    bad = RequestFactory().post(SAMPLES, _sample_form(weight_g="heavy", meal="brunch"))
    with pytest.raises(AssertionError, match="weight_g") as failure:
        RequestBodyCheck(_accepting)(bad)
    assert "meal" in str(failure.value)


def test_a_content_type_the_document_does_not_list_fails() -> None:
    request = RequestFactory().post(SAMPLES, json.dumps({"dish": "x"}), content_type="application/json")
    request.body  # noqa: B018
    with pytest.raises(AssertionError, match="lists only"):
        check_request(served_document(), request)


def test_an_unknown_operation_fails() -> None:
    request = RequestFactory().post("/api/v1/no-such-thing", {}, content_type="application/json")
    with pytest.raises(AssertionError, match="no such operation"):
        RequestBodyCheck(_accepting)(request)


def test_every_component_name_stands_for_one_schema() -> None:
    """django-ninja keeps the last of two schemas of one name: give every schema a unique name."""
    clashes = schema_name_clashes()
    assert not clashes, json.dumps(clashes, ensure_ascii=False, indent=1)[:4000]
