"""Scoping cases of every staff route (pages and API); core/tests/test_route_scoping runs them."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.staff.tests.fixtures import (
    NAMES,
    PHOTO_MARKER,
    TRAINING_PHOTO_MARKER,
    TRAINING_TITLE,
    staff_fixture,
    training_fixture,
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def _ready(w: World, url: str) -> str:
    """The URL, once county A and B have their staff."""
    staff_fixture(w, "a")
    staff_fixture(w, "b")
    return url


def _canteen_a(w: World) -> int:
    staff_fixture(w)
    return int(w.canteens["a"].pk)


def _cook(w: World) -> int:
    return int(staff_fixture(w).cook.pk)


def _helper(w: World) -> int:
    return int(staff_fixture(w).helper.pk)


def _markers(w: World) -> list[str]:
    return [*w.markers("a"), NAMES["a"][0]]


def _staff_name(w: World) -> list[str]:
    return [NAMES["a"][0]]


def _photo_marker(w: World) -> list[str]:
    return [PHOTO_MARKER["a"]]


def _certificate_page_body(w: World) -> dict[str, Any]:
    return {
        "number": "JKA9999",
        "issued_on": "2025-06-01",
        "photo": SimpleUploadedFile("c.jpg", _jpeg(), "image/jpeg"),
        "submission_key": str(uuid.uuid4()),
    }


def _certificate_api_body(w: World) -> dict[str, Any]:
    return {
        "number": "JKA8888",
        "issued_on": "2025-06-01",
        "photo": SimpleUploadedFile("c.jpg", _jpeg(), "image/jpeg"),
    }


def _trainings_ready(w: World, url: str) -> str:
    training_fixture(w, "a")
    training_fixture(w, "b")
    return url


def _training_title(w: World) -> list[str]:
    return [TRAINING_TITLE["a"]]


def _training_photo_marker(w: World) -> list[str]:
    return [TRAINING_PHOTO_MARKER["a"]]


def _training_page_body(w: World) -> dict[str, Any]:
    return {
        "title": "新员工食品安全培训",
        "date": "2025-06-01",
        "hours": "4",
        "photo": SimpleUploadedFile("t.jpg", _jpeg(), "image/jpeg"),
        "submission_key": str(uuid.uuid4()),
    }


def _training_api_body(w: World) -> dict[str, Any]:
    return {
        "title": "新员工食品安全培训",
        "date": "2025-06-01",
        "hours": "4.5",
        "photo": SimpleUploadedFile("t.jpg", _jpeg(), "image/jpeg"),
    }


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page staff:list", Kind.LIST, lambda w: _ready(w, "/staff/"), markers=_markers),
    RouteCase(
        "page staff:add",
        Kind.WRITE,
        lambda w: f"/staff/canteen/{_canteen_a(w)}/add/",
        method="POST",
        body=lambda w: {"name": "新来的厨师", "position": "cook", "submission_key": str(uuid.uuid4())},
        right="manager_a",
        wrong="manager_b",
        right_status=302,
    ),
    RouteCase("page staff:detail", Kind.DETAIL, lambda w: f"/staff/{_cook(w)}/", markers=_markers),
    RouteCase(
        "page staff:link_account",
        Kind.WRITE,
        lambda w: f"/staff/{_helper(w)}/account/",
        method="POST",
        body=lambda w: {"account_id": str(w.users["staff_a"].pk)},
        right="manager_a",
        wrong="manager_b",
        right_status=302,
    ),
    RouteCase(
        "page staff:add_certificate",
        Kind.WRITE,
        lambda w: f"/staff/{_helper(w)}/certificate/",
        method="POST",
        body=_certificate_page_body,
        right="manager_a",
        wrong="manager_b",
        right_status=302,
    ),
    RouteCase(
        "page staff:morning_check",
        Kind.DETAIL,
        lambda w: f"/staff/canteen/{_canteen_a(w)}/morning-check/",
        markers=_markers,
    ),
    RouteCase(
        "page staff:morning_check",
        Kind.WRITE,
        lambda w: f"/staff/canteen/{_canteen_a(w)}/morning-check/",
        method="POST",
        body=lambda w: {f"t_{_helper(w)}": "36.6", f"key_{_helper(w)}": str(uuid.uuid4())},
        right="staff_a",
        wrong="staff_b",
        right_status=302,
    ),
    RouteCase(
        "page staff:certificate_photo",
        Kind.DETAIL,
        lambda w: f"/staff/certificates/{staff_fixture(w).certificate.pk}/photo/",
        markers=_photo_marker,
    ),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase(
        "api GET /api/v1/staff/members",
        Kind.LIST,
        lambda w: _ready(w, "/api/v1/staff/members"),
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/staff/canteens/{canteen_id}/members",
        Kind.WRITE,
        lambda w: f"/api/v1/staff/canteens/{_canteen_a(w)}/members",
        method="POST",
        body=lambda w: {"name": "新来的帮厨", "position": "helper"},
        right="manager_a",
        wrong="manager_b",
        right_status=201,
    ),
    RouteCase(
        "api GET /api/v1/staff/members/{staff_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/staff/members/{_cook(w)}",
        markers=_staff_name,
    ),
    RouteCase(
        "api PATCH /api/v1/staff/members/{staff_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/staff/members/{_cook(w)}",
        method="PATCH",
        body=lambda w: {"phone": "13900000009"},
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/staff/health-certificates",
        Kind.LIST,
        lambda w: _ready(w, "/api/v1/staff/health-certificates"),
        markers=_staff_name,
    ),
    RouteCase(
        "api POST /api/v1/staff/members/{staff_id}/health-certificates",
        Kind.WRITE,
        lambda w: f"/api/v1/staff/members/{_helper(w)}/health-certificates",
        method="POST",
        body=_certificate_api_body,
        right="manager_a",
        wrong="manager_b",
        right_status=201,
        multipart=True,
    ),
    RouteCase(
        "api GET /api/v1/staff/health-certificates/{certificate_id}/photo",
        Kind.DETAIL,
        lambda w: f"/api/v1/staff/health-certificates/{staff_fixture(w).certificate.pk}/photo",
        markers=_photo_marker,
    ),
    RouteCase(
        "api GET /api/v1/staff/morning-checks",
        Kind.LIST,
        lambda w: _ready(w, "/api/v1/staff/morning-checks"),
        markers=_staff_name,
    ),
    RouteCase(
        "api POST /api/v1/staff/members/{staff_id}/morning-checks",
        Kind.WRITE,
        lambda w: f"/api/v1/staff/members/{_helper(w)}/morning-checks",
        method="POST",
        body=lambda w: {"temperature": 36.4},
        right="staff_a",
        wrong="staff_b",
        right_status=201,
    ),
    # --- Training records ---------------------------------------------------------------------------
    RouteCase(
        "page staff:add_training",
        Kind.DETAIL,
        lambda w: f"/staff/{_helper(w)}/training/",
        right="manager_a",
        wrong="manager_b",
        markers=lambda w: [NAMES["a"][1]],
    ),
    RouteCase(
        "page staff:add_training",
        Kind.WRITE,
        lambda w: f"/staff/{_helper(w)}/training/",
        method="POST",
        body=_training_page_body,
        right="manager_a",
        wrong="manager_b",
        right_status=302,
    ),
    RouteCase(
        "page staff:training_photo",
        Kind.DETAIL,
        lambda w: f"/staff/trainings/{training_fixture(w).pk}/photo/",
        markers=_training_photo_marker,
    ),
    RouteCase(
        "api GET /api/v1/staff/training-records",
        Kind.LIST,
        lambda w: _trainings_ready(w, "/api/v1/staff/training-records"),
        markers=_training_title,
    ),
    RouteCase(
        "api POST /api/v1/staff/members/{staff_id}/training-records",
        Kind.WRITE,
        lambda w: f"/api/v1/staff/members/{_helper(w)}/training-records",
        method="POST",
        body=_training_api_body,
        right="manager_a",
        wrong="manager_b",
        right_status=201,
        multipart=True,
    ),
    RouteCase(
        "api GET /api/v1/staff/training-records/{record_id}/photo",
        Kind.DETAIL,
        lambda w: f"/api/v1/staff/training-records/{training_fixture(w).pk}/photo",
        markers=_training_photo_marker,
    ),
]
