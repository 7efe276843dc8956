"""Scoping cases of the notification routes (collected by core/tests/route_cases.py). Each county's school
has a webhook receiver and each county's regulator a delivery of their county's alert, created lazily
without audit entries (as the planner writes deliveries, in bulk)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from brightkitchen.alerts.tests.scoping_cases import county_alert
from brightkitchen.conftest import World
from brightkitchen.core import webhook_signature
from brightkitchen.core.tests.route_cases import Kind, RouteCase
from brightkitchen.notifications.models import Channel, Delivery, WebhookEndpoint

HOOK = "http://127.0.0.1:9/hook"
_ALSO = ("manager_a",)  # the canteen's manager keeps its school's receivers too


def _endpoint(w: World, county: str) -> int:
    wanted = {c: w.schools[c].organisation_id for c in ("a", "b")}
    existing = {
        e.organisation_id: e for e in WebhookEndpoint.objects.filter(organisation_id__in=wanted.values())
    }
    missing = [c for c, org in wanted.items() if org not in existing]
    if missing:
        WebhookEndpoint.objects.bulk_create(
            [
                WebhookEndpoint(organisation_id=wanted[c], url=HOOK, secret=webhook_signature.new_secret())
                for c in missing
            ]
        )
        existing = {
            e.organisation_id: e for e in WebhookEndpoint.objects.filter(organisation_id__in=wanted.values())
        }
    return existing[wanted[county]].pk


def _deliveries(path: str) -> Callable[[World], str]:
    def url(w: World) -> str:
        if not Delivery.objects.exists():
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        alert=county_alert(w, c),
                        channel=Channel.EMAIL,
                        user=w.users[f"regulator_{c}"],
                        address=f"regulator_{c}@example.gov.cn",
                        next_attempt_at=timezone.now(),
                    )
                    for c in ("a", "b")
                ]
            )
        return path

    return url


def _receivers(path: str) -> Callable[[World], str]:
    def url(w: World) -> str:
        _endpoint(w, "a")
        return path

    return url


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page notifications:settings", Kind.SELF, _deliveries("/notifications/")),
    RouteCase(
        "page notifications:webhooks",
        Kind.LIST,
        _receivers("/notifications/webhooks/"),
        right="principal_a",
        wrong="principal_b",
        also_allowed=_ALSO,
    ),
    RouteCase(
        "page notifications:remove_webhook",
        Kind.WRITE,
        lambda w: f"/notifications/webhooks/{_endpoint(w, 'a')}/remove/",
        method="POST",
        right_status=302,
        right="principal_a",
        wrong="principal_b",
        also_allowed=_ALSO,
    ),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase(
        "api GET /api/v1/notifications/deliveries", Kind.LIST, _deliveries("/api/v1/notifications/deliveries")
    ),
    RouteCase(
        "api GET /api/v1/notifications/settings", Kind.SELF, lambda w: "/api/v1/notifications/settings"
    ),
    RouteCase(
        "api PUT /api/v1/notifications/settings",
        Kind.SELF,
        lambda w: "/api/v1/notifications/settings",
        method="PUT",
        body=lambda w: {"quiet_from": "22:00", "quiet_until": "07:00", "choices": {"": ["email"]}},
    ),
    RouteCase(
        "api GET /api/v1/notifications/webhooks",
        Kind.LIST,
        _receivers("/api/v1/notifications/webhooks"),
        right="principal_a",
        wrong="principal_b",
        also_allowed=_ALSO,
    ),
    RouteCase(
        "api POST /api/v1/notifications/webhooks",
        Kind.WRITE,
        lambda w: "/api/v1/notifications/webhooks",
        method="POST",
        body=lambda w: {"url": HOOK, "organisation_id": w.schools["a"].organisation_id},
        right_status=201,
        right="principal_a",
        wrong="principal_b",
        also_allowed=_ALSO,
    ),
    RouteCase(
        "api DELETE /api/v1/notifications/webhooks/{endpoint_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/notifications/webhooks/{_endpoint(w, 'a')}",
        method="DELETE",
        right_status=204,
        right="principal_a",
        wrong="principal_b",
        also_allowed=_ALSO,
    ),
]
