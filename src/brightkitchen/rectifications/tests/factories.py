"""County A/B rectification notices made without the audit log (bulk_create), once per world: per county
one notice awaiting the canteen's response (with an evidence photo) and one awaiting review."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.uploads import store_photo
from brightkitchen.records.tests.factories import photo
from brightkitchen.rectifications.models import (
    NoticeSource,
    NoticeState,
    RectificationNotice,
    RectificationPhoto,
    RectificationStep,
    StepKind,
)

PROBLEM = {"a": "甲县测试：后厨操作人员未戴口罩", "b": "乙县测试：留样冰箱温度过高"}


def notices(w: World) -> dict[str, RectificationNotice]:
    """Keys "a"/"b" (awaiting response) and "a_responded"/"b_responded" (awaiting review)."""
    cache: dict[str, Any] | None = getattr(w, "_rectifications", None)
    if cache is not None:
        return cache
    now = timezone.now()
    today = timezone.localdate()
    stored = store_photo(photo(), "photos", "rectifications/test")
    cache = {}
    for county in ("a", "b"):
        for key, state in ((county, NoticeState.ISSUED), (f"{county}_responded", NoticeState.RESPONDED)):
            (notice,) = RectificationNotice.objects.bulk_create(
                [
                    RectificationNotice(
                        canteen=w.canteens[county],
                        issued_by_org=w.orgs[f"regulator_{county}"],
                        issued_by=w.users[f"regulator_{county}"],
                        problem=PROBLEM[county],
                        source_kind=NoticeSource.PATROL,
                        source_ref="patrol:1",
                        issued_on=today,
                        working_days=10,
                        deadline=today + datetime.timedelta(days=14),
                        remind_on=today + datetime.timedelta(days=10),
                        state=state,
                    )
                ]
            )
            steps = [RectificationStep(notice=notice, kind=StepKind.ISSUED, at=now, state_after="issued")]
            if state == NoticeState.RESPONDED:
                steps.append(
                    RectificationStep(
                        notice=notice,
                        kind=StepKind.RESPONDED,
                        at=now,
                        state_before=NoticeState.ISSUED,
                        state_after=state,
                        comment="已整改",
                    )
                )
            created = RectificationStep.objects.bulk_create(steps)
            RectificationPhoto.objects.bulk_create(
                [RectificationPhoto(step=created[0], photo=stored.path, thumbnail=stored.thumbnail)]
            )
            cache[key] = notice
    setattr(w, "_rectifications", cache)  # noqa: B010
    return cache


def photo_of(w: World, county: str) -> int:
    return int(
        RectificationPhoto.objects.filter(step__notice=notices(w)[county]).values_list("pk", flat=True)[0]
    )
