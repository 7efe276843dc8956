"""Scoped reads of weekly menus."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.menus.models import WeeklyMenu


@dataclass(frozen=True)
class MenuFilters:
    canteen: int | None = None
    week_start: datetime.date | None = None
    published: bool | None = None


def menus_for(
    user: AnyUser, filters: MenuFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[WeeklyMenu]:
    f = filters or MenuFilters()
    qs = WeeklyMenu.objects.visible_to(user, action).select_related("canteen").prefetch_related("items")
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.week_start is not None:
        qs = qs.filter(week_start=f.week_start)
    if f.published is not None:
        qs = qs.filter(published=f.published)
    return qs.order_by("-week_start", "canteen_id", "id")
