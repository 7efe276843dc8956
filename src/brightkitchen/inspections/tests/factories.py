"""County A/B checklist templates and inspections made without the audit log (bulk_create), once per
world: per county a template owned by the county bureau with a published version 1 of three items,
and one inspection of the county's canteen today (item 1 failed, with an evidence photo)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Purpose
from brightkitchen.conftest import World
from brightkitchen.core.uploads import store_photo
from brightkitchen.inspections.models import Inspection, InspectionPhoto, InspectionResult, Outcome
from brightkitchen.records.tests.factories import photo
from brightkitchen.schools.models import DynamicGrade

TEMPLATE_NAME = {"a": "甲县测试检查表", "b": "乙县测试检查表"}
# code, text, key item, weight
ITEMS = (
    ("1", "许可证在有效期内并公示", True, 10),
    ("2", "从业人员持有效健康证明", True, 10),
    ("3", "餐用具清洗消毒", False, 5),
)


@dataclass
class County:
    template: ChecklistTemplate
    version: ChecklistVersion
    items: list[ChecklistItem]
    inspection: Inspection
    photo: InspectionPhoto


def inspections(w: World) -> dict[str, County]:
    cache: dict[str, County] | None = getattr(w, "_inspections", None)
    if cache is not None:
        return cache
    now = timezone.now()
    stored = store_photo(photo(), "photos", "inspections/test")
    cache = {}
    for county in ("a", "b"):
        (template,) = ChecklistTemplate.objects.bulk_create(
            [
                ChecklistTemplate(
                    purpose=Purpose.INSPECTION,
                    name=TEMPLATE_NAME[county],
                    owner=w.orgs[f"regulator_{county}"],
                    region_id=w.orgs[f"regulator_{county}"].region_id,
                )
            ]
        )
        (version,) = ChecklistVersion.objects.bulk_create(
            [ChecklistVersion(template=template, number=1, published_at=now)]
        )
        items = ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(version=version, order=n * 10, code=code, text=text, is_key=key, weight=weight)
                for n, (code, text, key, weight) in enumerate(ITEMS, start=1)
            ]
        )
        (inspection,) = Inspection.objects.bulk_create(
            [
                Inspection(
                    canteen=w.canteens[county],
                    version=version,
                    inspector=w.users[f"regulator_{county}"],
                    inspector_org=w.orgs[f"regulator_{county}"],
                    inspected_on=timezone.localdate(),
                    score=Decimal("60.0"),
                    key_failures=1,
                    dynamic_grade=DynamicGrade.FAIR,
                    note=f"{TEMPLATE_NAME[county]}：首次检查",
                )
            ]
        )
        results = InspectionResult.objects.bulk_create(
            [
                InspectionResult(
                    inspection=inspection, item=item, outcome=Outcome.FAIL if n == 0 else Outcome.PASS
                )
                for n, item in enumerate(items)
            ]
        )
        (evidence,) = InspectionPhoto.objects.bulk_create(
            [InspectionPhoto(result=results[0], photo=stored.path, thumbnail=stored.thumbnail)]
        )
        cache[county] = County(template, version, list(items), inspection, evidence)
    setattr(w, "_inspections", cache)  # noqa: B010
    return cache


def draft_of(w: World, county: str) -> ChecklistVersion:
    """A draft version 2 (a copy of version 1's items) of the county's template, made once."""
    c = inspections(w)[county]
    found = ChecklistVersion.objects.filter(template=c.template, number=2).first()
    if found is not None:
        return found
    (draft,) = ChecklistVersion.objects.bulk_create([ChecklistVersion(template=c.template, number=2)])
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                version=draft, order=i.order, code=i.code, text=i.text, is_key=i.is_key, weight=i.weight
            )
            for i in c.items
        ]
    )
    return draft
