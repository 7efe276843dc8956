"""The regulators' checklist editor: what is in force (own or inherited), saving a new version, key items,
errors beside the text box, and who may use it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from brightkitchen.checklists.models import ChecklistTemplate, ChecklistVersion
from brightkitchen.conftest import World
from brightkitchen.selfcheck.tests.factories import templates

pytestmark = pytest.mark.django_db
URL = "/selfcheck/checklists/"


def _post(world: World, who: str, **fields: str) -> Any:
    body = {"submission_key": str(uuid.uuid4()), "region": "140702", "kind": "daily", **fields}
    return world.client(who).post(URL, body)


def test_a_county_sees_the_city_checklist_it_inherits(world: World) -> None:
    templates(world, "1407", "daily", ["市级：食品贮存规范"])
    html = world.client("regulator_a").get(URL).content.decode()
    assert "市级：食品贮存规范" in html and "data-version" in html
    assert "inherited" in html or "继承" in html


def test_saving_makes_the_county_version_with_key_items(world: World) -> None:
    templates(world, "1407", "daily", ["市级：食品贮存规范"])
    response = _post(world, "regulator_a", items="* 冷藏温度 0–8 ℃\n\n  从业人员晨检  \n")
    assert response.status_code == 302
    template = ChecklistVersion.objects.get(template__region_id="140702", template__purpose="daily")
    assert template.number == 1 and template.published_at is not None
    assert [(i.text, i.is_key) for i in template.items.order_by("order")] == [
        ("冷藏温度 0–8 ℃", True),
        ("从业人员晨检", False),
    ]
    # The canteens of the county now use it; the city's stays for the other counties.
    assert "冷藏温度 0–8 ℃" in world.client("regulator_a").get(URL).content.decode()


def test_a_resubmitted_form_saves_one_version(world: World) -> None:
    key = str(uuid.uuid4())
    for _ in range(2):
        assert _post(world, "regulator_a", items="一项", submission_key=key).status_code == 302
    assert ChecklistTemplate.objects.filter(region_id="140702").count() == 1
    assert ChecklistVersion.objects.filter(template__region_id="140702").count() == 1


@pytest.mark.parametrize("items", ["", "   \n  ", "\n".join(f"项目{i}" for i in range(101)), "长" * 201])
def test_bad_checklists_show_the_error_and_save_nothing(world: World, items: str) -> None:
    response = _post(world, "regulator_a", items=items)
    assert response.status_code == 400
    assert 'id="items-error"' in response.content.decode()
    assert not ChecklistTemplate.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "principal_a", "public"])
def test_only_regulators_edit_checklists(world: World, who: str) -> None:
    assert world.client(who).get(URL).status_code == 403
    assert _post(world, who, items="一项").status_code == 403
    assert not ChecklistTemplate.objects.exists()
