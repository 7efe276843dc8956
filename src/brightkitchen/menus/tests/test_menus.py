"""Weekly menus: Monday weeks, grams and price boundaries, idempotent adds, publishing, the API and the
school file section."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.menus import services
from brightkitchen.menus.models import MenuItem, WeeklyMenu

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())


def _menu(world: World, who: str = "manager_a") -> WeeklyMenu:
    return services.create_menu(world.users[who], world.canteens["a"].pk, week_start=MONDAY)[0]


def _add(world: World, menu: WeeklyMenu, who: str = "manager_a", **kw: Any) -> tuple[MenuItem, bool]:
    data: dict[str, Any] = {
        "day": MONDAY,
        "meal": "lunch",
        "dish": "西红柿炒鸡蛋",
        "quantity_g": 150,
        "price": Decimal("3.50"),
        **kw,
    }
    return services.add_item(world.users[who], menu.pk, **data)


def test_week_starts_on_monday_and_once(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        services.create_menu(
            world.users["manager_a"], world.canteens["a"].pk, week_start=MONDAY + datetime.timedelta(days=1)
        )
    assert exc.value.field == "week_start"
    key = uuid.uuid4()
    first, created = services.create_menu(
        world.users["manager_a"], world.canteens["a"].pk, week_start=MONDAY, submission_key=key
    )
    again, created_again = services.create_menu(
        world.users["manager_a"], world.canteens["a"].pk, week_start=MONDAY, submission_key=key
    )
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(Conflict):
        _menu(world)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("quantity_g", {"quantity_g": 0}),
        ("quantity_g", {"quantity_g": 2001}),
        ("quantity_g", {"quantity_g": True}),
        ("price", {"price": Decimal("-0.01")}),
        ("price", {"price": Decimal("1000.00")}),
        ("price", {"price": Decimal("1.005")}),
        ("price", {"price": "abc"}),
        ("price", {"price": "NaN"}),
        ("day", {"day": MONDAY + datetime.timedelta(days=7)}),
        ("day", {"day": MONDAY - datetime.timedelta(days=1)}),
        ("meal", {"meal": "tea"}),
        ("dish", {"dish": "  "}),
    ],
)
def test_bad_input_names_the_field(world: World, field: str, overrides: dict[str, Any]) -> None:
    menu = _menu(world)
    with pytest.raises(FieldError) as exc:
        _add(world, menu, **overrides)
    assert exc.value.field == field


@pytest.mark.parametrize(
    "overrides",
    [
        {"quantity_g": 1},
        {"quantity_g": 2000},
        {"price": Decimal("0")},
        {"price": Decimal("999.99")},
        {"price": "4.5", "day": MONDAY + datetime.timedelta(days=6)},
    ],
)
def test_boundaries_accepted(world: World, overrides: dict[str, Any]) -> None:
    item, created = _add(world, _menu(world), **overrides)
    assert created and item.price >= 0


def test_idempotent_add_and_duplicate_dish(world: World) -> None:
    menu = _menu(world)
    key = uuid.uuid4()
    first, _ = _add(world, menu, submission_key=key)
    again, created = _add(world, menu, submission_key=key)
    assert again.pk == first.pk and not created
    with pytest.raises(Conflict) as exc:
        _add(world, menu)
    assert exc.value.field == "dish"
    assert MenuItem.objects.count() == 1


def test_rights_and_publish(world: World) -> None:
    menu = _menu(world)
    with pytest.raises(PermissionDenied):
        _add(world, menu, who="regulator_a")
    with pytest.raises(Http404):
        _add(world, menu, who="manager_b")
    with pytest.raises(FieldError) as exc:
        services.publish_menu(world.users["manager_a"], menu.pk)
    assert exc.value.field == "items"
    _add(world, menu)
    published = services.publish_menu(world.users["staff_a"], menu.pk)
    assert published.published and published.published_at is not None
    assert services.publish_menu(world.users["manager_a"], menu.pk).published_at == published.published_at


def test_api_and_school_file(world: World) -> None:
    client = world.client("manager_a")
    created = client.post(
        f"/api/v1/menus/canteens/{world.canteens['a'].pk}/menus",
        {"week_start": MONDAY.isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201
    menu_id = created.json()["id"]
    body = {
        "day": MONDAY.isoformat(),
        "meal": "lunch",
        "dish": "土豆烧牛肉",
        "quantity_g": 180,
        "price": 6.8,
    }
    url = f"/api/v1/menus/menus/{menu_id}/items"
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="m1")
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="m1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert MenuItem.objects.count() == 1
    bad = client.post(url, {**body, "price": "-1"}, content_type="application/json")
    assert bad.status_code == 422 and "price" in bad.json()["detail"][0]["loc"]
    bad = client.post(url, {**body, "quantity_g": 0}, content_type="application/json")
    assert bad.status_code == 422 and "quantity_g" in bad.json()["detail"][0]["loc"]
    school = f"/schools/{world.schools['a'].pk}/"
    assert "土豆烧牛肉" not in world.client("principal_a").get(school).content.decode()
    assert client.post(f"/api/v1/menus/menus/{menu_id}/publish").status_code == 200
    page = world.client("principal_a").get(school)
    assert page.status_code == 200 and "土豆烧牛肉" in page.content.decode()


def test_editor_page_adds_a_dish(world: World) -> None:
    client = world.client("staff_a")
    url = f"/menus/canteens/{world.canteens['a'].pk}/?week={MONDAY.isoformat()}"
    assert client.get(url).status_code == 200
    assert client.get(url.replace(MONDAY.isoformat(), "0001-01-01")).status_code == 200  # falls back to now
    form = {
        "submission_key": str(uuid.uuid4()),
        "day": MONDAY.isoformat(),
        "meal": "lunch",
        "dish": "清炒西兰花",
        "quantity_g": "100",
        "price": "2.00",
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert MenuItem.objects.filter(dish="清炒西兰花").count() == 1
    assert client.post(url, {**form, "submission_key": str(uuid.uuid4()), "price": "-1"}).status_code == 400
