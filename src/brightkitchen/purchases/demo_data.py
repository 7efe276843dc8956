"""Demo history of purchase inspection: 60 days of deliveries on each canteen's service days — fresh
vegetables almost daily, meat twice a week (with its quarantine certificate), rice, flour and oil weekly
as bulk staples accepted by two people — with a few gaps (a certificate not uploaded yet) and a rare
rejection. Idempotent: every row has a submission key derived from canteen, day and slot, so a second run
adds nothing."""

from __future__ import annotations

import datetime
import io
import random
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from brightkitchen.core.uploads import StoredFile, store_photo
from brightkitchen.demo.entries import enter_on_their_day
from brightkitchen.purchases.models import PurchaseCertificate, PurchaseInspection
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies

DAYS = 60
NAMESPACE = uuid.UUID("6f1c2f0e-6a55-4f36-9a4e-2d0f1b7c9e01")
VEGETABLES = ["西红柿", "土豆", "白菜", "青椒", "黄瓜", "西葫芦", "油麦菜", "胡萝卜", "茄子", "山药"]
MEATS = [("猪肉", 3), ("鸡腿", 5), ("牛肉", 3), ("鸡蛋", 30)]
STAPLES = [("大米", "25 kg/袋", "袋", 180), ("面粉", "25 kg/袋", "袋", 180), ("菜籽油", "5 L/桶", "桶", 540)]
SUPPLIERS = {
    "veg": ["榆次区绿源蔬菜合作社", "晋中市鲜丰农产品配送中心"],
    "meat": ["晋中市太谷肉联厂", "山西粟海集团晋中配送站"],
    "staple": ["山西晋粮粮油有限公司", "晋中市五谷丰粮油商行"],
}
ACCEPTORS = ["王师傅", "李师傅", "赵红梅", "刘建国"]
SECOND = ["张会计", "后勤主任", "食品安全员"]
REJECTIONS = [
    ("菜叶腐烂", "returned"),
    ("无检疫证明", "returned"),
    ("包装破损漏油", "returned"),
    ("有异味", "destroyed"),
]


def certificate_photos() -> list[StoredFile]:
    stored = []
    for colour in ("#f4f1de", "#e0fbfc"):
        image = Image.new("RGB", (320, 440), colour)
        draw = ImageDraw.Draw(image)
        draw.rectangle((20, 20, 300, 420), outline="#c0392b", width=5)
        for y in range(80, 400, 40):
            draw.line((50, y, 270, y), fill="#555555", width=3)
        data = io.BytesIO()
        image.save(data, format="JPEG", quality=70)
        upload = SimpleUploadedFile("certificate.jpg", data.getvalue(), content_type="image/jpeg")
        stored.append(store_photo(upload, "certificates", "purchases/certificates/demo"))
    return stored


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    start = today - datetime.timedelta(days=DAYS - 1)
    calendars = calendars_for(Canteen.objects.filter(pk__in=[c.pk for c in canteens]), start, today)
    planned: list[tuple[PurchaseInspection, str | None]] = []
    for canteen_id, calendar in calendars.items():
        for day in calendar.service_days(start, today):
            local = random.Random(f"purchases:{canteen_id}:{day.isoformat()}")
            for slot in delivery_slots(day, local):
                planned.append(_delivery(canteen_id, day, slot, local))
    keys = [p[0].submission_key for p in planned]
    existing = set(
        PurchaseInspection.objects.filter(submission_key__in=keys).values_list("submission_key", flat=True)
    )
    new = [p for p in planned if p[0].submission_key not in existing]
    if not new:
        return
    photos = certificate_photos()
    records = PurchaseInspection.objects.bulk_create([p[0] for p in new], batch_size=1000)
    certificates = []
    for record, (_, kind) in zip(records, new, strict=True):
        if kind is None:
            continue
        picture = photos[record.pk % len(photos)]
        certificates.append(
            PurchaseCertificate(
                canteen_id=record.canteen_id,
                inspection_id=record.pk,
                submission_key=_key("certificate", record.submission_key),
                kind=kind,
                file=picture.path,
                thumbnail=picture.thumbnail,
                content_type=picture.content_type,
                size=picture.size,
            )
        )
    PurchaseCertificate.objects.bulk_create(certificates, batch_size=1000)
    enter_on_their_day(PurchaseInspection, [c.pk for c in canteens], start, today)
    refresh_tallies(Canteen.objects.filter(pk__in=[c.pk for c in canteens]), start, today)  # no signals


def delivery_slots(day: datetime.date, rng: random.Random) -> list[str]:
    slots = ["veg"] if rng.random() > 0.1 else []
    if day.isoweekday() in (1, 4):
        slots.append("meat")
    if day.isoweekday() == 2:
        slots.append("staple")
    return slots


def _delivery(
    canteen_id: int, day: datetime.date, slot: str, rng: random.Random
) -> tuple[PurchaseInspection, str | None]:
    record = PurchaseInspection(
        canteen_id=canteen_id,
        submission_key=_key(canteen_id, day.isoformat(), slot),
        delivered_on=day,
        supplier_name=rng.choice(SUPPLIERS[slot]),
        acceptor_name=rng.choice(ACCEPTORS),
        decision="accepted",
    )
    kind: str | None = "quality"
    if slot == "veg":
        record.product = rng.choice(VEGETABLES)
        record.quantity, record.unit = Decimal(rng.randint(10, 60)), "kg"
        record.lot_number = f"{day:%Y%m%d}-{rng.randint(1, 9)}"
        record.shelf_life_days = 3
    elif slot == "meat":
        product, shelf = rng.choice(MEATS)
        record.product, record.shelf_life_days = product, shelf
        record.quantity, record.unit = Decimal(rng.randint(15, 40)), "kg"
        record.production_date = day - datetime.timedelta(days=rng.randint(0, 1))
        kind = "quarantine"
    else:
        product, spec, unit, shelf = rng.choice(STAPLES)
        record.product, record.specification, record.unit = product, spec, unit
        record.quantity, record.shelf_life_days = Decimal(rng.randint(4, 12)), shelf
        record.production_date = day - datetime.timedelta(days=rng.randint(10, 60))
        record.bulk_staple = True
        record.second_acceptor_name = rng.choice(SECOND)
    roll = rng.random()
    if roll < 0.03:
        reason, handling = rng.choice(REJECTIONS)
        record.decision, record.rejection_reason, record.rejection_handling = "rejected", reason, handling
        kind = None
    elif roll < 0.09:
        kind = None  # the certificate was not uploaded (the metric and the alert show it)
    return record, kind
