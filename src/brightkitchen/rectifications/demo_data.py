"""Demo rectification notices in every state for the first demo canteens: awaiting rectification,
awaiting review, returned, closed, and one overdue notice escalated to the city bureau. Issued by the
market-supervision bureau nearest above each canteen. Idempotent: keyed by fixed submission keys, so a
second run adds nothing."""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

from django.utils import timezone

from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.rectifications.models import (
    REMIND_WORKING_DAYS,
    NoticeSource,
    NoticeState,
    RectificationNotice,
    RectificationStep,
    StepKind,
)
from brightkitchen.rectifications.services import bureau_above
from brightkitchen.regions.selectors import region_prefixes
from brightkitchen.schedule.selectors import add_working_days
from brightkitchen.schools.models import Canteen

_KEY = "5d0c2b1e-7a3f-4e2d-8c61-0000000000{:02d}"


@dataclass(frozen=True)
class _Demo:
    days_ago: int
    state: NoticeState
    source: NoticeSource
    problem: str
    steps: tuple[tuple[StepKind, str], ...] = ()  # after issuing: (kind, comment)
    escalate: bool = False


_NOTICES = (
    _Demo(2, NoticeState.ISSUED, NoticeSource.PATROL, "网上巡查发现：后厨操作人员未佩戴口罩、帽子。"),
    _Demo(
        6,
        NoticeState.RESPONDED,
        NoticeSource.CAMERA,
        "粗加工间摄像头连续离线超过24小时。",
        ((StepKind.RESPONDED, "已更换交换机电源，摄像头恢复在线。"),),
    ),
    _Demo(
        9,
        NoticeState.RETURNED,
        NoticeSource.RECORDS,
        "近一周留样记录缺失3餐次。",
        (
            (StepKind.RESPONDED, "已补录留样记录。"),
            (StepKind.RETURNED, "留样不得补录，请说明原因并提交留样冰箱照片及整改措施。"),
        ),
    ),
    _Demo(
        30,
        NoticeState.CLOSED,
        NoticeSource.INSPECTION,
        "标准化检查：消毒柜未正常使用，餐具未消毒。",
        ((StepKind.RESPONDED, "已维修消毒柜，建立消毒记录。"), (StepKind.CLOSED, "复查整改到位，予以销号。")),
    ),
    _Demo(25, NoticeState.ISSUED, NoticeSource.AI_CAPTURE, "AI抓拍：操作间发现老鼠活动。", escalate=True),
)


def _bureau(canteen: Canteen) -> Organisation | None:
    region = canteen.school.organisation.region_id
    for code in region_prefixes(region):
        org = (
            Organisation.objects.filter(kind=OrganisationKind.REGULATOR, region_id=code)
            .order_by("pk")
            .first()
        )
        if org is not None:
            return org
    return None


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    keys = [uuid.UUID(_KEY.format(i)) for i in range(len(_NOTICES))]
    if not canteens or RectificationNotice.objects.filter(submission_key__in=keys).exists():
        return
    ids = [c.pk for c in canteens[: len(_NOTICES)]]
    chosen = list(Canteen.objects.filter(pk__in=ids).select_related("school__organisation").order_by("pk"))
    now = timezone.now()
    for index, (demo, key) in enumerate(zip(_NOTICES, keys, strict=True)):
        canteen = chosen[index % len(chosen)]
        issuer = _bureau(canteen)
        if issuer is None:
            continue
        region = canteen.school.organisation.region_id
        issued_on = today - datetime.timedelta(days=demo.days_ago)
        deadline = add_working_days(region, issued_on, 10)
        at = now - datetime.timedelta(days=demo.days_ago, hours=rng.randint(1, 6))
        above = bureau_above(issuer) if demo.escalate else None
        notice = RectificationNotice.objects.bulk_create(
            [
                RectificationNotice(
                    canteen=canteen,
                    issued_by_org=issuer,
                    problem=demo.problem,
                    source_kind=demo.source,
                    issued_on=issued_on,
                    working_days=10,
                    deadline=deadline,
                    remind_on=add_working_days(region, deadline, -REMIND_WORKING_DAYS),
                    state=demo.state,
                    closed_at=at + datetime.timedelta(days=5) if demo.state == NoticeState.CLOSED else None,
                    escalated_to=above,
                    escalated_at=now if demo.escalate else None,
                    submission_key=key,
                )
            ]
        )[0]
        steps = [
            RectificationStep(
                notice=notice, kind=StepKind.ISSUED, at=at, state_after="issued", comment=demo.problem
            )
        ]
        state = NoticeState.ISSUED
        for day, (kind, comment) in enumerate(demo.steps, start=1):
            after = {StepKind.RESPONDED: NoticeState.RESPONDED, StepKind.RETURNED: NoticeState.RETURNED}.get(
                kind, NoticeState.CLOSED
            )
            steps.append(
                RectificationStep(
                    notice=notice,
                    kind=kind,
                    at=at + datetime.timedelta(days=day),
                    state_before=state,
                    state_after=after,
                    comment=comment,
                )
            )
            state = after
        if demo.escalate:
            steps.append(
                RectificationStep(
                    notice=notice,
                    kind=StepKind.ESCALATED,
                    at=now,
                    state_before=state,
                    state_after=state,
                    comment=above.name if above else "",
                )
            )
        RectificationStep.objects.bulk_create(steps)
