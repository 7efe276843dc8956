"""Scoping cases of every records route (discovered by core/tests/route_cases.py). County A's records are
made lazily, without the audit log, by `factories.records`."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import JPEG_MARKERS, Kind, RouteCase
from brightkitchen.records.tests.factories import COMPANION, DISH, OLD_DISH, photo, records


def _canteen_a(w: World) -> int:
    records(w)  # so the page has county A's records to show (and the wrong user to miss)
    return w.canteens["a"].pk


def _with_records(w: World, url: str) -> str:
    records(w)
    return url


def _sample_a(w: World) -> int:
    return int(records(w)["a"]["sample"].pk)


def _old_sample_a(w: World) -> int:
    return int(records(w)["a"]["old_sample"].pk)


def _meal_a(w: World) -> int:
    return int(records(w)["a"]["meal"].pk)


def _samples_markers(w: World) -> list[str]:
    records(w)
    return [DISH["a"], OLD_DISH["a"]]


def _meal_markers(w: World) -> list[str]:
    records(w)
    return [COMPANION["a"]]


def _sample_form(w: World) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "submission_key": str(uuid.uuid4()),
        "date": now.date().isoformat(),
        "meal": "dinner",
        "dish": "路由测试宫保鸡丁",
        "weight_g": "150",
        "stored_at": now.strftime("%Y-%m-%dT%H:%M"),
        "sampled_by": "路由测试员",
        "photo": photo(),
    }


def _meal_samples_form(w: World) -> dict[str, Any]:
    """The meal page with one row filled (a dish not on the menu), as the page posts it."""
    now = timezone.localtime()
    return {
        "rows": "1",
        "stored_at": now.strftime("%Y-%m-%dT%H:%M"),
        "sampled_by": "路由测试员",
        "r0-key": str(uuid.uuid4()),
        "r0-dish": "路由测试鱼香肉丝",
        "r0-weight_g": "150",
        "r0-photo": photo(),
    }


def _meal_form(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "date": timezone.localdate().isoformat(),
        "meal": "lunch",
        "companion_name": "路由测试校长",
        "companion_kind": "leader",
        "rating": "5",
        "problems": "",
    }


def _new_sample_body(w: World) -> dict[str, Any]:
    """A dinner sample stored a minute ago (the fixtures hold today's lunch), with a real photo."""
    from django.utils import timezone

    from brightkitchen.records.tests import factories

    now = timezone.localtime()
    return {
        "date": now.date().isoformat(),
        "meal": "dinner",
        "dish": "矩阵测试菜",
        "weight_g": 150,
        "stored_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "sampled_by": "测试员",
        "photo": factories.photo(),
    }


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page records:index", Kind.LIST, lambda w: "/records/"),
    RouteCase(
        "page records:samples",
        Kind.DETAIL,
        lambda w: f"/records/canteens/{_canteen_a(w)}/samples/",
        markers=_samples_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page records:samples",
        Kind.WRITE,
        lambda w: f"/records/canteens/{_canteen_a(w)}/samples/",
        method="POST",
        body=_sample_form,
        right_status=302,
        markers=_samples_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page records:meal_samples",
        Kind.DETAIL,
        lambda w: f"/records/canteens/{_canteen_a(w)}/samples/lunch/",
        markers=lambda w: [DISH["a"]] if records(w) else [],
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page records:meal_samples",
        Kind.WRITE,
        lambda w: f"/records/canteens/{_canteen_a(w)}/samples/dinner/",
        method="POST",
        body=_meal_samples_form,
        right_status=302,
        markers=_samples_markers,
        right="staff_a",
        wrong="staff_b",
    ),
    RouteCase(
        "page records:sample_discard",
        Kind.WRITE,
        lambda w: f"/records/samples/{_old_sample_a(w)}/discard/",
        method="POST",
        right_status=302,
        markers=_samples_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page records:sample_photo",
        Kind.DETAIL,
        lambda w: f"/records/samples/{_sample_a(w)}/photo/",
        markers=JPEG_MARKERS,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page records:meals",
        Kind.DETAIL,
        lambda w: f"/records/canteens/{_canteen_a(w)}/meals/",
        markers=_meal_markers,
    ),
    RouteCase(
        "page records:meals",
        Kind.WRITE,
        lambda w: f"/records/canteens/{_canteen_a(w)}/meals/",
        method="POST",
        body=_meal_form,
        right_status=302,
        markers=_meal_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page records:meal_answer",
        Kind.WRITE,
        lambda w: f"/records/meals/{_meal_a(w)}/answer/",
        method="POST",
        body=lambda w: {"answer": "已调整盐量"},
        right="principal_a",
        wrong="principal_b",
        right_status=302,
        markers=_meal_markers,
    ),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase(
        "api GET /api/v1/records/samples",
        Kind.LIST,
        lambda w: _with_records(w, "/api/v1/records/samples"),
        markers=_samples_markers,
    ),
    RouteCase(
        "api POST /api/v1/records/canteens/{canteen_id}/samples",
        Kind.WRITE,
        lambda w: f"/api/v1/records/canteens/{_canteen_a(w)}/samples",
        method="POST",
        body=_new_sample_body,
        multipart=True,
        right_status=201,
        markers=_samples_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/records/samples/{sample_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/records/samples/{_sample_a(w)}",
        markers=_samples_markers,
    ),
    RouteCase(
        "api POST /api/v1/records/samples/{sample_id}/discard",
        Kind.WRITE,
        lambda w: f"/api/v1/records/samples/{_old_sample_a(w)}/discard",
        method="POST",
        markers=_samples_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/records/samples/{sample_id}/photo",
        Kind.DETAIL,
        lambda w: f"/api/v1/records/samples/{_sample_a(w)}/photo",
        markers=JPEG_MARKERS,
    ),
    RouteCase(
        "api GET /api/v1/records/accompanied-meals",
        Kind.LIST,
        lambda w: _with_records(w, "/api/v1/records/accompanied-meals"),
        markers=_meal_markers,
    ),
    RouteCase(
        "api POST /api/v1/records/accompanied-meals",
        Kind.WRITE,
        lambda w: "/api/v1/records/accompanied-meals",
        method="POST",
        body=lambda w: {**_meal_form(w), "canteen_id": _canteen_a(w), "rating": 4},
        right_status=201,
        markers=_meal_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api POST /api/v1/records/accompanied-meals/{record_id}/answer",
        Kind.WRITE,
        lambda w: f"/api/v1/records/accompanied-meals/{_meal_a(w)}/answer",
        method="POST",
        body=lambda w: {"answer": "已调整盐量"},
        right="principal_a",
        wrong="principal_b",
        markers=_meal_markers,
    ),
]
