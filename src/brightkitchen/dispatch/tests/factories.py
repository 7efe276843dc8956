"""Dispatch test data made without the audit log (bulk_create), once per world: a branch (市场监管所) of
county A at a town code below it, and per county three tasks from the city bureau to the county bureau:
"a" received (with an attachment), "a_sent" not yet opened, "a_answered" awaiting the city's review
(with an answer and its attachment)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.uploads import store_photo
from brightkitchen.dispatch.models import (
    DispatchAssignment,
    DispatchAttachment,
    DispatchFeedback,
    DispatchState,
    DispatchTask,
    FeedbackKind,
)
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.records.tests.factories import photo
from brightkitchen.regions.models import Region, RegionLevel

TITLE = {"a": "甲县测试：开学前食堂专项检查", "b": "乙县测试：夏季食品安全排查"}
BRANCH_REGION = f"{COUNTY_A}001"
BRANCH_NAME = "榆次区测试街道市场监督管理所"


def branch(w: World) -> Organisation:
    """County A's branch: a market-supervision office at a town node below the county (the loaded tree
    stops at counties in Shanxi, so the town node is added here, as the statistics list towns for
    Dongguan)."""
    org = w.orgs.get("branch_a")
    if org is not None:
        return org
    Region.objects.get_or_create(
        code=BRANCH_REGION,
        defaults={
            "name": "测试街道",
            "full_name": "山西省晋中市榆次区测试街道",
            "level": RegionLevel.COUNTY,  # the lowest level the tree knows (as Dongguan's towns)
            "parent_id": COUNTY_A,
        },
    )
    (org,) = Organisation.objects.bulk_create(
        [Organisation(name=BRANCH_NAME, kind=OrganisationKind.REGULATOR, region_id=BRANCH_REGION)]
    )
    w.orgs["branch_a"] = org
    return org


def tasks(w: World) -> dict[str, DispatchTask]:
    """Keys "a", "a_sent", "a_answered" and the same for "b" (see the module's doc)."""
    cache: dict[str, Any] | None = getattr(w, "_dispatch", None)
    if cache is not None:
        return cache
    branch(w)
    now = timezone.now()
    today = timezone.localdate()
    stored = store_photo(photo(), "attachments", "dispatch/test")
    cache = {}
    for county in ("a", "b"):
        for key, state in (
            (county, DispatchState.RECEIVED),
            (f"{county}_sent", DispatchState.SENT),
            (f"{county}_answered", DispatchState.ANSWERED),
        ):
            (task,) = DispatchTask.objects.bulk_create(
                [
                    DispatchTask(
                        sender=w.orgs["regulator_city"],
                        created_by=w.users["city_regulator"],
                        title=TITLE[county],
                        body="请于截止日前完成并反馈。",
                        deadline=today + datetime.timedelta(days=10),
                        remind_on=today + datetime.timedelta(days=9),
                    )
                ]
            )
            (assignment,) = DispatchAssignment.objects.bulk_create(
                [
                    DispatchAssignment(
                        task=task,
                        recipient=w.orgs[f"regulator_{county}"],
                        state=state,
                        received_at=None if state == DispatchState.SENT else now,
                        answered_at=now if state == DispatchState.ANSWERED else None,
                    )
                ]
            )
            feedback = None
            if state == DispatchState.ANSWERED:
                (feedback,) = DispatchFeedback.objects.bulk_create(
                    [DispatchFeedback(assignment=assignment, kind=FeedbackKind.ANSWER, text="已完成", at=now)]
                )
            DispatchAttachment.objects.bulk_create(
                [
                    DispatchAttachment(
                        task=task,
                        feedback=feedback,
                        name="通知.jpg",
                        file=stored.path,
                        thumbnail=stored.thumbnail,
                        content_type=stored.content_type,
                        size=stored.size,
                    )
                ]
            )
            cache[key] = task
    setattr(w, "_dispatch", cache)  # noqa: B010
    return cache


def assignment_of(w: World, key: str) -> int:
    return int(DispatchAssignment.objects.filter(task=tasks(w)[key]).values_list("pk", flat=True)[0])


def attachment_of(w: World, key: str) -> int:
    return int(DispatchAttachment.objects.filter(task=tasks(w)[key]).values_list("pk", flat=True)[0])
