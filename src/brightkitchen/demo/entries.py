"""Demo records entered when the work was done: rows written in bulk get the seeding moment as their
creation time, which would mark a whole history of daily records as entered late (补录)."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import F
from django.utils import timezone

from brightkitchen.schools.models import CanteenRecord

# When a record without a time of its own is taken as entered, on the day it records (local time).
ENTRY_TIME = datetime.time(13, 30)


def enter_on_their_day(
    model: type[CanteenRecord],
    canteen_ids: Collection[int],
    start: datetime.date,
    end: datetime.date,
    at: str = "",
    day: str = "",
) -> None:
    """Sets the creation time of `model`'s records of those canteens over [start, end] to their field
    `at` (a time the work was done) or, without one, to ENTRY_TIME on the day they record. Call it
    before `refresh_tallies`, which counts what was entered on time."""
    day = day or model.record_day_field or ""
    assert day, f"{model.__name__} is not a daily record: name its day field"
    rows = model._default_manager.filter(canteen_id__in=list(canteen_ids), **{f"{day}__range": (start, end)})
    if at:
        rows.update(created_at=F(at))
        return
    zone = timezone.get_default_timezone()
    changed = []
    for record in rows.only("pk", day).iterator(chunk_size=2000):
        record.created_at = datetime.datetime.combine(getattr(record, day), ENTRY_TIME, tzinfo=zone)
        changed.append(record)
    model._default_manager.bulk_update(changed, ["created_at"], batch_size=1000)
