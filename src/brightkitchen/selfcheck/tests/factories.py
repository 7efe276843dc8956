"""Test data for self-inspection: a province checklist, a county A override, and per county a daily
report today and an unsigned monthly review, made without the audit log (bulk_create)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from brightkitchen.conftest import World
from brightkitchen.selfcheck.models import InspectionAnswer, SelfInspection

ITEM = {"a": "甲县测试：冷藏柜温度正常", "b": "乙县测试：消毒柜运行正常"}
SUMMARY = {"a": "甲县测试日管控小结", "b": "乙县测试日管控小结"}


def templates(w: World, region: str, kind: str, texts: list[str], version: int = 1) -> ChecklistVersion:
    """Version `version` (published) of the region's checklist of `kind` (the checklist made when the
    region has none of this kind yet), with `texts` as its items; the first is a key item."""
    template = ChecklistTemplate.objects.filter(region_id=region, purpose=kind).first()
    if template is None:
        (template,) = ChecklistTemplate.objects.bulk_create(
            [ChecklistTemplate(region_id=region, purpose=kind)]
        )
    (made,) = ChecklistVersion.objects.bulk_create(
        [ChecklistVersion(template=template, number=version, published_at=timezone.now())]
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(version=made, order=i, text=text, is_key=i == 1)
            for i, text in enumerate(texts, start=1)
        ]
    )
    return made


def selfchecks(w: World) -> dict[str, Any]:
    cache: dict[str, Any] | None = getattr(w, "_selfchecks", None)
    if cache is not None:
        return cache
    cache = {}
    today = timezone.localdate()
    for county, code in (("a", "140702"), ("b", "140703")):
        cache[county] = {}
        for kind in ("daily", "monthly"):
            template = templates(w, code, kind, [ITEM[county], "从业人员健康"])
            period = today if kind == "daily" else today.replace(day=1)
            (report,) = SelfInspection.objects.bulk_create(
                [
                    SelfInspection(
                        canteen=w.canteens[county],
                        kind=kind,
                        period=period,
                        template=template,
                        risk_count=0,
                        summary=SUMMARY[county],
                    )
                ]
            )
            InspectionAnswer.objects.bulk_create(
                [InspectionAnswer(inspection=report, item=item, ok=True) for item in template.items.all()]
            )
            cache[county][kind] = report
            cache[county][f"{kind}_template"] = template
    setattr(w, "_selfchecks", cache)  # noqa: B010
    return cache
