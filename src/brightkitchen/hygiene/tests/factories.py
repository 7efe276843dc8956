"""County A/B hygiene records made without the audit log (bulk_create), once per world."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.uploads import store_photo
from brightkitchen.hygiene.models import HygieneKind, HygieneRecord
from brightkitchen.records.tests.factories import photo

PERSON = {"a": "甲县测试消毒员", "b": "乙县测试消毒员"}


def hygiene(w: World) -> dict[str, HygieneRecord]:
    cache: dict[str, Any] | None = getattr(w, "_hygiene", None)
    if cache is not None:
        return cache
    now = timezone.now()
    stored = store_photo(photo(), "photo", "hygiene/test")
    cache = {}
    for county in ("a", "b"):
        (record,) = HygieneRecord.objects.bulk_create(
            [
                HygieneRecord(
                    canteen=w.canteens[county],
                    kind=HygieneKind.CLEANING,
                    done_at=now,
                    date=timezone.localdate(now),
                    person=PERSON[county],
                    target="tableware",
                    method="cabinet",
                    photo=stored.path,
                    photo_thumbnail=stored.thumbnail,
                )
            ]
        )
        cache[county] = record
    setattr(w, "_hygiene", cache)  # noqa: B010
    return cache
