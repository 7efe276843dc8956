"""Scoping cases of every patrols route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.patrols.tests.factories import FINDING_NOTE, patrols
from brightkitchen.records.tests.factories import photo


def _pk(key: str) -> Callable[[World], int]:
    return lambda w: int(patrols(w)[key].pk)


def _org_a(w: World) -> list[str]:
    patrols(w)
    return [w.orgs["regulator_a"].name]


def _finding_a(w: World) -> list[str]:
    patrols(w)
    return [FINDING_NOTE["a"]]


def _school_a(w: World) -> list[str]:
    patrols(w)
    return [w.schools["a"].organisation.name]


def _jpeg(w: World) -> list[str]:
    patrols(w)
    return ["JFIF"]


def _plan_body(w: World) -> dict[str, Any]:
    return {"period": "2031-05", "quota": "1"}


def _patrol_page_body(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "note": "路由测试巡查",
        "working_days": "10",
        "items": ["pests"],
        "note_pests": "灶台下发现蟑螂",
        "notice_pests": "1",
        "snapshot_pests": photo("pests.jpg"),
    }


def _patrol_api_body(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "note": "路由测试巡查",
        "working_days": "10",
        "findings": json.dumps([{"item": "pests", "note": "灶台下发现蟑螂"}]),
        "snapshot_pests": photo("pests.jpg"),
    }


PLAN_A, OLD_A, NEW_A = _pk("a"), _pk("a_old"), _pk("a_new")
PENDING_A, DONE_A, FINDING_A = _pk("a_pending"), _pk("a_done"), _pk("a_finding")

CASES: list[RouteCase] = [
    RouteCase("page patrols:index", Kind.LIST, lambda w: (patrols(w), "/patrols/")[1], markers=_org_a),
    # Making a plan is about the caller's own region: anyone's plan is their own.
    RouteCase(
        "page patrols:index",
        Kind.SELF,
        lambda w: "/patrols/",
        method="POST",
        body=_plan_body,
        right_status=302,
        wrong="regulator_b",
    ),
    RouteCase(
        "page patrols:assignments",
        Kind.LIST,
        lambda w: (patrols(w), "/patrols/assignments/")[1],
        markers=_school_a,
    ),
    RouteCase(
        "page patrols:findings",
        Kind.LIST,
        lambda w: (patrols(w), "/patrols/findings/")[1],
        markers=_finding_a,
    ),
    RouteCase("page patrols:plan", Kind.DETAIL, lambda w: f"/patrols/plans/{PLAN_A(w)}/"),
    RouteCase(
        "page patrols:draw",
        Kind.WRITE,
        lambda w: f"/patrols/plans/{NEW_A(w)}/draw/",
        method="POST",
        right_status=302,
    ),
    RouteCase("page patrols:assignment", Kind.DETAIL, lambda w: f"/patrols/assignments/{DONE_A(w)}/"),
    RouteCase(
        "page patrols:assignment",
        Kind.WRITE,
        lambda w: f"/patrols/assignments/{PENDING_A(w)}/",
        method="POST",
        body=_patrol_page_body,
        right_status=302,
    ),
    RouteCase(
        "page patrols:snapshot",
        Kind.DETAIL,
        lambda w: f"/patrols/findings/{FINDING_A(w)}/snapshot/",
        markers=_jpeg,
        right="edu_a",
        wrong="edu_b",
    ),
    RouteCase(
        "api GET /api/v1/patrols/plans",
        Kind.LIST,
        lambda w: (patrols(w), "/api/v1/patrols/plans")[1],
        markers=_org_a,
    ),
    RouteCase(
        "api POST /api/v1/patrols/plans",
        Kind.SELF,
        lambda w: "/api/v1/patrols/plans",
        method="POST",
        body=lambda w: {"period": "2031-05-01", "quota": 1},
        right_status=201,
    ),
    RouteCase(
        "api GET /api/v1/patrols/plans/{plan_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/patrols/plans/{OLD_A(w)}",
        markers=_org_a,
    ),
    RouteCase(
        "api POST /api/v1/patrols/plans/{plan_id}/draw",
        Kind.WRITE,
        lambda w: f"/api/v1/patrols/plans/{NEW_A(w)}/draw",
        method="POST",
        markers=_org_a,
    ),
    RouteCase(
        "api GET /api/v1/patrols/assignments",
        Kind.LIST,
        lambda w: (patrols(w), "/api/v1/patrols/assignments")[1],
        right="city_regulator",
    ),
    RouteCase(
        "api GET /api/v1/patrols/assignments/{assignment_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/patrols/assignments/{DONE_A(w)}",
        right="edu_a",
        wrong="edu_b",
    ),
    RouteCase(
        "api POST /api/v1/patrols/assignments/{assignment_id}/records",
        Kind.WRITE,
        lambda w: f"/api/v1/patrols/assignments/{PENDING_A(w)}/records",
        method="POST",
        body=_patrol_api_body,
        multipart=True,
        right_status=201,
    ),
    RouteCase(
        "api GET /api/v1/patrols/findings/{finding_id}/snapshot",
        Kind.DETAIL,
        lambda w: f"/api/v1/patrols/findings/{FINDING_A(w)}/snapshot",
        markers=_jpeg,
    ),
]
