"""Test data for records: small generated photos, and county A/B records made without the audit log
(bulk_create), so route cases can create them lazily without counting as a change."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from brightkitchen.conftest import World
from brightkitchen.core.uploads import store_photo
from brightkitchen.records.models import AccompaniedMeal, CompanionKind, SampleRetention

DISH = {"a": "甲县测试红烧肉", "b": "乙县测试番茄炒蛋"}
OLD_DISH = {"a": "甲县测试清炒时蔬", "b": "乙县测试米饭"}
COMPANION = {"a": "甲县测试副校长", "b": "乙县测试家长"}


def jpeg(size: tuple[int, int] = (40, 30), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def photo(name: str = "sample.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg() if data is None else data, content_type="image/jpeg")


def records(w: World) -> dict[str, Any]:
    """Per county: today's lunch sample, a sample stored three days ago (may be discarded) and a leader's
    accompanied meal today. Made once per world."""
    cache: dict[str, Any] | None = getattr(w, "_records", None)
    if cache is not None:
        return cache
    cache = {}
    now = timezone.now()
    today = timezone.localdate()
    old = now - datetime.timedelta(days=3)
    stored = store_photo(photo(), "photo", "records/samples/test")
    for county in ("a", "b"):
        canteen = w.canteens[county]
        samples = SampleRetention.objects.bulk_create(
            [
                SampleRetention(
                    canteen=canteen,
                    date=today,
                    meal="lunch",
                    dish=DISH[county],
                    weight_g=150,
                    stored_at=now,
                    sampled_by="测试留样员",
                    photo=stored.path,
                    photo_thumbnail=stored.thumbnail,
                ),
                SampleRetention(
                    canteen=canteen,
                    date=timezone.localdate(old),
                    meal="lunch",
                    dish=OLD_DISH[county],
                    weight_g=130,
                    stored_at=old,
                    sampled_by="测试留样员",
                    photo=stored.path,
                    photo_thumbnail=stored.thumbnail,
                ),
            ]
        )
        (meal,) = AccompaniedMeal.objects.bulk_create(
            [
                AccompaniedMeal(
                    canteen=canteen,
                    date=today,
                    meal="lunch",
                    companion_name=COMPANION[county],
                    companion_kind=CompanionKind.LEADER,
                    rating=4,
                    problems="汤偏咸",
                )
            ]
        )
        cache[county] = {"sample": samples[0], "old_sample": samples[1], "meal": meal}
    setattr(w, "_records", cache)  # noqa: B010
    return cache
