"""Test data for purchases: county A/B deliveries made without the audit log (bulk_create), so route
cases can create them lazily without counting as a change."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.uploads import store_photo
from brightkitchen.purchases.models import PurchaseCertificate, PurchaseInspection
from brightkitchen.records.tests.factories import jpeg, photo

PRODUCT = {"a": "甲县测试东北大米", "b": "乙县测试高筋面粉"}
OLD_PRODUCT = {"a": "甲县测试旧批次菜籽油", "b": "乙县测试旧批次食盐"}

__all__ = ["OLD_PRODUCT", "PRODUCT", "deliveries", "jpeg", "photo", "pdf"]


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def deliveries(w: World) -> dict[str, Any]:
    """Per county: today's delivery with one certificate photo, and a delivery three years old without a
    shelf life (its retention is over, so it may be deleted). Made once per world."""
    cache: dict[str, Any] | None = getattr(w, "_purchases", None)
    if cache is not None:
        return cache
    cache = {}
    today = timezone.localdate()
    stored = store_photo(photo(), "certificates", "purchases/certificates/test")
    for county in ("a", "b"):
        canteen = w.canteens[county]
        recent, old = PurchaseInspection.objects.bulk_create(
            [
                PurchaseInspection(
                    canteen=canteen,
                    delivered_on=today,
                    supplier_name="晋中市测试粮油公司",
                    product=PRODUCT[county],
                    specification="25 kg/袋",
                    quantity=Decimal("4"),
                    unit="袋",
                    production_date=today - datetime.timedelta(days=20),
                    shelf_life_days=365,
                    bulk_staple=True,
                    acceptor_name="王师傅",
                    second_acceptor_name="李会计",
                    decision="accepted",
                ),
                PurchaseInspection(
                    canteen=canteen,
                    delivered_on=today - datetime.timedelta(days=3 * 365),
                    supplier_name="晋中市测试调料店",
                    product=OLD_PRODUCT[county],
                    quantity=Decimal("10"),
                    unit="瓶",
                    lot_number="L2023-01",
                    acceptor_name="王师傅",
                    decision="accepted",
                ),
            ]
        )
        (certificate,) = PurchaseCertificate.objects.bulk_create(
            [
                PurchaseCertificate(
                    canteen=canteen,
                    inspection=recent,
                    kind="quality",
                    file=stored.path,
                    thumbnail=stored.thumbnail,
                    content_type=stored.content_type,
                    size=stored.size,
                )
            ]
        )
        cache[county] = {"recent": recent, "old": old, "certificate": certificate}
    setattr(w, "_purchases", cache)  # noqa: B010
    return cache
