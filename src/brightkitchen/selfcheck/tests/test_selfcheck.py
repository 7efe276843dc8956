"""Checklists inherited down the region tree, versions, reports (zero-risk counts), the principal's
signature, the metric and the alert rules, and the API's idempotent creates."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.records.rules import CHINA
from brightkitchen.schedule.models import MealPlan, Term
from brightkitchen.schools.metrics import Ratio, canteen_rate, registered_metrics
from brightkitchen.schools.tallies import recount
from brightkitchen.selfcheck import services
from brightkitchen.selfcheck.models import InspectionAnswer, SelfInspection
from brightkitchen.selfcheck.rules import daily_check_missing_findings, monthly_review_unsigned_findings
from brightkitchen.selfcheck.selectors import template_for

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def _template(world: World, who: str, region: str, kind: str = "daily", *texts: str) -> Any:
    items = [services.ItemIn(t, is_key=i == 0) for i, t in enumerate(texts or ("冷藏温度", "人员健康"))]
    return services.save_template(world.users[who], region, kind, items)[0]


def _items(world: World, kind: str = "daily") -> list[Any]:
    template = template_for(world.canteens["a"], kind)
    assert template is not None
    return list(template.items.all())


def _file(world: World, kind: str = "daily", period: D = TODAY, who: str = "manager_a", **kw: Any) -> Any:
    answers = kw.pop("answers", None)
    if answers is None:
        answers = [services.AnswerIn(i.pk) for i in _items(world, kind)]
    return services.create_inspection(
        world.users[who], world.canteens["a"].pk, kind=kind, period=period, answers=answers, **kw
    )


def test_county_overrides_province_and_versions_keep_old_reports(world: World) -> None:
    province = _template(world, "province_regulator", "14", "daily", "省级项目")
    assert template_for(world.canteens["a"], "daily") == province
    county = _template(world, "regulator_a", "140702", "daily", "县级项目")
    assert template_for(world.canteens["a"], "daily") == county
    assert template_for(world.canteens["b"], "daily") == province  # county B inherits the province's
    report, _ = _file(world)
    assert report.template == county and county.number == 1
    v2 = _template(world, "regulator_a", "140702", "daily", "县级项目", "新增项目")
    assert v2.number == 2 and template_for(world.canteens["a"], "daily") == v2
    report.refresh_from_db()
    assert report.template.number == 1 and report.answers.count() == 1


def test_only_regulators_of_the_region_edit_checklists(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _template(world, "manager_a", "140702")
    with pytest.raises(PermissionDenied):
        _template(world, "principal_a", "140702")
    with pytest.raises(Http404):
        _template(world, "regulator_b", "140702")
    with pytest.raises(Http404):
        _template(world, "regulator_a", "14")  # above the county's jurisdiction
    assert _template(world, "operator", "14").number == 1
    with pytest.raises(FieldError) as exc:
        services.save_template(world.users["regulator_a"], "140702", "daily", [])
    assert exc.value.field == "items"
    with pytest.raises(FieldError) as exc:
        services.save_template(world.users["regulator_a"], "140702", "yearly", [services.ItemIn("x")])
    assert exc.value.field == "kind"


def test_zero_risk_report_and_risks_need_a_note(world: World) -> None:
    _template(world, "regulator_a", "140702")
    items = _items(world)
    with pytest.raises(FieldError) as exc:
        _file(world, answers=[services.AnswerIn(items[0].pk, ok=False), services.AnswerIn(items[1].pk)])
    assert exc.value.field == "answers"
    with pytest.raises(FieldError) as exc:
        _file(world, answers=[services.AnswerIn(items[0].pk)])  # an item left out
    assert exc.value.field == "answers"
    report, created = _file(world)
    assert created and report.zero_risk and report.risk_count == 0
    assert InspectionAnswer.objects.filter(inspection=report, ok=True).count() == 2


def test_risk_found_and_resubmits(world: World) -> None:
    _template(world, "regulator_a", "140702")
    items = _items(world)
    answers = [
        services.AnswerIn(items[0].pk, ok=False, note="冷藏柜8℃，已报修"),
        services.AnswerIn(items[1].pk),
    ]
    key = uuid.uuid4()
    first, created = _file(world, answers=answers, submission_key=key)
    again, created_again = _file(world, answers=answers, submission_key=key)
    assert created and not created_again and again.pk == first.pk and first.risk_count == 1
    with pytest.raises(Conflict) as exc:
        _file(world)
    assert exc.value.field == "period"
    assert SelfInspection.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "period", "field"),
    [
        ("weekly", TODAY - datetime.timedelta(days=TODAY.weekday()) + datetime.timedelta(days=1), "period"),
        ("monthly", TODAY.replace(day=1) + datetime.timedelta(days=1), "period"),
        ("daily", TODAY + datetime.timedelta(days=1), "period"),
        ("weekly", TODAY - datetime.timedelta(days=TODAY.weekday()), "kind"),  # no weekly checklist
    ],
)
def test_period_boundaries(world: World, kind: str, period: D, field: str) -> None:
    _template(world, "regulator_a", "140702", "daily")
    _template(world, "regulator_a", "140702", "monthly")
    with pytest.raises(FieldError) as exc:
        services.create_inspection(
            world.users["manager_a"], world.canteens["a"].pk, kind=kind, period=period, answers=[]
        )
    assert exc.value.field == field


def test_rights_to_file(world: World) -> None:
    _template(world, "regulator_a", "140702")
    with pytest.raises(PermissionDenied):
        _file(world, who="regulator_a")
    with pytest.raises(Http404):
        _file(world, who="manager_b")


def test_only_the_principal_signs_the_monthly_review(world: World) -> None:
    _template(world, "regulator_a", "140702", "monthly")
    _template(world, "regulator_a", "140702", "daily")
    monthly, _ = _file(world, "monthly", TODAY.replace(day=1))
    daily, _ = _file(world)
    assert monthly.pending_signature
    with pytest.raises(FieldPermissionDenied):
        services.sign_monthly(world.users["manager_a"], monthly.pk)
    with pytest.raises(PermissionDenied):
        services.sign_monthly(world.users["regulator_a"], monthly.pk)
    with pytest.raises(Http404):
        services.sign_monthly(world.users["principal_b"], monthly.pk)
    with pytest.raises(FieldError) as exc:
        services.sign_monthly(world.users["principal_a"], daily.pk)
    assert exc.value.field == "kind"
    signed = services.sign_monthly(world.users["principal_a"], monthly.pk)
    assert signed.signed_by == world.users["principal_a"] and not signed.pending_signature
    with pytest.raises(Conflict):
        services.sign_monthly(world.users["principal_a"], monthly.pk)


# --- Metric and rules over a fixed calendar ------------------------------------------------------------

MON, TUE, WED = D(2026, 9, 7), D(2026, 9, 8), D(2026, 9, 9)


@pytest.fixture
def calendar(world: World) -> None:
    Term.objects.create(region_id="14", name="2026秋季学期", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 15))
    MealPlan.objects.create(canteen=world.canteens["a"], lunch=True, weekdays="12345")


def _report(world: World, kind: str, period: D, signed: bool = False) -> None:
    template = _template(world, "operator", "14", kind) if not hasattr(world, f"_t_{kind}") else None
    if template is not None:
        setattr(world, f"_t_{kind}", template)
    report = SelfInspection.objects.create(
        canteen=world.canteens["a"],
        kind=kind,
        period=period,
        template=getattr(world, f"_t_{kind}"),
        signed_at=timezone.now() if signed else None,
    )
    recount(report)  # as the services do


def test_daily_rate_counts_zero_risk_reports(world: World, calendar: None) -> None:
    compute = next(m for m in registered_metrics() if m.key == "self_inspection").compute
    _report(world, "daily", MON)
    _report(world, "daily", D(2026, 9, 12))  # a Saturday report counts for nothing
    assert canteen_rate(compute, world.canteens["a"].pk, MON, WED) == Ratio(1, 3)


def _at(day: D, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CHINA)


def test_daily_check_missing_after_18(world: World, calendar: None) -> None:
    _report(world, "daily", MON)
    a = world.canteens["a"].pk

    def keys(now: datetime.datetime) -> set[str]:
        return {f.subject_key for f in daily_check_missing_findings(TUE, now) if f.canteen_id == a}

    assert "daily_check:2026-09-08" not in keys(_at(TUE, 17))
    assert keys(_at(TUE, 18)) >= {"daily_check:2026-09-08"}
    assert "daily_check:2026-09-07" not in keys(_at(TUE, 18))


def test_monthly_review_unsigned_after_the_5th(world: World, calendar: None) -> None:
    assert monthly_review_unsigned_findings(D(2026, 10, 5)) == []
    findings = monthly_review_unsigned_findings(D(2026, 10, 6))
    assert [f.subject_key for f in findings if f.canteen_id == world.canteens["a"].pk] == [
        "monthly_review:2026-09"
    ]
    _report(world, "monthly", D(2026, 9, 1))  # filed but unsigned: still pending
    assert any(
        f.canteen_id == world.canteens["a"].pk for f in monthly_review_unsigned_findings(D(2026, 10, 6))
    )
    SelfInspection.objects.filter(kind="monthly").update(signed_at=timezone.now())
    assert not any(
        f.canteen_id == world.canteens["a"].pk for f in monthly_review_unsigned_findings(D(2026, 10, 6))
    )


# --- API and page --------------------------------------------------------------------------------------


def test_api_create_idempotent_and_errors_name_the_field(world: World) -> None:
    _template(world, "regulator_a", "140702")
    client = world.client("manager_a")
    items = _items(world)
    body = {
        "kind": "daily",
        "period": TODAY.isoformat(),
        "answers": [{"item_id": i.pk, "ok": True} for i in items],
    }
    url = f"/api/v1/selfcheck/canteens/{world.canteens['a'].pk}/inspections"
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.status_code == 201 and again.json() == first.json()
    assert first.json()["zero_risk"] is True and SelfInspection.objects.count() == 1
    dup = client.post(url, body, content_type="application/json")
    assert dup.status_code == 409 and dup.json()["detail"][0]["loc"] == ["body", "period"]
    bad = client.post(url, {**body, "colour": 1}, content_type="application/json")
    assert bad.status_code == 422


def test_phone_page_one_tap_per_item(world: World) -> None:
    _template(world, "regulator_a", "140702")
    items = _items(world)
    client = world.client("staff_a")
    url = f"/selfcheck/canteens/{world.canteens['a'].pk}/?kind=daily"
    page = client.get(url)
    assert page.status_code == 200 and items[0].text in page.content.decode()
    key = str(uuid.uuid4())
    form = {"submission_key": key, f"risk_{items[1].pk}": "1", f"note_{items[1].pk}": "一人咳嗽，已调岗"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # resubmit: the same report
    report = SelfInspection.objects.get()
    assert report.risk_count == 1
    missing_note = client.post(
        f"/selfcheck/canteens/{world.canteens['a'].pk}/?kind=monthly", {"submission_key": str(uuid.uuid4())}
    )
    assert missing_note.status_code == 400  # no monthly checklist applies
