"""Demo self-inspection: Shanxi's province checklists (daily, weekly, monthly) with a stricter county
daily checklist for 榆次区, and 60 days of reports — a daily check on most service days (a few missed,
a few with risks found), a weekly review each week and signed monthly reviews (the current month's left
pending). Idempotent: checklists are looked up first; reports are created only for periods without one."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from brightkitchen.core.roles import Role
from brightkitchen.demo.entries import enter_on_their_day
from brightkitchen.regions.models import Region
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies
from brightkitchen.selfcheck.models import CheckKind, InspectionAnswer, SelfInspection

DAYS = 60
PROVINCE = "14"
COUNTY = "140702"  # 榆次区: its own, stricter daily checklist
DAILY = [
    ("从业人员健康状况晨检，有发热腹泻等症状者已调离", True),
    ("冷藏冷冻设备温度正常（冷藏0-8℃，冷冻-18℃以下）", True),
    ("食品原料在保质期内，无腐败变质", True),
    ("餐用具清洗消毒并保洁存放", False),
    ("加工区生熟分开，刀具砧板标识清晰", False),
    ("防鼠防蝇设施完好", False),
]
COUNTY_EXTRA = [("留样冰箱专用、上锁，留样量不少于125克", True), ("食品添加剂专人专柜管理", True)]
WEEKLY = [
    ("排查一周进货查验记录是否完整", True),
    ("检查库房食品保质期，临期食品处理", True),
    ("检查下水道、排烟罩清洁情况", False),
    ("复核一周晨检和留样记录", False),
]
MONTHLY = [
    ("总结本月日管控、周排查发现的问题及整改情况", True),
    ("研判下月食品安全风险（季节性食材、传染病）", True),
    ("本月从业人员培训和健康证情况", False),
    ("供应商资质复核", False),
]
RISK_NOTES = [
    "冷藏柜温度10℃，已调整并报修",
    "一名帮厨咳嗽，已调离岗位",
    "发现一袋面粉临近保质期，已下架",
    "消毒柜指示灯不亮，已联系维修",
    "纱窗破损一处，已更换",
]
SUMMARIES = ["未发现食品安全风险隐患", "发现问题已当场整改", "运行正常"]


def checklist_template(region: str, kind: str, items: list[tuple[str, bool]]) -> ChecklistVersion | None:
    """The latest version of the region's checklist of `kind`, made (version 1) when there is none."""
    existing = (
        ChecklistVersion.objects.filter(template__region_id=region, template__purpose=kind)
        .order_by("-number")
        .first()
    )
    if existing is not None:
        return existing
    if not Region.objects.filter(code=region).exists():
        return None
    (template,) = ChecklistTemplate.objects.bulk_create([ChecklistTemplate(region_id=region, purpose=kind)])
    (version,) = ChecklistVersion.objects.bulk_create(
        [ChecklistVersion(template=template, number=1, published_at=timezone.now())]
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(version=version, order=i, text=text, is_key=key)
            for i, (text, key) in enumerate(items, start=1)
        ]
    )
    return version


def _templates() -> dict[tuple[str, str], ChecklistVersion]:
    wanted = [
        (PROVINCE, CheckKind.DAILY, DAILY),
        (PROVINCE, CheckKind.WEEKLY, WEEKLY),
        (PROVINCE, CheckKind.MONTHLY, MONTHLY),
        (COUNTY, CheckKind.DAILY, DAILY + COUNTY_EXTRA),
    ]
    found = {}
    for region, kind, items in wanted:
        template = checklist_template(region, kind.value, items)
        if template is not None:
            found[(region, kind.value)] = template
    return found


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    templates = _templates()
    if not templates:
        return
    start = today - datetime.timedelta(days=DAYS - 1)
    ids = [c.pk for c in canteens]
    regions = dict(Canteen.objects.filter(pk__in=ids).values_list("pk", "school__organisation__region_id"))
    schools = dict(Canteen.objects.filter(pk__in=ids).values_list("pk", "school_id"))
    principals = {
        u.organisation_id: u
        for u in User.objects.filter(role=Role.PRINCIPAL, organisation_id__in=schools.values())
    }
    existing = set(
        SelfInspection.objects.filter(canteen_id__in=ids, period__gte=start.replace(day=1)).values_list(
            "canteen_id", "kind", "period"
        )
    )
    calendars = calendars_for(Canteen.objects.filter(pk__in=ids), start.replace(day=1), today)
    now = timezone.now()
    reports: list[SelfInspection] = []
    for canteen_id, calendar in calendars.items():
        region = regions[canteen_id]

        def template_of(kind: str, region: str = region) -> ChecklistVersion | None:
            for prefix in (region, region[:4], region[:2]):
                if (prefix, kind) in templates:
                    return templates[(prefix, kind)]
            return None

        days = calendar.service_days(start, today) if calendar.meals else []
        periods: list[tuple[str, datetime.date]] = [(CheckKind.DAILY, d) for d in days]
        periods += sorted({(CheckKind.WEEKLY.value, d - datetime.timedelta(days=d.weekday())) for d in days})
        periods += sorted({(CheckKind.MONTHLY.value, d.replace(day=1)) for d in days})
        for kind, period in periods:
            template = template_of(kind)
            if template is None or (canteen_id, kind, period) in existing:
                continue
            local = random.Random(f"selfcheck:{canteen_id}:{kind}:{period.isoformat()}")
            if kind == CheckKind.DAILY and local.random() < 0.05:
                continue  # about one service day in twenty goes without a daily check
            signed = kind == CheckKind.MONTHLY and period.month != today.month
            principal = principals.get(schools[canteen_id])
            report = SelfInspection(
                canteen_id=canteen_id,
                kind=kind,
                period=period,
                template=template,
                summary=local.choice(SUMMARIES),
                signed_by=principal if signed else None,
                signed_at=now if signed else None,
            )
            report.risk_count = 1 if local.random() < 0.1 else 0
            reports.append(report)
    created = SelfInspection.objects.bulk_create(reports, batch_size=2000)
    items = {t.pk: list(t.items.all()) for t in templates.values()}
    answers = []
    for report in created:
        local = random.Random(f"selfcheck:answers:{report.canteen_id}:{report.kind}:{report.period}")
        risky = local.randrange(len(items[report.template_id])) if report.risk_count else -1
        for index, item in enumerate(items[report.template_id]):
            answers.append(
                InspectionAnswer(
                    inspection=report,
                    item=item,
                    ok=index != risky,
                    note=local.choice(RISK_NOTES) if index == risky else "",
                )
            )
    InspectionAnswer.objects.bulk_create(answers, batch_size=5000)
    enter_on_their_day(SelfInspection, ids, start, today, day="period")
    refresh_tallies(Canteen.objects.filter(pk__in=ids), start, today)  # bulk_create sends no signals
