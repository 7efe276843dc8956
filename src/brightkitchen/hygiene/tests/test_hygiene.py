"""Hygiene ledgers: kind-specific fields, the nitrite ban, resubmits, the disinfection metric, pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.hygiene.metrics import disinfection_rate
from brightkitchen.hygiene.models import HygieneRecord
from brightkitchen.records.tests.factories import photo
from brightkitchen.schedule.models import Term
from brightkitchen.schools.metrics import canteen_rate
from brightkitchen.schools.tallies import recount

pytestmark = pytest.mark.django_db


def _url(world: World, county: str = "a") -> str:
    return f"/api/v1/hygiene/canteens/{world.canteens[county].pk}/records"


def _form(record_kind: str = "cleaning", **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": record_kind,
        "done_at": timezone.localtime().isoformat(),
        "person": "赵红梅",
        "photo": photo(),
    }
    specific = {
        "cleaning": {"target": "tableware", "method": "chemical", "agent": "84消毒液 1:200"},
        "pest": {"area": "仓库", "method": "粘鼠板、灭蝇灯", "agent": ""},
        "waste": {"quantity_kg": "23.5", "collector": "晋中市绿源餐厨垃圾处理有限公司"},
        "additive": {"additive": "食用小苏打", "amount_g": "15", "dish": "发面馒头"},
    }[record_kind]
    return {**base, **specific, **overrides}


def _loc(response: Any) -> list[str]:
    return [item["loc"][-1] for item in response.json()["detail"]]


@pytest.mark.parametrize("kind", ["cleaning", "pest", "waste", "additive"])
def test_each_kind(world: World, kind: str) -> None:
    response = world.client("staff_a").post(_url(world), _form(kind))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == kind and body["person"] == "赵红梅"
    assert world.client("regulator_a").get(body["photo_url"]).status_code == 200
    assert world.client("regulator_b").get(body["photo_url"]).status_code == 404


@pytest.mark.parametrize(
    ("kind", "overrides", "field"),
    [
        ("cleaning", {"target": ""}, "target"),
        ("cleaning", {"method": ""}, "method"),
        ("cleaning", {"agent": ""}, "agent"),  # a chemical method names its disinfectant
        ("cleaning", {"target": "area", "method": "uv", "agent": ""}, "area"),
        ("cleaning", {"quantity_kg": "3"}, "quantity_kg"),  # a field of another kind
        ("pest", {"area": ""}, "area"),
        ("waste", {"quantity_kg": ""}, "quantity_kg"),
        ("waste", {"quantity_kg": "0"}, "quantity_kg"),
        ("waste", {"collector": ""}, "collector"),
        ("additive", {"additive": "亚硝酸盐"}, "additive"),
        ("additive", {"additive": "Sodium Nitrite"}, "additive"),
        ("additive", {"amount_g": ""}, "amount_g"),
        ("additive", {"dish": ""}, "dish"),
        ("waste", {"done_at": (timezone.localtime() + datetime.timedelta(hours=1)).isoformat()}, "done_at"),
        ("waste", {"kind": "laundry"}, "kind"),
        ("waste", {"person": ""}, "person"),
    ],
)
def test_bad_input_names_the_field(world: World, kind: str, overrides: dict[str, Any], field: str) -> None:
    response = world.client("manager_a").post(_url(world), _form(kind, **overrides))
    assert response.status_code in (400, 422), response.content
    assert field in _loc(response)
    assert not HygieneRecord.objects.exists()


def test_photo_is_required_and_checked(world: World) -> None:
    form = _form("waste")
    del form["photo"]
    assert "photo" in _loc(world.client("manager_a").post(_url(world), form))
    bad = world.client("manager_a").post(_url(world), _form("waste", photo=photo("x.jpg", b"not a photo")))
    assert bad.status_code == 400 and _loc(bad) == ["photo"]


def test_rights_and_resubmit(world: World) -> None:
    assert Client().post(_url(world), _form()).status_code == 401
    assert world.client("manager_b").post(_url(world), _form()).status_code == 404
    assert world.client("regulator_a").post(_url(world), _form()).status_code == 403
    key = str(uuid.uuid4())
    first = world.client("manager_a").post(_url(world), _form(submission_key=key))
    second = world.client("manager_a").post(_url(world), _form(submission_key=key))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert HygieneRecord.objects.count() == 1


def test_disinfection_metric(world: World) -> None:
    monday = datetime.date(2026, 11, 16)  # a week of five service days
    Term.objects.create(
        region_id="14", name="测试学期", starts_on=monday, ends_on=monday + datetime.timedelta(days=30)
    )
    canteen = world.canteens["a"]
    for offset, target in (
        (0, "tableware"),
        (0, "tableware"),
        (1, "area"),
        (2, "tableware"),
        (5, "tableware"),
    ):
        day = monday + datetime.timedelta(days=offset)
        record = HygieneRecord.objects.create(
            canteen=canteen,
            kind="cleaning",
            done_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(13))),
            date=day,
            person="王",
            target=target,
            area="后厨" if target == "area" else "",
            method="steam",
            photo="x.jpg",
        )
        recount(record)  # as the services do
    ratio = canteen_rate(disinfection_rate, canteen.pk, monday, monday + datetime.timedelta(days=6))
    assert (ratio.done, ratio.expected) == (2, 5)  # Monday and Wednesday; Saturday is no service day


def test_page_kind_selector_and_section(world: World) -> None:
    client = world.client("manager_a")
    url = f"/hygiene/canteens/{world.canteens['a'].pk}/"
    page = client.get(url + "?kind=additive")
    assert page.status_code == 200 and 'name="additive"' in page.content.decode()
    refused = client.post(
        url + "?kind=additive",
        {
            "submission_key": str(uuid.uuid4()),
            "kind": "additive",
            "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "person": "李",
            "additive": "亚硝酸钠",
            "amount_g": "5",
            "dish": "卤肉",
            "photo": photo(),
        },
    )
    assert refused.status_code == 400 and not HygieneRecord.objects.exists()
    saved = client.post(
        url + "?kind=cleaning",
        {
            "submission_key": str(uuid.uuid4()),
            "kind": "cleaning",
            "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "person": "测试消毒员丙",
            "target": "tableware",
            "method": "cabinet",
            "photo": photo(),
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    school = world.client("regulator_a").get(f"/schools/{world.schools['a'].pk}/")
    assert "测试消毒员丙" in school.content.decode()
