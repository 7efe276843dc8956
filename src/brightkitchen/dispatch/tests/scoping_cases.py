"""Scoping cases of every dispatch route (discovered by core/tests/route_cases.py). County A's data is
the city's tasks to county A's bureau; county B's bureau has no lower unit, so it may send nothing."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.dispatch.tests.factories import TITLE, assignment_of, attachment_of, branch, tasks
from brightkitchen.records.tests.factories import photo


def _task(key: str) -> Any:
    return lambda w: int(tasks(w)[key].pk)


def _assignment(key: str) -> Any:
    return lambda w: assignment_of(w, key)


def _with(w: World, url: str) -> str:
    tasks(w)
    return url


def _markers(w: World) -> list[str]:
    tasks(w)
    return [TITLE["a"]]


def _unit_a(w: World) -> list[str]:
    tasks(w)
    return [w.orgs["regulator_a"].name]


def _jpeg(w: World) -> list[str]:
    tasks(w)
    return ["JFIF"]


def _deadline() -> str:
    return (timezone.localdate() + datetime.timedelta(days=5)).isoformat()


def _task_body(w: World) -> dict[str, Any]:
    tasks(w)
    return {
        "submission_key": str(uuid.uuid4()),
        "title": "路由测试：开展校园食品安全检查",
        "body": "请各县局组织检查并反馈。",
        "deadline": _deadline(),
        "recipients": [w.orgs["regulator_a"].pk],
    }


def _redispatch_body(w: World) -> dict[str, Any]:
    tasks(w)
    return {
        "submission_key": str(uuid.uuid4()),
        "title": "路由测试：转派到所",
        "body": "请各所落实。",
        "deadline": _deadline(),
        "recipients": [branch(w).pk],
    }


def _answer_body(w: World) -> dict[str, Any]:
    return {"submission_key": str(uuid.uuid4()), "text": "已完成检查", "attachments": photo("report.jpg")}


def _review_body(w: World) -> dict[str, Any]:
    return {"submission_key": str(uuid.uuid4()), "decision": "close", "comment": "完成"}


A = _task("a")

CASES: list[RouteCase] = [
    RouteCase("page dispatch:index", Kind.LIST, lambda w: _with(w, "/dispatch/"), markers=_markers),
    RouteCase(
        "page dispatch:new",
        Kind.DETAIL,
        lambda w: _with(w, "/dispatch/new/"),
        right="city_regulator",
        markers=_unit_a,
    ),
    RouteCase(
        "page dispatch:new",
        Kind.WRITE,
        lambda w: _with(w, "/dispatch/new/"),
        method="POST",
        body=_task_body,
        right="city_regulator",
        right_status=302,
        markers=_markers,
    ),
    RouteCase("page dispatch:detail", Kind.DETAIL, lambda w: f"/dispatch/{A(w)}/", markers=_markers),
    RouteCase(
        "page dispatch:answer",
        Kind.WRITE,
        lambda w: f"/dispatch/assignments/{assignment_of(w, 'a')}/answer/",
        method="POST",
        body=_answer_body,
        right_status=302,
        markers=_markers,
    ),
    RouteCase(
        "page dispatch:review",
        Kind.WRITE,
        lambda w: f"/dispatch/assignments/{assignment_of(w, 'a_answered')}/review/",
        method="POST",
        body=_review_body,
        right="city_regulator",
        right_status=302,
        markers=_markers,
    ),
    RouteCase(
        "page dispatch:redispatch",
        Kind.DETAIL,
        lambda w: f"/dispatch/assignments/{assignment_of(w, 'a')}/redispatch/",
        markers=_markers,
    ),
    RouteCase(
        "page dispatch:redispatch",
        Kind.WRITE,
        lambda w: f"/dispatch/assignments/{assignment_of(w, 'a')}/redispatch/",
        method="POST",
        body=_redispatch_body,
        right_status=302,
        markers=_markers,
    ),
    RouteCase(
        "page dispatch:attachment",
        Kind.DETAIL,
        lambda w: f"/dispatch/attachments/{attachment_of(w, 'a')}/",
        markers=_jpeg,
    ),
    RouteCase(
        "api GET /api/v1/dispatch/tasks",
        Kind.LIST,
        lambda w: _with(w, "/api/v1/dispatch/tasks"),
        markers=_markers,
    ),
    RouteCase(
        "api GET /api/v1/dispatch/todo",
        Kind.LIST,
        lambda w: _with(w, "/api/v1/dispatch/todo"),
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/dispatch/tasks",
        Kind.WRITE,
        lambda w: _with(w, "/api/v1/dispatch/tasks"),
        method="POST",
        body=lambda w: {**_task_body(w), "attachments": photo("plan.jpg")},
        multipart=True,
        right="city_regulator",
        right_status=201,
        markers=_markers,
    ),
    RouteCase(
        "api GET /api/v1/dispatch/tasks/{task_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/dispatch/tasks/{A(w)}",
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/dispatch/assignments/{assignment_id}/received",
        Kind.WRITE,
        lambda w: f"/api/v1/dispatch/assignments/{assignment_of(w, 'a_sent')}/received",
        method="POST",
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/dispatch/assignments/{assignment_id}/answers",
        Kind.WRITE,
        lambda w: f"/api/v1/dispatch/assignments/{assignment_of(w, 'a')}/answers",
        method="POST",
        body=_answer_body,
        multipart=True,
        right_status=201,
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/dispatch/assignments/{assignment_id}/review",
        Kind.WRITE,
        lambda w: f"/api/v1/dispatch/assignments/{assignment_of(w, 'a_answered')}/review",
        method="POST",
        body=_review_body,
        right="city_regulator",
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/dispatch/assignments/{assignment_id}/redispatch",
        Kind.WRITE,
        lambda w: f"/api/v1/dispatch/assignments/{assignment_of(w, 'a')}/redispatch",
        method="POST",
        body=_redispatch_body,
        multipart=True,
        right_status=201,
        markers=_markers,
    ),
    RouteCase(
        "api GET /api/v1/dispatch/attachments/{attachment_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/dispatch/attachments/{attachment_of(w, 'a_answered')}",
        markers=_jpeg,
        right="city_regulator",
    ),
]
