"""The inbox through the API and the pages: filters, read state, dismissal rules, bad input naming the
field, and the school file's "Alerts" section."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from brightkitchen.alerts.models import Alert, AlertAnswer, AlertReceipt, ClosedReason
from brightkitchen.alerts.rules import Severity
from brightkitchen.conftest import World
from brightkitchen.records.tests.factories import photo

pytestmark = pytest.mark.django_db


def _alert(world: World, county: str, severity: Severity, subject: str = "s", kind: str = "test") -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind=kind,
        canteen=world.canteens[county],
        subject_key=subject,
        severity=severity,
        message=f"{world.canteens[county].name} {severity}",
        link=f"/schools/{world.schools[county].pk}/",
        opened_at=now,
        last_seen_at=now,
    )


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _post(world: World, who: str, url: str, body: Any = None) -> Any:
    return world.client(who).post(url, data=json.dumps(body or {}), content_type="application/json")


def _loc(response: Any) -> str:
    return str(_json(response)["detail"][0]["loc"][-1])


def test_the_inbox_lists_open_alerts_with_filters_and_read_state(world: World) -> None:
    warning = _alert(world, "a", Severity.WARNING, "w")
    critical = _alert(world, "a", Severity.CRITICAL, "c", kind="other")
    closed = _alert(world, "a", Severity.INFO, "i")
    Alert.objects.filter(pk=closed.pk).update(closed_at=timezone.now(), closed_reason="resolved")
    _alert(world, "b", Severity.WARNING, "w")
    client = world.client("manager_a")

    items = _json(client.get("/api/v1/alerts"))["items"]
    assert {i["id"] for i in items} == {warning.pk, critical.pk}
    assert all(i["read_at"] is None and i["canteen_name"] == world.canteens["a"].name for i in items)
    assert [i["id"] for i in _json(client.get("/api/v1/alerts?state=closed"))["items"]] == [closed.pk]
    assert len(_json(client.get("/api/v1/alerts?state=all"))["items"]) == 3
    assert [i["id"] for i in _json(client.get("/api/v1/alerts?severity=critical"))["items"]] == [critical.pk]
    assert [i["id"] for i in _json(client.get("/api/v1/alerts?kind=other"))["items"]] == [critical.pk]
    b_canteen = world.canteens["b"].pk
    assert _json(client.get(f"/api/v1/alerts?canteen={b_canteen}"))["items"] == []

    read = _post(world, "manager_a", f"/api/v1/alerts/{warning.pk}/read")
    assert read.status_code == 200 and _json(read)["read_at"] is not None
    again = _post(world, "manager_a", f"/api/v1/alerts/{warning.pk}/read")
    assert _json(again)["read_at"] == _json(read)["read_at"]  # the first reading time stays
    unread = _json(client.get("/api/v1/alerts?unread=true"))["items"]
    assert [i["id"] for i in unread] == [critical.pk]
    # Read state is per user.
    assert len(_json(world.client("principal_a").get("/api/v1/alerts?unread=true"))["items"]) == 2

    # A city regulator's inbox holds the critical alerts of its region only.
    city = _json(world.client("city_regulator").get("/api/v1/alerts"))["items"]
    assert [i["id"] for i in city] == [critical.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=bogus", "state"),
        ("severity=purple", "severity"),
        ("canteen=0", "canteen"),
        ("canteen=abc", "canteen"),
        ("kind=DROP%20TABLE", "kind"),
        ("unread=maybe", "unread"),
        ("limit=100000", "limit"),
        ("kind=%00", "kind"),
    ],
)
def test_bad_filters_name_the_field(world: World, query: str, field: str) -> None:
    response = world.client("regulator_a").get(f"/api/v1/alerts?{query}")
    assert response.status_code == 422, response.content
    assert _loc(response) == field


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "note"),
        ({"note": ""}, 422, "note"),
        ({"note": 5}, 422, "note"),
        ({"note": "x" * 1001}, 422, "note"),
        ({"note": "   "}, 400, "note"),
        ({"note": "ok", "reason": "extra"}, 422, "reason"),
    ],
)
def test_bad_dismissals_name_the_field(world: World, body: dict[str, Any], status: int, field: str) -> None:
    alert = _alert(world, "a", Severity.WARNING)
    response = _post(world, "regulator_a", f"/api/v1/alerts/{alert.pk}/dismiss", body)
    assert response.status_code == status, response.content
    assert _loc(response) == field
    assert Alert.objects.get(pk=alert.pk).closed_at is None


def test_bad_paths_are_4xx(world: World) -> None:
    client = world.client("regulator_a")
    assert client.get("/api/v1/alerts/abc").status_code == 422
    assert client.get(f"/api/v1/alerts/{2**70}").status_code in (404, 422)
    assert _post(world, "regulator_a", "/api/v1/alerts/999999999/read").status_code == 404
    bad_json = client.post("/api/v1/alerts/1/dismiss", data="{", content_type="application/json")
    assert 400 <= bad_json.status_code < 500


def test_who_may_dismiss(world: World) -> None:
    """Closing a warning by hand is the regulator's: the audited canteen's manager and the principal
    answer it instead (test_the_audited_party_answers)."""
    warning = _alert(world, "a", Severity.WARNING, "w")
    critical = _alert(world, "a", Severity.CRITICAL, "c")
    note = {"note": "已现场核实"}
    for who in ("manager_a", "principal_a", "staff_a", "edu_a"):
        refused = _post(world, who, f"/api/v1/alerts/{warning.pk}/dismiss", note)
        assert refused.status_code == 403, who
    assert _post(world, "regulator_b", f"/api/v1/alerts/{warning.pk}/dismiss", note).status_code == 404
    ok = _post(world, "regulator_a", f"/api/v1/alerts/{critical.pk}/dismiss", note)
    assert ok.status_code == 200 and _json(ok)["closed_reason"] == ClosedReason.DISMISSED
    assert _json(ok)["close_note"] == "已现场核实" and _json(ok)["closed_by"] == "regulator_a"
    # A resubmit is harmless, someone else's is a conflict.
    assert _post(world, "regulator_a", f"/api/v1/alerts/{critical.pk}/dismiss", note).status_code == 200
    late = _post(world, "city_regulator", f"/api/v1/alerts/{critical.pk}/dismiss", note)
    assert late.status_code == 409 and _loc(late) == "state"
    stored = Alert.objects.get(pk=critical.pk)
    assert stored.closed_by_id == world.users["regulator_a"].pk and stored.resolved_at is None
    assert Alert.objects.get(pk=warning.pk).closed_at is None


def test_the_audited_party_answers(world: World) -> None:
    """The canteen's manager answers with a photo: the alert stays open with the answer on it, the
    regulator reads it (API and inbox page) and closes the alert; a resubmit adds nothing."""
    warning = _alert(world, "a", Severity.WARNING, "w")
    key = str(uuid.uuid4())
    body = {"text": "已补录留样，见照片", "submission_key": key, "photo": photo()}
    url = f"/api/v1/alerts/{warning.pk}/answers"
    first = world.client("manager_a").post(url, body)
    assert first.status_code == 201, first.content
    body["photo"] = photo()
    again = world.client("manager_a").post(url, body)
    assert again.status_code == 200 and AlertAnswer.objects.filter(alert=warning).count() == 1
    (answer,) = _json(first)["answers"]
    assert (
        answer["text"] == "已补录留样，见照片"
        and answer["answered_by"] == "manager_a"
        and answer["has_photo"]
    )
    assert Alert.objects.get(pk=warning.pk).closed_at is None  # still the regulator's to close
    regulator = world.client("regulator_a")
    assert _json(regulator.get(f"/api/v1/alerts/{warning.pk}"))["answers"][0]["id"] == answer["id"]
    served = regulator.get(f"/api/v1/alerts/answers/{answer['id']}/photo")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert world.client("regulator_b").get(f"/api/v1/alerts/answers/{answer['id']}/photo").status_code == 404
    inbox = regulator.get("/alerts/").content.decode()
    assert "已补录留样，见照片" in inbox and f"/alerts/answers/{answer['id']}/photo/" in inbox
    assert f"/alerts/{warning.pk}/answer/" not in inbox  # the regulator dismisses, not answers
    # The principal may answer too; staff, the education bureau and the regulator may not; B not at all.
    assert world.client("principal_a").post(url, {"text": "校长已督办"}).status_code == 201
    for who in ("staff_a", "edu_a", "regulator_a"):
        assert world.client(who).post(url, {"text": "x"}).status_code == 403, who
    assert world.client("manager_b").post(url, {"text": "x"}).status_code == 404
    # Refusals name the field and store nothing.
    blank = world.client("manager_a").post(url, {"text": "   "})
    assert blank.status_code == 400 and _loc(blank) == "text"
    not_a_photo = world.client("manager_a").post(
        url, {"text": "见附件", "photo": SimpleUploadedFile("a.jpg", b"no")}
    )
    assert not_a_photo.status_code == 400 and _loc(not_a_photo) == "photo"
    assert AlertAnswer.objects.filter(alert=warning).count() == 2
    # A key already used for this alert's answer never answers another alert (409, nothing stored).
    other = _alert(world, "a", Severity.WARNING, "other")
    reused = world.client("manager_a").post(
        f"/api/v1/alerts/{other.pk}/answers", {"text": "y", "submission_key": key}
    )
    assert reused.status_code == 409 and _loc(reused) == "submission_key"
    assert not AlertAnswer.objects.filter(alert=other).exists()
    # Closed by the regulator: no more answers.
    _post(world, "regulator_a", f"/api/v1/alerts/{warning.pk}/dismiss", {"note": "已核实整改"})
    closed = world.client("manager_a").post(url, {"text": "再补充"})
    assert closed.status_code == 409 and _loc(closed) == "state"


def test_the_inbox_page_on_a_phone(world: World) -> None:
    warning = _alert(world, "a", Severity.WARNING, "w")
    critical = _alert(world, "a", Severity.CRITICAL, "c")
    client = world.client("manager_a")
    page = client.get("/alerts/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-alert="{warning.pk}" data-severity="warning"' in text
    assert f'data-alert="{critical.pk}" data-severity="critical"' in text
    assert 'data-testid="unread-count">2<' in text
    assert f"/alerts/{warning.pk}/answer/" in text  # a manager answers alerts about the canteen…
    assert f"/alerts/{warning.pk}/dismiss/" not in text  # …and does not close them
    assert f'href="/schools/{world.schools["a"].pk}/"' in text  # the link to the cause

    read = client.post(f"/alerts/{warning.pk}/read/", {"next": "/alerts/?state=open"})
    assert read.status_code == 302 and read["Location"] == "/alerts/?state=open"
    assert AlertReceipt.objects.get(alert=warning, user=world.users["manager_a"]).read_at is not None
    evil = client.post(f"/alerts/{warning.pk}/read/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/alerts/"

    key = str(uuid.uuid4())
    empty = client.post(f"/alerts/{warning.pk}/answer/", {"text": "", "submission_key": key})
    assert empty.status_code == 400 and 'id="id_text-error"' in empty.content.decode()
    done = client.post(f"/alerts/{warning.pk}/answer/", {"text": "已处理", "submission_key": key})
    assert done.status_code == 302
    assert AlertAnswer.objects.get(alert=warning).text == "已处理"
    assert Alert.objects.get(pk=warning.pk).closed_at is None
    assert client.get(f"/alerts/{warning.pk}/dismiss/").status_code == 403
    assert world.client("manager_b").post(f"/alerts/{warning.pk}/answer/", {"text": "x"}).status_code == 404
    regulator = world.client("regulator_a")
    assert regulator.post(f"/alerts/{critical.pk}/dismiss/", {"note": "已处理"}).status_code == 302
    assert Alert.objects.get(pk=critical.pk).closed_reason == ClosedReason.DISMISSED


def test_the_school_file_shows_open_alerts(world: World) -> None:
    alert = _alert(world, "a", Severity.CRITICAL)
    school = world.schools["a"].pk
    text = world.client("regulator_a").get(f"/schools/{school}/").content.decode()
    assert 'data-section="alerts"' in text and f'data-alert="{alert.pk}"' in text
    Alert.objects.filter(pk=alert.pk).update(closed_at=timezone.now(), closed_reason="resolved")
    text = world.client("regulator_a").get(f"/schools/{school}/").content.decode()
    assert 'data-section="alerts"' in text and f'data-alert="{alert.pk}"' not in text


def test_the_most_severe_alert_comes_first(world: World) -> None:
    """A newer page of warnings must not push an incident report off the first screen."""
    critical = _alert(world, "a", Severity.CRITICAL, "疑似食物中毒")
    warnings = [_alert(world, "a", Severity.WARNING, f"缺少票证{i}") for i in range(3)]
    Alert.objects.filter(pk=critical.pk).update(opened_at=critical.opened_at - datetime.timedelta(days=2))
    items = _json(world.client("regulator_a").get("/api/v1/alerts"))["items"]
    assert [i["id"] for i in items] == [critical.pk, *reversed([w.pk for w in warnings])]
