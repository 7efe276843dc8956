"""Demo hygiene ledgers: about 60 days on every service day of each canteen: tableware disinfection after
lunch (a few days missed), a weekly area disinfection, pest control every two weeks, daily kitchen waste
and now and then an additive. Idempotent: the seeder adds nothing when the period already has records."""

from __future__ import annotations

import datetime
import decimal
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from brightkitchen.core.uploads import StoredFile, store_photo
from brightkitchen.demo.entries import enter_on_their_day
from brightkitchen.hygiene.models import HygieneKind, HygieneRecord
from brightkitchen.records.rules import CHINA
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies

DAYS = 60
PEOPLE = ["赵红梅", "刘建国", "张丽", "王师傅", "李师傅"]
AREAS = ["后厨操作间", "售饭窗口", "餐厅桌椅", "冷藏库", "面点间"]
DISINFECTANTS = ["84消毒液 1:200", "含氯消毒片 250mg/L"]
PEST_METHODS = ["粘鼠板、灭蝇灯检查更换", "粘蟑板布放", "委托专业公司喷洒消杀"]
COLLECTORS = ["晋中市绿源餐厨垃圾处理有限公司", "榆次区环卫餐厨回收站"]
ADDITIVES = [("食用小苏打", "发面馒头"), ("酵母", "花卷"), ("食用碱", "刀削面")]


def ledger_photo() -> StoredFile:
    image = Image.new("RGB", (320, 240), "#3d7ea6")
    ImageDraw.Draw(image).ellipse((80, 40, 240, 200), outline="white", width=6)
    data = io.BytesIO()
    image.save(data, format="JPEG", quality=70)
    return store_photo(SimpleUploadedFile("demo.jpg", data.getvalue()), "photo", "hygiene/demo")


def _at(day: datetime.date, hour: int, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 50)), tzinfo=CHINA)


def _row(
    canteen_id: int,
    day: datetime.date,
    rng: random.Random,
    picture: StoredFile,
    kind: str,
    hour: int,
    **fields: object,
) -> HygieneRecord:
    return HygieneRecord(
        canteen_id=canteen_id,
        kind=kind,
        done_at=_at(day, hour, rng),
        date=day,
        person=rng.choice(PEOPLE),
        photo=picture.path,
        photo_thumbnail=picture.thumbnail,
        **fields,
    )


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    start = today - datetime.timedelta(days=DAYS - 1)
    ids = [c.pk for c in canteens]
    if HygieneRecord.objects.filter(canteen_id__in=ids, date__range=(start, today)).exists():
        return
    picture = ledger_photo()
    rows: list[HygieneRecord] = []
    for canteen_id, calendar in calendars_for(Canteen.objects.filter(pk__in=ids), start, today).items():
        for index, day in enumerate(calendar.service_days(start, today)):
            local = random.Random(f"{canteen_id}:{day.isoformat()}:hygiene")

            def add(kind: str, hour: int, **fields: object) -> None:
                rows.append(_row(canteen_id, day, local, picture, kind, hour, **fields))  # noqa: B023

            if local.random() > 0.05:  # about 5 % of days without a tableware record
                add(HygieneKind.CLEANING, 13, target="tableware", method=local.choice(["steam", "cabinet"]))
            if day.isoweekday() == 5:
                add(
                    HygieneKind.CLEANING,
                    15,
                    target="area",
                    area=local.choice(AREAS),
                    method="chemical",
                    agent=local.choice(DISINFECTANTS),
                )
            if index % 10 == 0:
                add(HygieneKind.PEST, 16, area="后厨及仓库", method=local.choice(PEST_METHODS))
            add(
                HygieneKind.WASTE,
                14,
                quantity_kg=decimal.Decimal(local.randint(80, 400)) / 10,
                collector=local.choice(COLLECTORS),
            )
            if local.random() < 0.3:
                additive, dish = local.choice(ADDITIVES)
                add(
                    HygieneKind.ADDITIVE,
                    6,
                    additive=additive,
                    amount_g=decimal.Decimal(local.randint(5, 30)),
                    dish=dish,
                )
    HygieneRecord.objects.bulk_create(rows, batch_size=2000)
    enter_on_their_day(HygieneRecord, ids, start, today, at="done_at", day="date")
    refresh_tallies(Canteen.objects.filter(pk__in=ids), start, today)  # bulk_create sends no signals
