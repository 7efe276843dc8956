"""Demo weekly menus with grams per portion and prices (带量食谱, 明码标价): the last eight weeks and the
current one for every canteen, published (the current week's left as a draft at one canteen in five).
Idempotent: weeks that already have a menu are skipped."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from brightkitchen.menus.models import MenuItem, WeeklyMenu
from brightkitchen.schools.models import Canteen

WEEKS = 9
BREAKFAST = [
    ("小米粥", 250, "0.80"),
    ("鸡蛋", 50, "1.00"),
    ("肉包子", 100, "1.50"),
    ("豆浆", 250, "1.00"),
    ("花卷", 80, "0.60"),
]
MAINS = [
    ("红烧肉", 100, "5.50"),
    ("宫保鸡丁", 120, "4.80"),
    ("鱼香肉丝", 120, "4.50"),
    ("土豆烧牛肉", 130, "6.00"),
    ("糖醋里脊", 100, "5.00"),
    ("清蒸鱼", 120, "5.80"),
    ("肉末茄子", 150, "3.80"),
]
SIDES = [
    ("番茄炒蛋", 120, "2.50"),
    ("清炒时蔬", 150, "1.80"),
    ("醋溜白菜", 150, "1.50"),
    ("麻婆豆腐", 130, "2.00"),
    ("炒土豆丝", 150, "1.50"),
    ("木耳炒山药", 120, "2.80"),
]
STAPLES = [("米饭", 150, "0.50"), ("馒头", 100, "0.50"), ("刀削面", 200, "1.00")]


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(days=7 * n) for n in range(WEEKS)]
    ids = [c.pk for c in canteens]
    existing = set(
        WeeklyMenu.objects.filter(canteen_id__in=ids, week_start__in=weeks).values_list(
            "canteen_id", "week_start"
        )
    )
    now = timezone.now()
    menus = []
    for canteen in canteens:
        draft_now = random.Random(f"menus:draft:{canteen.pk}").random() < 0.2
        for week in weeks:
            if (canteen.pk, week) in existing:
                continue
            published = not (week == monday and draft_now)
            menus.append(
                WeeklyMenu(
                    canteen=canteen,
                    week_start=week,
                    published=published,
                    published_at=now if published else None,
                )
            )
    created = WeeklyMenu.objects.bulk_create(menus, batch_size=1000)
    items = []
    for menu in created:
        local = random.Random(f"menus:{menu.canteen_id}:{menu.week_start.isoformat()}")
        for offset in range(5):  # Monday to Friday
            day = menu.week_start + datetime.timedelta(days=offset)
            dishes = [("breakfast", d) for d in local.sample(BREAKFAST, 2)]
            dishes += [("lunch", local.choice(MAINS)), *(("lunch", d) for d in local.sample(SIDES, 2))]
            dishes.append(("lunch", local.choice(STAPLES)))
            for meal, (dish, grams, price) in dishes:
                items.append(
                    MenuItem(menu=menu, day=day, meal=meal, dish=dish, quantity_g=grams, price=Decimal(price))
                )
    MenuItem.objects.bulk_create(items, batch_size=5000)
