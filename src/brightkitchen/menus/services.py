"""Changes to weekly menus: created per canteen and week (idempotent), items added with validated grams
and price, published once."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.menus.models import MAX_ITEMS_PER_MENU, MAX_PORTION_G, MAX_PRICE, MenuItem, WeeklyMenu
from brightkitchen.records.services import meal_field
from brightkitchen.schools.services import canteen_for_recording


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def create_menu(
    user: AnyUser, canteen_id: int, *, week_start: datetime.date, submission_key: uuid.UUID | None = None
) -> tuple[WeeklyMenu, bool]:
    canteen = canteen_for_recording(user, canteen_id, WeeklyMenu)
    if week_start.weekday() != 0:
        raise FieldError("week_start", _("A week starts on a Monday."))

    def build() -> WeeklyMenu:
        if WeeklyMenu.objects.filter(canteen=canteen, week_start=week_start).exists():
            raise Conflict("week_start", _("This week already has a menu."))
        return WeeklyMenu(canteen=canteen, recorded_by=acting_user(user), week_start=week_start)

    return create_once(WeeklyMenu, submission_key, build)


def menu_for_week(user: AnyUser, canteen_id: int, week_start: datetime.date) -> WeeklyMenu:
    """The week's menu, created when missing (the editor page adds items to it directly)."""
    canteen = canteen_for_recording(user, canteen_id, WeeklyMenu)
    existing = WeeklyMenu.objects.filter(canteen=canteen, week_start=week_start).first()
    if existing is not None:
        return existing
    return create_menu(user, canteen.pk, week_start=week_start)[0]


def _price(value: Decimal | str | float | int) -> Decimal:
    if isinstance(value, bool):
        raise FieldError("price", _("Give the price in yuan, e.g. 4.50."))
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise FieldError("price", _("Give the price in yuan, e.g. 4.50.")) from None
    if not price.is_finite():
        raise FieldError("price", _("Give the price in yuan, e.g. 4.50."))
    if price < 0:
        raise FieldError("price", _("A price is not negative."), code="negative")
    if price > MAX_PRICE:
        raise FieldError("price", _("This price is not plausible for a dish."), code="too_high")
    if price != price.quantize(Decimal("0.01")):
        raise FieldError("price", _("A price has at most two decimals (fen)."), code="precision")
    return price.quantize(Decimal("0.01"))


def add_item(
    user: AnyUser,
    menu_id: int,
    *,
    day: datetime.date,
    meal: str,
    dish: str,
    quantity_g: int,
    price: Decimal | str | float | int,
    submission_key: uuid.UUID | None = None,
) -> tuple[MenuItem, bool]:
    menu = get_visible_or_404(WeeklyMenu, user, Action.CHANGE, related=("canteen",), pk=menu_id)
    meal_value = meal_field(meal).value
    dish = clean_text("dish", dish, 60)
    if isinstance(quantity_g, bool) or not isinstance(quantity_g, int):
        raise FieldError("quantity_g", _("Give the quantity in whole grams."))
    if quantity_g < 1:
        raise FieldError("quantity_g", _("A portion weighs at least 1 g."), code="too_light")
    if quantity_g > MAX_PORTION_G:
        raise FieldError("quantity_g", _("This quantity is not plausible for a portion."), code="too_heavy")
    price_value = _price(price)
    if not menu.week_start <= day <= menu.week_end:
        raise FieldError("day", _("The day is outside the menu's week."), code="other_week")

    def build() -> MenuItem:
        if MenuItem.objects.filter(menu=menu, day=day, meal=meal_value, dish=dish).exists():
            raise Conflict("dish", _("This dish is already on the menu for this meal."))
        if MenuItem.objects.filter(menu=menu).count() >= MAX_ITEMS_PER_MENU:
            raise FieldError("dish", _("The menu is full."), code="too_many")
        return MenuItem(
            menu=menu, day=day, meal=meal_value, dish=dish, quantity_g=quantity_g, price=price_value
        )

    return create_once(MenuItem, submission_key, build)


def remove_item(user: AnyUser, item_id: int) -> WeeklyMenu:
    item = get_visible_or_404(MenuItem, user, Action.CHANGE, related=("menu",), pk=item_id)
    menu = item.menu
    with transaction.atomic():
        item.delete()
    return menu


def publish_menu(user: AnyUser, menu_id: int, *, now: datetime.datetime | None = None) -> WeeklyMenu:
    """Publishing is idempotent: a second publish keeps the first time."""
    menu = get_visible_or_404(WeeklyMenu, user, Action.CHANGE, related=("canteen",), pk=menu_id)
    if menu.published:
        return menu
    if not MenuItem.objects.filter(menu=menu).exists():
        raise FieldError("items", _("Add at least one dish before publishing."), code="empty")
    menu.published = True
    menu.published_at = now or timezone.now()
    with transaction.atomic():
        menu.save()
    return menu
