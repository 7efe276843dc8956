"""Demo history of sample retention and accompanied meals: 60 days on every service day of each canteen,
with a few gaps (a missed sample, a meal no leader attended) so completeness rates and alerts have
something to show. Idempotent: rows are keyed by their unique constraints and chosen deterministically
per canteen, day and meal, so a second run adds nothing."""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from brightkitchen.core.uploads import StoredFile, store_photo
from brightkitchen.demo.entries import enter_on_their_day
from brightkitchen.records.models import AccompaniedMeal, CompanionKind, SampleRetention
from brightkitchen.records.rules import CHINA, MEAL_CUTOFFS
from brightkitchen.schedule.models import Term
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies

DAYS = 60
MEAL_TIMES = {
    "breakfast": datetime.time(7, 30),
    "lunch": datetime.time(12, 0),
    "dinner": datetime.time(18, 0),
}
MAINS = [
    "红烧肉",
    "宫保鸡丁",
    "鱼香肉丝",
    "土豆烧牛肉",
    "糖醋里脊",
    "红烧鸡块",
    "清蒸鱼",
    "回锅肉",
    "肉末茄子",
]
SIDES = ["番茄炒蛋", "清炒时蔬", "醋溜白菜", "麻婆豆腐", "西葫芦炒蛋", "蒜蓉油麦菜", "炒土豆丝", "木耳炒山药"]
STAPLES = ["米饭", "馒头", "花卷", "刀削面"]
BREAKFAST = ["小米粥", "鸡蛋", "包子", "豆浆", "油条", "蒸红薯"]
SAMPLERS = ["王师傅", "李师傅", "赵红梅", "刘建国", "张丽"]
LEADERS = ["校长", "副校长", "德育主任", "后勤主任"]
PARENTS = ["一年级家长", "三年级家长", "五年级家长", "初二家长"]
PROBLEMS = ["汤偏咸", "米饭偏硬", "青菜量少", "菜温偏低", "排队时间长"]
ANSWERS = ["已通知厨师调整盐量", "已调整蒸饭用水", "已增加青菜份量", "已加装保温设备", "已增开一个窗口"]


def sample_photos(rng: random.Random) -> list[StoredFile]:
    stored = []
    for colour in ("#c8553d", "#f2a541", "#588b8b"):
        image = Image.new("RGB", (320, 240), colour)
        ImageDraw.Draw(image).rectangle((40, 40, 280, 200), outline="white", width=6)
        data = io.BytesIO()
        image.save(data, format="JPEG", quality=70)
        upload = SimpleUploadedFile("demo.jpg", data.getvalue(), content_type="image/jpeg")
        stored.append(store_photo(upload, "photo", "records/samples/demo"))
    return stored


def _ensure_term(today: datetime.date) -> None:
    """The demo's calendar: a province-wide (山西, "14") spring term around the 60 days when the demo has
    none, so records are due on weekdays. Real calendars are set by education bureaus."""
    start = today - datetime.timedelta(days=DAYS + 10)
    end = today + datetime.timedelta(days=45)
    if not Term.objects.filter(region_id="14", starts_on__lte=start, ends_on__gte=today).exists():
        Term.objects.bulk_create([Term(region_id="14", name="演示学期", starts_on=start, ends_on=end)])


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    _ensure_term(today)
    start = today - datetime.timedelta(days=DAYS - 1)
    ids = [c.pk for c in canteens]
    calendars = calendars_for(Canteen.objects.filter(pk__in=ids), start, today)
    now = timezone.now()
    if SampleRetention.objects.filter(canteen_id__in=ids, date__range=(start, today)).count() > 0:
        photos = None  # a re-run: reuse nothing new, rows below already exist
    else:
        photos = sample_photos(rng)
    samples: list[SampleRetention] = []
    meals: list[AccompaniedMeal] = []
    for canteen_id, calendar in calendars.items():
        for day in calendar.service_days(start, today):
            for meal in (m.value for m in calendar.meals):
                if datetime.datetime.combine(day, MEAL_CUTOFFS[meal], tzinfo=CHINA) > now:
                    continue
                local = random.Random(f"{canteen_id}:{day.isoformat()}:{meal}")
                sampled = local.random() > 0.03  # about 3 % of meals go unsampled
                if photos is not None and sampled:
                    samples.extend(_samples(canteen_id, day, meal, local, photos, now))
                company = random.Random(f"{canteen_id}:{day.isoformat()}:{meal}:company")
                meals.extend(_accompanied(canteen_id, day, meal, company))
    SampleRetention.objects.bulk_create(samples, batch_size=2000, ignore_conflicts=True)
    AccompaniedMeal.objects.bulk_create(meals, batch_size=2000, ignore_conflicts=True)
    enter_on_their_day(SampleRetention, ids, start, today, at="stored_at")
    enter_on_their_day(AccompaniedMeal, ids, start, today)
    refresh_tallies(Canteen.objects.filter(pk__in=ids), start, today)  # bulk_create sends no signals


def _samples(
    canteen_id: int,
    day: datetime.date,
    meal: str,
    rng: random.Random,
    photos: list[StoredFile],
    now: datetime.datetime,
) -> list[SampleRetention]:
    if meal == "breakfast":
        dishes = rng.sample(BREAKFAST, 3)
    else:
        dishes = [rng.choice(MAINS), *rng.sample(SIDES, 2), rng.choice(STAPLES)]
    stored_at = datetime.datetime.combine(day, MEAL_TIMES[meal], tzinfo=CHINA) + datetime.timedelta(
        minutes=rng.randint(10, 50)
    )
    discarded_at = stored_at + datetime.timedelta(hours=48, minutes=rng.randint(30, 600))
    rows = []
    for dish in dishes:
        picture = rng.choice(photos)
        rows.append(
            SampleRetention(
                canteen_id=canteen_id,
                date=day,
                meal=meal,
                dish=dish,
                weight_g=rng.randint(125, 220),
                stored_at=stored_at,
                sampled_by=rng.choice(SAMPLERS),
                photo=picture.path,
                photo_thumbnail=picture.thumbnail,
                storage_label=f"留样柜{rng.randint(1, 2)}号",
                discarded_at=discarded_at if discarded_at <= now else None,
            )
        )
    return rows


def _accompanied(canteen_id: int, day: datetime.date, meal: str, rng: random.Random) -> list[AccompaniedMeal]:
    rows = []
    if rng.random() > 0.06:  # about 6 % of meals without a school leader
        rows.append(
            AccompaniedMeal(
                canteen_id=canteen_id,
                date=day,
                meal=meal,
                companion_name=rng.choice(LEADERS),
                companion_kind=CompanionKind.LEADER,
                rating=rng.choice([4, 5, 5, 5]),
            )
        )
    if meal == "lunch" and rng.random() < 0.2:
        problem = rng.randrange(len(PROBLEMS))
        answered = rng.random() < 0.8
        answered_at = datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=CHINA)
        rows.append(
            AccompaniedMeal(
                canteen_id=canteen_id,
                date=day,
                meal=meal,
                companion_name=rng.choice(PARENTS),
                companion_kind=CompanionKind.PARENT,
                rating=rng.choice([3, 4, 4, 5]),
                problems=PROBLEMS[problem],
                answer=ANSWERS[problem] if answered else "",
                answered_at=answered_at if answered else None,
            )
        )
    return rows
