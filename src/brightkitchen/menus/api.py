"""REST routes of weekly menus under /api/v1/menus/. Creates accept an `Idempotency-Key` header and a
`submission_key` (UUID)."""

import datetime
import uuid
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    Day,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    decimal_field,
    id_field,
    idempotent,
)
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.menus import selectors, services
from brightkitchen.menus.models import MAX_PORTION_G, MenuItem, WeeklyMenu
from brightkitchen.schedule.models import Meal

router = Router(tags=["menus"])


class MenuItemOut(Schema):
    id: int
    day: datetime.date
    meal: Meal
    dish: str
    quantity_g: int
    price: Decimal

    @staticmethod
    def of(item: MenuItem) -> "MenuItemOut":
        return MenuItemOut(
            id=item.pk,
            day=item.day,
            meal=Meal(item.meal),
            dish=item.dish,
            quantity_g=item.quantity_g,
            price=item.price,
        )


class MenuOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    week_start: datetime.date
    published: bool
    published_at: datetime.datetime | None
    items: list[MenuItemOut]

    @staticmethod
    def of(menu: WeeklyMenu) -> "MenuOut":
        return MenuOut(
            id=menu.pk,
            canteen_id=menu.canteen_id,
            canteen_name=menu.canteen.name,
            week_start=menu.week_start,
            published=menu.published,
            published_at=menu.published_at,
            items=[MenuItemOut.of(i) for i in menu.items.all()],
        )


class MenuIn(InputSchema):
    week_start: Day
    submission_key: uuid.UUID | None = None


class MenuItemIn(InputSchema):
    day: Day
    meal: Meal
    dish: str = Field(min_length=1, max_length=60)
    quantity_g: int = Field(ge=1, le=MAX_PORTION_G, description="Grams per portion")
    price: Decimal = decimal_field(digits=8, places=2, ge=0, description="Yuan, e.g. 4.50")
    submission_key: uuid.UUID | None = None


class MenuFilterIn(Schema):
    canteen: int | None = id_field(None)
    week_start: Day | None = None
    published: bool | None = None


def _menu(request: HttpRequest, menu_id: int) -> WeeklyMenu:
    return get_visible_or_404(
        WeeklyMenu, request.user, Action.VIEW, related=("canteen",), prefetch=("items",), pk=menu_id
    )


@router.get("/menus/menus", response={200: list[MenuOut], **LIST_ERRORS}, summary="Weekly menus")
@paginate(Pagination)
def list_menus(request: HttpRequest, filters: Query[MenuFilterIn]) -> MappedQuerySet[MenuOut]:
    f = selectors.MenuFilters(
        canteen=filters.canteen, week_start=filters.week_start, published=filters.published
    )
    return MappedQuerySet(selectors.menus_for(request.user, f), MenuOut.of)


@router.post(
    "/menus/canteens/{canteen_id}/menus",
    response={201: MenuOut, 200: MenuOut, **ERRORS},
    summary="Start a week's menu",
)
def create_menu(request: HttpRequest, canteen_id: int, payload: MenuIn) -> IdempotentAnswer:
    def create() -> tuple[int, MenuOut]:
        menu, created = services.create_menu(request.user, canteen_id, **payload.model_dump())
        return (201 if created else 200), MenuOut.of(_menu(request, menu.pk))

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/menus/menus/{menu_id}",
    MenuOut,
    name="get_menu",
    summary="One menu with its dishes",
    read=lambda request, pk: MenuOut.of(_menu(request, pk)),
)


@router.post(
    "/menus/menus/{menu_id}/items",
    response={201: MenuItemOut, 200: MenuItemOut, **ERRORS},
    summary="Add a dish with its grams per portion and price",
)
def add_item(request: HttpRequest, menu_id: int, payload: MenuItemIn) -> IdempotentAnswer:
    def create() -> tuple[int, MenuItemOut]:
        item, created = services.add_item(request.user, menu_id, **payload.model_dump())
        return (201 if created else 200), MenuItemOut.of(item)

    return idempotent(request, payload, create)


@router.post("/menus/menus/{menu_id}/publish", response={200: MenuOut, **ERRORS}, summary="Publish the menu")
def publish_menu(request: HttpRequest, menu_id: int) -> MenuOut:
    services.publish_menu(request.user, menu_id)
    return MenuOut.of(_menu(request, menu_id))
