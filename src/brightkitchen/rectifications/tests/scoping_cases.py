"""Scoping cases of every rectifications route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import uuid
from typing import Any

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.records.tests.factories import photo
from brightkitchen.rectifications.tests.factories import PROBLEM, notices, photo_of


def _notice(key: str) -> Any:
    return lambda w: int(notices(w)[key].pk)


def _canteen_a(w: World) -> int:
    notices(w)
    return w.canteens["a"].pk


def _with(w: World, url: str) -> str:
    notices(w)
    return url


def _markers(w: World) -> list[str]:
    notices(w)
    return [PROBLEM["a"]]


def _jpeg_marker(w: World) -> list[str]:
    notices(w)
    return ["JFIF"]


def _notice_body(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "problem": "路由测试：地面有积水",
        "source_kind": "patrol",
        "source_ref": "patrol:9",
        "working_days": "10",
    }


def _response_body(w: World) -> dict[str, Any]:
    return {"submission_key": str(uuid.uuid4()), "response": "已清理并加装防滑垫", "photos": photo("fix.jpg")}


def _review_body(w: World) -> dict[str, Any]:
    return {"submission_key": str(uuid.uuid4()), "decision": "close", "comment": "整改到位"}


A = _notice("a")
A_RESPONDED = _notice("a_responded")

CASES: list[RouteCase] = [
    RouteCase(
        "page rectifications:index",
        Kind.LIST,
        lambda w: _with(w, "/rectifications/"),
        markers=_markers,
    ),
    RouteCase(
        "page rectifications:new", Kind.DETAIL, lambda w: f"/rectifications/canteens/{_canteen_a(w)}/new/"
    ),
    RouteCase(
        "page rectifications:new",
        Kind.WRITE,
        lambda w: f"/rectifications/canteens/{_canteen_a(w)}/new/",
        method="POST",
        body=_notice_body,
        right_status=302,
        markers=_markers,
        also_allowed=(
            "edu_a",
        ),  # education bureaus issue notices too (ISSUER_ROLES: joint notices, SPEC §1),
    ),
    RouteCase(
        "page rectifications:detail",
        Kind.DETAIL,
        lambda w: f"/rectifications/{A(w)}/",
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page rectifications:respond",
        Kind.WRITE,
        lambda w: f"/rectifications/{A(w)}/respond/",
        method="POST",
        body=_response_body,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page rectifications:review",
        Kind.WRITE,
        lambda w: f"/rectifications/{A_RESPONDED(w)}/review/",
        method="POST",
        body=_review_body,
        right_status=302,
        markers=_markers,
    ),
    RouteCase(
        "page rectifications:photo",
        Kind.DETAIL,
        lambda w: f"/rectifications/photos/{photo_of(w, 'a')}/",
        markers=_jpeg_marker,
        right="staff_a",
        wrong="staff_b",
    ),
    RouteCase(
        "api GET /api/v1/rectifications",
        Kind.LIST,
        lambda w: _with(w, "/api/v1/rectifications"),
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/rectifications/canteens/{canteen_id}/notices",
        Kind.WRITE,
        lambda w: f"/api/v1/rectifications/canteens/{_canteen_a(w)}/notices",
        method="POST",
        body=lambda w: {**_notice_body(w), "photos": photo("problem.jpg")},
        multipart=True,
        right_status=201,
        markers=_markers,
        also_allowed=(
            "edu_a",
        ),  # education bureaus issue notices too (ISSUER_ROLES: joint notices, SPEC §1),
    ),
    RouteCase(
        "api GET /api/v1/rectifications/{notice_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/rectifications/{A(w)}",
        markers=_markers,
        right="principal_a",
        wrong="principal_b",
    ),
    RouteCase(
        "api POST /api/v1/rectifications/{notice_id}/responses",
        Kind.WRITE,
        lambda w: f"/api/v1/rectifications/{A(w)}/responses",
        method="POST",
        body=_response_body,
        multipart=True,
        right_status=201,
        markers=_markers,
        right="staff_a",
        wrong="staff_b",
    ),
    RouteCase(
        "api POST /api/v1/rectifications/{notice_id}/review",
        Kind.WRITE,
        lambda w: f"/api/v1/rectifications/{A_RESPONDED(w)}/review",
        method="POST",
        body=_review_body,
        markers=_markers,
    ),
    RouteCase(
        "api GET /api/v1/rectifications/photos/{photo_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/rectifications/photos/{photo_of(w, 'a')}",
        markers=_jpeg_marker,
        right="edu_a",
        wrong="edu_b",
    ),
]
