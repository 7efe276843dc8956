"""Online patrol: quota split, the reproducible risk-weighted draw, patrols whose findings open
rectification notices, refusals, idempotent resubmits and the dashboard counts."""

from __future__ import annotations

import datetime
import json
import random
import uuid
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from brightkitchen.cameras.tests.factories import cameras
from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.dashboards.periods import month_period
from brightkitchen.dashboards.selectors import dashboard
from brightkitchen.patrols import selectors, services
from brightkitchen.patrols.models import (
    AssignmentState,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolQuota,
    PatrolRecord,
)
from brightkitchen.patrols.services import FindingInput, split_quota, weighted_sample
from brightkitchen.records.tests.factories import photo
from brightkitchen.rectifications.models import RectificationNotice, RectificationPhoto
from brightkitchen.schools.metrics import Ratio
from brightkitchen.schools.models import Canteen, OperationMode

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


# --- Quota split -------------------------------------------------------------------------------------


def test_split_is_proportional_and_sums_to_the_quota() -> None:
    counts = {"140702": 50, "140703": 30, "140781": 20}
    assert split_quota(10, counts) == {"140702": 5, "140703": 3, "140781": 2}
    shares = split_quota(7, counts)  # exact 3.5, 2.1, 1.4: the largest remainder (.5) gets the place
    assert shares == {"140702": 4, "140703": 2, "140781": 1} and sum(shares.values()) == 7


def test_split_ties_go_to_the_lower_region_code_and_never_exceed_a_county() -> None:
    counts = {"140703": 1, "140702": 1, "140781": 1}
    assert split_quota(1, counts) == {"140702": 1, "140703": 0, "140781": 0}
    assert split_quota(2, counts) == {"140702": 1, "140703": 1, "140781": 0}
    assert split_quota(3, counts) == {"140702": 1, "140703": 1, "140781": 1}
    rng = random.Random(5)
    for _ in range(300):
        counts = {f"14{n:04d}": rng.randint(0, 40) for n in range(rng.randint(1, 12))}
        total = sum(counts.values())
        quota = rng.randint(0, total)
        shares = split_quota(quota, counts)
        assert sum(shares.values()) == quota
        assert all(shares[c] <= counts[c] for c in counts)
        # Largest remainder: each share is the exact share rounded down or up.
        assert all(abs(shares[c] - quota * counts[c] / total) < 1 for c in counts if total)
    with pytest.raises(ValueError, match="quota"):
        split_quota(3, {"140702": 2})


# --- Weighted draw ------------------------------------------------------------------------------------


def test_weighted_sample_is_reproducible_and_prefers_higher_risk() -> None:
    items = [(i, 1 if i % 2 else 4) for i in range(1, 201)]  # odd ids grade A (1), even grade D (4)
    first = weighted_sample(items, 10, random.Random("42:140702"))
    assert first == weighted_sample(items, 10, random.Random("42:140702"))
    assert first != weighted_sample(items, 10, random.Random("43:140702"))
    assert len({i for i, _ in first}) == 10
    drawn: Counter[int] = Counter()
    for seed in range(300):
        drawn.update(w for _, w in weighted_sample(items, 10, random.Random(f"{seed}:140702")))
    # With weights 4:1 a grade-D canteen is drawn far more often (about 80 % of the draws).
    assert drawn[4] > 3 * drawn[1]


def _canteens(world: World, county: str, n: int, grades: str = "ABCD") -> list[Canteen]:
    return Canteen.objects.bulk_create(
        Canteen(
            school=world.schools[county],
            name=f"测试食堂{county}{i}",
            operation_mode=OperationMode.SELF_RUN,
            risk_grade=grades[i % len(grades)],
        )
        for i in range(n)
    )


def _drawn(plan: PatrolPlan) -> list[int]:
    return list(
        PatrolAssignment.objects.filter(plan=plan)
        .order_by("county_id", "rank")
        .values_list("canteen_id", flat=True)
    )


def test_plan_splits_the_city_quota_over_its_counties(world: World) -> None:
    _canteens(world, "a", 29)  # county A: 30 canteens, county B: 10
    _canteens(world, "b", 9)
    user = world.users["city_regulator"]
    plan, created = services.create_plan(user, period=TODAY, quota=8)
    assert created and plan.period == datetime.date(2026, 12, 1) and plan.region_id == "1407"
    assert 0 <= plan.seed < 2**63
    assert dict(PatrolQuota.objects.filter(plan=plan).values_list("county_id", "quota")) == {
        "140702": 6,
        "140703": 2,
    }
    blocks = selectors.quota_split(user, plan)
    assert [(b.city.code, b.canteens, b.quota) for b in blocks] == [("1407", 40, 8)]
    assert [c.county.code for c in blocks[0].counties] == ["140702", "140703"]
    # One plan per organisation and month: asking again returns the first, unchanged.
    again, created = services.create_plan(user, period=datetime.date(2026, 12, 31), quota=3, seed=9)
    assert not created and again.pk == plan.pk and again.quota == 8
    assert PatrolPlan.objects.count() == 1


def test_draw_is_reproducible_from_the_seed_and_done_once(
    world: World, django_assert_max_num_queries: Any
) -> None:
    _canteens(world, "a", 39)
    _canteens(world, "b", 19)
    user = world.users["city_regulator"]
    months = [datetime.date(2026, m, 1) for m in (9, 10, 11)]
    plans = [
        services.create_plan(user, period=months[0], quota=12, seed=42)[0],
        services.create_plan(user, period=months[1], quota=12, seed=42)[0],
        services.create_plan(user, period=months[2], quota=12, seed=7)[0],
    ]
    with django_assert_max_num_queries(20):  # a handful of queries, however many canteens
        services.draw(user, plans[0].pk)
    for plan in plans[1:]:
        services.draw(user, plan.pk)
    same, other = _drawn(plans[0]), _drawn(plans[2])
    assert len(same) == 12 and len(set(same)) == 12
    assert same == _drawn(plans[1])  # the same seed draws the same canteens
    assert same != other
    counties = Counter(PatrolAssignment.objects.filter(plan=plans[0]).values_list("county_id", flat=True))
    assert counties == {"140702": 8, "140703": 4}
    a = PatrolAssignment.objects.filter(plan=plans[0]).select_related("canteen").first()
    assert a is not None and a.weight == services.RISK_WEIGHTS[a.canteen.risk_grade]
    # Drawing again changes nothing.
    plan, drawn = services.draw(user, plans[0].pk)
    assert not drawn and _drawn(plan) == same and plan.drawn_by == user


def test_draw_after_a_reload_matches_the_recorded_seed(world: World) -> None:
    """The draw can be checked later: recomputing it from the recorded seed gives the same canteens."""
    _canteens(world, "a", 19)
    user = world.users["regulator_a"]
    plan, _ = services.create_plan(user, period=TODAY, quota=5)
    services.draw(user, plan.pk)
    items = [
        (pk, services.RISK_WEIGHTS[g])
        for pk, g in Canteen.objects.filter(school=world.schools["a"])
        .order_by("pk")
        .values_list("pk", "risk_grade")
    ]
    expected = [pk for pk, _ in weighted_sample(items, 5, random.Random(f"{plan.seed}:140702"))]
    assert _drawn(plan) == expected


def test_plan_refusals(world: World) -> None:
    for who in ("edu_a", "manager_a", "principal_a", "operator"):
        with pytest.raises(PermissionDenied):
            services.create_plan(world.users[who], period=TODAY, quota=1)
    with pytest.raises(FieldError) as exc:
        services.create_plan(world.users["regulator_a"], period=TODAY, quota=2)  # county A has 1 canteen
    assert exc.value.field == "quota"
    with pytest.raises(FieldError) as exc:
        services.create_plan(world.users["regulator_a"], period=TODAY, quota=0)
    assert exc.value.field == "quota"
    with pytest.raises(FieldError) as exc:
        services.create_plan(world.users["regulator_a"], period=TODAY, quota=1, seed=-1)
    assert exc.value.field == "seed"
    assert not PatrolPlan.objects.exists()
    plan, _ = services.create_plan(world.users["regulator_a"], period=TODAY, quota=1)
    with pytest.raises(Http404):
        services.draw(world.users["regulator_b"], plan.pk)
    with pytest.raises(PermissionDenied):
        services.draw(world.users["city_regulator"], plan.pk)  # sees it, but it is county A's plan
    with pytest.raises(PermissionDenied):
        services.draw(world.users["edu_a"], plan.pk)
    assert PatrolAssignment.objects.count() == 0


def test_a_city_plan_is_seen_in_its_counties_with_their_share_as_the_dashboard_counts(world: World) -> None:
    """The city's plan applies in every county: the county regulator's patrol page lists it with the
    county's drawn and patrolled canteens (not the city's), the same figure as the dashboard's 巡查完成率,
    and only the city draws it."""
    city = world.users["city_regulator"]
    plan, _ = services.create_plan(city, period=TODAY, quota=2)
    services.draw(city, plan.pk)
    assert PatrolAssignment.objects.filter(plan=plan).count() == 2  # one canteen in each county
    page = world.client("regulator_a").get("/patrols/").content.decode()
    assert f'data-plan="{plan.pk}"' in page
    mine: Any = selectors.plans_for(world.users["regulator_a"]).get(pk=plan.pk)  # annotated: drawn, done
    assert (mine.drawn, mine.done) == (1, 0)
    citywide: Any = selectors.plans_for(city).get(pk=plan.pk)
    assert citywide.drawn == 2
    board = dashboard(world.users["regulator_a"], None, month_period(TODAY.year, TODAY.month))
    assert board.totals["patrol_completion"] == Ratio(mine.done, mine.drawn)
    with pytest.raises(PermissionDenied):
        services.draw(world.users["regulator_a"], plan.pk)


# --- Patrols ------------------------------------------------------------------------------------------


def _pending(world: World) -> PatrolAssignment:
    user = world.users["regulator_a"]
    plan, _ = services.create_plan(user, period=TODAY, quota=1)
    services.draw(user, plan.pk)
    return PatrolAssignment.objects.get(plan=plan)


def test_a_finding_opens_a_notice_with_the_snapshot(world: World) -> None:
    assignment = _pending(world)
    user = world.users["regulator_a"]
    key = uuid.uuid4()
    findings = [
        FindingInput("no_mask_cap", "切配员工未戴口罩", photo("a.jpg")),
        FindingInput("camera_problem", "", photo("b.jpg"), open_notice=False),
    ]
    record, created = services.submit_patrol(
        user, assignment.pk, findings=findings, note="午餐巡查", working_days=5, submission_key=key
    )
    assert created and record.note == "午餐巡查"
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DONE and assignment.patrolled_by == user
    mask, camera = PatrolFinding.objects.filter(record=record).order_by("pk")
    assert mask.photo and mask.thumbnail and camera.notice is None
    notice = RectificationNotice.objects.get()
    assert mask.notice == notice and notice.canteen == world.canteens["a"]
    assert notice.source_kind == "patrol" and notice.source_ref == f"patrol:{mask.pk}"
    assert "切配员工未戴口罩" in notice.problem and notice.working_days == 5
    assert notice.submission_key == services.notice_key(key, "no_mask_cap")
    assert RectificationPhoto.objects.filter(step__notice=notice).count() == 1
    # A resubmit changes nothing twice.
    again, created = services.submit_patrol(user, assignment.pk, findings=findings, submission_key=key)
    assert not created and again.pk == record.pk
    assert RectificationNotice.objects.count() == 1 and PatrolFinding.objects.count() == 2
    # Another patrol of the same assignment is refused.
    with pytest.raises(Conflict) as exc:
        services.submit_patrol(user, assignment.pk, findings=[], submission_key=uuid.uuid4())
    assert exc.value.field == "assignment"


def test_the_notice_of_a_finding_reads_in_each_readers_language(world: World) -> None:
    """The platform writes the notice's problem from the checklist item: stored in Chinese (search,
    exports) whoever patrolled in English, and shown in English to an English reader, the patrol's note
    as written."""
    from django.utils import translation

    assignment = _pending(world)
    with translation.override("en"):
        services.submit_patrol(
            world.users["regulator_a"],
            assignment.pk,
            findings=[FindingInput("no_mask_cap", "切配员工未戴口罩", photo("a.jpg"))],
        )
    notice = RectificationNotice.objects.get()
    assert notice.problem == "网上巡查：从业人员未佩戴口罩或工作帽：切配员工未戴口罩"
    with translation.override("en"):
        assert notice.problem_text == "Online patrol: Staff without mask or cap: 切配员工未戴口罩"
    client = world.client("regulator_a")
    client.cookies["django_language"] = "en"
    page = client.get(f"/rectifications/{notice.pk}/").content.decode()
    assert "Online patrol: Staff without mask or cap" in page and "网上巡查：" not in page


@pytest.mark.parametrize(
    ("findings", "field"),
    [
        ([FindingInput("no_such_item", "", None)], "items"),
        ([FindingInput("pests", "", None)], "snapshot_pests"),
        ([FindingInput("other", "", photo())], "note_other"),
        ([FindingInput("pests", "x" * 1001, photo())], "note_pests"),
        ([FindingInput("pests", "", photo(data=b"not an image"))], "snapshot_pests"),
    ],
)
def test_bad_findings_are_refused_naming_the_field(
    world: World, findings: list[FindingInput], field: str
) -> None:
    assignment = _pending(world)
    with pytest.raises(FieldError) as exc:
        services.submit_patrol(world.users["regulator_a"], assignment.pk, findings=findings)
    assert exc.value.field == field
    assert not PatrolRecord.objects.exists() and not RectificationNotice.objects.exists()
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PENDING


def test_patrol_refusals(world: World) -> None:
    assignment = _pending(world)
    with pytest.raises(Http404):
        services.submit_patrol(world.users["regulator_b"], assignment.pk, findings=[])
    with pytest.raises(PermissionDenied):
        services.submit_patrol(world.users["edu_a"], assignment.pk, findings=[])
    with pytest.raises(Http404):
        services.submit_patrol(world.users["manager_a"], assignment.pk, findings=[])
    with pytest.raises(FieldError) as exc:
        services.submit_patrol(
            world.users["regulator_a"],
            assignment.pk,
            findings=[FindingInput("pests", "", photo())],
            working_days=0,
        )
    assert exc.value.field == "working_days"
    assert not PatrolRecord.objects.exists()


def test_the_city_patrols_a_canteen_drawn_by_its_plan(world: World) -> None:
    user = world.users["city_regulator"]
    plan, _ = services.create_plan(user, period=TODAY, quota=2)
    services.draw(user, plan.pk)
    b = PatrolAssignment.objects.get(plan=plan, canteen=world.canteens["b"])
    services.submit_patrol(user, b.pk, findings=[FindingInput("pests", "鼠迹", photo())])
    notice = RectificationNotice.objects.get()
    assert notice.issued_by_org == world.orgs["regulator_city"] and notice.canteen == world.canteens["b"]
    # County B's regulator sees the assignment in its county; county A's does not.
    assert selectors.assignments_for(world.users["regulator_b"]).filter(pk=b.pk).exists()
    assert not selectors.assignments_for(world.users["regulator_a"]).filter(pk=b.pk).exists()


# --- Counts for the dashboards -------------------------------------------------------------------------


def test_patrol_counts_by_region(world: World) -> None:
    user = world.users["city_regulator"]
    plan, _ = services.create_plan(user, period=timezone.localdate(), quota=2)
    services.draw(user, plan.pk)
    a = PatrolAssignment.objects.get(plan=plan, canteen=world.canteens["a"])
    services.submit_patrol(
        user,
        a.pk,
        findings=[
            FindingInput("pests", "", photo()),
            FindingInput("waste_uncovered", "", photo(), open_notice=False),
        ],
    )
    canteens = Canteen.objects.visible_to(user)
    today = timezone.localdate()
    start, end = today.replace(day=1), today + datetime.timedelta(days=1)
    counts = selectors.patrol_counts(canteens, start, end)
    assert counts["140702"] == selectors.PatrolCounts(drawn=1, done=1, problems=2, notices=1)
    assert counts["140703"] == selectors.PatrolCounts(drawn=1, done=0, problems=0, notices=0)
    assert counts["140702"] + counts["140703"] == selectors.PatrolCounts(2, 1, 2, 1)
    # The caller's scope limits the canteens; an earlier window has nothing.
    only_b = selectors.patrol_counts(Canteen.objects.visible_to(world.users["regulator_b"]), start, end)
    assert set(only_b) == {"140703"}
    assert (
        selectors.patrol_counts(
            canteens, start - datetime.timedelta(days=400), start - datetime.timedelta(days=1)
        )
        == {}
    )


# --- API ----------------------------------------------------------------------------------------------


def test_api_plan_draw_and_patrol(world: World) -> None:
    client = world.client("regulator_a")
    body = {"period": "2026-12-01", "quota": 1, "seed": 77}
    response = client.post("/api/v1/patrols/plans", body, content_type="application/json")
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["seed"] == 77 and plan["quotas"][0]["county_code"] == "140702"
    again = client.post("/api/v1/patrols/plans", {**body, "quota": 1}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == plan["id"]
    too_many = client.post(
        "/api/v1/patrols/plans", {**body, "period": "2027-01-01", "quota": 5}, content_type="application/json"
    )
    assert too_many.status_code == 400 and too_many.json()["detail"][0]["loc"] == ["body", "quota"]
    drawn = client.post(f"/api/v1/patrols/plans/{plan['id']}/draw")
    assert drawn.status_code == 200 and drawn.json()["drawn"] == 1
    listed = client.get(f"/api/v1/patrols/assignments?plan={plan['id']}").json()
    assignment_id = listed["items"][0]["id"]
    url = f"/api/v1/patrols/assignments/{assignment_id}/records"
    missing = client.post(url, {"findings": json.dumps([{"item": "pests"}])})
    assert missing.status_code == 400 and missing.json()["detail"][0]["loc"] == ["body", "snapshot_pests"]
    garbled = client.post(url, {"findings": "not json"})
    assert garbled.status_code == 400 and garbled.json()["detail"][0]["loc"] == ["form", "findings"]
    payload = {
        "findings": json.dumps([{"item": "pests", "note": "灶台下有蟑螂"}]),
        "working_days": "10",
        "snapshot_pests": photo(),
    }
    done = client.post(url, payload, HTTP_IDEMPOTENCY_KEY="patrol-1")
    assert done.status_code == 201, done.content
    out = done.json()
    assert out["state"] == "done" and out["record"]["findings"][0]["notice_id"]
    payload["snapshot_pests"] = photo()
    replay = client.post(url, payload, HTTP_IDEMPOTENCY_KEY="patrol-1")
    assert replay.status_code == 201 and replay.json() == out
    assert RectificationNotice.objects.count() == 1
    snap = client.get(out["record"]["findings"][0]["snapshot_url"])
    assert snap.status_code == 200
    assert world.client("regulator_b").get(out["record"]["findings"][0]["snapshot_url"]).status_code == 404


# --- Pages --------------------------------------------------------------------------------------------


def test_pages_create_draw_and_patrol(world: World) -> None:
    client = world.client("regulator_a")
    page = client.get("/patrols/")
    assert page.status_code == 200 and b'id="create-plan"' in page.content
    response = client.post("/patrols/", {"period": "2026-12", "quota": "1", "seed": ""})
    assert response.status_code == 302
    plan = PatrolPlan.objects.get()
    assert plan.period == datetime.date(2026, 12, 1)
    bad = client.post("/patrols/", {"period": "2027-01", "quota": "9"})
    assert bad.status_code == 400 and "quota" in bad.content.decode()
    detail = client.get(f"/patrols/plans/{plan.pk}/")
    assert b'id="draw"' in detail.content and b'data-city="1407"' in detail.content
    assert client.post(f"/patrols/plans/{plan.pk}/draw/").status_code == 302
    assignment = PatrolAssignment.objects.get(plan=plan)
    camera = cameras(world)["a"]  # the drawn canteen's camera plays live on the patrol screen
    screen = client.get(f"/patrols/assignments/{assignment.pk}/")
    text = screen.content.decode()
    assert 'id="cameras"' in text and 'name="snapshot_pests"' in text and 'id="submit-patrol"' in text
    assert f'/whep/{camera.pk}"' in text and 'data-grant="' in text and "rtsp://" not in text
    assert 'accept="image/*"' in text and world.canteens["a"].name in text
    key = str(uuid.uuid4())
    form = {
        "submission_key": key,
        "working_days": "10",
        "items": ["pests"],
        "note_pests": "",
        "notice_pests": "1",
    }
    refused = client.post(f"/patrols/assignments/{assignment.pk}/", form)
    assert refused.status_code == 400 and 'data-field="snapshot_pests"' in refused.content.decode()
    done = client.post(f"/patrols/assignments/{assignment.pk}/", {**form, "snapshot_pests": photo()})
    assert done.status_code == 302
    assert RectificationNotice.objects.filter(source_kind="patrol").count() == 1
    again = client.post(f"/patrols/assignments/{assignment.pk}/", {**form, "snapshot_pests": photo()})
    assert again.status_code == 302 and RectificationNotice.objects.count() == 1
    shown = client.get(f"/patrols/assignments/{assignment.pk}/").content.decode()
    assert 'id="patrol-record"' in shown and 'id="submit-patrol"' not in shown
    # Other roles: the education bureau reads, the canteen does not.
    assert world.client("edu_a").get(f"/patrols/assignments/{assignment.pk}/").status_code == 200
    assert world.client("manager_a").get(f"/patrols/assignments/{assignment.pk}/").status_code == 404
    assert world.client("edu_a").post("/patrols/", {"period": "2027-02", "quota": "1"}).status_code == 403


def test_a_city_without_counties_is_stratified_by_its_towns(db: None) -> None:
    """东莞 has no counties: its towns stand right under the city, and each town is a stratum."""
    from brightkitchen.accounts.models import User
    from brightkitchen.core.roles import Role
    from brightkitchen.organisations.models import Organisation, OrganisationKind
    from brightkitchen.regions.models import Region
    from brightkitchen.schools.models import School, SchoolType

    towns = list(Region.objects.filter(parent_id="4419").order_by("code").values_list("code", flat=True)[:2])
    assert len(towns) == 2 and all(len(code) > 6 for code in towns)
    for index, town in enumerate(towns):
        org = Organisation.objects.create(
            name=f"东莞测试学校{index}", kind=OrganisationKind.SCHOOL, region_id=town
        )
        school = School.objects.create(organisation=org, school_type=SchoolType.PRIMARY, students=100)
        for n in range(3):
            Canteen.objects.create(school=school, name=f"食堂{n}", operation_mode=OperationMode.SELF_RUN)
    bureau = Organisation.objects.create(
        name="东莞市市场监督管理局", kind=OrganisationKind.REGULATOR, region_id="4419"
    )
    user = User.objects.create_user(
        username="dg", password="x-Long-Enough-1", role=Role.REGULATOR, organisation=bureau
    )
    assert services.canteens_per_county("4419") == {towns[0]: 3, towns[1]: 3}
    plan, _ = services.create_plan(user, period=TODAY, quota=4)
    assert dict(PatrolQuota.objects.filter(plan=plan).values_list("county_id", "quota")) == {
        towns[0]: 2,
        towns[1]: 2,
    }
    services.draw(user, plan.pk)
    drawn = Counter(PatrolAssignment.objects.filter(plan=plan).values_list("county_id", flat=True))
    assert drawn == {towns[0]: 2, towns[1]: 2}
