"""The workflow core on its own: transitions by state and role, the final state, deadlines on the
working-day calendar, and the sweep that acts once per row however often it runs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.roles import Role
from brightkitchen.core.workflow import Deadlines, Transition, Workflow, choose, overdue, review, sweep
from brightkitchen.organisations.models import Organisation
from brightkitchen.schedule.models import CalendarDay
from brightkitchen.schedule.selectors import add_working_days

FLOW = Workflow(
    {
        "answer": Transition(
            frozenset({"open", "returned"}),
            "answered",
            "text",
            "already answered",
            roles=frozenset({Role.CANTEEN_MANAGER}),
            denied="the canteen answers",
        ),
        "close": Transition(frozenset({"answered"}), "closed", "decision", "nothing to review"),
        "return": Transition(frozenset({"answered"}), "returned", "decision", "nothing to review"),
    },
    closed="closed",
    closed_message="closed already",
)


class Case:
    def __init__(self, state: str) -> None:
        self.state = state


def test_transitions_follow_the_states() -> None:
    assert FLOW.allowed("open") == ["answer"]
    assert FLOW.allowed("answered") == ["close", "return"]
    assert FLOW.allowed("closed") == []
    case = Case("open")
    assert FLOW.take(case, "answer") == "open"  # type: ignore[arg-type]
    assert case.state == "answered"
    with pytest.raises(Conflict) as out_of_turn:
        FLOW.take(case, "answer")  # type: ignore[arg-type]
    assert (out_of_turn.value.field, out_of_turn.value.message) == ("text", "already answered")
    FLOW.take(case, "return")  # type: ignore[arg-type]
    FLOW.take(case, "answer")  # type: ignore[arg-type]
    FLOW.take(case, "close")  # type: ignore[arg-type]
    with pytest.raises(Conflict) as closed:
        FLOW.check("return", case.state)
    assert (closed.value.field, closed.value.message) == ("decision", "closed already")


@pytest.mark.django_db
def test_a_transition_is_taken_by_its_roles_only(world: Any) -> None:
    assert FLOW.allowed("open", Role.CANTEEN_STAFF) == []
    with pytest.raises(FieldPermissionDenied) as denied:
        FLOW.check("answer", "open", world.users["staff_a"])
    assert denied.value.field == "text" and denied.value.status == 403
    assert FLOW.check("answer", "open", world.users["manager_a"]).target == "answered"


def test_a_decision_is_one_of_its_choices() -> None:
    from brightkitchen.rectifications.models import NoticeDecision

    assert choose(NoticeDecision, "close", "decision", "choose") == NoticeDecision.CLOSE
    with pytest.raises(FieldError) as bad:
        choose(NoticeDecision, "maybe", "decision", "choose")
    assert bad.value.field == "decision" and bad.value.status == 400


@pytest.mark.django_db
def test_deadlines_count_working_days_of_the_region(world: Any) -> None:
    region = world.canteens["a"].school.organisation.region_id
    friday = datetime.date(2026, 10, 2)
    CalendarDay.objects.create(
        region_id=region, date=datetime.date(2026, 10, 5), name="holiday", is_workday=False
    )
    deadlines = Deadlines(add_working_days, remind_before=1)
    due = deadlines.due(region, friday, 2)
    assert due == datetime.date(2026, 10, 7)  # Monday the 5th is a holiday, the weekend does not count
    assert deadlines.remind_on(region, due, friday) == datetime.date(2026, 10, 6)
    assert deadlines.remind_on(region, due, due) == due  # never before today
    assert overdue(due, due + datetime.timedelta(days=1), still_open=True)
    assert not overdue(due, due + datetime.timedelta(days=1), still_open=False)
    assert not overdue(due, due, still_open=True)


@pytest.mark.django_db
def test_the_sweep_acts_once_per_row(world: Any) -> None:
    candidates = Organisation.objects.filter(pk__in=[world.orgs["regulator_a"].pk], name__endswith="")

    def rename(org: Organisation) -> None:
        org.name += "*"
        org.save()

    pending = Organisation.objects.filter(pk=world.orgs["regulator_a"].pk).exclude(name__endswith="*")
    assert [o.pk for o in sweep(pending, rename)] == [world.orgs["regulator_a"].pk]
    assert sweep(pending, rename) == []
    assert candidates.get().name.endswith("*") and not candidates.get().name.endswith("**")


def test_a_review_closes_or_returns_with_a_reason() -> None:
    now = datetime.datetime(2026, 10, 9, 10, 0, tzinfo=datetime.UTC)
    case = Case("answered")
    with pytest.raises(FieldError) as no_reason:
        review(FLOW, case, "return", "  ", invalid="close or return", most=100, now=now)  # type: ignore[arg-type]
    assert no_reason.value.field == "comment" and case.state == "answered"
    with pytest.raises(FieldError) as bad:
        review(FLOW, case, "answer", "", invalid="close or return", most=100, now=now)  # type: ignore[arg-type]
    assert bad.value.field == "decision"
    returned = review(FLOW, case, "return", " redo ", invalid="", most=100, now=now)  # type: ignore[arg-type]
    assert (returned.before, returned.comment, returned.closed, case.state) == (
        "answered",
        "redo",
        False,
        "returned",
    )
    FLOW.take(case, "answer")  # type: ignore[arg-type]
    closed = review(FLOW, case, "close", "", invalid="", most=100, now=now)  # type: ignore[arg-type]
    assert closed.closed and case.state == "closed" and case.closed_at == now  # type: ignore[attr-defined]
