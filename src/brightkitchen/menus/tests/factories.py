"""Test data for menus: per county this week's menu with one dish, made without the audit log."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.menus.models import MenuItem, WeeklyMenu

DISH = {"a": "甲县测试糖醋排骨", "b": "乙县测试酸辣土豆丝"}


def menus(w: World) -> dict[str, Any]:
    cache: dict[str, Any] | None = getattr(w, "_menus", None)
    if cache is not None:
        return cache
    cache = {}
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    for county in ("a", "b"):
        (menu,) = WeeklyMenu.objects.bulk_create([WeeklyMenu(canteen=w.canteens[county], week_start=monday)])
        (item,) = MenuItem.objects.bulk_create(
            [
                MenuItem(
                    menu=menu,
                    day=monday,
                    meal="lunch",
                    dish=DISH[county],
                    quantity_g=150,
                    price=Decimal("4.50"),
                )
            ]
        )
        cache[county] = {"menu": menu, "item": item}
    setattr(w, "_menus", cache)  # noqa: B010
    return cache
