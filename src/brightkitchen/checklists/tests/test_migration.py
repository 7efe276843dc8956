"""The data migration (checklists 0002) moves the rows of both old checklist models, and the
inspections, results, reports and answers pointing at them, into the one model, and back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from brightkitchen.conftest import build_world
from brightkitchen.core.tests.test_browser import _load_regions_if_flushed

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("checklists", "0001_initial"),
    ("inspections", "0003_old_checklist_links_nullable"),
    ("selfcheck", "0003_old_checklist_links_nullable"),
]


@pytest.fixture(autouse=True)
def _region_tree_kept(django_db_blocker: Any) -> Iterator[None]:
    """Set up before `transactional_db`, so torn down after its flush: the region tree is put back."""
    yield
    with django_db_blocker.unblock():
        _load_regions_if_flushed()


def _migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate to `targets` (the latest migrations when None); the apps of that state."""
    executor = MigrationExecutor(connection)
    goal = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(goal)
    executor.loader.build_graph()
    return executor.loader.project_state(goal).apps


def _old_rows(apps: Any, world: Any) -> dict[str, Any]:
    now = timezone.now()
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Version = apps.get_model("inspections", "TemplateVersion")
    Item = apps.get_model("inspections", "TemplateItem")
    Inspection = apps.get_model("inspections", "Inspection")
    Result = apps.get_model("inspections", "InspectionResult")
    template = Template.objects.create(name="旧检查表", owner_id=world.orgs["regulator_a"].pk)
    v1 = Version.objects.create(template=template, number=1, published_at=now)
    v2 = Version.objects.create(template=template, number=2)  # a draft
    item = Item.objects.create(version=v1, order=10, code="A1", text="许可证", is_key=True, weight=10)
    Item.objects.create(version=v2, order=10, code="A1", text="许可证（新）", is_key=True, weight=10)
    inspection = Inspection.objects.create(
        canteen_id=world.canteens["a"].pk,
        version=v1,
        inspector_org_id=world.orgs["regulator_a"].pk,
        inspected_on=datetime.date(2026, 3, 2),
        score=100,
    )
    Result.objects.create(inspection=inspection, item=item, outcome="pass")

    List = apps.get_model("selfcheck", "ChecklistTemplate")
    ListItem = apps.get_model("selfcheck", "ChecklistItem")
    Report = apps.get_model("selfcheck", "SelfInspection")
    Answer = apps.get_model("selfcheck", "InspectionAnswer")
    daily1 = List.objects.create(region_id="140702", kind="daily", version=1)
    daily2 = List.objects.create(region_id="140702", kind="daily", version=2)
    weekly = List.objects.create(region_id="14", kind="weekly", version=1)
    old_item = ListItem.objects.create(template=daily1, position=1, text="晨检", is_key=True)
    ListItem.objects.create(template=daily2, position=1, text="晨检（二版）")
    ListItem.objects.create(template=daily2, position=2, text="留样")
    ListItem.objects.create(template=weekly, position=1, text="周排查")
    report = Report.objects.create(
        canteen_id=world.canteens["a"].pk, kind="daily", period=datetime.date(2026, 3, 2), template=daily1
    )
    Answer.objects.create(inspection=report, item=old_item, ok=False, note="温度高")
    return {"inspection": inspection.pk, "report": report.pk}


def test_old_checklists_move_into_the_one_model_and_back() -> None:
    _load_regions_if_flushed()  # an earlier transactional test may have flushed the region tree
    world = build_world()
    ids = _old_rows(_migrate(BEFORE), world)

    apps = _migrate()
    Template = apps.get_model("checklists", "ChecklistTemplate")
    Inspection = apps.get_model("inspections", "Inspection")
    Result = apps.get_model("inspections", "InspectionResult")
    Report = apps.get_model("selfcheck", "SelfInspection")
    Answer = apps.get_model("selfcheck", "InspectionAnswer")
    moved = {
        (t.purpose, t.region_id, t.name): [
            (
                v.number,
                v.published_at is not None,
                [(i.order, i.code, i.text) for i in v.items.order_by("order")],
            )
            for v in t.versions.order_by("number")
        ]
        for t in Template.objects.all()
    }
    assert moved == {
        ("inspection", "140702", "旧检查表"): [
            (1, True, [(10, "A1", "许可证")]),
            (2, False, [(10, "A1", "许可证（新）")]),
        ],
        ("daily", "140702", ""): [
            (1, True, [(1, "", "晨检")]),
            (2, True, [(1, "", "晨检（二版）"), (2, "", "留样")]),
        ],
        ("weekly", "14", ""): [(1, True, [(1, "", "周排查")])],
    }
    inspection = Inspection.objects.select_related("version__template").get(pk=ids["inspection"])
    assert inspection.version.number == 1 and inspection.version.template.name == "旧检查表"
    assert inspection.version.template.owner_id == world.orgs["regulator_a"].pk
    assert Result.objects.get(inspection=inspection).item.text == "许可证"
    report = Report.objects.select_related("template__template").get(pk=ids["report"])
    assert (report.template.number, report.template.template.purpose) == (1, "daily")
    assert Answer.objects.get(inspection=report).item.text == "晨检"

    apps = _migrate(BEFORE)  # and back
    Inspection = apps.get_model("inspections", "Inspection")
    Result = apps.get_model("inspections", "InspectionResult")
    Report = apps.get_model("selfcheck", "SelfInspection")
    Answer = apps.get_model("selfcheck", "InspectionAnswer")
    List = apps.get_model("selfcheck", "ChecklistTemplate")
    inspection = Inspection.objects.select_related("version__template").get(pk=ids["inspection"])
    assert (inspection.version.number, inspection.version.template.name) == (1, "旧检查表")
    assert Result.objects.get(inspection=inspection).item.code == "A1"
    report = Report.objects.select_related("template").get(pk=ids["report"])
    assert (report.template.region_id, report.template.kind, report.template.version) == (
        "140702",
        "daily",
        1,
    )
    assert Answer.objects.get(inspection=report).item.text == "晨检"
    assert sorted(List.objects.values_list("region_id", "kind", "version")) == [
        ("14", "weekly", 1),
        ("140702", "daily", 1),
        ("140702", "daily", 2),
    ]
    assert not apps.get_model("checklists", "ChecklistTemplate").objects.exists()
    _migrate()
