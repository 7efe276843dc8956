"""Scoping cases of the alert routes (collected by core/tests/route_cases.py). Each county gets one
open alert, created lazily without an audit entry (as the sweep creates them, in bulk), whose message
names its canteen, so county A's alert is recognised by A's usual markers."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.rules import Severity
from brightkitchen.conftest import World
from brightkitchen.core.tests.route_cases import Kind, RouteCase

CASE_KIND = "scoping_case"


def county_alert(w: World, county: str) -> Alert:
    """The open test alert of a county (both counties' alerts exist once either is asked for)."""
    existing = {a.canteen_id: a for a in Alert.objects.filter(kind=CASE_KIND, closed_at__isnull=True)}
    missing = [c for c in ("a", "b") if w.canteens[c].pk not in existing]
    if missing:
        now = timezone.now()
        Alert.objects.bulk_create(
            [
                Alert(
                    kind=CASE_KIND,
                    canteen=w.canteens[c],
                    subject_key="case",
                    severity=Severity.WARNING,
                    message=f"{w.canteens[c].name}: {w.canteens[c].licence_number}",
                    link=f"/schools/{w.schools[c].pk}/",
                    opened_at=now,
                    last_seen_at=now,
                )
                for c in missing
            ]
        )
        existing = {a.canteen_id: a for a in Alert.objects.filter(kind=CASE_KIND, closed_at__isnull=True)}
    return existing[w.canteens[county].pk]


def _a(w: World) -> int:
    return county_alert(w, "a").pk


def _listing(path: str) -> Callable[[World], str]:
    """A list URL, once both counties have their alert."""

    def url(w: World) -> str:
        county_alert(w, "a")
        return path

    return url


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page alerts:inbox", Kind.LIST, _listing("/alerts/?state=open")),
    RouteCase(
        "page alerts:read",
        Kind.WRITE,
        lambda w: f"/alerts/{_a(w)}/read/",
        method="POST",
        right_status=302,
        also_allowed=("edu_a",),  # anyone whose inbox holds the alert marks it read,
    ),
    RouteCase(
        "page alerts:dismiss",
        Kind.WRITE,
        lambda w: f"/alerts/{_a(w)}/dismiss/",
        method="POST",
        body=lambda w: {"note": "现场核实，许可证正在换发"},
        right_status=302,
    ),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase("api GET /api/v1/alerts", Kind.LIST, _listing("/api/v1/alerts")),
    RouteCase("api GET /api/v1/alerts/{alert_id}", Kind.DETAIL, lambda w: f"/api/v1/alerts/{_a(w)}"),
    RouteCase(
        "api POST /api/v1/alerts/{alert_id}/read",
        Kind.WRITE,
        lambda w: f"/api/v1/alerts/{_a(w)}/read",
        method="POST",
        body=lambda w: {},
        also_allowed=("edu_a",),  # anyone whose inbox holds the alert marks it read,
    ),
    RouteCase(
        "api POST /api/v1/alerts/{alert_id}/dismiss",
        Kind.WRITE,
        lambda w: f"/api/v1/alerts/{_a(w)}/dismiss",
        method="POST",
        body=lambda w: {"note": "现场核实，许可证正在换发"},
    ),
]
