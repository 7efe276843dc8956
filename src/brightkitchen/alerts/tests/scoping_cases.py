"""Scoping cases of the alert routes (collected by core/tests/route_cases.py). Each county gets one
open alert, created lazily without an audit entry (as the sweep creates them, in bulk), whose message
names its canteen, so county A's alert is recognised by A's usual markers."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.utils import timezone

from brightkitchen.alerts.models import Alert, AlertAnswer
from brightkitchen.alerts.rules import Severity
from brightkitchen.conftest import World
from brightkitchen.core import uploads
from brightkitchen.core.tests.route_cases import JPEG_MARKERS, Kind, RouteCase
from brightkitchen.records.tests.factories import photo

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


def _answer_a(w: World) -> int:
    """County A's alert answered by its manager with a photo (stored once per world)."""
    alert = county_alert(w, "a")
    found = AlertAnswer.objects.filter(alert=alert).first()
    if found is None:
        stored = uploads.store_photo(photo(), "photo", "alerts")
        (found,) = AlertAnswer.objects.bulk_create(  # no audit entry: the case counts the changes
            [
                AlertAnswer(
                    alert=alert,
                    text=f"{w.canteens['a'].name}已整改",
                    photo=stored.path,
                    thumbnail=stored.thumbnail,
                    answered_by=w.users["manager_a"],
                    answered_at=timezone.now(),
                )
            ]
        )
    return found.pk


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
        wrong_also=("manager_a", "principal_a"),  # the audited party answers, it does not close
    ),
    RouteCase(
        "page alerts:answer",
        Kind.WRITE,
        lambda w: f"/alerts/{_a(w)}/answer/",
        method="POST",
        body=lambda w: {"text": "已提交换证申请", "submission_key": str(uuid.uuid4())},
        right="manager_a",
        wrong="manager_b",
        right_status=302,
        also_allowed=("principal_a",),
        wrong_also=("staff_a", "edu_a", "regulator_a"),
    ),
    RouteCase(
        "page alerts:answer_photo",
        Kind.DETAIL,
        lambda w: f"/alerts/answers/{_answer_a(w)}/photo/",
        markers=JPEG_MARKERS,
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
        wrong_also=("manager_a", "principal_a"),
    ),
    RouteCase(
        "api POST /api/v1/alerts/{alert_id}/answers",
        Kind.WRITE,
        lambda w: f"/api/v1/alerts/{_a(w)}/answers",
        method="POST",
        body=lambda w: {"text": "已提交换证申请"},
        multipart=True,
        right="manager_a",
        wrong="manager_b",
        right_status=201,
        also_allowed=("principal_a",),
        wrong_also=("staff_a", "edu_a", "regulator_a"),
    ),
    RouteCase(
        "api GET /api/v1/alerts/answers/{answer_id}/photo",
        Kind.DETAIL,
        lambda w: f"/api/v1/alerts/answers/{_answer_a(w)}/photo",
        markers=JPEG_MARKERS,
    ),
]
