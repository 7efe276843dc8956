"""County A/B incident reports made without the audit log (bulk_create), once per world."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.incidents.models import IncidentReport

PLACE = {"a": "甲县测试食堂二楼餐厅", "b": "乙县测试食堂一楼"}


def incidents(w: World) -> dict[str, IncidentReport]:
    cache: dict[str, Any] | None = getattr(w, "_incidents", None)
    if cache is not None:
        return cache
    now = timezone.now()
    cache = {}
    for county in ("a", "b"):
        (report,) = IncidentReport.objects.bulk_create(
            [
                IncidentReport(
                    canteen=w.canteens[county],
                    onset_at=now - datetime.timedelta(hours=1),
                    reported_at=now,
                    place=PLACE[county],
                    affected=5,
                    hospitalised=1,
                    symptoms="腹痛、腹泻",
                    reporter_name="测试报告人",
                    reporter_phone="13800000000",
                )
            ]
        )
        cache[county] = report
    setattr(w, "_incidents", cache)  # noqa: B010
    return cache
