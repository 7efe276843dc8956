"""One checklist model for both purposes: each purpose's scope rule (inspection checklists are the
bureaus' and apply below them; self-check checklists are the region's), and each app reaching only its
own purposes' rows."""

from __future__ import annotations

import pytest
from django.http import Http404

from brightkitchen.checklists import selectors
from brightkitchen.checklists.models import (
    INSPECTION_PURPOSES,
    SELF_CHECK_PURPOSES,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Purpose,
)
from brightkitchen.conftest import World
from brightkitchen.core.scoping import Action, can
from brightkitchen.inspections import services as inspection_services
from brightkitchen.selfcheck import services as selfcheck_services
from brightkitchen.selfcheck.selectors import template_in_force

pytestmark = pytest.mark.django_db


def _inspection(w: World, org: str, name: str) -> ChecklistTemplate:
    template, _created = inspection_services.create_template(w.users[org], name=name)
    return template


def _self_check(w: World, who: str, region: str, kind: str = "daily") -> ChecklistVersion:
    items = [selfcheck_services.ItemIn("冷藏温度", is_key=True)]
    return selfcheck_services.save_template(w.users[who], region, kind, items)[0]


def _visible(w: World, who: str, action: Action = Action.VIEW) -> set[int]:
    return set(ChecklistTemplate.objects.visible_to(w.users[who], action).values_list("pk", flat=True))


def test_inspection_checklists_are_the_bureaus_and_apply_below(world: World) -> None:
    province = _inspection(world, "province_regulator", "省检查表")
    county_a = _inspection(world, "regulator_a", "甲县检查表")
    county_b = _inspection(world, "regulator_b", "乙县检查表")
    assert province.purpose == Purpose.INSPECTION and province.region_id == "14"
    assert county_a.region_id == "140702" and county_a.owner == world.orgs["regulator_a"]
    # A county regulator: its own and the province's (which applies in the county), not the neighbour's.
    assert _visible(world, "regulator_a") == {province.pk, county_a.pk}
    assert _visible(world, "regulator_a", Action.CHANGE) == {county_a.pk}
    assert _visible(world, "province_regulator") == {province.pk, county_a.pk, county_b.pk}
    # Inspection checklists are for inspectors only.
    for who in ("edu_a", "principal_a", "manager_a", "public"):
        assert _visible(world, who) == set()
    assert _visible(world, "operator", Action.CHANGE) == {province.pk, county_a.pk, county_b.pk}


def test_self_check_checklists_are_the_regions(world: World) -> None:
    county = _self_check(world, "regulator_a", "140702")
    province = _self_check(world, "province_regulator", "14", "weekly")
    assert county.template.purpose == Purpose.DAILY and county.published_at is not None
    # The region's checklists are read by the staff of the region and above and changed by its
    # regulators; the one in force below the province is read for a canteen (template_in_force).
    assert _visible(world, "regulator_a") == {county.template_id}
    assert _visible(world, "edu_a") == {county.template_id}
    assert _visible(world, "edu_a", Action.CHANGE) == set()
    assert _visible(world, "regulator_b") == set()
    assert _visible(world, "province_regulator") == {county.template_id, province.template_id}
    assert template_in_force("140703", "weekly") == province
    assert can(world.users["regulator_a"], Action.CHANGE, county)
    assert not can(world.users["regulator_b"], Action.VIEW, county.items.get())


def test_a_region_has_one_self_check_checklist_of_a_kind_with_numbered_versions(world: World) -> None:
    first = _self_check(world, "regulator_a", "140702")
    second = _self_check(world, "regulator_a", "140702")
    assert first.template_id == second.template_id and (first.number, second.number) == (1, 2)
    assert ChecklistTemplate.objects.filter(region_id="140702", purpose=Purpose.DAILY).count() == 1
    other = _self_check(world, "regulator_a", "140702", "monthly")
    assert other.template_id != first.template_id and other.number == 1


def test_each_app_reaches_only_its_own_purposes(world: World) -> None:
    inspection = _inspection(world, "regulator_a", "甲县检查表")
    self_check = _self_check(world, "regulator_a", "140702")
    user = world.users["regulator_a"]
    assert set(selectors.templates(user, INSPECTION_PURPOSES)) == {inspection}
    assert set(selectors.templates(user, SELF_CHECK_PURPOSES)) == {self_check.template}
    item = self_check.items.get()
    assert set(selectors.items(user, INSPECTION_PURPOSES)) == set()
    # The inspection services refuse a self-check checklist as if it did not exist.
    with pytest.raises(Http404):
        inspection_services.draft_of(user, self_check.template_id)
    with pytest.raises(Http404):
        inspection_services.add_item(user, self_check.pk, code="X1", text="x")
    with pytest.raises(Http404):
        inspection_services.update_item(user, item.pk, inspection_services.ItemChanges(text="y"))
    assert ChecklistItem.objects.get(pk=item.pk).text == "冷藏温度"
    # ... and the inspection pages and API the same.
    client = world.client("regulator_a")
    own = inspection.versions.get()
    assert client.get(f"/inspections/versions/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/inspections/versions/{own.pk}").status_code == 200
    assert client.get(f"/inspections/versions/{self_check.pk}/").status_code == 404
    assert client.get(f"/api/v1/inspections/versions/{self_check.pk}").status_code == 404
    listed = client.get("/api/v1/selfcheck/templates").json()["items"]
    assert [t["id"] for t in listed] == [self_check.pk]
