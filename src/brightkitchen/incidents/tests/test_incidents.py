"""Incident reports: the 2-hour deadline, the immediate alert to the county, progress and closing."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.alerts.models import Alert, AlertReceipt
from brightkitchen.alerts.selectors import inbox_for
from brightkitchen.conftest import RunOnCommit, World
from brightkitchen.incidents import services
from brightkitchen.incidents.models import IncidentReport
from brightkitchen.incidents.rules import KIND
from brightkitchen.risk.models import RiskAssessment
from brightkitchen.schools.models import Canteen, RiskGrade

pytestmark = pytest.mark.django_db


def _body(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "canteen_id": world.canteens["a"].pk,
        "onset_at": (timezone.now() - datetime.timedelta(minutes=30)).isoformat(),
        "place": "二楼学生餐厅",
        "affected": 12,
        "hospitalised": 2,
        "symptoms": "腹痛、呕吐、腹泻",
        "sealed_food": True,
        "samples_kept": True,
        "reporter_name": "王主任",
        "reporter_phone": "0354-1234567",
        **overrides,
    }


def _loc(response: Any) -> list[str]:
    return [item["loc"][-1] for item in response.json()["detail"]]


@pytest.mark.parametrize(("minutes", "late"), [(119, False), (120, False), (121, True)])
def test_two_hour_boundary(world: World, minutes: int, late: bool) -> None:
    now = timezone.now()
    report, created = services.create_incident(
        world.users["manager_a"],
        world.canteens["a"].pk,
        onset_at=now - datetime.timedelta(minutes=minutes),
        place="餐厅",
        affected=3,
        symptoms="腹泻",
        reporter_name="王",
        reporter_phone="13800000000",
        now=now,
    )
    assert created
    assert report.due_by == report.onset_at + datetime.timedelta(hours=2)
    assert report.late is late


def test_filing_alerts_the_county_at_once(world: World, run_tasks_on_commit: RunOnCommit) -> None:
    with run_tasks_on_commit():
        response = world.client("manager_a").post(
            "/api/v1/incidents", _body(world), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["late"] is False and body["status"] == "open"
    alert = Alert.objects.get(kind=KIND)
    assert alert.severity == "critical" and alert.closed_at is None
    assert alert.subject_key == f"incident:{body['id']}"
    for who in ("regulator_a", "edu_a"):
        user = world.users[who]
        assert inbox_for(user).filter(kind=KIND).exists(), who
        assert AlertReceipt.objects.filter(alert=alert, user=user).exists(), who
    for who in ("regulator_b", "edu_b"):
        user = world.users[who]
        assert not inbox_for(user).filter(kind=KIND).exists(), who
        assert not AlertReceipt.objects.filter(alert=alert, user=user).exists(), who

    # Closing it closes the alert at once.
    with run_tasks_on_commit():
        closed = world.client("principal_a").post(
            f"/api/v1/incidents/{body['id']}/close", {"summary": "全部康复"}, content_type="application/json"
        )
    assert closed.status_code == 200, closed.content
    alert.refresh_from_db()
    assert alert.closed_at is not None


def test_no_progress_after_closing(world: World) -> None:
    client = world.client("manager_a")
    created = client.post("/api/v1/incidents", _body(world), content_type="application/json").json()
    url = f"/api/v1/incidents/{created['id']}"
    ok = client.post(f"{url}/progress", {"text": "9人已出院"}, content_type="application/json")
    assert ok.status_code == 201 and [p["text"] for p in ok.json()["progress"]] == ["9人已出院"]
    assert (
        client.post(f"{url}/close", {"summary": "结案"}, content_type="application/json").status_code == 200
    )
    refused = client.post(f"{url}/progress", {"text": "迟到的续报"}, content_type="application/json")
    assert refused.status_code == 409 and _loc(refused) == ["text"]
    again = client.post(f"{url}/close", {"summary": "再结案"}, content_type="application/json")
    assert again.status_code == 409 and _loc(again) == ["summary"]
    detail = client.get(url).json()
    assert detail["status"] == "closed" and len(detail["progress"]) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hospitalised": 13}, "hospitalised"),
        ({"affected": 0}, "affected"),
        ({"onset_at": (timezone.now() + datetime.timedelta(hours=1)).isoformat()}, "onset_at"),
        ({"reporter_phone": "abc"}, "reporter_phone"),
        ({"place": "  "}, "place"),
        ({"canteen_id": 0}, "canteen_id"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_names_the_field(world: World, overrides: dict[str, Any], field: str) -> None:
    response = world.client("manager_a").post(
        "/api/v1/incidents", _body(world, **overrides), content_type="application/json"
    )
    assert response.status_code in (400, 422), response.content
    assert field in _loc(response)
    assert not IncidentReport.objects.exists()


def test_resubmit_files_once(world: World) -> None:
    client = world.client("manager_a")
    key = str(uuid.uuid4())
    first = client.post(
        "/api/v1/incidents", _body(world, submission_key=key), content_type="application/json"
    )
    second = client.post(
        "/api/v1/incidents", _body(world, submission_key=key), content_type="application/json"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    headers = {"Idempotency-Key": "incident-1"}
    body = _body(world)
    third = client.post("/api/v1/incidents", body, content_type="application/json", headers=headers)
    fourth = client.post("/api/v1/incidents", body, content_type="application/json", headers=headers)
    assert third.json()["id"] == fourth.json()["id"]
    assert IncidentReport.objects.count() == 2


def test_rights(world: World) -> None:
    assert (
        world.client("manager_b")
        .post("/api/v1/incidents", _body(world), content_type="application/json")
        .status_code
        == 404
    )
    assert (
        world.client("regulator_a")
        .post("/api/v1/incidents", _body(world), content_type="application/json")
        .status_code
        == 403
    )
    assert not IncidentReport.objects.exists()


def test_pages(world: World) -> None:
    client = world.client("manager_a")
    page = client.get(f"/incidents/canteens/{world.canteens['a'].pk}/new/")
    assert page.status_code == 200 and b"data-countdown-out" in page.content
    onset = timezone.localtime() - datetime.timedelta(hours=3)
    posted = client.post(
        f"/incidents/canteens/{world.canteens['a'].pk}/new/",
        {
            "submission_key": str(uuid.uuid4()),
            "onset_at": onset.strftime("%Y-%m-%dT%H:%M"),
            "place": "餐厅",
            "affected": "4",
            "hospitalised": "0",
            "symptoms": "腹泻",
            "reporter_name": "王",
            "reporter_phone": "13800000000",
        },
    )
    assert posted.status_code == 302
    report = IncidentReport.objects.get()
    assert report.late
    detail = client.get(posted["Location"])
    assert detail.status_code == 200 and "餐厅" in detail.content.decode()
    school = world.client("regulator_a").get(f"/schools/{world.schools['a'].pk}/")
    assert school.status_code == 200 and f'data-incident="{report.pk}"' in school.content.decode()


def test_an_incident_moves_the_canteens_risk_grade_at_once(
    world: World, run_tasks_on_commit: RunOnCommit
) -> None:
    """Filing a report re-grades its canteen on commit (9 ill, 2 in hospital: grade D); the closing report
    re-grades it again (closed within the year: 10 points, grade B)."""
    canteen = world.canteens["a"]
    with run_tasks_on_commit():
        report, _ = services.create_incident(
            world.users["manager_a"],
            canteen.pk,
            onset_at=timezone.now() - datetime.timedelta(hours=1),
            place="一楼餐厅",
            affected=9,
            hospitalised=2,
            symptoms="腹痛、腹泻",
            reporter_name="王",
            reporter_phone="13800000000",
        )
    assert Canteen.objects.get(pk=canteen.pk).risk_grade == RiskGrade.D
    contributions = {c["key"]: c for c in RiskAssessment.objects.get(canteen=canteen).contributions}
    assert contributions["incidents"]["value"] == 1 and contributions["incidents"]["points"] == 45
    with run_tasks_on_commit():
        services.close_incident(world.users["manager_a"], report.pk, "原因已查明，已整改")
    assert Canteen.objects.get(pk=canteen.pk).risk_grade == RiskGrade.B
