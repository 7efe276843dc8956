"""The rectification workflow: issue → respond → review (close or return) → closed; escalation of
overdue notices; the alerts; every refusal a 4xx naming the field; idempotent resubmits."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.selectors import inbox_for
from brightkitchen.alerts.tasks import sweep_alerts
from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.conftest import RunOnCommit, World
from brightkitchen.records.tests.factories import photo
from brightkitchen.rectifications import rules, services
from brightkitchen.rectifications.models import (
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
)
from brightkitchen.rectifications.tests.factories import PROBLEM, notices
from brightkitchen.schedule.models import CalendarDay
from brightkitchen.schedule.selectors import add_working_days

pytestmark = pytest.mark.django_db

D = datetime.date
API = "/api/v1/rectifications"


def _loc(response: Any) -> list[str]:
    return [str(item["loc"][-1]) for item in response.json()["detail"]]


def _issue(client: Client, world: World, county: str = "a", **overrides: Any) -> Any:
    body = {"problem": "操作间地面积水", "source_kind": "patrol", "source_ref": "alert:123", **overrides}
    return client.post(f"{API}/canteens/{world.canteens[county].pk}/notices", body)


def _respond(client: Client, notice_id: int, **overrides: Any) -> Any:
    return client.post(f"{API}/{notice_id}/responses", {"response": "已清理积水并修复排水沟", **overrides})


def _review(client: Client, notice_id: int, decision: str, comment: str = "", **extra: Any) -> Any:
    body = {"decision": decision, "comment": comment, **extra}
    return client.post(f"{API}/{notice_id}/review", body, content_type="application/json")


def _issue_service(
    world: World, who: str = "regulator_a", days_ago: int = 0, **kw: Any
) -> RectificationNotice:
    notice, _created = services.issue_notice(
        world.users[who],
        world.canteens["a"].pk,
        problem=kw.pop("problem", "消毒柜未通电"),
        source_kind="inspection",
        now=timezone.now() - datetime.timedelta(days=days_ago),
        **kw,
    )
    return notice


def test_every_transition_with_history(world: World) -> None:
    regulator, manager, staff = (world.client(w) for w in ("regulator_a", "manager_a", "staff_a"))
    issued = _issue(regulator, world, photos=[photo("p1.jpg"), photo("p2.jpg")])
    assert issued.status_code == 201, issued.content
    body = issued.json()
    notice_id = body["id"]
    today = timezone.localdate()
    region = world.schools["a"].organisation.region_id
    assert body["state"] == "issued" and body["working_days"] == 10 and body["source_ref"] == "alert:123"
    assert body["deadline"] == add_working_days(region, today, 10).isoformat()
    assert body["issued_by"] == world.orgs["regulator_a"].name
    assert len(body["steps"][0]["photos"]) == 2

    responded = _respond(manager, notice_id, photos=photo("fix.jpg"))
    assert responded.status_code == 201, responded.content
    assert responded.json()["state"] == "responded"
    returned = _review(regulator, notice_id, "return", "排水沟仍有堵塞")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    again = _respond(staff, notice_id, response="已疏通排水沟")
    assert again.status_code == 201 and again.json()["state"] == "responded"
    closed = _review(regulator, notice_id, "close", "整改到位，予以销号")
    assert closed.status_code == 200, closed.content
    final = closed.json()
    assert final["state"] == "closed" and final["closed_at"]

    steps = final["steps"]
    assert [s["kind"] for s in steps] == ["issued", "responded", "returned", "responded", "closed"]
    assert [(s["state_before"], s["state_after"]) for s in steps] == [
        ("", "issued"),
        ("issued", "responded"),
        ("responded", "returned"),
        ("returned", "responded"),
        ("responded", "closed"),
    ]
    assert [s["actor"] for s in steps] == [
        "regulator_a",
        "manager_a",
        "regulator_a",
        "staff_a",
        "regulator_a",
    ]
    assert steps[2]["comment"] == "排水沟仍有堵塞" and len(steps[1]["photos"]) == 1
    # Every change is in the audit log, anchored to the canteen.
    logged = AuditLogEntry.objects.filter(
        canteen_id=world.canteens["a"].pk, object_repr__contains=str(notice_id)
    )
    assert logged.filter(content_type__model="rectificationstep").count() == 5
    assert AuditLogEntry.objects.filter(content_type__model="rectificationnotice").count() >= 5

    # Closed is final.
    late = _respond(manager, notice_id)
    assert late.status_code == 409 and _loc(late) == ["response"]
    reclose = _review(regulator, notice_id, "return", "再看看")
    assert reclose.status_code == 409 and _loc(reclose) == ["decision"]
    assert RectificationStep.objects.filter(notice_id=notice_id).count() == 5

    # The evidence photos are served to the canteen, not to another county.
    url = steps[1]["photos"][0]["thumbnail_url"]
    assert manager.get(url).status_code == 200
    assert world.client("manager_b").get(url).status_code == 404


def test_wrong_role_and_jurisdiction_are_refused(world: World) -> None:
    n = notices(world)
    issued, responded = n["a"].pk, n["a_responded"].pk
    # Issuing: only a bureau, only in its jurisdiction.
    assert _issue(world.client("manager_a"), world).status_code == 403
    assert _issue(world.client("principal_a"), world).status_code == 403
    assert _issue(world.client("operator"), world).status_code == 403
    assert _issue(world.client("regulator_b"), world).status_code == 404
    assert _issue(world.client("supplier_a"), world).status_code == 404
    # Responding: only the canteen or its school.
    refused = _respond(world.client("regulator_a"), issued)
    assert refused.status_code == 403 and _loc(refused) == ["response"]
    assert _respond(world.client("manager_b"), issued).status_code == 404
    # Reviewing: only the issuing bureau (not another bureau covering the canteen, not the canteen).
    for who in ("manager_a", "edu_a", "city_regulator"):
        answer = _review(world.client(who), responded, "close")
        assert answer.status_code == 403 and _loc(answer) == ["decision"], who
    assert _review(world.client("regulator_b"), responded, "close").status_code == 404
    # Wrong state: reviewing before a response, responding while a response awaits review.
    early = _review(world.client("regulator_a"), issued, "close")
    assert early.status_code == 409 and _loc(early) == ["decision"]
    twice = _respond(world.client("manager_a"), responded)
    assert twice.status_code == 409 and _loc(twice) == ["response"]
    # Returning needs a reason.
    bare = _review(world.client("regulator_a"), responded, "return", "  ")
    assert bare.status_code == 400 and _loc(bare) == ["comment"]
    assert RectificationStep.objects.filter(notice_id__in=[issued, responded]).count() == 3
    assert RectificationNotice.objects.get(pk=responded).state == NoticeState.RESPONDED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"problem": ""}, "problem"),
        ({"problem": "   "}, "problem"),
        ({"source_kind": "rumour"}, "source_kind"),
        ({"working_days": "abc"}, "working_days"),
        ({"working_days": "0"}, "working_days"),
        ({"working_days": "61"}, "working_days"),
        ({"photos": SimpleUploadedFile("fake.jpg", b"not a photo", content_type="image/jpeg")}, "photos"),
        (
            {
                "photos": [
                    photo("ok.jpg"),
                    SimpleUploadedFile("x.jpg", b"GIF89a..", content_type="image/jpeg"),
                ]
            },
            "photos.1",
        ),
    ],
)
def test_bad_notice_input_names_the_field(world: World, overrides: dict[str, Any], field: str) -> None:
    response = _issue(world.client("regulator_a"), world, **overrides)
    assert response.status_code in (400, 422), response.content
    assert field in _loc(response)
    assert not RectificationNotice.objects.exists() and not RectificationPhoto.objects.exists()


def test_bad_response_and_review_input(world: World) -> None:
    n = notices(world)
    manager, regulator = world.client("manager_a"), world.client("regulator_a")
    assert "response" in _loc(_respond(manager, n["a"].pk, response=""))
    fake = _respond(manager, n["a"].pk, photos=SimpleUploadedFile("f.jpg", b"\xff\xd8junk"))
    assert fake.status_code == 400 and _loc(fake) == ["photos"]
    assert "decision" in _loc(_review(regulator, n["a_responded"].pk, "maybe"))
    assert "unknown" in _loc(_review(regulator, n["a_responded"].pk, "close", unknown=1))
    assert "notice_id" in _loc(regulator.get(f"{API}/abc"))
    assert regulator.get(f"{API}/{2**62}").status_code == 404
    assert "due_by" in _loc(regulator.get(f"{API}?due_by=0001-01-01"))
    assert RectificationNotice.objects.get(pk=n["a"].pk).state == NoticeState.ISSUED


def test_resubmits_change_nothing_twice(world: World) -> None:
    regulator, manager = world.client("regulator_a"), world.client("manager_a")
    key = str(uuid.uuid4())
    first = _issue(regulator, world, submission_key=key, photos=photo())
    second = _issue(regulator, world, submission_key=key, photos=photo())
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and RectificationNotice.objects.count() == 1
    assert RectificationPhoto.objects.count() == 1
    notice_id = first.json()["id"]

    response_key = str(uuid.uuid4())
    r1 = _respond(manager, notice_id, submission_key=response_key)
    r2 = _respond(manager, notice_id, submission_key=response_key)  # would be a 409 without the key
    assert (r1.status_code, r2.status_code) == (201, 200)
    review_key = str(uuid.uuid4())
    c1 = _review(regulator, notice_id, "close", submission_key=review_key)
    c2 = _review(regulator, notice_id, "close", submission_key=review_key)
    assert (c1.status_code, c2.status_code) == (200, 200)
    assert [s.kind for s in RectificationStep.objects.filter(notice_id=notice_id)] == [
        "issued",
        "responded",
        "closed",
    ]
    # The Idempotency-Key header replays the first answer.
    headers = {"Idempotency-Key": "notice-1"}
    body = {"problem": "灭蝇灯损坏", "source_kind": "complaint"}
    url = f"{API}/canteens/{world.canteens['a'].pk}/notices"
    h1 = regulator.post(url, body, headers=headers)
    h2 = regulator.post(url, body, headers=headers)
    assert h1.json()["id"] == h2.json()["id"] and RectificationNotice.objects.count() == 2


def test_deadline_follows_the_canteens_holidays(world: World) -> None:
    for day in range(1, 8):
        CalendarDay.objects.create(region_id="14", date=D(2026, 10, day), name="国庆节")
    CalendarDay.objects.create(region_id="14", date=D(2026, 10, 10), name="调休上班", is_workday=True)
    wednesday_noon = datetime.datetime(2026, 9, 30, 12, tzinfo=timezone.get_current_timezone())
    notice, _created = services.issue_notice(
        world.users["edu_a"],
        world.canteens["a"].pk,
        problem="食堂从业人员健康证过期",
        source_kind="records",
        working_days=10,
        now=wednesday_noon,
    )
    assert notice.issued_on == D(2026, 9, 30)
    assert notice.deadline == D(2026, 10, 20)  # Oct 8, 9, 10 (Sat), 12–16, 19, 20
    assert notice.remind_on == D(2026, 10, 16)  # 2 working days before


def test_overdue_notices_escalate_once_to_the_level_above(world: World) -> None:
    county_notice = _issue_service(world, days_ago=30)
    city_notice = _issue_service(world, "city_regulator", days_ago=30)
    current = _issue_service(world)
    closed = _issue_service(world, days_ago=30)
    RectificationNotice.objects.filter(pk=closed.pk).update(state=NoticeState.CLOSED)
    # Answered in time, not yet reviewed: the bureau's turn, so no escalation of the canteen.
    awaiting_review = _issue_service(world, days_ago=30)
    RectificationNotice.objects.filter(pk=awaiting_review.pk).update(state=NoticeState.RESPONDED)

    escalated = services.escalate_overdue(timezone.localdate())
    assert sorted(escalated) == sorted([county_notice.pk, city_notice.pk])
    assert services.escalate_overdue(timezone.localdate()) == []  # idempotent
    county_notice.refresh_from_db()
    city_notice.refresh_from_db()
    current.refresh_from_db()
    assert county_notice.escalated_to == world.orgs["regulator_city"]
    assert city_notice.escalated_to == world.orgs["regulator_province"]
    assert current.escalated_at is None
    step = RectificationStep.objects.get(notice=county_notice, kind="escalated")
    assert step.actor is None and step.state_before == step.state_after == "issued"
    assert step.comment == world.orgs["regulator_city"].name

    sweep_alerts()  # the scheduled sweep
    for who in ("city_regulator", "province_regulator", "regulator_a"):
        assert inbox_for(world.users[who]).filter(kind=rules.KIND_ESCALATED).exists(), who
    assert not inbox_for(world.users["regulator_b"]).filter(kind=rules.KIND_ESCALATED).exists()
    page = world.client("city_regulator").get(f"/rectifications/{county_notice.pk}/")
    assert page.status_code == 200 and world.orgs["regulator_city"].name in page.content.decode()

    # The canteen may still respond; closing ends the escalation alert.
    services.respond(world.users["manager_a"], county_notice.pk, response="已整改")
    services.review(world.users["regulator_a"], county_notice.pk, decision="close")
    sweep_alerts()  # the scheduled sweep
    alert = Alert.objects.get(kind=rules.KIND_ESCALATED, subject_key=f"rectification:{county_notice.pk}")
    assert alert.closed_at is not None


def test_alerts_follow_the_workflow(world: World, run_tasks_on_commit: RunOnCommit) -> None:
    with run_tasks_on_commit():
        notice_id = _issue(world.client("regulator_a"), world).json()["id"]
    subject = f"rectification:{notice_id}"
    assert inbox_for(world.users["manager_a"]).filter(kind=rules.KIND_OPEN, subject_key=subject).exists()
    assert not inbox_for(world.users["manager_b"]).filter(kind=rules.KIND_OPEN).exists()
    with run_tasks_on_commit():
        _respond(world.client("manager_a"), notice_id)
    assert Alert.objects.get(kind=rules.KIND_OPEN, subject_key=subject).closed_at is not None
    review = inbox_for(world.users["regulator_a"]).get(kind=rules.KIND_REVIEW, subject_key=subject)
    assert review.severity == "warning" and review.link == f"/rectifications/{notice_id}/"
    assert not inbox_for(world.users["regulator_b"]).filter(kind=rules.KIND_REVIEW).exists()
    with run_tasks_on_commit():
        _review(world.client("regulator_a"), notice_id, "close")
    assert not Alert.objects.filter(subject_key=subject, closed_at__isnull=True).exists()
    # A city bureau's notice awaiting review is critical: the city's inbox lists critical alerts only.
    city = _issue_service(world, "city_regulator")
    services.respond(world.users["staff_a"], city.pk, response="已整改")
    (finding,) = [
        f for f in rules.review_findings(timezone.localdate()) if f.subject_key.endswith(str(city.pk))
    ]
    assert finding.severity == "critical"


def test_reminder_two_working_days_before_the_deadline(world: World) -> None:
    notice = _issue_service(world)
    subject = f"rectification:{notice.pk}"
    before = notice.remind_on - datetime.timedelta(days=1)
    assert subject not in {f.subject_key for f in rules.due_soon_findings(before)}
    assert subject in {f.subject_key for f in rules.due_soon_findings(notice.remind_on)}
    assert subject in {f.subject_key for f in rules.due_soon_findings(notice.deadline)}
    after = notice.deadline + datetime.timedelta(days=1)
    assert subject not in {f.subject_key for f in rules.due_soon_findings(after)}
    assert add_working_days(world.schools["a"].organisation.region_id, notice.remind_on, 2) == notice.deadline


def test_pages(world: World) -> None:
    regulator, manager = world.client("regulator_a"), world.client("manager_a")
    form = regulator.get(f"/rectifications/canteens/{world.canteens['a'].pk}/new/")
    assert form.status_code == 200 and 'name="working_days"' in form.content.decode()
    bad = regulator.post(
        f"/rectifications/canteens/{world.canteens['a'].pk}/new/",
        {
            "submission_key": str(uuid.uuid4()),
            "problem": "x",
            "source_kind": "patrol",
            "working_days": "10",
            "photos": SimpleUploadedFile("fake.jpg", b"no"),
        },
    )
    assert bad.status_code == 400 and "has-error" in bad.content.decode()
    posted = regulator.post(
        f"/rectifications/canteens/{world.canteens['a'].pk}/new/",
        {
            "submission_key": str(uuid.uuid4()),
            "problem": "冰箱生熟混放",
            "source_kind": "patrol",
            "working_days": "5",
            "photos": photo(),
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:500]
    notice = RectificationNotice.objects.get()
    detail = manager.get(posted["Location"])
    assert detail.status_code == 200 and "冰箱生熟混放" in detail.content.decode()
    assert f'action="/rectifications/{notice.pk}/respond/"' in detail.content.decode()
    assert "review/" not in regulator.get(posted["Location"]).content.decode()
    refused = manager.post(
        f"/rectifications/{notice.pk}/respond/",
        {
            "submission_key": str(uuid.uuid4()),
            "response": "已分区存放",
            "photos": SimpleUploadedFile("f.jpg", b"x"),
        },
    )
    assert refused.status_code == 400 and "has-error" in refused.content.decode()
    ok = manager.post(
        f"/rectifications/{notice.pk}/respond/",
        {"submission_key": str(uuid.uuid4()), "response": "已分区存放", "photos": photo()},
    )
    assert ok.status_code == 302
    no_reason = regulator.post(
        f"/rectifications/{notice.pk}/review/", {"submission_key": str(uuid.uuid4()), "decision": "return"}
    )
    assert no_reason.status_code == 400 and "has-error" in no_reason.content.decode()
    assert (
        regulator.post(
            f"/rectifications/{notice.pk}/review/", {"submission_key": str(uuid.uuid4()), "decision": "close"}
        ).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    assert manager.get(f"/rectifications/{notice.pk}/respond/").status_code == 405
    listing = manager.get("/rectifications/?state=closed")
    assert listing.status_code == 200 and f'data-notice="{notice.pk}"' in listing.content.decode()
    school = regulator.get(f"/schools/{world.schools['a'].pk}/")
    assert school.status_code == 200 and f'data-notice="{notice.pk}"' in school.content.decode()
    assert 'href="/rectifications/"' in manager.get("/alerts/").content.decode()  # the navigation entry


def test_factories_keep_counties_apart(world: World) -> None:
    n = notices(world)
    listing = world.client("regulator_b").get(API).json()
    assert {item["problem"] for item in listing["items"]} == {PROBLEM["b"]}
    assert n["a"].canteen_id == world.canteens["a"].pk
