"""Risk grading: each signal on its boundaries, the score → grade thresholds, the assessment written to
the canteens, the regulator's override and its refusals, the API, the pages and the school file."""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.incidents.models import IncidentReport, IncidentStatus
from brightkitchen.records.models import SampleRetention
from brightkitchen.rectifications.models import NoticeSource, NoticeState, RectificationNotice
from brightkitchen.risk import demo_data, selectors, services, signals
from brightkitchen.risk.models import RiskAssessment
from brightkitchen.risk.tasks import assess_all_canteens
from brightkitchen.schedule.models import CalendarDay, MealPlan, Term
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import recount
from brightkitchen.staff.models import HealthCertificate, StaffMember

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 20)
START, END = services.period_for(TODAY)


def _notice(world: World, source: str, issued_on: D, **extra: Any) -> RectificationNotice:
    return RectificationNotice.objects.create(
        canteen=world.canteens["a"],
        issued_by_org=world.orgs["regulator_a"],
        problem="测试问题",
        source_kind=source,
        issued_on=issued_on,
        working_days=10,
        deadline=extra.pop("deadline", issued_on + datetime.timedelta(days=14)),
        remind_on=issued_on,
        **extra,
    )


def _all(world: World) -> Any:
    return Canteen.objects.filter(pk__in=[world.canteens["a"].pk, world.canteens["b"].pk])


# --- Thresholds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [(-5, "A"), (0, "A"), (9, "A"), (10, "B"), (24, "B"), (25, "C"), (44, "C"), (45, "D"), (200, "D")],
)
def test_score_thresholds(score: int, grade: str) -> None:
    assert signals.grade_for_score(score) == grade


@pytest.mark.parametrize(
    ("missed", "points"), [(0, 0), (4, 0), (5, 3), (19, 3), (20, 8), (49, 8), (50, 15), (100, 15)]
)
def test_missing_record_points(missed: int, points: int) -> None:
    assert signals.missing_record_points(missed) == points


def test_inspection_frequency() -> None:
    assert selectors.inspection_frequency("A") == (1, 1)
    assert selectors.inspection_frequency("D") == (3, 4)


def test_builtin_signals_are_registered() -> None:
    keys = {s.key for s in signals.registered_signals()}
    assert {
        "violations",
        "overdue_rectifications",
        "missing_records",
        "expired_certificates",
        "complaints",
        "inspection_results",
    } <= keys


# --- Signals --------------------------------------------------------------------------------------------


def test_violations_count_the_period_only_and_are_capped(world: World) -> None:
    _notice(world, NoticeSource.PATROL, START - datetime.timedelta(days=1))  # before the period
    _notice(world, NoticeSource.PATROL, START)
    _notice(world, NoticeSource.AI_CAPTURE, END)
    _notice(world, NoticeSource.COMPLAINT, END)  # another signal
    result = signals.violations(_all(world), START, END)
    assert result == {world.canteens["a"].pk: signals.SignalValue(2, 4)}
    for _ in range(9):
        _notice(world, NoticeSource.INSPECTION, END)
    assert signals.violations(_all(world), START, END)[world.canteens["a"].pk] == signals.SignalValue(11, 20)


def test_complaints_count_and_camera_notices_do_not(world: World) -> None:
    for _ in range(6):
        _notice(world, NoticeSource.COMPLAINT, END)
    _notice(world, NoticeSource.CAMERA, END)  # counted by the camera signals, from its health event
    a = world.canteens["a"].pk
    assert signals.complaints(_all(world), START, END)[a] == signals.SignalValue(6, 15)
    assert signals.violations(_all(world), START, END) == {}


def test_overdue_rectifications(world: World) -> None:
    day = END - datetime.timedelta(days=30)
    _notice(world, NoticeSource.PATROL, day, deadline=END)  # due today: not yet overdue
    _notice(world, NoticeSource.PATROL, day, deadline=END - datetime.timedelta(days=1))  # overdue
    _notice(world, NoticeSource.PATROL, day, deadline=day, state=NoticeState.CLOSED)  # closed
    _notice(
        world, NoticeSource.PATROL, day, deadline=day, state=NoticeState.CLOSED, escalated_at=timezone.now()
    )
    result = signals.overdue_rectifications(_all(world), START, END)
    assert result == {world.canteens["a"].pk: signals.SignalValue(2, 10)}


def test_expired_certificates(world: World) -> None:
    a, b = world.canteens["a"], world.canteens["b"]
    Canteen.objects.filter(pk=a.pk).update(licence_expires_on=END - datetime.timedelta(days=1))
    Canteen.objects.filter(pk=b.pk).update(licence_expires_on=END)  # valid through today
    expired = StaffMember.objects.create(canteen=b, name="张三")
    HealthCertificate.objects.create(
        canteen=b,
        staff=expired,
        number="1",
        issued_on=D(2025, 1, 1),
        expires_on=END - datetime.timedelta(days=1),
    )
    valid = StaffMember.objects.create(canteen=b, name="李四")
    HealthCertificate.objects.create(
        canteen=b, staff=valid, number="2", issued_on=D(2025, 1, 1), expires_on=END
    )
    StaffMember.objects.create(canteen=b, name="王五", active=False)  # left: not counted
    result = signals.expired_certificates(_all(world), START, END)
    assert result == {a.pk: signals.SignalValue(1, 45), b.pk: signals.SignalValue(1, 10)}


def test_inspection_results(world: World) -> None:
    a, b = world.canteens["a"], world.canteens["b"]
    Canteen.objects.filter(pk=a.pk).update(dynamic_grade="fair", annual_grade="C")
    Canteen.objects.filter(pk=b.pk).update(dynamic_grade="excellent", annual_grade="B")
    result = signals.inspection_results(_all(world), START, END)
    assert result[a.pk].points == 20 and result[b.pk].points == -5


MON, TUE, WED, THU, FRI = (D(2026, 9, d) for d in (7, 8, 9, 10, 11))


@pytest.fixture
def calendar(world: World) -> None:
    Term.objects.create(region_id="14", name="2026秋季学期", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 15))
    CalendarDay.objects.create(region_id="14", date=WED, name="测试假日")
    MealPlan.objects.create(canteen=world.canteens["a"], breakfast=True, lunch=True, weekdays="12345")


def _sample(world: World, day: D, meal: str) -> None:
    sample = SampleRetention.objects.create(
        canteen=world.canteens["a"],
        date=day,
        meal=meal,
        dish="米饭",
        weight_g=125,
        stored_at=datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC),
        sampled_by="王",
        photo="x.jpg",
    )
    recount(sample)  # as the services do


def test_missing_records_from_the_tallies(world: World, calendar: None) -> None:
    # A owes breakfast and lunch on Mon, Tue, Thu, Fri (Wednesday is a holiday): 8 meals.
    for day, meal in ((MON, "breakfast"), (MON, "lunch"), (TUE, "lunch"), (THU, "lunch")):
        _sample(world, day, meal)
    _sample(world, WED, "lunch")  # a holiday: nothing was due
    result = signals.missing_records(_all(world), MON, FRI)
    a, b = world.canteens["a"].pk, world.canteens["b"].pk
    assert result[a] == signals.SignalValue(50, 15)  # 4 of 8 missed: on the 50 % boundary
    assert result[b] == signals.SignalValue(100, 15)  # lunch on 4 days, none kept
    _sample(world, FRI, "lunch")
    assert signals.missing_records(_all(world), MON, FRI)[a] == signals.SignalValue(38, 8)


def test_nothing_due_is_left_out(world: World) -> None:
    assert signals.missing_records(_all(world), MON, FRI) == {}  # no term: nothing was due


# --- Assessment -----------------------------------------------------------------------------------------


def test_assess_writes_assessments_and_the_effective_grade(world: World) -> None:
    a, b = world.canteens["a"], world.canteens["b"]
    Canteen.objects.filter(pk=a.pk).update(dynamic_grade="fair", annual_grade="C", licence_expires_on=None)
    for _ in range(5):
        _notice(world, NoticeSource.COMPLAINT, TODAY)
    assert services.assess(_all(world), TODAY) == 2
    assessment = RiskAssessment.objects.get(canteen=a)
    assert assessment.score == 80 and assessment.computed_grade == "D"  # 10 + 10 + 45 (no licence) + 15
    assert {c["key"]: c["points"] for c in assessment.contributions}["complaints"] == 15
    assert Canteen.objects.get(pk=a.pk).risk_grade == "D"
    assert Canteen.objects.get(pk=b.pk).risk_grade == "A"
    # A rerun changes nothing and creates nothing; an override survives it.
    services.override(world.users["regulator_a"], a.pk, "B", "复查合格")
    assert services.assess(_all(world), TODAY) == 2
    assert RiskAssessment.objects.count() == 2
    assert Canteen.objects.get(pk=a.pk).risk_grade == "B"
    assert selectors.grade_distribution(_all(world)) == {"A": 1, "B": 1, "C": 0, "D": 0}


def _incident(world: World, *, affected: int, hospitalised: int = 0, closed: bool = False) -> None:
    reported = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
    IncidentReport.objects.create(
        canteen=world.canteens["a"],
        onset_at=reported - datetime.timedelta(hours=3),
        reported_at=reported,
        place="一楼餐厅",
        affected=affected,
        hospitalised=hospitalised,
        symptoms="腹痛、腹泻",
        reporter_name="测试报告人",
        reporter_phone="13800000000",
        status=IncidentStatus.CLOSED if closed else IncidentStatus.OPEN,
        closed_at=reported + datetime.timedelta(days=1) if closed else None,
    )


def _uncertified_cook(world: World) -> None:
    cook = StaffMember.objects.create(canteen=world.canteens["a"], name="无证厨师")
    HealthCertificate.objects.create(
        canteen=world.canteens["a"],
        staff=cook,
        number="过期-1",
        issued_on=D(2024, 1, 1),
        expires_on=D(2025, 1, 1),
    )


def _graded(world: World) -> str:
    services.assess(_all(world), TODAY)
    return str(Canteen.objects.get(pk=world.canteens["a"].pk).risk_grade)


@pytest.mark.parametrize(
    ("change", "grade"),
    [
        # The reported case: 9 ill, 2 in hospital, still open: grade D on its own.
        (lambda w: _incident(w, affected=9, hospitalised=2), "D"),
        (lambda w: _incident(w, affected=40), "D"),  # 30 or more ill is serious
        (lambda w: _incident(w, affected=3), "C"),  # open, not serious
        (lambda w: _incident(w, affected=3, closed=True), "B"),  # closed within the year: 10 points
        # A licence that expired eight months ago: it must not operate.
        (
            lambda w: Canteen.objects.filter(pk=w.canteens["a"].pk).update(licence_expires_on=D(2026, 3, 20)),
            "D",
        ),
        (lambda w: Canteen.objects.filter(pk=w.canteens["a"].pk).update(licence_expires_on=None), "D"),
        (_uncertified_cook, "B"),  # one food handler without a valid health certificate
        (
            lambda w: [
                _notice(w, NoticeSource.PATROL, TODAY, deadline=TODAY - datetime.timedelta(days=1))
                for _ in range(2)
            ],
            "B",
        ),  # two overdue rectifications (and the violations they are)
    ],
)
def test_each_signal_moves_the_grade(world: World, change: Callable[[World], Any], grade: str) -> None:
    assert _graded(world) == "A"
    change(world)
    assert _graded(world) == grade


def test_the_nightly_task(world: World) -> None:
    assert assess_all_canteens() == Canteen.objects.count()
    assert RiskAssessment.objects.count() == Canteen.objects.count()


# --- Override -------------------------------------------------------------------------------------------


def test_override_and_clear(world: World) -> None:
    a = world.canteens["a"].pk
    regulator = world.users["regulator_a"]
    assessment, changed = services.override(regulator, a, "D", "多次投诉")
    assert changed and assessment.grade == "D" and assessment.overridden_by == regulator
    assert Canteen.objects.get(pk=a).risk_grade == "D"
    assert AuditLogEntry.objects.filter(object_id=str(assessment.pk), action="update").exists()
    _, changed = services.override(regulator, a, "D", "多次投诉")
    assert not changed
    cleared = services.clear_override(world.users["city_regulator"], a, "已整改到位")
    assert cleared.override_grade == "" and cleared.override_reason == "已整改到位"
    assert Canteen.objects.get(pk=a).risk_grade == cleared.computed_grade
    with pytest.raises(Conflict) as exc:
        services.clear_override(regulator, a, "再次清除")
    assert exc.value.field == "grade"


@pytest.mark.parametrize("who", ["edu_a", "principal_a", "manager_a"])
def test_only_regulators_override(world: World, who: str) -> None:
    with pytest.raises(FieldPermissionDenied) as exc:
        services.override(world.users[who], world.canteens["a"].pk, "D", "理由")
    assert exc.value.field == "grade"


def test_override_refusals(world: World) -> None:
    from django.http import Http404

    a = world.canteens["a"].pk
    with pytest.raises(Http404):
        services.override(world.users["regulator_b"], a, "D", "理由")
    with pytest.raises(FieldError) as exc:
        services.override(world.users["regulator_a"], a, "E", "理由")
    assert exc.value.field == "grade"
    with pytest.raises(FieldError) as exc:
        services.override(world.users["regulator_a"], a, "D", "   ")
    assert exc.value.field == "reason"
    with pytest.raises(FieldError) as exc:
        services.clear_override(world.users["regulator_a"], a, "")
    assert exc.value.field == "reason"
    assert Canteen.objects.get(pk=a).risk_grade == "B"


# --- API ------------------------------------------------------------------------------------------------


def _post(world: World, who: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    return world.client(who).post(url, data=body, content_type="application/json", headers=headers)


def _changes() -> int:
    return AuditLogEntry.objects.exclude(action__in=["login", "login_failed"]).count()


def _locs(response: Any) -> list[list[str]]:
    return [item["loc"] for item in response.json()["detail"]]


def test_api_override_refusals_name_the_field(world: World) -> None:
    url = f"/api/v1/risk/assessments/{world.canteens['a'].pk}/override"
    bad_grade = _post(world, "regulator_a", url, {"grade": "E", "reason": "理由"})
    assert bad_grade.status_code == 422 and any("grade" in loc for loc in _locs(bad_grade))
    empty = _post(world, "regulator_a", url, {"grade": "D", "reason": ""})
    assert empty.status_code == 422 and any("reason" in loc for loc in _locs(empty))
    blank = _post(world, "regulator_a", url, {"grade": "D", "reason": "  "})
    assert blank.status_code == 400 and _locs(blank) == [["body", "reason"]]
    edu = _post(world, "edu_a", url, {"grade": "D", "reason": "理由"})
    assert edu.status_code == 403 and _locs(edu) == [["body", "grade"]]
    assert _post(world, "regulator_b", url, {"grade": "D", "reason": "理由"}).status_code == 404
    clear = f"/api/v1/risk/assessments/{world.canteens['a'].pk}/clear-override"
    assert _post(world, "regulator_a", clear, {"reason": "理由"}).status_code == 409


def test_api_override_is_idempotent(world: World) -> None:
    url = f"/api/v1/risk/assessments/{world.canteens['a'].pk}/override"
    first = _post(world, "regulator_a", url, {"grade": "C", "reason": "理由"}, **{"Idempotency-Key": "k1"})
    assert first.status_code == 200 and first.json()["grade"] == "C"
    entries = _changes()
    again = _post(world, "regulator_a", url, {"grade": "C", "reason": "理由"}, **{"Idempotency-Key": "k1"})
    assert again.json() == first.json() and _changes() == entries
    other = _post(world, "regulator_a", url, {"grade": "D", "reason": "理由"}, **{"Idempotency-Key": "k1"})
    assert other.status_code == 422


def test_api_list_filters_and_distribution(world: World) -> None:
    services.assess(_all(world), timezone.localdate())
    services.override(world.users["regulator_a"], world.canteens["a"].pk, "D", "理由")
    client = world.client("city_regulator")
    rows = client.get("/api/v1/risk/assessments").json()["items"]
    assert [r["canteen_id"] for r in rows][0] == world.canteens["a"].pk  # highest risk first
    only_d = client.get("/api/v1/risk/assessments?grade=D").json()["items"]
    assert [r["grade"] for r in only_d] == ["D"]
    county_b = client.get("/api/v1/risk/assessments?region=140703").json()["items"]
    assert [r["canteen_id"] for r in county_b] == [world.canteens["b"].pk]
    assert client.get("/api/v1/risk/assessments?region=abc").status_code == 422
    detail = client.get(f"/api/v1/risk/assessments/{world.canteens['a'].pk}").json()
    assert detail["computed_grade"] == "A" and detail["override_reason"] == "理由"
    assert detail["inspections_per_year"] == [3, 4] and len(detail["contributions"]) >= 7
    dist = client.get("/api/v1/risk/distribution").json()
    assert dist["grades"] == {"A": 1, "B": 0, "C": 0, "D": 1}
    assert (
        world.client("manager_a").get(f"/api/v1/risk/assessments/{world.canteens['b'].pk}").status_code == 404
    )
    assert world.client("staff_a").get("/api/v1/risk/assessments").json()["items"] == []


# --- Pages ----------------------------------------------------------------------------------------------


def test_pages(world: World) -> None:
    services.assess(_all(world), timezone.localdate())
    a = world.canteens["a"].pk
    index = world.client("regulator_a").get("/risk/?grade=A")
    assert index.status_code == 200 and world.canteens["a"].name in index.content.decode()
    page = world.client("regulator_a").get(f"/risk/canteens/{a}/").content.decode()
    assert 'action="/risk/canteens/' in page  # the override form
    principal = world.client("principal_a").get(f"/risk/canteens/{a}/").content.decode()
    assert 'action="/risk/canteens/' not in principal
    assert (
        world.client("principal_a")
        .post(f"/risk/canteens/{a}/override/", {"grade": "D", "reason": "x"})
        .status_code
        == 403
    )
    bad = world.client("regulator_a").post(f"/risk/canteens/{a}/override/", {"grade": "D", "reason": ""})
    assert bad.status_code == 400
    done = world.client("regulator_a").post(f"/risk/canteens/{a}/override/", {"grade": "D", "reason": "复查"})
    assert done.status_code == 302 and Canteen.objects.get(pk=a).risk_grade == "D"
    cleared = world.client("regulator_a").post(
        f"/risk/canteens/{a}/override/", {"grade": "", "reason": "恢复"}
    )
    assert cleared.status_code == 302 and Canteen.objects.get(pk=a).risk_grade == "A"


def test_school_file_section(world: World) -> None:
    services.assess(_all(world), timezone.localdate())
    page = world.client("principal_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert f'data-risk="{world.canteens["a"].pk}"' in page


def test_demo_puts_canteens_in_c_and_d_and_is_idempotent(world: World) -> None:
    canteens = [world.canteens["a"], world.canteens["b"]]
    for _ in range(2):
        demo_data.seed(canteens, timezone.localdate(), random.Random(1))
    grades = set(Canteen.objects.values_list("risk_grade", flat=True))
    assert {"C", "D"} <= grades
    assert RiskAssessment.objects.count() == 2
    assert json.dumps(RiskAssessment.objects.first().contributions)  # type: ignore[union-attr]
