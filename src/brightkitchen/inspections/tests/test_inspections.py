"""Standardised inspection: template versioning (a published version is frozen, old inspections keep
their items), scoring and grade boundaries, the annual grade, failed items opening rectification
notices (once, however often resubmitted), the plan, and refusals as 4xx naming the field."""

from __future__ import annotations

import datetime
import json
import random
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from brightkitchen.conftest import World
from brightkitchen.inspections import demo_data, scoring, selectors, services
from brightkitchen.inspections.models import Inspection, InspectionPhoto, Outcome
from brightkitchen.inspections.scoring import Graded, Scored
from brightkitchen.inspections.tests.factories import ITEMS, inspections
from brightkitchen.records.tests.factories import photo
from brightkitchen.rectifications.models import RectificationNotice, RectificationPhoto
from brightkitchen.schools.models import AnnualGrade, Canteen, DynamicGrade, RiskGrade

pytestmark = pytest.mark.django_db

API = "/api/v1/inspections"
D = Decimal


def _loc(response: Any) -> list[str]:
    return [".".join(str(p) for p in item["loc"][1:]) for item in response.json()["detail"]]


def _results(outcomes: dict[str, str] | None = None) -> str:
    outcomes = outcomes or {}
    return json.dumps([{"item": code, "outcome": outcomes.get(code, "pass")} for code, *_ in ITEMS])


def _submit(client: Client, world: World, **overrides: Any) -> Any:
    county = "a"
    c = inspections(world)[county]
    body = {
        "version_id": str(c.version.pk),
        "inspected_on": timezone.localdate().isoformat(),
        "results": _results(),
        **overrides,
    }
    return client.post(f"{API}/canteens/{world.canteens[county].pk}", body)


# --- Scoring ------------------------------------------------------------------------------------------


def test_score_is_passed_weight_over_applicable_weight_truncated() -> None:
    assert scoring.score_of([Scored("pass", 2, False), Scored("fail", 1, False)]) == (D("66.6"), 0)
    assert scoring.score_of([Scored("pass", 3, False), Scored("na", 5, True), Scored("fail", 1, True)]) == (
        D("75.0"),
        1,
    )
    assert scoring.score_of([Scored("na", 5, True)]) == (D(100), 0)
    # 89.99… stays below 90: truncated, never rounded up into the better grade.
    assert scoring.score_of([Scored("pass", 8999, False), Scored("fail", 1001, False)])[0] == D("89.9")


@pytest.mark.parametrize(
    ("score", "key_failures", "grade"),
    [
        ("100", 0, DynamicGrade.EXCELLENT),
        ("90.0", 0, DynamicGrade.EXCELLENT),
        ("89.9", 0, DynamicGrade.GOOD),
        ("95.0", 1, DynamicGrade.GOOD),  # 优秀 needs no failed key item
        ("75.0", 1, DynamicGrade.GOOD),
        ("74.9", 0, DynamicGrade.FAIR),
        ("60.0", 1, DynamicGrade.FAIR),
        ("59.9", 0, None),  # below 60: no grade
        ("100", 2, None),  # two key items failed: no grade
    ],
)
def test_dynamic_grade_boundaries(score: str, key_failures: int, grade: DynamicGrade | None) -> None:
    assert scoring.dynamic_grade(D(score), key_failures) == grade


@pytest.mark.parametrize(
    ("year", "grade"),
    [
        ([], None),
        ([("95", 0, "excellent"), ("80", 1, "good")], AnnualGrade.A),
        ([("80", 0, "good"), ("85", 0, "good")], AnnualGrade.B),  # no 优秀
        ([("95", 0, "excellent"), ("70", 0, "fair")], AnnualGrade.B),  # 一般 without a key failure
        ([("95", 0, "excellent"), ("70", 1, "fair")], AnnualGrade.C),  # 一般 with a key failure
        ([("95", 0, "excellent"), ("50", 0, "")], AnnualGrade.C),  # one without a grade
        ([("74", 0, "fair"), ("75.5", 0, "good")], AnnualGrade.C),  # average 74.75 < 75
        ([("74", 0, "fair"), ("76", 0, "good")], AnnualGrade.B),  # average exactly 75
    ],
)
def test_annual_grade(year: list[tuple[str, int, str]], grade: AnnualGrade | None) -> None:
    assert scoring.annual_grade([Graded(D(s), k, g) for s, k, g in year]) == grade


# --- Submitting -----------------------------------------------------------------------------------------


def test_submit_scores_grades_canteen_and_opens_notices_once(world: World) -> None:
    inspections(world)
    client = world.client("regulator_a")
    key = str(uuid.uuid4())
    outcomes = {"1": "pass", "2": "pass", "3": "fail"}
    body = {"results": _results(outcomes), "submission_key": key, "note": "现场检查"}
    photos = {"photos.3": [photo("p1.jpg"), photo("p2.jpg")]}
    response = _submit(client, world, **body, **photos)
    assert response.status_code == 201, response.content
    data = response.json()
    # 20 of 25 points; the failed item is no key item.
    assert data["score"] == 80.0 and data["dynamic_grade"] == "good" and data["face"] == "🙂"
    assert [r["outcome"] for r in data["results"]] == ["pass", "pass", "fail"]
    assert len(data["results"][2]["photos"]) == 2
    canteen = Canteen.objects.get(pk=world.canteens["a"].pk)
    # Latest inspection (today, this one) and this year's two (the factory's 60 一般 with a key failure).
    assert canteen.dynamic_grade == DynamicGrade.GOOD and canteen.annual_grade == AnnualGrade.C
    notice = RectificationNotice.objects.get(source_kind="inspection")
    assert notice.source_ref == f"inspection:{data['id']}:3" and "餐用具清洗消毒" in notice.problem
    assert notice.issued_by_org == world.orgs["regulator_a"]
    assert RectificationPhoto.objects.filter(step__notice=notice).count() == 2

    again = _submit(client, world, **body, **{"photos.3": [photo("p1.jpg")]})
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Inspection.objects.filter(canteen=world.canteens["a"]).count() == 2
    assert RectificationNotice.objects.count() == 1
    assert InspectionPhoto.objects.filter(result__inspection_id=data["id"]).count() == 2


def test_notice_keys_are_derived_so_a_retry_issues_nothing_twice(world: World) -> None:
    c = inspections(world)["a"]
    user = world.users["regulator_a"]
    results = [services.ResultInput(code, "fail") for code, *_ in ITEMS]
    inspection, created = services.submit_inspection(
        user,
        world.canteens["a"].pk,
        version_id=c.version.pk,
        inspected_on=timezone.localdate(),
        results=results,
    )
    assert created and inspection.dynamic_grade == "" and inspection.score == 0
    assert RectificationNotice.objects.count() == 3
    assert Canteen.objects.get(pk=world.canteens["a"].pk).dynamic_grade == ""
    # Issuing a failed item's notice again with its derived key returns the first notice.
    from brightkitchen.rectifications.services import issue_notice

    _notice, again = issue_notice(
        user,
        world.canteens["a"].pk,
        problem="x",
        source_kind="inspection",
        submission_key=services.notice_key(inspection, "1"),
    )
    assert not again and RectificationNotice.objects.count() == 3


def test_excellent_inspection_with_not_applicable_items(world: World) -> None:
    client = world.client("regulator_a")
    response = _submit(client, world, results=_results({"3": "na"}))
    assert response.status_code == 201 and response.json()["score"] == 100.0
    assert response.json()["dynamic_grade"] == "excellent" and response.json()["face"] == "😄"
    assert RectificationNotice.objects.count() == 0


# --- Refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["edu_a", "manager_a", "principal_a", "staff_a"])
def test_only_regulators_inspect(world: World, who: str) -> None:
    response = _submit(world.client(who), world)
    assert response.status_code in (403, 404)
    assert Inspection.objects.count() == 2  # the factory's


def test_other_county_cannot_inspect(world: World) -> None:
    assert _submit(world.client("regulator_b"), world).status_code == 404


def test_city_regulator_inspects_with_a_county_template_it_sees(world: World) -> None:
    assert _submit(world.client("city_regulator"), world).status_code == 201


def test_bad_input_names_the_field(world: World) -> None:
    client = world.client("regulator_a")
    bad_outcome = _submit(client, world, results=json.dumps([{"item": "1", "outcome": "maybe"}]))
    assert bad_outcome.status_code == 400 and _loc(bad_outcome) == ["results.0.outcome"]
    missing = _submit(client, world, results=json.dumps([{"item": "1", "outcome": "pass"}]))
    assert missing.status_code == 400 and _loc(missing) == ["results.2"]
    unknown = _submit(client, world, results=json.dumps([{"item": "99", "outcome": "pass"}]))
    assert unknown.status_code == 400 and _loc(unknown) == ["results.0.item"]
    not_json = _submit(client, world, results="[{")
    assert not_json.status_code == 400 and _loc(not_json)[0].startswith("results")
    too_many = _submit(client, world, **{"photos.1": [photo(f"p{i}.jpg") for i in range(6)]})
    assert too_many.status_code == 400 and _loc(too_many) == ["photos.1"]
    not_a_photo = _submit(client, world, **{"photos.1": [photo("x.jpg", b"not an image")]})
    assert not_a_photo.status_code == 400 and _loc(not_a_photo) == ["photos.1"]
    future = _submit(
        client, world, inspected_on=(timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    )
    assert future.status_code == 400 and _loc(future) == ["inspected_on"]
    b_version = _submit(client, world, version_id=str(inspections(world)["b"].version.pk))
    assert b_version.status_code == 400 and _loc(b_version) == ["version_id"]
    assert Inspection.objects.count() == 2 and RectificationNotice.objects.count() == 0


def test_draft_version_cannot_be_used(world: World) -> None:
    draft, _created = services.draft_of(world.users["regulator_a"], inspections(world)["a"].template.pk)
    response = _submit(world.client("regulator_a"), world, version_id=str(draft.pk))
    assert response.status_code == 400 and _loc(response) == ["version_id"]


# --- Versioning ------------------------------------------------------------------------------------------


def test_published_version_is_frozen_and_old_inspections_keep_their_items(world: World) -> None:
    c = inspections(world)["a"]
    client = world.client("regulator_a")
    changed = client.patch(
        f"{API}/items/{c.items[0].pk}",
        {"text": "许可证公示（新）", "weight": 20},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    draft = changed.json()
    assert draft["number"] == 2 and draft["is_draft"] and draft["id"] != c.version.pk
    assert [i["code"] for i in draft["items"]] == ["1", "2", "3"]
    assert draft["items"][0]["text"] == "许可证公示（新）" and draft["items"][0]["weight"] == 20
    item = ChecklistItem.objects.get(pk=c.items[0].pk)
    assert item.text == ITEMS[0][1] and item.weight == 10  # version 1 unchanged
    # A second edit of version 1 goes to the same draft, not a third version.
    added = client.post(
        f"{API}/versions/{c.version.pk}/items",
        {"code": "4", "text": "防蝇设施", "weight": 5},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["id"] == draft["id"]
    removed = client.delete(f"{API}/items/{c.items[2].pk}")
    assert removed.status_code == 200 and [i["code"] for i in removed.json()["items"]] == ["1", "2", "4"]
    assert ChecklistVersion.objects.filter(template=c.template).count() == 2
    published = client.post(f"{API}/versions/{draft['id']}/publish")
    assert published.status_code == 200 and not published.json()["is_draft"]
    again = client.post(f"{API}/versions/{draft['id']}/publish")
    assert again.status_code == 409 and _loc(again) == ["version"]
    # The old inspection still shows version 1's items.
    old = client.get(f"{API}/{c.inspection.pk}").json()
    assert old["version_number"] == 1 and [r["item_text"] for r in old["results"]][0] == ITEMS[0][1]
    assert client.get(f"{API}/versions/{c.version.pk}").json()["in_use"] is True


def test_template_lifecycle_and_refusals(world: World) -> None:
    inspections(world)
    client = world.client("regulator_a")
    created = client.post(f"{API}/templates", {"name": "夏季专项检查"}, content_type="application/json")
    assert created.status_code == 201
    version_id = created.json()["versions"][0]["id"]
    empty = client.post(f"{API}/versions/{version_id}/publish")
    assert empty.status_code == 400 and _loc(empty) == ["items"]
    url = f"{API}/versions/{version_id}/items"
    body = {"code": "1", "text": "冷菜间温度", "is_key": True, "weight": 10}
    assert client.post(url, body, content_type="application/json").status_code == 201
    dup = client.post(url, body, content_type="application/json")
    assert dup.status_code == 409 and _loc(dup) == ["code"]
    heavy = client.post(url, {**body, "code": "2", "weight": 101}, content_type="application/json")
    assert heavy.status_code == 422 and _loc(heavy) == ["payload.weight"]
    bad_code = client.post(url, {**body, "code": "a b"}, content_type="application/json")
    assert bad_code.status_code == 400 and _loc(bad_code) == ["code"]
    # Not the owning region: the county B regulator cannot see it, the city regulator sees but cannot edit.
    assert (
        world.client("regulator_b")
        .post(url, {**body, "code": "3"}, content_type="application/json")
        .status_code
        == 404
    )
    city = world.client("city_regulator")
    assert city.get(f"{API}/versions/{version_id}").status_code == 200
    assert city.post(url, {**body, "code": "3"}, content_type="application/json").status_code == 403
    # Education bureaus and canteens neither create nor see templates.
    assert (
        world.client("edu_a")
        .post(f"{API}/templates", {"name": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert world.client("manager_a").get(f"{API}/versions/{version_id}").status_code == 404


def test_province_template_is_visible_below_but_edited_only_by_the_province(world: World) -> None:
    province = world.users["province_regulator"]
    template, _created = services.create_template(province, name="省级检查表")
    version = ChecklistVersion.objects.get(template=template)
    item = services.add_item(province, version.pk, code="1", text="证照公示", is_key=True, weight=10)
    services.publish(province, version.pk)
    county = world.users["regulator_a"]
    assert template in selectors.templates_for(county)
    assert version.pk in [v.pk for v in selectors.published_versions_for(county)]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_item(county, item.pk, services.ItemChanges(weight=3))
    inspection, _ = services.submit_inspection(
        county,
        world.canteens["a"].pk,
        version_id=version.pk,
        inspected_on=timezone.localdate(),
        results=[services.ResultInput("1", Outcome.PASS)],
    )
    assert inspection.dynamic_grade == DynamicGrade.EXCELLENT
    assert ChecklistTemplate.objects.visible_to(world.users["edu_a"]).count() == 0


# --- Reading, plan, pages ----------------------------------------------------------------------------------


def test_readers_of_the_canteen(world: World) -> None:
    a = inspections(world)["a"].inspection
    for who in ("regulator_a", "edu_a", "principal_a", "manager_a", "city_regulator"):
        assert world.client(who).get(f"{API}/{a.pk}").status_code == 200, who
    for who in ("staff_a", "supplier_a", "public", "manager_b"):
        assert world.client(who).get(f"{API}/{a.pk}").status_code == 404, who


def test_plan_counts_this_years_inspections_against_the_risk_minimum(world: World) -> None:
    inspections(world)  # one inspection of each canteen today
    Canteen.objects.filter(pk=world.canteens["a"].pk).update(risk_grade=RiskGrade.C)  # at least 2
    Canteen.objects.filter(pk=world.canteens["b"].pk).update(risk_grade=RiskGrade.A)  # at least 1
    year = timezone.localdate().year
    plan = selectors.plan_for(world.users["city_regulator"], year)
    assert plan.canteens == 2 and plan.due == 1
    (row,) = list(plan.rows)
    assert row.pk == world.canteens["a"].pk and (row.done, row.required) == (1, 2)  # type: ignore[attr-defined]
    last_year = selectors.plan_for(world.users["city_regulator"], year - 1)
    assert last_year.due == 2
    assert selectors.plan_for(world.users["regulator_b"], year).due == 0
    answer = world.client("regulator_a").get(f"{API}/plan?year={year}").json()
    assert answer["due"] == 1 and answer["rows"][0]["required"] == 2
    bad = world.client("regulator_a").get(f"{API}/plan?year=1999")
    assert bad.status_code == 422


def test_phone_pages_start_fill_and_show(world: World) -> None:
    c = inspections(world)["a"]
    client = world.client("regulator_a")
    canteen = world.canteens["a"].pk
    start = client.get(f"/inspections/canteens/{canteen}/")
    assert start.status_code == 200 and f"/versions/{c.version.pk}/" in start.content.decode()
    url = f"/inspections/canteens/{canteen}/versions/{c.version.pk}/"
    form = client.get(url).content.decode()
    assert 'capture="environment"' in form and 'accept="image/*"' in form and 'type="radio"' in form
    body: dict[str, Any] = {
        "submission_key": str(uuid.uuid4()),
        "inspected_on": timezone.localdate().isoformat(),
        f"outcome_{c.items[0].pk}": "fail",
        f"outcome_{c.items[1].pk}": "pass",
        f"note_{c.items[0].pk}": "许可证未公示",
        f"photos_{c.items[0].pk}": [photo("a.jpg")],
    }
    missing = client.post(url, body)
    assert missing.status_code == 400  # item 3 has no outcome
    body[f"outcome_{c.items[2].pk}"] = "pass"
    body[f"photos_{c.items[0].pk}"] = [photo(f"{i}.jpg") for i in range(6)]
    too_many = client.post(url, body)
    with translation.override("zh-hans"):  # the pages speak the default language
        message = translation.gettext("Send at most 5 photos per item.")
    assert too_many.status_code == 400 and message in too_many.content.decode()
    body[f"photos_{c.items[0].pk}"] = [photo("a.jpg")]
    done = client.post(url, body)
    assert done.status_code == 302
    inspection = Inspection.objects.get(submission_key=body["submission_key"])
    page = client.get(done["Location"]).content.decode()
    assert "😐" in page and "许可证未公示" in page  # 15 of 25 points with one key item failed: 一般
    assert inspection.score == D("60.0") and inspection.dynamic_grade == DynamicGrade.FAIR


def test_school_file_section(world: World) -> None:
    inspections(world)
    page = world.client("principal_a").get(f"/schools/{world.schools['a'].pk}/").content.decode()
    assert "甲县测试检查表" in page and "乙县测试检查表" not in page


def test_demo_gives_every_grade_and_is_idempotent(world: World) -> None:
    canteens = sorted(world.canteens.values(), key=lambda c: c.pk)
    for _ in range(2):
        demo_data.seed(canteens, timezone.localdate(), random.Random(1))
    assert ChecklistTemplate.objects.count() == 1 and Inspection.objects.count() == 5
    grades = set(Inspection.objects.values_list("dynamic_grade", flat=True))
    assert grades == {"excellent", "good", "fair", ""}
    assert ChecklistItem.objects.filter(is_key=True).count() >= 5
    assert all(c.dynamic_grade is not None for c in Canteen.objects.all())


def test_a_grade_from_an_inspection_over_a_year_old_is_shown_out_of_date(world: World) -> None:
    """The canteen keeps the day its dynamic grade was given; past DYNAMIC_GRADE_VALID_DAYS the school
    file, the county dashboard and the API say it is out of date, until the next inspection grades it."""
    from brightkitchen.schools.models import DYNAMIC_GRADE_VALID_DAYS

    inspections(world)
    canteen = world.canteens["a"]
    old = timezone.localdate() - datetime.timedelta(days=DYNAMIC_GRADE_VALID_DAYS + 35)
    Canteen.objects.filter(pk=canteen.pk).update(dynamic_grade=DynamicGrade.EXCELLENT, dynamic_graded_on=old)
    client = world.client("regulator_a")
    with translation.override("zh-hans"):
        page = client.get(f"/schools/{canteen.school_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = page[page.index(f'data-canteen="{canteen.pk}"') :]
    assert 'data-testid="grade-stale"' in section.split("</article>")[0]
    assert old.isoformat() in section.split("</article>")[0]
    api = client.get(f"/api/v1/canteens/{canteen.pk}").json()
    assert api["dynamic_grade_stale"] is True and api["dynamic_graded_on"] == old.isoformat()

    assert _submit(client, world).status_code == 201
    fresh = Canteen.objects.get(pk=canteen.pk)
    assert fresh.dynamic_graded_on == timezone.localdate() and not fresh.dynamic_grade_is_stale
    page = client.get(f"/schools/{canteen.school_id}/").content.decode()
    assert (
        'data-testid="grade-stale"'
        not in page[page.index(f'data-canteen="{canteen.pk}"') :].split("</article>")[0]
    )
