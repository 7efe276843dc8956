"""Demo dispatch tasks: the city market-supervision bureau above the first demo canteen sends two tasks
to its county bureaus: one whose deadline has passed (the first county answered it and awaits review,
the others are overdue) and a fresh one not yet opened. Idempotent: keyed by fixed submission keys, so
a second run adds nothing."""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils import timezone

from brightkitchen.dispatch.models import (
    DispatchAssignment,
    DispatchFeedback,
    DispatchState,
    DispatchTask,
    FeedbackKind,
)
from brightkitchen.dispatch.services import lower_units
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.schools.models import Canteen

_KEYS = (
    uuid.UUID("6e1d3c2f-8b4a-4f3e-9d72-000000000001"),
    uuid.UUID("6e1d3c2f-8b4a-4f3e-9d72-000000000002"),
)
_OVERDUE = (
    "春季学期学校食堂食品安全专项检查",
    "请各县（区）局对辖区内学校食堂开展专项检查，重点检查留样、晨检、索证索票，并反馈检查情况和问题清单。",
)
_FRESH = (
    "开学前学校食堂“明厨亮灶”视频接入情况核查",
    "请核查辖区学校食堂摄像头在线率和清晰度，对离线超过24小时的点位督促整改，按期反馈核查结果。",
)
_ANSWER = "已完成辖区32所学校食堂检查，发现问题5处，均已下达整改通知。"


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens or DispatchTask.objects.filter(submission_key__in=_KEYS).exists():
        return
    first = Canteen.objects.select_related("school__organisation").get(pk=canteens[0].pk)
    city_code = first.school.organisation.region_id[:4]
    city = (
        Organisation.objects.filter(kind=OrganisationKind.REGULATOR, region_id=city_code)
        .order_by("pk")
        .first()
    )
    if city is None:
        return
    counties = list(lower_units(city))
    if not counties:
        return
    now = timezone.now()
    sent_at = now - datetime.timedelta(days=12, hours=rng.randint(1, 5))
    overdue, fresh = DispatchTask.objects.bulk_create(
        [
            DispatchTask(
                sender=city,
                title=_OVERDUE[0],
                body=_OVERDUE[1],
                deadline=today - datetime.timedelta(days=2),
                remind_on=today - datetime.timedelta(days=3),
                submission_key=_KEYS[0],
            ),
            DispatchTask(
                sender=city,
                title=_FRESH[0],
                body=_FRESH[1],
                deadline=today + datetime.timedelta(days=7),
                remind_on=today + datetime.timedelta(days=6),
                submission_key=_KEYS[1],
            ),
        ]
    )
    received = sent_at + datetime.timedelta(hours=3)
    rows = [
        DispatchAssignment(
            task=overdue,
            recipient=org,
            state=DispatchState.ANSWERED if index == 0 else DispatchState.RECEIVED,
            received_at=received,
            answered_at=received + datetime.timedelta(days=8) if index == 0 else None,
        )
        for index, org in enumerate(counties)
    ]
    rows += [DispatchAssignment(task=fresh, recipient=org) for org in counties]
    answered = DispatchAssignment.objects.bulk_create(rows)[0]
    DispatchFeedback.objects.bulk_create(
        [
            DispatchFeedback(
                assignment=answered, kind=FeedbackKind.ANSWER, text=_ANSWER, at=answered.answered_at or now
            )
        ]
    )
    # created_at is set on insert; date the overdue task back to when it was sent.
    DispatchTask.objects.filter(pk=overdue.pk).update(created_at=sent_at)
