"""The dispatch workflow on a real database: sending down, receiving, answering, returning and closing,
the re-dispatch chain city → county → branch, attachments, the rules' findings, refusals (wrong role,
wrong jurisdiction, wrong state, bad input) and idempotent resubmits, through services, API and pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.dispatch import rules, selectors, services
from brightkitchen.dispatch.models import (
    DispatchAssignment,
    DispatchAttachment,
    DispatchFeedback,
    DispatchState,
    DispatchTask,
)
from brightkitchen.dispatch.tests.factories import BRANCH_NAME, branch
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.records.tests.factories import photo

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = TODAY + datetime.timedelta(days=7)


def _send(w: World, to: tuple[str, ...] = ("regulator_a", "regulator_b"), **extra: Any) -> DispatchTask:
    fields: dict[str, Any] = {
        "title": "开学前食堂专项检查",
        "body": "请组织辖区学校食堂开展专项检查。",
        "deadline": SOON,
        "recipients": [w.orgs[k].pk for k in to],
    }
    fields.update(extra)
    task, created = services.create_task(w.users["city_regulator"], **fields)
    assert created
    return task


def _assignment(task: DispatchTask, org: Organisation) -> DispatchAssignment:
    return DispatchAssignment.objects.get(task=task, recipient=org)


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def _loc(response: Any) -> list[str]:
    return [item["loc"][-1] for item in response.json()["detail"]]


# --- Sending ---------------------------------------------------------------------------------------


def test_city_sends_to_its_counties_with_attachments(world: World) -> None:
    task = _send(world, attachments=[photo("notice.jpg"), _pdf()])
    assert task.sender == world.orgs["regulator_city"] and task.created_by == world.users["city_regulator"]
    states = set(task.assignments.values_list("state", flat=True))
    assert states == {DispatchState.SENT} and task.assignments.count() == 2
    kinds = sorted(DispatchAttachment.objects.filter(task=task).values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/jpeg"]
    assert task.remind_on <= task.deadline


def test_lower_units_are_bureaus_of_the_same_kind_strictly_below(world: World) -> None:
    units = set(services.lower_units(world.orgs["regulator_city"]))
    assert units == {world.orgs["regulator_a"], world.orgs["regulator_b"]}
    assert set(services.lower_units(world.orgs["regulator_province"])) >= units | {
        world.orgs["regulator_city"]
    }
    assert not services.lower_units(world.orgs["regulator_b"]).exists()
    station = branch(world)
    assert list(services.lower_units(world.orgs["regulator_a"])) == [station]


@pytest.mark.parametrize("who", ["manager_a", "principal_a", "supplier_a", "operator", "public"])
def test_only_bureaus_send(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.create_task(
            world.users[who], title="t", body="b", deadline=SOON, recipients=[world.orgs["regulator_a"].pk]
        )


def test_a_bureau_without_lower_units_may_not_send(world: World) -> None:
    response = world.client("regulator_b").get("/dispatch/new/")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("title", {"title": "  "}),
        ("body", {"body": ""}),
        ("deadline", {"deadline": TODAY - datetime.timedelta(days=1)}),
        ("deadline", {"deadline": TODAY + datetime.timedelta(days=400)}),
        ("recipients", {"recipients": []}),
        ("recipients", {"recipients": [10**12]}),
    ],
)
def test_bad_input_names_the_field(world: World, field: str, change: dict[str, Any]) -> None:
    with pytest.raises(FieldError) as caught:
        _send(world, **change)
    assert caught.value.field == field and caught.value.status == 400
    assert not DispatchTask.objects.exists()


@pytest.mark.parametrize(
    "target", ["regulator_city", "regulator_province", "edu_a", "school_a", "supplier_a"]
)
def test_recipients_must_be_lower_units_of_the_same_kind(world: World, target: str) -> None:
    with pytest.raises(FieldError) as caught:
        _send(world, to=(target,))
    assert caught.value.field == "recipients"


def test_a_bad_attachment_is_refused_and_nothing_is_kept(world: World) -> None:
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00not an image", "application/octet-stream")
    with pytest.raises(FieldError) as caught:
        _send(world, attachments=[photo(), bad])
    assert caught.value.field == "attachments.1"
    assert not DispatchTask.objects.exists() and not DispatchAttachment.objects.exists()
    with pytest.raises(FieldError) as caught:
        _send(world, attachments=[photo(f"{i}.jpg") for i in range(11)])
    assert caught.value.field == "attachments"


def test_api_send_refusals_and_idempotent_resubmits(world: World) -> None:
    city = world.client("city_regulator")
    body = {
        "title": "夏季食品安全排查",
        "body": "排查冷链食品。",
        "deadline": SOON.isoformat(),
        "recipients": [world.orgs["regulator_a"].pk, world.orgs["regulator_b"].pk],
        "submission_key": str(uuid.uuid4()),
    }
    first = city.post("/api/v1/dispatch/tasks", {**body, "attachments": photo()})
    assert first.status_code == 201, first.content
    assert first.json()["assignments_total"] == 2 and len(first.json()["attachments"]) == 1
    again = city.post("/api/v1/dispatch/tasks", {**body, "attachments": photo()})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    headers = {"Idempotency-Key": "k-1"}
    other = {**body, "submission_key": str(uuid.uuid4())}
    one = city.post("/api/v1/dispatch/tasks", other, headers=headers)
    two = city.post("/api/v1/dispatch/tasks", other, headers=headers)
    assert one.status_code == 201 and two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert DispatchTask.objects.count() == 2

    past = city.post(
        "/api/v1/dispatch/tasks", {**body, "submission_key": str(uuid.uuid4()), "deadline": "2001-01-01"}
    )
    assert past.status_code == 400 and _loc(past) == ["deadline"]
    bad_day = city.post("/api/v1/dispatch/tasks", {**body, "deadline": "0001-01-01"})
    assert bad_day.status_code == 422 and "deadline" in _loc(bad_day)
    not_lower = city.post(
        "/api/v1/dispatch/tasks",
        {**body, "submission_key": str(uuid.uuid4()), "recipients": [world.orgs["regulator_province"].pk]},
    )
    assert not_lower.status_code == 400 and _loc(not_lower) == ["recipients"]
    no_title = city.post("/api/v1/dispatch/tasks", {**body, "title": ""})
    assert no_title.status_code == 422 and "title" in _loc(no_title)
    assert world.client("manager_a").post("/api/v1/dispatch/tasks", body).status_code == 403
    assert world.client("regulator_b").post("/api/v1/dispatch/tasks", body).status_code == 403
    assert DispatchTask.objects.count() == 2


# --- Receiving, answering, reviewing -----------------------------------------------------------------


def test_first_open_by_the_recipient_marks_it_received(world: World) -> None:
    task = _send(world)
    a = _assignment(task, world.orgs["regulator_a"])
    assert world.client("city_regulator").get(f"/dispatch/{task.pk}/").status_code == 200
    a.refresh_from_db()
    assert a.state == DispatchState.SENT  # the sender opening it is no receipt
    assert world.client("regulator_a").get(f"/dispatch/{task.pk}/").status_code == 200
    a.refresh_from_db()
    first = a.received_at
    assert a.state == DispatchState.RECEIVED and first is not None
    world.client("regulator_a").get(f"/dispatch/{task.pk}/")
    a.refresh_from_db()
    assert a.received_at == first
    assert _assignment(task, world.orgs["regulator_b"]).state == DispatchState.SENT
    # Through the API only the recipient may mark it; a sibling does not even see it.
    b = _assignment(task, world.orgs["regulator_b"])
    assert (
        world.client("city_regulator").post(f"/api/v1/dispatch/assignments/{b.pk}/received").status_code
        == 403
    )
    assert (
        world.client("regulator_a").post(f"/api/v1/dispatch/assignments/{b.pk}/received").status_code == 404
    )
    ok = world.client("regulator_b").post(f"/api/v1/dispatch/assignments/{b.pk}/received")
    assert ok.status_code == 200 and ok.json()["my_state"] == "received"


def test_answer_return_answer_close(world: World) -> None:
    task = _send(world)
    a = _assignment(task, world.orgs["regulator_a"])
    key = uuid.uuid4()
    feedback, created = services.answer(
        world.users["regulator_a"], a.pk, text="已检查32所学校", attachments=[photo()], submission_key=key
    )
    assert created and feedback.attachments.count() == 1
    again, created = services.answer(world.users["regulator_a"], a.pk, text="重复提交", submission_key=key)
    assert not created and again == feedback
    a.refresh_from_db()
    assert a.state == DispatchState.ANSWERED and a.received_at and a.answered_at
    with pytest.raises(Conflict) as conflict:
        services.answer(world.users["regulator_a"], a.pk, text="再答一次")
    assert conflict.value.field == "text"

    with pytest.raises(FieldError) as missing:
        services.review(world.users["city_regulator"], a.pk, decision="return", comment=" ")
    assert missing.value.field == "comment"
    with pytest.raises(FieldError) as bad:
        services.review(world.users["city_regulator"], a.pk, decision="maybe")
    assert bad.value.field == "decision"
    with pytest.raises(FieldPermissionDenied):
        services.review(world.users["regulator_a"], a.pk, decision="close")
    with pytest.raises(FieldPermissionDenied):
        services.review(world.users["province_regulator"], a.pk, decision="close")
    services.review(world.users["city_regulator"], a.pk, decision="return", comment="缺少检查记录表")
    a.refresh_from_db()
    assert a.state == DispatchState.RETURNED

    services.answer(world.users["regulator_a"], a.pk, text="补充检查记录表", attachments=[_pdf()])
    services.review(world.users["city_regulator"], a.pk, decision="close", comment="完成")
    a.refresh_from_db()
    assert a.state == DispatchState.CLOSED and a.closed_at is not None
    kinds = list(DispatchFeedback.objects.filter(assignment=a).values_list("kind", flat=True))
    assert kinds == ["answer", "return", "answer", "close"]
    with pytest.raises(Conflict):
        services.answer(world.users["regulator_a"], a.pk, text="关闭后再答")
    with pytest.raises(Conflict):
        services.review(world.users["city_regulator"], a.pk, decision="return", comment="x")
    with pytest.raises(Conflict):
        services.redispatch(
            world.users["regulator_a"],
            a.pk,
            title="t",
            body="b",
            deadline=SOON,
            recipients=[branch(world).pk],
        )


def test_review_before_an_answer_and_answers_by_others_are_refused(world: World) -> None:
    task = _send(world)
    a = _assignment(task, world.orgs["regulator_a"])
    with pytest.raises(Conflict) as caught:
        services.review(world.users["city_regulator"], a.pk, decision="close")
    assert caught.value.field == "decision"
    with pytest.raises(FieldPermissionDenied):
        services.answer(world.users["city_regulator"], a.pk, text="代答")
    with pytest.raises(FieldPermissionDenied):
        services.answer(world.users["edu_a"], a.pk, text="同级教育局代答")  # same region, other bureau
    with pytest.raises(Http404):
        services.answer(world.users["regulator_b"], a.pk, text="兄弟县代答")
    with pytest.raises(Http404):
        services.answer(world.users["manager_a"], a.pk, text="食堂")
    used = uuid.uuid4()
    services.answer(world.users["regulator_a"], a.pk, text="完成", submission_key=used)
    b = _assignment(task, world.orgs["regulator_b"])
    with pytest.raises(Conflict) as reused:
        services.answer(world.users["regulator_b"], b.pk, text="完成", submission_key=used)
    assert reused.value.field == "submission_key"


def test_api_answer_and_review(world: World) -> None:
    task = _send(world)
    a = _assignment(task, world.orgs["regulator_a"])
    county = world.client("regulator_a")
    empty = county.post(f"/api/v1/dispatch/assignments/{a.pk}/answers", {"text": ""})
    assert empty.status_code == 422 and "text" in _loc(empty)
    bad_file = county.post(
        f"/api/v1/dispatch/assignments/{a.pk}/answers",
        {"text": "完成", "attachments": SimpleUploadedFile("a.txt", b"hello", "text/plain")},
    )
    assert bad_file.status_code == 400 and _loc(bad_file) == ["attachments"]
    ok = county.post(f"/api/v1/dispatch/assignments/{a.pk}/answers", {"text": "完成", "attachments": photo()})
    assert ok.status_code == 201
    (mine,) = ok.json()["assignments"]  # a recipient sees its own assignment only
    assert mine["state"] == "answered" and len(mine["feedback"][0]["attachments"]) == 1
    twice = county.post(f"/api/v1/dispatch/assignments/{a.pk}/answers", {"text": "再答"})
    assert twice.status_code == 409 and _loc(twice) == ["text"]
    city = world.client("city_regulator")
    no_reason = city.post(
        f"/api/v1/dispatch/assignments/{a.pk}/review", {"decision": "return"}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and _loc(no_reason) == ["comment"]
    unknown = city.post(
        f"/api/v1/dispatch/assignments/{a.pk}/review",
        {"decision": "close", "extra": 1},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    closed = city.post(
        f"/api/v1/dispatch/assignments/{a.pk}/review", {"decision": "close"}, content_type="application/json"
    )
    assert closed.status_code == 200
    states = {x["recipient"]: x["state"] for x in closed.json()["assignments"]}
    assert states == {world.orgs["regulator_a"].name: "closed", world.orgs["regulator_b"].name: "sent"}


# --- Scoping -------------------------------------------------------------------------------------------


def test_who_sees_what(world: World) -> None:
    task = _send(world, attachments=[photo()])
    a = _assignment(task, world.orgs["regulator_a"])
    feedback, _ = services.answer(world.users["regulator_a"], a.pk, text="完成", attachments=[photo()])
    answer_file = DispatchAttachment.objects.get(feedback=feedback)
    task_file = DispatchAttachment.objects.get(task=task, feedback__isnull=True)

    for who in ("city_regulator", "province_regulator", "regulator_a", "regulator_b", "operator"):
        assert list(selectors.tasks_for(world.users[who])) == [task], who
    for who in ("manager_a", "principal_a", "supplier_a", "public"):
        assert not selectors.tasks_for(world.users[who]).exists(), who
    # Sibling recipients share the task, not each other's assignment, answer or its attachment.
    assert [x.recipient for x in selectors.assignments_of(world.users["regulator_b"], task)] == [
        world.orgs["regulator_b"]
    ]
    assert selectors.assignments_of(world.users["city_regulator"], task).count() == 2
    assert set(selectors.attachments_for(world.users["regulator_b"])) == {task_file}
    assert set(selectors.attachments_for(world.users["city_regulator"])) == {task_file, answer_file}
    b = world.client("regulator_b")
    assert b.get(f"/dispatch/attachments/{answer_file.pk}/").status_code == 404
    assert b.get(f"/api/v1/dispatch/attachments/{answer_file.pk}").status_code == 404
    assert b.get(f"/dispatch/attachments/{task_file.pk}/").status_code == 200
    shown = world.client("city_regulator").get(f"/dispatch/attachments/{answer_file.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    # The lists: inbox for recipients, outbox for the sender.
    assert list(selectors.tasks_for(world.users["regulator_a"], selectors.Box.INBOX)) == [task]
    assert not selectors.tasks_for(world.users["regulator_a"], selectors.Box.OUTBOX).exists()
    assert list(selectors.tasks_for(world.users["city_regulator"], selectors.Box.OUTBOX)) == [task]
    row: Any
    (row,) = selectors.tasks_for(world.users["regulator_b"], selectors.Box.INBOX)
    assert (row.n_total, row.my_state) == (1, "sent")  # counts only what the user may see
    (row,) = selectors.tasks_for(world.users["city_regulator"], selectors.Box.OUTBOX)
    assert (row.n_total, row.n_answered, row.n_awaiting) == (2, 1, 1)


# --- Re-dispatch -------------------------------------------------------------------------------------


def test_redispatch_chain_city_county_branch(world: World) -> None:
    station = branch(world)
    from brightkitchen.accounts.models import User
    from brightkitchen.core.roles import Role

    branch_user = User.objects.create_user(
        username="branch_a", password="x-Long-Pass-1", role=Role.REGULATOR, organisation=station
    )
    task = _send(world)
    a = _assignment(task, world.orgs["regulator_a"])
    county = world.users["regulator_a"]
    with pytest.raises(FieldError) as late:
        services.redispatch(
            county,
            a.pk,
            title="t",
            body="b",
            deadline=SOON + datetime.timedelta(days=1),
            recipients=[station.pk],
        )
    assert late.value.field == "deadline"
    with pytest.raises(FieldError) as sideways:
        services.redispatch(
            county, a.pk, title="t", body="b", deadline=SOON, recipients=[world.orgs["regulator_b"].pk]
        )
    assert sideways.value.field == "recipients"
    with pytest.raises(FieldPermissionDenied):
        services.redispatch(
            world.users["city_regulator"], a.pk, title="t", body="b", deadline=SOON, recipients=[station.pk]
        )
    key = uuid.uuid4()
    child, created = services.redispatch(
        county,
        a.pk,
        title="转派：专项检查",
        body="请各所检查",
        deadline=SOON,
        recipients=[station.pk],
        submission_key=key,
    )
    assert created and child.parent_assignment == a and child.sender == world.orgs["regulator_a"]
    same, created = services.redispatch(
        county,
        a.pk,
        title="转派：专项检查",
        body="请各所检查",
        deadline=SOON,
        recipients=[station.pk],
        submission_key=key,
    )
    assert not created and same == child
    a.refresh_from_db()
    assert a.state == DispatchState.RECEIVED  # passing it on means it was opened

    assert selectors.child_progress(world.users["city_regulator"], [a.pk])[a.pk].awaiting == 1
    # The branch sees its own task, not the city's; the city and province watch the whole chain.
    assert list(selectors.tasks_for(branch_user)) == [child]
    assert set(selectors.tasks_for(world.users["city_regulator"])) == {task, child}
    assert set(selectors.tasks_for(world.users["province_regulator"])) == {task, child}
    assert child not in selectors.tasks_for(world.users["regulator_b"])

    (child_a,) = child.assignments.all()
    services.answer(branch_user, child_a.pk, text="本所已检查完毕")
    progress = selectors.child_progress(world.users["city_regulator"], [a.pk])[a.pk]
    assert (progress.total, progress.answered, progress.awaiting) == (1, 1, 0)
    services.review(county, child_a.pk, decision="close")
    services.answer(county, a.pk, text="全县已完成")
    services.review(world.users["city_regulator"], a.pk, decision="close")
    page = world.client("city_regulator").get(f"/dispatch/{task.pk}/")
    assert page.status_code == 200 and "转派：专项检查" in page.content.decode()
    via_api = world.client("city_regulator").get(f"/api/v1/dispatch/tasks/{task.pk}").json()
    mine = next(x for x in via_api["assignments"] if x["id"] == a.pk)
    assert mine["child_task_ids"] == [child.pk] and mine["child_progress"]["closed"] == 1
    assert (
        world.client("city_regulator").get(f"/api/v1/dispatch/tasks/{child.pk}").json()["parent_task_id"]
        == task.pk
    )
    assert (
        BRANCH_NAME
        in world.client("regulator_a").get(f"/dispatch/assignments/{a.pk}/redispatch/").content.decode()
    )


# --- Rules (to-dos that open and close themselves) -------------------------------------------------------


def _kinds(found: list[rules.OrgFinding], org: Organisation) -> set[str]:
    return {f.kind for f in found if f.organisation_id == org.pk}


def test_rules_open_and_close(world: World) -> None:
    task = _send(world, to=("regulator_a",), deadline=TODAY + datetime.timedelta(days=14))
    a = _assignment(task, world.orgs["regulator_a"])
    county, city = world.orgs["regulator_a"], world.orgs["regulator_city"]
    assert _kinds(rules.findings(TODAY), county) == {rules.KIND_AWAITING}
    assert _kinds(rules.findings(task.remind_on), county) == {rules.KIND_AWAITING, rules.KIND_DUE_SOON}
    late = task.deadline + datetime.timedelta(days=1)
    assert _kinds(rules.findings(late), county) == {rules.KIND_AWAITING, rules.KIND_OVERDUE}
    assert _kinds(rules.findings(late), city) == {rules.KIND_OVERDUE}
    services.answer(world.users["regulator_a"], a.pk, text="完成")
    assert _kinds(rules.findings(late), county) == set()
    assert _kinds(rules.findings(TODAY), city) == {rules.KIND_REVIEW}
    services.review(world.users["city_regulator"], a.pk, decision="return", comment="补充")
    assert _kinds(rules.findings(TODAY), county) == {rules.KIND_AWAITING}
    services.answer(world.users["regulator_a"], a.pk, text="已补充")
    services.review(world.users["city_regulator"], a.pk, decision="close")
    assert rules.findings(late) == []


def test_todo_is_the_users_own(world: World) -> None:
    task = _send(world)
    todo = world.client("regulator_a").get("/api/v1/dispatch/todo").json()
    assert [(t["kind"], t["task_id"]) for t in todo] == [(rules.KIND_AWAITING, task.pk)]
    assert world.client("city_regulator").get("/api/v1/dispatch/todo").json() == []
    assert world.client("manager_a").get("/api/v1/dispatch/todo").json() == []
    assert selectors.todo_for(world.users["public"], TODAY) == []


# --- Pages ---------------------------------------------------------------------------------------------


def test_pages(world: World) -> None:
    past = _send(world, to=("regulator_a",), title="已逾期的任务")
    DispatchTask.objects.filter(pk=past.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    inbox = world.client("regulator_a").get("/dispatch/")
    text = inbox.content.decode()
    assert inbox.status_code == 200 and "已逾期的任务" in text and 'class="badge bad"' in text
    outbox = world.client("city_regulator").get("/dispatch/?box=outbox")
    assert "已逾期的任务" in outbox.content.decode()
    assert "已逾期的任务" not in world.client("regulator_b").get("/dispatch/?box=all").content.decode()

    city = world.client("city_regulator")
    form = {
        "submission_key": str(uuid.uuid4()),
        "title": "页面发出的任务",
        "body": "说明",
        "deadline": (TODAY - datetime.timedelta(days=3)).isoformat(),
        "recipients": [world.orgs["regulator_a"].pk],
    }
    refused = city.post("/dispatch/new/", form)
    assert refused.status_code == 400 and "has-error" in refused.content.decode()
    made = city.post("/dispatch/new/", {**form, "deadline": SOON.isoformat(), "attachments": _pdf()})
    assert made.status_code == 302
    task = DispatchTask.objects.get(title="页面发出的任务")
    a = _assignment(task, world.orgs["regulator_a"])
    county = world.client("regulator_a")
    assert (
        county.post(
            f"/dispatch/assignments/{a.pk}/answer/", {"text": "", "submission_key": uuid.uuid4()}
        ).status_code
        == 400
    )
    assert (
        county.post(
            f"/dispatch/assignments/{a.pk}/answer/", {"text": "完成", "submission_key": uuid.uuid4()}
        ).status_code
        == 302
    )
    forbidden = world.client("province_regulator").post(
        f"/dispatch/assignments/{a.pk}/review/", {"decision": "close", "submission_key": uuid.uuid4()}
    )
    assert forbidden.status_code == 403
    assert (
        city.post(
            f"/dispatch/assignments/{a.pk}/review/", {"decision": "close", "submission_key": uuid.uuid4()}
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert a.state == DispatchState.CLOSED
    assert world.client("regulator_b").get(f"/dispatch/assignments/{a.pk}/redispatch/").status_code == 404
    assert world.client("city_regulator").get(f"/dispatch/assignments/{a.pk}/redispatch/").status_code == 403


def test_the_same_region_education_bureau_is_not_a_recipient(world: World) -> None:
    """Documented limit of region scoping: a same-county bureau of the other kind can read (not act on)
    a task sent to its county; dispatch itself never sends across kinds."""
    edu_city = Organisation.objects.create(
        name="晋中市教育局", kind=OrganisationKind.EDUCATION_BUREAU, region_id="1407"
    )
    assert set(services.lower_units(edu_city)) == {world.orgs["edu_a"], world.orgs["edu_b"]}
    task = _send(world, to=("regulator_a",))
    assert list(selectors.tasks_for(world.users["edu_a"])) == [task]  # region scoping: may read
    with pytest.raises(FieldPermissionDenied):
        services.answer(world.users["edu_a"], _assignment(task, world.orgs["regulator_a"]).pk, text="x")
