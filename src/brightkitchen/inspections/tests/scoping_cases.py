"""Scoping cases of every inspections route (discovered by core/tests/route_cases.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.inspections.tests.factories import ITEMS, TEMPLATE_NAME, draft_of, inspections
from brightkitchen.records.tests.factories import photo
from brightkitchen.schools.models import Canteen, RiskGrade


def _template_marker(w: World) -> list[str]:
    inspections(w)
    return [TEMPLATE_NAME["a"]]


def _jpeg(w: World) -> list[str]:
    inspections(w)
    return ["JFIF"]


def _url(build: Callable[[World], str]) -> Callable[[World], str]:
    def url(w: World) -> str:
        inspections(w)
        return build(w)

    return url


def _due(w: World) -> str:
    """Both canteens at risk grade D (three inspections a year), so each is due with its one inspection;
    an update, outside the audit log, like the factories."""
    inspections(w)
    Canteen.objects.filter(pk__in=[c.pk for c in w.canteens.values()]).update(risk_grade=RiskGrade.D)
    return ""


def _item_body(w: World) -> dict[str, Any]:
    return {"code": "9", "text": "路由测试：防蝇设施完好", "is_key": False, "weight": 3}


def _inspection_form(w: World) -> dict[str, Any]:
    c = inspections(w)["a"]
    body: dict[str, Any] = {
        "submission_key": str(uuid.uuid4()),
        "inspected_on": timezone.localdate().isoformat(),
        "note": "路由测试",
    }
    for item in c.items:
        body[f"outcome_{item.pk}"] = "pass"
    return body


def _inspection_api(w: World) -> dict[str, Any]:
    c = inspections(w)["a"]
    return {
        "submission_key": str(uuid.uuid4()),
        "version_id": str(c.version.pk),
        "inspected_on": timezone.localdate().isoformat(),
        "results": json.dumps([{"item": code, "outcome": "pass"} for code, *_rest in ITEMS]),
        "photos.1": photo("ok.jpg"),
    }


def A(w: World) -> Any:
    return inspections(w)["a"]


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page inspections:index", Kind.LIST, _url(lambda w: "/inspections/")),
    RouteCase("page inspections:plan", Kind.LIST, lambda w: _due(w) + "/inspections/plan/"),
    RouteCase(
        "page inspections:templates",
        Kind.LIST,
        _url(lambda w: "/inspections/templates/"),
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:templates",
        Kind.SELF,
        lambda w: "/inspections/templates/",
        method="POST",
        body=lambda w: {"submission_key": str(uuid.uuid4()), "name": "新检查表"},
        right_status=302,
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:version",
        Kind.DETAIL,
        lambda w: f"/inspections/versions/{A(w).version.pk}/",
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:add_item",
        Kind.WRITE,
        lambda w: f"/inspections/versions/{A(w).version.pk}/items/",
        method="POST",
        body=_item_body,
        right_status=302,
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:publish",
        Kind.WRITE,
        lambda w: f"/inspections/versions/{draft_of(w, 'a').pk}/publish/",
        method="POST",
        right_status=302,
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:edit_item",
        Kind.DETAIL,
        lambda w: f"/inspections/items/{A(w).items[0].pk}/",
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:edit_item",
        Kind.WRITE,
        lambda w: f"/inspections/items/{A(w).items[0].pk}/",
        method="POST",
        body=lambda w: {"code": "1", "text": "许可证公示（修订）", "weight": 8, "order": 10},
        right_status=302,
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:remove_item",
        Kind.WRITE,
        lambda w: f"/inspections/items/{A(w).items[2].pk}/remove/",
        method="POST",
        right_status=302,
        markers=_template_marker,
    ),
    RouteCase(
        "page inspections:start", Kind.DETAIL, _url(lambda w: f"/inspections/canteens/{w.canteens['a'].pk}/")
    ),
    RouteCase(
        "page inspections:new",
        Kind.DETAIL,
        lambda w: f"/inspections/canteens/{w.canteens['a'].pk}/versions/{A(w).version.pk}/",
    ),
    RouteCase(
        "page inspections:new",
        Kind.WRITE,
        lambda w: f"/inspections/canteens/{w.canteens['a'].pk}/versions/{A(w).version.pk}/",
        method="POST",
        body=_inspection_form,
        right_status=302,
    ),
    RouteCase(
        "page inspections:detail",
        Kind.DETAIL,
        lambda w: f"/inspections/{A(w).inspection.pk}/",
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page inspections:photo",
        Kind.DETAIL,
        lambda w: f"/inspections/photos/{A(w).photo.pk}/",
        markers=_jpeg,
        right="edu_a",
        wrong="edu_b",
    ),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase(
        "api GET /api/v1/inspections/templates",
        Kind.LIST,
        _url(lambda w: "/api/v1/inspections/templates"),
        markers=_template_marker,
    ),
    RouteCase(
        "api POST /api/v1/inspections/templates",
        Kind.SELF,
        lambda w: "/api/v1/inspections/templates",
        method="POST",
        body=lambda w: {"name": "新检查表"},
        right_status=201,
        markers=_template_marker,
    ),
    RouteCase(
        "api GET /api/v1/inspections/templates/{template_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/inspections/templates/{A(w).template.pk}",
        markers=_template_marker,
    ),
    RouteCase(
        "api POST /api/v1/inspections/templates/{template_id}/draft",
        Kind.WRITE,
        lambda w: f"/api/v1/inspections/templates/{A(w).template.pk}/draft",
        method="POST",
        right_status=201,
        markers=_template_marker,
    ),
    RouteCase(
        "api GET /api/v1/inspections/versions/{version_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/inspections/versions/{A(w).version.pk}",
        markers=_template_marker,
    ),
    RouteCase(
        "api POST /api/v1/inspections/versions/{version_id}/items",
        Kind.WRITE,
        lambda w: f"/api/v1/inspections/versions/{A(w).version.pk}/items",
        method="POST",
        body=_item_body,
        right_status=201,
        markers=_template_marker,
    ),
    RouteCase(
        "api PATCH /api/v1/inspections/items/{item_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/inspections/items/{A(w).items[1].pk}",
        method="PATCH",
        body=lambda w: {"weight": 7},
        markers=_template_marker,
    ),
    RouteCase(
        "api DELETE /api/v1/inspections/items/{item_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/inspections/items/{A(w).items[2].pk}",
        method="DELETE",
        markers=_template_marker,
    ),
    RouteCase(
        "api POST /api/v1/inspections/versions/{version_id}/publish",
        Kind.WRITE,
        lambda w: f"/api/v1/inspections/versions/{draft_of(w, 'a').pk}/publish",
        method="POST",
        markers=_template_marker,
    ),
    RouteCase("api GET /api/v1/inspections/plan", Kind.LIST, lambda w: _due(w) + "/api/v1/inspections/plan"),
    RouteCase("api GET /api/v1/inspections", Kind.LIST, _url(lambda w: "/api/v1/inspections")),
    RouteCase(
        "api POST /api/v1/inspections/canteens/{canteen_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/inspections/canteens/{w.canteens['a'].pk}",
        method="POST",
        body=_inspection_api,
        multipart=True,
        right_status=201,
    ),
    RouteCase(
        "api GET /api/v1/inspections/{inspection_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/inspections/{A(w).inspection.pk}",
        right="principal_a",
        wrong="principal_b",
    ),
    RouteCase(
        "api GET /api/v1/inspections/photos/{photo_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/inspections/photos/{A(w).photo.pk}",
        markers=_jpeg,
        right="manager_a",
        wrong="manager_b",
    ),
]
