"""Scoping cases of every purchases route (discovered by core/tests/route_cases.py). County A's
deliveries are made lazily, without the audit log, by `factories.deliveries`."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import JPEG_MARKERS, Kind, RouteCase
from brightkitchen.purchases.tests.factories import OLD_PRODUCT, PRODUCT, deliveries, photo


def _canteen_a(w: World) -> int:
    deliveries(w)
    return w.canteens["a"].pk


def _recent_a(w: World) -> int:
    return int(deliveries(w)["a"]["recent"].pk)


def _old_a(w: World) -> int:
    return int(deliveries(w)["a"]["old"].pk)


def _certificate_a(w: World) -> int:
    return int(deliveries(w)["a"]["certificate"].pk)


def _with_deliveries(w: World, url: str) -> str:
    deliveries(w)
    return url


def _markers(w: World) -> list[str]:
    deliveries(w)
    return [PRODUCT["a"], OLD_PRODUCT["a"]]


def _delivery_form(w: World) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "delivered_on": timezone.localdate().isoformat(),
        "supplier_name": "路由测试蔬菜合作社",
        "product": "路由测试西红柿",
        "quantity": "12.5",
        "unit": "kg",
        "production_date": timezone.localdate().isoformat(),
        "shelf_life_days": "7",
        "acceptor_name": "路由测试验收员",
        "decision": "accepted",
        "certificate_kind": "quality",
        "certificates": photo("cert.jpg"),
    }


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page purchases:index", Kind.LIST, lambda w: "/purchases/"),
    RouteCase(
        "page purchases:deliveries",
        Kind.DETAIL,
        lambda w: f"/purchases/canteens/{_canteen_a(w)}/",
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page purchases:deliveries",
        Kind.WRITE,
        lambda w: f"/purchases/canteens/{_canteen_a(w)}/",
        method="POST",
        body=_delivery_form,
        right_status=302,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "page purchases:certificate",
        Kind.DETAIL,
        lambda w: f"/purchases/certificates/{_certificate_a(w)}/",
        markers=JPEG_MARKERS,
        right="principal_a",
        wrong="principal_b",
    ),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase(
        "api GET /api/v1/purchases/inspections",
        Kind.LIST,
        lambda w: _with_deliveries(w, "/api/v1/purchases/inspections"),
        markers=_markers,
    ),
    RouteCase(
        "api POST /api/v1/purchases/canteens/{canteen_id}/inspections",
        Kind.WRITE,
        lambda w: f"/api/v1/purchases/canteens/{_canteen_a(w)}/inspections",
        method="POST",
        body=_delivery_form,
        multipart=True,
        right_status=201,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api GET /api/v1/purchases/inspections/{record_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/purchases/inspections/{_recent_a(w)}",
        markers=_markers,
    ),
    RouteCase(
        "api PATCH /api/v1/purchases/inspections/{record_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/purchases/inspections/{_recent_a(w)}",
        method="PATCH",
        body=lambda w: {"quantity": 5},
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api DELETE /api/v1/purchases/inspections/{record_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/purchases/inspections/{_old_a(w)}",
        method="DELETE",
        right_status=204,
        markers=_markers,
        right="manager_a",
        wrong="manager_b",
    ),
    RouteCase(
        "api POST /api/v1/purchases/inspections/{record_id}/certificates",
        Kind.WRITE,
        lambda w: f"/api/v1/purchases/inspections/{_recent_a(w)}/certificates",
        method="POST",
        body=lambda w: {"kind": "quarantine", "file": photo("q.jpg")},
        multipart=True,
        right_status=201,
        markers=_markers,
        right="staff_a",
        wrong="staff_b",
    ),
    RouteCase(
        "api GET /api/v1/purchases/certificates/{certificate_id}/file",
        Kind.DETAIL,
        lambda w: f"/api/v1/purchases/certificates/{_certificate_a(w)}/file",
        markers=JPEG_MARKERS,
    ),
]
