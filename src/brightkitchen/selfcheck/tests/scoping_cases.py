"""Scoping cases of every selfcheck route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.selfcheck.tests.factories import ITEM, SUMMARY, selfchecks


def _canteen_a(w: World) -> int:
    selfchecks(w)
    return w.canteens["a"].pk


def _markers(w: World) -> list[str]:
    selfchecks(w)
    return [SUMMARY["a"]]


def _item_markers(w: World) -> list[str]:
    selfchecks(w)
    return [ITEM["a"]]


def _monthly_a(w: World) -> int:
    return int(selfchecks(w)["a"]["monthly"].pk)


def _daily_a(w: World) -> int:
    return int(selfchecks(w)["a"]["daily"].pk)


def _risk_answer_a(w: World) -> int:
    from brightkitchen.core.uploads import store_photo
    from brightkitchen.records.tests.factories import photo

    answer = selfchecks(w)["a"]["daily"].answers.first()
    stored = store_photo(photo(), "photo", "selfcheck/test")
    type(answer).objects.filter(pk=answer.pk).update(
        ok=False, note="测试", photo=stored.path, photo_thumbnail=stored.thumbnail
    )
    return int(answer.pk)


def _weekly_body(w: World) -> dict[str, Any]:
    """A weekly review against a county A weekly checklist made for the case."""
    from brightkitchen.selfcheck.tests.factories import templates

    template = templates(w, "140702", "weekly", ["路由测试：周排查项目"])
    today = timezone.localdate()
    return {
        "kind": "weekly",
        "period": (today - datetime.timedelta(days=today.weekday())).isoformat(),
        "answers": [{"item_id": i.pk, "ok": True} for i in template.items.all()],
        "submission_key": str(uuid.uuid4()),
    }


def _weekly_form(w: World) -> dict[str, Any]:
    from brightkitchen.selfcheck.tests.factories import templates

    templates(w, "140702", "weekly", ["路由测试：周排查项目"])
    return {"submission_key": str(uuid.uuid4()), "summary": "本周无风险"}


CASES: list[RouteCase] = [
    RouteCase(
        "page selfcheck:report",
        Kind.DETAIL,
        lambda w: f"/selfcheck/canteens/{_canteen_a(w)}/?kind=daily",
        markers=_markers,
    ),
    RouteCase(
        "page selfcheck:report",
        Kind.WRITE,
        lambda w: f"/selfcheck/canteens/{_canteen_a(w)}/?kind=weekly",
        method="POST",
        body=_weekly_form,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page selfcheck:sign",
        Kind.WRITE,
        lambda w: f"/selfcheck/inspections/{_monthly_a(w)}/sign/",
        method="POST",
        right_status=302,
        markers=_markers,
        right="principal_a",
        wrong="principal_b",
    ),
    RouteCase(
        "page selfcheck:answer_photo",
        Kind.DETAIL,
        lambda w: f"/selfcheck/answers/{_risk_answer_a(w)}/photo/",
        markers=lambda w: ["JFIF"],
    ),
    RouteCase(
        "api GET /api/v1/selfcheck/templates",
        Kind.LIST,
        lambda w: (selfchecks(w), "/api/v1/selfcheck/templates")[1],
        markers=_item_markers,
    ),
    RouteCase(
        "api POST /api/v1/selfcheck/templates",
        Kind.WRITE,
        lambda w: (selfchecks(w), "/api/v1/selfcheck/templates")[1],
        method="POST",
        body=lambda w: {
            "region": "140702",
            "kind": "daily",
            "items": [{"text": "路由测试新项目", "is_key": True}],
        },
        right_status=201,
        markers=_item_markers,
    ),
    RouteCase(
        "api GET /api/v1/selfcheck/canteens/{canteen_id}/template",
        Kind.DETAIL,
        lambda w: f"/api/v1/selfcheck/canteens/{_canteen_a(w)}/template?kind=daily",
        markers=_item_markers,
    ),
    RouteCase(
        "api GET /api/v1/selfcheck/inspections",
        Kind.LIST,
        lambda w: (selfchecks(w), "/api/v1/selfcheck/inspections")[1],
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/selfcheck/canteens/{canteen_id}/inspections",
        Kind.WRITE,
        lambda w: f"/api/v1/selfcheck/canteens/{_canteen_a(w)}/inspections",
        method="POST",
        body=_weekly_body,
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/selfcheck/inspections/{inspection_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/selfcheck/inspections/{_daily_a(w)}",
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/selfcheck/inspections/{inspection_id}/sign",
        Kind.WRITE,
        lambda w: f"/api/v1/selfcheck/inspections/{_monthly_a(w)}/sign",
        method="POST",
        markers=_markers,
        right="principal_a",
        wrong="principal_b",
    ),
]


def _editor_body(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "region": "140702",
        "kind": "daily",
        "items": "* 路由测试：页面编辑的项目\n从业人员健康",
    }


CASES += [
    RouteCase(
        "page selfcheck:checklists",
        Kind.LIST,
        lambda w: (selfchecks(w), "/selfcheck/checklists/")[1],
        markers=_item_markers,
    ),
    RouteCase(
        "page selfcheck:checklists",
        Kind.WRITE,
        lambda w: (selfchecks(w), "/selfcheck/checklists/")[1],
        method="POST",
        body=_editor_body,
        right_status=302,
    ),
]
