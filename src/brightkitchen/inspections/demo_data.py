"""Demo standardised inspection: the province bureau's checklist (items after the 《餐饮服务食品安全监督检查
操作指南》, with key items) published as version 1, and inspections of the first demo canteens that
give each dynamic grade (and one without a grade); the canteens' grades are written from them.
Idempotent: keyed by fixed submission keys, so a second run adds nothing."""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Purpose
from brightkitchen.inspections import scoring
from brightkitchen.inspections.models import Inspection, InspectionResult, Outcome
from brightkitchen.inspections.services import refresh_grades
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.regions.selectors import region_prefixes
from brightkitchen.schools.models import Canteen

_TEMPLATE_KEY = uuid.UUID("3c6e0f4a-9b21-4d7e-a5c3-000000000001")
_KEY = "3c6e0f4a-9b21-4d7e-a5c3-1000000000{:02d}"

# code, text, key item, weight
ITEMS = (
    ("1.1", "食品经营许可证合法有效，在显著位置公示", True, 10),
    ("1.2", "量化分级标识、监督检查结果公示", False, 5),
    ("2.1", "从业人员持有效健康证明上岗", True, 10),
    ("2.2", "每日晨检并记录，患有碍食品安全疾病者调离岗位", False, 8),
    ("3.1", "原料索证索票、进货查验记录完整", True, 10),
    ("3.2", "生熟分开，工用具、容器标识清晰", True, 10),
    ("3.3", "每餐次每样菜品留样不少于125克，冷藏保存48小时以上并记录", True, 10),
    ("4.1", "餐用具清洗消毒到位，保洁设施正常使用", True, 8),
    ("4.2", "防鼠、防蝇、防虫设施完好，定期消杀", False, 6),
    ("5.1", "食品添加剂“五专”管理（专店采购、专柜存放、专人负责、专用称量、专用台账）", True, 8),
    ("5.2", "不采购、使用亚硝酸盐，不加工四季豆等高风险食品", True, 5),
    ("6.1", "明厨亮灶摄像头在线、画面清晰，覆盖关键部位", False, 5),
    ("6.2", "餐厨废弃物分类存放，及时清运并记录", False, 5),
)


@dataclass(frozen=True)
class _Demo:
    days_ago: int
    failed: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()
    note: str = ""


# Against the 100 points above: 优秀, 良好 (one key item failed), 一般, no grade (two key items failed).
_INSPECTIONS = (
    _Demo(20, (), ("6.2",), "现场整洁，各项制度落实到位。"),
    _Demo(35, ("1.2", "3.3"), (), "留样量不足125克，已责令整改。"),
    _Demo(15, ("2.2", "4.2", "6.1", "3.1"), (), "晨检记录不全，防蝇设施破损，摄像头离线。"),
    _Demo(8, ("2.1", "4.1", "6.2"), (), "两名从业人员健康证过期，消毒柜未使用。"),
    _Demo(60, ("1.2",), (), "复查：整改完成。"),
)


def _province_bureau(canteen: Canteen) -> Organisation | None:
    province = region_prefixes(canteen.school.organisation.region_id)[-1]
    return (
        Organisation.objects.filter(kind=OrganisationKind.REGULATOR, region_id=province)
        .order_by("pk")
        .first()
    )


def _county_bureau(canteen: Canteen) -> Organisation | None:
    for code in region_prefixes(canteen.school.organisation.region_id):
        org = (
            Organisation.objects.filter(kind=OrganisationKind.REGULATOR, region_id=code)
            .order_by("pk")
            .first()
        )
        if org is not None:
            return org
    return None


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens or ChecklistTemplate.objects.filter(submission_key=_TEMPLATE_KEY).exists():
        return
    ids = [c.pk for c in canteens[: len(_INSPECTIONS)]]
    chosen = list(Canteen.objects.filter(pk__in=ids).select_related("school__organisation").order_by("pk"))
    owner = _province_bureau(chosen[0])
    if owner is None:
        return
    now = timezone.now()
    with transaction.atomic():
        (template,) = ChecklistTemplate.objects.bulk_create(
            [
                ChecklistTemplate(
                    purpose=Purpose.INSPECTION,
                    name="学校食堂标准化检查表",
                    owner=owner,
                    region_id=owner.region_id,
                    submission_key=_TEMPLATE_KEY,
                )
            ]
        )
        (version,) = ChecklistVersion.objects.bulk_create(
            [ChecklistVersion(template=template, number=1, published_at=now - datetime.timedelta(days=90))]
        )
        items = ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(version=version, order=n * 10, code=code, text=text, is_key=key, weight=weight)
                for n, (code, text, key, weight) in enumerate(ITEMS, start=1)
            ]
        )
        for index, demo in enumerate(_INSPECTIONS):
            canteen = chosen[index % len(chosen)]
            bureau = _county_bureau(canteen)
            if bureau is None:
                continue
            outcomes = {
                i.code: Outcome.FAIL
                if i.code in demo.failed
                else Outcome.NOT_APPLICABLE
                if i.code in demo.not_applicable
                else Outcome.PASS
                for i in items
            }
            score, key_failures = scoring.score_of(
                scoring.Scored(outcomes[i.code], i.weight, i.is_key) for i in items
            )
            grade = scoring.dynamic_grade(score, key_failures)
            (inspection,) = Inspection.objects.bulk_create(
                [
                    Inspection(
                        canteen=canteen,
                        version=version,
                        inspector_org=bureau,
                        inspected_on=today - datetime.timedelta(days=demo.days_ago + rng.randint(0, 3)),
                        score=score,
                        key_failures=key_failures,
                        dynamic_grade=grade or "",
                        note=demo.note,
                        submission_key=uuid.UUID(_KEY.format(index)),
                    )
                ]
            )
            InspectionResult.objects.bulk_create(
                [InspectionResult(inspection=inspection, item=i, outcome=outcomes[i.code]) for i in items]
            )
        for canteen in chosen:
            refresh_grades(canteen, today)
