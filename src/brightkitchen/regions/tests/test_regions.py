"""The region tree: loading the official file (names, levels, placeholders, idempotence, audit), the
selectors the browser and the API use, and what each user sees of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.scoping import scope_of
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.regions.models import Region, RegionLevel
from brightkitchen.regions.selectors import (
    ancestors,
    child_counts,
    region_prefixes,
    region_visible,
    root_region_code,
)
from brightkitchen.regions.services import load_regions
from brightkitchen.schools.models import Canteen, OperationMode, School, SchoolType

pytestmark = pytest.mark.django_db

# A municipality (its placeholder city 市辖区 left out of full names) and a province with one county.
TREE: list[dict[str, Any]] = [
    {
        "code": "91",
        "name": "测试市",
        "children": [{"code": "9101", "name": "市辖区", "children": [{"code": "910101", "name": "东城区"}]}],
    },
    {
        "code": "92",
        "name": "测试省",
        "children": [{"code": "9201", "name": "甲市", "children": [{"code": "920102", "name": "乙县"}]}],
    },
]


def _tree_file(tmp_path: Path, tree: list[dict[str, Any]]) -> Path:
    path = tmp_path / "pca-code.json"
    path.write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
    return path


def test_loading_builds_the_tree_with_full_names_levels_and_parents(tmp_path: Path) -> None:
    result = load_regions(_tree_file(tmp_path, TREE))
    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    dongcheng = Region.objects.get(code="910101")
    assert dongcheng.full_name == "测试市东城区"  # not 测试市市辖区东城区
    assert dongcheng.level == RegionLevel.COUNTY and dongcheng.parent_id == "9101"
    county = Region.objects.get(code="920102")
    assert county.full_name == "测试省甲市乙县"
    assert [r.code for r in ancestors(county)] == ["92", "9201"]
    assert Region.objects.get(code="92").level == RegionLevel.PROVINCE
    assert Region.objects.get(code="92").parent_id is None


def test_loading_again_changes_nothing_and_a_renamed_node_is_updated_and_audited(tmp_path: Path) -> None:
    path = _tree_file(tmp_path, TREE)
    load_regions(path)
    imports = AuditLogEntry.objects.filter(action=AuditAction.IMPORT)
    before = imports.count()
    again = load_regions(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert imports.count() == before  # a run that changes nothing writes nothing

    renamed = json.loads(json.dumps(TREE))
    renamed[1]["children"][0]["children"][0]["name"] = "乙区"
    result = load_regions(_tree_file(tmp_path, renamed))
    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.get(code="920102").full_name == "测试省甲市乙区"
    assert imports.count() == before + 1


def test_the_official_file_is_loaded_for_the_tests(world: World) -> None:
    county = Region.objects.get(code=COUNTY_A)
    assert county.full_name == "山西省晋中市榆次区" and county.level == RegionLevel.COUNTY
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() >= 31


def test_every_child_code_starts_with_its_parents(world: World) -> None:
    pairs = Region.objects.exclude(parent=None).values_list("code", "parent_id")
    assert pairs and all(code.startswith(parent) for code, parent in pairs)


def test_prefixes_and_visibility(world: World) -> None:
    assert region_prefixes("440103") == ["440103", "4401", "44"]
    assert region_prefixes("14") == ["14"]
    county_a = Region.objects.get(code=COUNTY_A)
    county_b = Region.objects.get(code="140703")
    province = Region.objects.get(code="14")
    regulator_a = scope_of(world.users["regulator_a"])
    assert root_region_code(regulator_a) == COUNTY_A
    assert region_visible(regulator_a, county_a)
    assert region_visible(regulator_a, province)  # an ancestor: the path to one's own region
    assert not region_visible(regulator_a, county_b)
    assert region_visible(scope_of(world.users["operator"]), county_b)
    for who in ("principal_a", "manager_a", "supplier_a", "public"):
        assert not region_visible(scope_of(world.users[who]), county_a), who
    assert not region_visible(scope_of(None), county_a)


def test_child_counts_are_scoped_to_the_user(world: World) -> None:
    city = {row.region.code: row for row in child_counts(world.users["city_regulator"], "1407")}
    assert (city[COUNTY_A].schools, city[COUNTY_A].canteens) == (1, 1)
    assert (city["140703"].schools, city["140703"].canteens) == (1, 1)
    # County A's regulator, looking at the city, counts only what is in its own county.
    mine = {row.region.code: row for row in child_counts(world.users["regulator_a"], "1407")}
    assert (mine[COUNTY_A].schools, mine["140703"].schools) == (1, 0)
    assert child_counts(world.users["regulator_a"], COUNTY_A) == []  # a county has no children here


def _more_schools(world: World, n: int) -> None:
    for i in range(n):
        org = Organisation.objects.create(
            name=f"加测学校{i}", kind=OrganisationKind.SCHOOL, region_id=COUNTY_A
        )
        school = School.objects.create(organisation=org, school_type=SchoolType.PRIMARY, students=100)
        Canteen.objects.create(school=school, name=f"加测食堂{i}", operation_mode=OperationMode.SELF_RUN)


def test_the_children_api_starts_at_ones_own_region_and_marks_nodes_with_children(world: World) -> None:
    client = world.client("regulator_a")
    above = client.get("/api/v1/regions/children?region=1407")  # above one's own county
    assert above.status_code == 200
    assert above.json() == []  # the view starts at county A, which has no children in the tree
    city = world.client("city_regulator").get("/api/v1/regions/children").json()
    assert {row["code"] for row in city} >= {COUNTY_A, "140703"}
    row_a = next(row for row in city if row["code"] == COUNTY_A)
    assert row_a["full_name"] == "山西省晋中市榆次区" and row_a["schools"] == 1 and not row_a["has_children"]
    province = world.client("province_regulator").get("/api/v1/regions/children").json()
    jinzhong = next(row for row in province if row["code"] == "1407")
    assert jinzhong["has_children"] and jinzhong["canteens"] == 2


@pytest.mark.parametrize("region", ["abc", "1", "1234567890123"])
def test_a_malformed_region_code_is_a_422_naming_the_field(world: World, region: str) -> None:
    response = world.client("city_regulator").get(f"/api/v1/regions/children?region={region}")
    assert response.status_code == 422
    assert "region" in json.dumps(response.json())


def test_the_children_api_costs_the_same_with_1_or_20_schools(world: World) -> None:
    client = world.client("city_regulator")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/regions/children?region=1407").status_code == 200
        return len(captured)

    few = queries()
    _more_schools(world, 20)
    assert queries() == few


def test_the_browser_sends_a_county_regulator_to_its_county_and_refuses_school_users(world: World) -> None:
    response = world.client("regulator_a").get("/regions/")
    assert response.status_code == 302 and response["Location"] == f"/regions/{COUNTY_A}/"
    page = world.client("city_regulator").get("/regions/1407/")
    assert page.status_code == 200 and "榆次区" in page.content.decode()
    assert world.client("principal_a").get("/regions/").status_code == 403
    assert world.client("regulator_a").get("/regions/140703/").status_code == 404
