"""County A/B patrol plans made without the audit log (bulk_create), once per world, so route cases can
create them lazily without counting as a change. Per county: this month's plan, drawn, with the
county's canteen pending; last month's plan with the canteen patrolled and one finding with a snapshot;
next month's plan, not drawn yet."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.uploads import store_photo
from brightkitchen.patrols.models import (
    AssignmentState,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolQuota,
    PatrolRecord,
)
from brightkitchen.records.tests.factories import photo

COUNTY = {"a": "140702", "b": "140703"}
FINDING_NOTE = {"a": "甲县巡查：切配间员工未戴帽子", "b": "乙县巡查：垃圾桶未加盖"}


def _months(today: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
    this = today.replace(day=1)
    last = (this - datetime.timedelta(days=1)).replace(day=1)
    following = (this + datetime.timedelta(days=32)).replace(day=1)
    return last, this, following


def patrols(w: World) -> dict[str, Any]:
    """Keys per county x: "x" (this month's plan), "x_pending" (its assignment), "x_old" (last month's
    plan), "x_done" (its patrolled assignment), "x_finding", "x_new" (next month's plan, not drawn)."""
    cache: dict[str, Any] | None = getattr(w, "_patrols", None)
    if cache is not None:
        return cache
    now = timezone.now()
    last, this, following = _months(timezone.localdate())
    stored = store_photo(photo(), "snapshot", "patrols/test")
    cache = {}
    for county, code in COUNTY.items():
        org = w.orgs[f"regulator_{county}"]
        plans = PatrolPlan.objects.bulk_create(
            [
                PatrolPlan(organisation=org, region_id=code, period=this, quota=1, seed=1, drawn_at=now),
                PatrolPlan(organisation=org, region_id=code, period=last, quota=1, seed=2, drawn_at=now),
                PatrolPlan(organisation=org, region_id=code, period=following, quota=1, seed=3),
            ]
        )
        PatrolQuota.objects.bulk_create(
            [PatrolQuota(plan=p, county_id=code, city_id=code[:4], canteens=1, quota=1) for p in plans]
        )
        canteen = w.canteens[county]
        pending, done = PatrolAssignment.objects.bulk_create(
            [
                PatrolAssignment(plan=plans[0], canteen=canteen, county_id=code, weight=2, rank=1),
                PatrolAssignment(
                    plan=plans[1],
                    canteen=canteen,
                    county_id=code,
                    weight=2,
                    rank=1,
                    state=AssignmentState.DONE,
                    patrolled_by=w.users[f"regulator_{county}"],
                    patrolled_at=now,
                ),
            ]
        )
        (record,) = PatrolRecord.objects.bulk_create([PatrolRecord(assignment=done, note="")])
        (finding,) = PatrolFinding.objects.bulk_create(
            [
                PatrolFinding(
                    record=record,
                    item="no_mask_cap",
                    note=FINDING_NOTE[county],
                    photo=stored.path,
                    thumbnail=stored.thumbnail,
                )
            ]
        )
        cache.update(
            {
                county: plans[0],
                f"{county}_pending": pending,
                f"{county}_old": plans[1],
                f"{county}_done": done,
                f"{county}_finding": finding,
                f"{county}_new": plans[2],
            }
        )
    setattr(w, "_patrols", cache)  # noqa: B010
    return cache
