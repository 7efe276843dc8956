"""Demo incident reports: one open suspected food poisoning in a 榆次区 canteen (reported in time, with a
progress report) and one closed incident of last month elsewhere. Idempotent: keyed by fixed
submission keys, so a second run adds nothing."""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils import timezone

from brightkitchen.incidents.models import IncidentProgress, IncidentReport, IncidentStatus
from brightkitchen.schools.models import Canteen

YUCI = "140702"
OPEN_KEY = uuid.UUID("6f1c5e3a-0b7d-4c1e-9a55-0000000000a1")
CLOSED_KEY = uuid.UUID("6f1c5e3a-0b7d-4c1e-9a55-0000000000a2")


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens or IncidentReport.objects.filter(submission_key__in=[OPEN_KEY, CLOSED_KEY]).exists():
        return
    ids = [c.pk for c in canteens]
    yuci = list(
        Canteen.objects.filter(pk__in=ids, school__organisation__region__code__startswith=YUCI).order_by("pk")
    )
    first = yuci[0] if yuci else canteens[0]
    others = [c for c in canteens if c.pk != first.pk]
    now = timezone.now()
    onset = now - datetime.timedelta(hours=5)
    reports = [
        IncidentReport(
            canteen=first,
            submission_key=OPEN_KEY,
            onset_at=onset,
            reported_at=onset + datetime.timedelta(minutes=70),
            place="学生餐厅一楼（午餐后三年级两个班）",
            affected=9,
            hospitalised=2,
            symptoms="午餐后约两小时出现腹痛、恶心、呕吐，部分学生腹泻，2人低热",
            measures="已停止供应当餐剩余饭菜，已通知家长，2名学生送榆次区人民医院观察",
            sealed_food=True,
            sealed_tools=True,
            sealed_scene=True,
            samples_kept=True,
            reporter_name="食堂管理员 张建华",
            reporter_phone="0354-3021188",
        )
    ]
    if others:
        closed_onset = now - datetime.timedelta(days=rng.randint(25, 35), hours=3)
        reports.append(
            IncidentReport(
                canteen=rng.choice(others),
                submission_key=CLOSED_KEY,
                onset_at=closed_onset,
                reported_at=closed_onset + datetime.timedelta(minutes=45),
                place="教工餐厅",
                affected=3,
                hospitalised=0,
                symptoms="晚餐后轻度腹泻",
                measures="留样已送检",
                sealed_food=True,
                samples_kept=True,
                reporter_name="后勤主任 李文",
                reporter_phone="13935400000",
                status=IncidentStatus.CLOSED,
                closed_at=closed_onset + datetime.timedelta(days=5),
                closing_summary="疾控检测留样未检出致病菌，判定为非食源性疾病，3人均已康复",
            )
        )
    created = IncidentReport.objects.bulk_create(reports)
    IncidentProgress.objects.bulk_create(
        [
            IncidentProgress(
                incident=created[0],
                at=onset + datetime.timedelta(hours=3),
                text="区疾控中心已到场采样，市场监管局已封存留样和剩余食品，2名住院学生病情稳定",
            )
        ]
    )
