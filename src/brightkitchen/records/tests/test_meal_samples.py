"""The meal's sample page (今日留样 · 午餐): one row per dish of the day's menu plus empty rows, each with its
own submission key; a submit saves every filled row, refuses a bad one on its field and keeps the
others; a resubmit creates nothing twice."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.menus.models import MenuItem, WeeklyMenu
from brightkitchen.records.models import SampleRetention
from brightkitchen.records.tests.factories import photo, records
from brightkitchen.schools.models import CanteenMonth

pytestmark = pytest.mark.django_db

DISHES = ["红烧肉", "番茄炒蛋", "清炒时蔬"]


def _url(world: World, meal: str = "lunch", day: datetime.date | None = None) -> str:
    url = f"/records/canteens/{world.canteens['a'].pk}/samples/{meal}/"
    return url + (f"?date={day.isoformat()}" if day else "")


def _menu(world: World, dishes: list[str], meal: str = "lunch") -> None:
    day = timezone.localdate()
    menu = WeeklyMenu.objects.create(
        canteen=world.canteens["a"], week_start=day - datetime.timedelta(days=day.weekday())
    )
    MenuItem.objects.bulk_create(
        [
            MenuItem(menu=menu, day=day, meal=meal, dish=dish, quantity_g=150, price=Decimal("3.50"))
            for dish in dishes
        ]
    )


def _rows(html: str) -> dict[str, str]:
    """Dish (of a menu row) or prefix (of an empty row) → the row's prefix, read off the page."""
    found = {}
    for prefix, dish in re.findall(r'name="(r\d+)-dish" value="([^"]*)"', html):
        found[dish] = prefix
    for prefix in re.findall(r'name="(r\d+)-dish"', html):
        if prefix not in found.values():
            found[prefix] = prefix
    return found


def _page_post(html: str, rows: dict[str, dict[str, Any]], **shared: str) -> dict[str, Any]:
    """The page's form as a phone would send it: every hidden field as rendered, `rows` filled in by
    prefix (the others left empty)."""
    data: dict[str, Any] = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    now = timezone.localtime()
    data.update({"stored_at": now.strftime("%Y-%m-%dT%H:%M"), "sampled_by": "王师傅", **shared})
    for prefix in re.findall(r'name="(r\d+)-dish"', html):
        data.setdefault(f"{prefix}-dish", "")
        data[f"{prefix}-weight_g"] = ""
    for prefix, values in rows.items():
        data.update({f"{prefix}-{name}": value for name, value in values.items()})
    return data


def test_the_page_lists_the_menus_dishes_with_camera_rows_and_keys(world: World, in_term: object) -> None:
    _menu(world, DISHES)
    response = world.client("staff_a").get(_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    rows = _rows(html)
    assert all(dish in rows for dish in DISHES)
    assert len(rows) == len(DISHES) + 3  # three empty rows for dishes not on the menu
    assert html.count('accept="image/*"') == len(rows) and html.count('capture="environment"') == len(rows)
    keys = re.findall(r'name="r\d+-key" value="([0-9a-f-]{36})"', html)
    assert len(set(keys)) == len(rows)  # one key per row
    assert 'min="125"' in html


def test_three_dishes_make_three_samples_and_the_meal_counts_done(world: World, in_term: object) -> None:
    _menu(world, DISHES)
    client = world.client("staff_a")
    html = client.get(_url(world)).content.decode()
    rows = _rows(html)
    data = _page_post(
        html,
        {rows[dish]: {"weight_g": str(125 + i), "photo": photo()} for i, dish in enumerate(DISHES)},
    )
    response = client.post(_url(world), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    samples = {s.dish: s for s in SampleRetention.objects.all()}
    assert sorted(samples) == sorted(DISHES)
    assert [samples[d].weight_g for d in DISHES] == [125, 126, 127]
    assert all(s.photo and s.photo_thumbnail and s.meal == "lunch" for s in samples.values())
    assert all(s.sampled_by == "王师傅" and s.recorded_by == world.users["staff_a"] for s in samples.values())
    day = timezone.localdate()
    month = CanteenMonth.objects.get(canteen=world.canteens["a"], month=day.replace(day=1))
    assert month.sampled_lunch & (1 << (day.day - 1))
    assert not month.sampled_dinner & (1 << (day.day - 1))

    # the same submit again (a double tap, a resend over poor Wi-Fi) creates nothing more
    for values in data.values():
        if hasattr(values, "seek"):
            values.seek(0)
    again = {k: (photo() if k.endswith("-photo") else v) for k, v in data.items()}
    assert client.post(_url(world), again).status_code == 302
    assert SampleRetention.objects.count() == 3

    # the page now shows them done, with their time
    page = client.get(_url(world)).content.decode()
    assert page.count('data-testid="sampled"') == 3
    assert timezone.localtime(samples[DISHES[0]].stored_at).strftime("%H:%M") in page
    assert all(dish not in _rows(page) for dish in DISHES)


def test_an_extra_dish_not_on_the_menu(world: World, in_term: object) -> None:
    client = world.client("manager_a")
    html = client.get(_url(world, "dinner")).content.decode()
    (first, *_rest) = _rows(html).values()
    data = _page_post(html, {first: {"dish": "加餐水果", "weight_g": "130", "photo": photo()}})
    assert client.post(_url(world, "dinner"), data).status_code == 302
    sample = SampleRetention.objects.get()
    assert (sample.dish, sample.meal, sample.weight_g) == ("加餐水果", "dinner", 130)
    assert "加餐水果" in client.get(_url(world, "dinner")).content.decode()


def test_a_light_row_is_refused_on_its_field_and_the_others_are_kept(world: World, in_term: object) -> None:
    _menu(world, DISHES)
    client = world.client("staff_a")
    html = client.get(_url(world)).content.decode()
    rows = _rows(html)
    light = rows[DISHES[1]]
    data = _page_post(
        html,
        {
            rows[DISHES[0]]: {"weight_g": "150", "photo": photo()},
            light: {"weight_g": "124", "photo": photo()},
            rows[DISHES[2]]: {"weight_g": "200"},  # no photo
        },
    )
    response = client.post(_url(world), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{light}-weight_g-error"' in page  # the error is on that row's weight
    assert f'id="id_{rows[DISHES[2]]}-photo-error"' in page  # and the missing photo on its row
    assert f'id="id_{rows[DISHES[0]]}-weight_g-error"' not in page
    assert list(SampleRetention.objects.values_list("dish", flat=True)) == [DISHES[0]]  # the valid row kept
    # the refused rows keep their input and their key, so fixing them and sending again saves them
    assert f'name="{light}-weight_g" value="124"' in page
    assert f'name="{light}-key" value="{data[light + "-key"]}"' in page
    assert f'name="{rows[DISHES[2]]}-weight_g" value="200"' in page
    assert 'data-testid="sampled"' in page  # the saved one shows done
    fixed = _page_post(
        page,
        {
            light: {"weight_g": "130", "photo": photo()},
            rows[DISHES[2]]: {"weight_g": "200", "photo": photo()},
        },
    )
    assert client.post(_url(world), fixed).status_code == 302
    assert SampleRetention.objects.count() == 3


def test_a_bad_file_and_a_shared_error_keep_every_row(world: World, in_term: object) -> None:
    _menu(world, DISHES[:2])
    client = world.client("staff_a")
    html = client.get(_url(world)).content.decode()
    rows = _rows(html)
    bad = _page_post(html, {rows[DISHES[0]]: {"weight_g": "150", "photo": photo("x.jpg", b"not an image")}})
    response = client.post(_url(world), bad)
    assert response.status_code == 400
    assert f'id="id_{rows[DISHES[0]]}-photo-error"' in response.content.decode()
    late = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    future = _page_post(
        html,
        {rows[d]: {"weight_g": "150", "photo": photo()} for d in DISHES[:2]},
        stored_at=late,
    )
    page = client.post(_url(world), future).content.decode()
    assert 'id="id_stored_at-error"' in page
    assert all(f'name="{rows[d]}-weight_g" value="150"' in page for d in DISHES[:2])
    assert not SampleRetention.objects.exists()


def test_done_dishes_show_with_their_late_entry_mark(world: World, in_term: object) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    stored = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(11, 40)))
    SampleRetention.objects.create(
        canteen=world.canteens["a"],
        date=yesterday,
        meal="lunch",
        dish="昨日补录菜",
        weight_g=150,
        stored_at=stored,
        sampled_by="王师傅",
        photo="records/samples/x.jpg",
    )
    page = world.client("staff_a").get(_url(world, day=yesterday)).content.decode()
    assert "昨日补录菜" in page and "11:40" in page and 'data-testid="late-entry"' in page


def test_the_day_page_links_each_served_meal(world: World, in_term: object) -> None:
    page = world.client("staff_a").get(f"/records/canteens/{world.canteens['a'].pk}/samples/")
    html = page.content.decode()
    if 'data-meal="lunch"' in html and "not a service meal" not in html:
        assert f"/records/canteens/{world.canteens['a'].pk}/samples/lunch/" in html


def test_other_roles_may_not_post(world: World) -> None:
    records(world)
    html = world.client("manager_a").get(_url(world, "dinner")).content.decode()
    prefix = next(iter(_rows(html).values()))
    data = _page_post(html, {prefix: {"dish": "不该保存", "weight_g": "150", "photo": photo()}})
    before = SampleRetention.objects.count()
    assert world.client("regulator_a").post(_url(world, "dinner"), data).status_code == 403
    assert world.client("manager_b").post(_url(world, "dinner"), data).status_code == 404
    assert world.client("supplier_a").post(_url(world, "dinner"), data).status_code in (403, 404)
    assert SampleRetention.objects.count() == before
    assert world.client("regulator_a").get(_url(world)).status_code == 200  # may look
    assert world.client("manager_a").get(_url(world, "supper")).status_code == 404


@pytest.mark.parametrize("dishes", [2, 12])
def test_the_page_costs_the_same_queries_for_few_and_many_dishes(
    world: World, in_term: object, django_assert_max_num_queries: Any, dishes: int
) -> None:
    names = [f"菜{i}" for i in range(dishes)]
    _menu(world, names)
    for name in names[: dishes // 2]:
        SampleRetention.objects.create(
            canteen=world.canteens["a"],
            date=timezone.localdate(),
            meal="lunch",
            dish=name,
            weight_g=150,
            stored_at=timezone.now(),
            sampled_by="王师傅",
            photo="records/samples/x.jpg",
            submission_key=uuid.uuid4(),
        )
    client = world.client("staff_a")
    client.get(_url(world))  # sessions and caches warm
    with django_assert_max_num_queries(15):
        response = client.get(_url(world))
    assert response.status_code == 200
