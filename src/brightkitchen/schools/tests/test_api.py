"""Schools and canteens through the API: bad input gets a 4xx naming the field; resubmits are idempotent."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from brightkitchen.conftest import World
from brightkitchen.schools.models import Canteen, School

pytestmark = pytest.mark.django_db


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _field_at_fault(response: Any) -> str:
    return str(_json(response)["detail"][0]["loc"][-1])


def _patch(world: World, who: str, canteen: Canteen, body: dict[str, Any]) -> Any:
    return world.client(who).patch(
        f"/api/v1/canteens/{canteen.pk}", data=body, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"risk_grade": "Z"}, 422, "risk_grade"),
        ({"licence_number": "12345"}, 422, "licence_number"),
        ({"licence_expires_on": "2026-02-30"}, 422, "licence_expires_on"),
        ({"diners": -1}, 422, "diners"),
        ({"name": None}, 400, "name"),
        ({"colour": "red"}, 422, "colour"),
        ({"licence_issued_on": "2027-01-01", "licence_expires_on": "2026-01-01"}, 400, "licence_expires_on"),
        ({"operation_mode": "contracted", "contractor": ""}, 400, "contractor"),
    ],
)
def test_bad_canteen_changes_name_the_field(
    world: World, body: dict[str, Any], status: int, field: str
) -> None:
    response = _patch(world, "operator", world.canteens["a"], body)
    assert response.status_code == status, response.content
    assert _field_at_fault(response) == field


def test_a_canteen_may_not_grade_itself(world: World) -> None:
    response = _patch(world, "manager_a", world.canteens["a"], {"risk_grade": "A"})
    assert response.status_code == 403 and _field_at_fault(response) == "risk_grade"
    assert Canteen.objects.get(pk=world.canteens["a"].pk).risk_grade == "B"
    ok = _patch(world, "manager_a", world.canteens["a"], {"safety_manager": "王安全"})
    assert ok.status_code == 200 and _json(ok)["safety_manager"] == "王安全"


def test_regulator_may_grade_but_not_rename(world: World) -> None:
    assert _patch(world, "regulator_a", world.canteens["a"], {"risk_grade": "C"}).status_code == 200
    response = _patch(world, "regulator_a", world.canteens["a"], {"name": "新名字"})
    assert response.status_code == 403 and _field_at_fault(response) == "name"


def test_staff_sees_but_may_not_change(world: World) -> None:
    assert world.client("staff_a").get(f"/api/v1/canteens/{world.canteens['a'].pk}").status_code == 200
    assert _patch(world, "staff_a", world.canteens["a"], {"diners": 5}).status_code == 403


def test_duplicate_canteen_name_is_a_conflict(world: World) -> None:
    body = {
        "school_id": world.schools["a"].pk,
        "name": world.canteens["a"].name,
        "operation_mode": "self_run",
    }
    response = world.client("principal_a").post(
        "/api/v1/canteens", data=body, content_type="application/json"
    )
    assert response.status_code == 409 and _field_at_fault(response) == "name"


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=1000", "offset=-1", "offset=99999999999", "risk_grade=Z", "region=abc", "school=0"],
)
def test_bad_list_parameters_are_422(world: World, query: str) -> None:
    response = world.client("regulator_a").get(f"/api/v1/canteens?{query}")
    assert response.status_code == 422, response.content


def test_list_filters_and_pagination(world: World) -> None:
    client = world.client("city_regulator")
    both = _json(client.get("/api/v1/canteens?limit=1"))
    assert both["count"] == 2 and len(both["items"]) == 1
    only_a = _json(client.get("/api/v1/canteens?region=140702"))
    assert [c["id"] for c in only_a["items"]] == [world.canteens["a"].pk]
    expiring = _json(client.get("/api/v1/canteens?licence_status=expiring"))
    assert expiring["count"] == 2 and expiring["items"][0]["licence_status"] == "expiring"
    assert _json(client.get("/api/v1/canteens?licence_status=expired"))["count"] == 0
    by_name = _json(client.get("/api/v1/schools?q=太谷"))
    assert [s["id"] for s in by_name["items"]] == [world.schools["b"].pk]


def test_region_summary_counts(world: World) -> None:
    rows = _json(world.client("city_regulator").get("/api/v1/regions/summary"))
    by_code = {row["code"]: row for row in rows}
    assert by_code["140702"]["canteens"] == 1 and by_code["140702"]["licence_expiring"] == 1
    assert by_code["140703"]["schools"] == 1 and by_code["140703"]["risk"]["B"] == 1
    assert sum(row["canteens"] for row in rows) == 2


def test_create_school_is_idempotent_with_a_key(world: World) -> None:
    client = world.client("edu_a")
    body = {"name": "榆次区幂等小学", "region_code": "140702", "school_type": "primary"}
    first = client.post(
        "/api/v1/schools", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/schools", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert _json(first) == _json(again)
    assert School.objects.filter(organisation__name="榆次区幂等小学").count() == 1
    other = dict(body, name="另一所学校")
    clash = client.post(
        "/api/v1/schools", data=other, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert clash.status_code == 422 and _field_at_fault(clash) == "Idempotency-Key"
    # Without a key, the same name in the same region is a conflict, not a duplicate.
    dup = client.post("/api/v1/schools", data=body, content_type="application/json")
    assert dup.status_code == 409


def test_school_must_sit_in_a_county_of_the_bureau(world: World) -> None:
    client = world.client("edu_a")
    for region, field in (("999999", "region"), ("140703", "region")):
        body = {"name": "越界学校", "region_code": region, "school_type": "primary"}
        response = client.post("/api/v1/schools", data=body, content_type="application/json")
        assert response.status_code in (400, 403) and _field_at_fault(response) == field


def test_malformed_json_is_400(world: World) -> None:
    response = world.client("operator").post(
        "/api/v1/schools", data="{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


@pytest.fixture
def half_done_metric() -> Any:
    """A registered metric that reports one of two expected records done for every canteen."""
    from brightkitchen.schools import metrics

    metric = metrics.Metric(
        "test_half",
        "half",
        lambda scope: {
            code: metrics.Ratio(n, 2 * n)
            for code, n in Counter(
                scope.canteens.values_list("school__organisation__region_id", flat=True)
            ).items()
        },
    )
    metrics.register_metric(metric)
    yield metric
    metrics._METRICS.pop("test_half")


def test_completeness_totals_and_regions(world: World, half_done_metric: Any) -> None:
    body = _json(
        world.client("city_regulator").get("/api/v1/metrics/completeness?start=2026-11-01&end=2026-11-07")
    )
    row = next(m for m in body["metrics"] if m["key"] == "test_half")
    assert row["total"] == {"done": 2, "expected": 4, "rate": 0.5, "late": 0}
    assert set(row["by_region"]) == {"140702", "140703"}
    county = _json(world.client("regulator_a").get("/api/v1/metrics/completeness"))
    assert next(m for m in county["metrics"] if m["key"] == "test_half")["total"]["expected"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-11-08&end=2026-11-01", "start"),
        ("start=2020-01-01&end=2026-01-01", "start"),
        # outside the window every API date lives in: a 422, not an overflow while computing the period
        ("end=0001-01-01", "end"),
        ("start=9999-12-31", "start"),
        ("end=2026-13-01", "end"),
    ],
)
def test_completeness_bad_periods(world: World, query: str, field: str) -> None:
    response = world.client("regulator_a").get(f"/api/v1/metrics/completeness?{query}")
    assert 400 <= response.status_code < 500 and _field_at_fault(response) == field
