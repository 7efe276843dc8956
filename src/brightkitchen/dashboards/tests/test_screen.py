"""The large screen (大屏): the map of the child regions (one SVG path, or a listed entry marked "no
boundary data", per child region, linked to drill down), the indicator it is coloured by, the live strip
(public cameras with a problem now, the latest closed rectifications) and a bounded number of queries.
The real browser at 1920×1080 is in test_browser_screen.py."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.cameras.models import Camera, CameraHealthEvent
from brightkitchen.cameras.tests.factories import NAME, cameras
from brightkitchen.conftest import CITY, COUNTY_A, PROVINCE, World
from brightkitchen.rectifications import services as rectifications
from brightkitchen.regions.models import Region

pytestmark = pytest.mark.django_db

MAP_ENTRY = re.compile(r'data-testid="(map-region|map-missing)" data-region="(\d+)"')


def _entries(page: str) -> dict[str, str]:
    return {code: kind for kind, code in MAP_ENTRY.findall(page)}


@pytest.mark.parametrize(
    ("who", "region", "children"),
    [("operator", "", None), ("province_regulator", "", PROVINCE), ("city_regulator", CITY, CITY)],
)
def test_the_map_shows_every_child_region_once(
    world: World, who: str, region: str, children: str | None
) -> None:
    response = world.client(who).get("/dashboards/screen/", {"region": region} if region else {})
    assert response.status_code == 200
    page = response.content.decode()
    expected = Region.objects.filter(parent_id=children) if children else Region.objects.filter(parent=None)
    codes = set(expected.values_list("code", flat=True))
    entries = _entries(page)
    assert set(entries) == codes  # every child region, each once (a path or a listed entry)
    assert len(MAP_ENTRY.findall(page)) == len(codes)
    paths = re.findall(r'<path class="map-region [\w-]+" data-region="(\d+)" d="M[^"]+Z">', page)
    assert len(paths) == sum(kind == "map-region" for kind in entries.values())
    if children in (PROVINCE, CITY):
        assert all(kind == "map-region" for kind in entries.values())  # Shanxi's cities, Jinzhong's counties
    else:
        assert len(paths) == 31  # every province; 香港, 澳门, 台湾 drawn as context, not linked
        assert page.count('class="map-other"') == 3
    # Each region links to itself on the big screen, keeping the period and the indicator.
    period = response.context["board"].period.key
    indicator = response.context["indicator_key"]
    for code in codes:
        link = f'href="?region={code}&amp;period={period}&amp;indicator={indicator}"'
        assert link in page, code
    assert "<script>" not in page  # the site's CSP: no inline script (the JSON data is not executed)


def test_a_region_without_a_shape_is_listed_beside_the_map(world: World, monkeypatch: Any) -> None:
    from brightkitchen.regions import maps

    real = maps.children_shapes
    monkeypatch.setattr(
        maps,
        "children_shapes",
        lambda code, name="": tuple(s for s in real(code, name) if s.code != "140702"),
    )
    page = world.client("city_regulator").get("/dashboards/screen/").content.decode()
    entries = _entries(page)
    assert entries[COUNTY_A] == "map-missing" and len(entries) == 11
    missing = re.search(r'data-testid="map-missing" data-region="140702">.*?</li>', page, re.S)
    assert missing is not None and "榆次区" in missing.group(0)
    # "No boundary data" (无边界数据 once the zh-hans catalogue has it).
    assert any(text in missing.group(0) for text in ("无边界数据", "No boundary data"))


def test_the_map_is_coloured_by_the_chosen_indicator(world: World) -> None:
    client = world.client("city_regulator")
    first = client.get("/dashboards/screen/")
    rates = [i for i in first.context["board"].indicators if not i.is_count]
    assert first.context["indicator_key"] == rates[0].key
    chosen = rates[-1]
    second = client.get("/dashboards/screen/", {"indicator": chosen.key})
    assert second.context["region_map"].indicator == chosen
    page = second.content.decode()
    assert f'<option value="{chosen.key}" selected>' in page
    assert f'data-indicator="{chosen.key}"' in page
    unknown = client.get("/dashboards/screen/", {"indicator": "no-such"})
    assert unknown.status_code == 200 and unknown.context["indicator_key"] == rates[0].key


def test_below_a_county_there_is_no_map(world: World) -> None:
    page = world.client("regulator_a").get("/dashboards/screen/").content.decode()
    assert 'data-testid="map-region"' not in page and 'class="region-map"' not in page


def test_the_live_strip(world: World) -> None:
    made = cameras(world)  # one offline camera per county, not public
    Camera.objects.filter(pk=made["a"].pk).update(is_public=True)
    Camera.objects.filter(pk=made["b"].pk).update(is_public=True, public_from="00:00", public_until="00:01")
    CameraHealthEvent.objects.filter(camera=made["a"]).update(started_at=timezone.now())
    notice, _ = rectifications.issue_notice(
        world.users["regulator_a"],
        world.canteens["a"].pk,
        problem="甲县：冰箱生熟混放",
        source_kind="patrol",
        working_days=10,
    )
    rectifications.respond(world.users["manager_a"], notice.pk, response="已整改")
    rectifications.review(world.users["regulator_a"], notice.pk, decision="close", comment="到位")
    page = world.client("city_regulator").get("/dashboards/screen/").content.decode()
    strip = re.search(r'<footer class="screen-strip".*?</footer>', page, re.S)
    assert strip is not None
    text = html.unescape(strip.group(0))
    assert NAME["a"] in text and "离线" in text  # public now, with its problem by name
    assert NAME["b"] not in text  # its public hour is over (unless the test runs at 00:00)
    assert world.canteens["a"].name in text and "冰箱生熟混放" in text
    assert re.search(r'data-testid="camera-problems">1<', text)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text)  # times through |date, never ISO
    # Another county's regulator sees nothing of county A.
    other = world.client("regulator_b").get("/dashboards/screen/").content.decode()
    assert NAME["a"] not in other and "冰箱生熟混放" not in other


@pytest.mark.parametrize(
    ("who", "region"), [("province_regulator", ""), ("city_regulator", CITY), ("operator", "")]
)
def test_the_screen_costs_a_bounded_number_of_queries(
    world: World, who: str, region: str, django_assert_max_num_queries: Any
) -> None:
    client = world.client(who)
    cameras(world)
    client.get("/dashboards/screen/")  # warm the session and the map files
    # About 20, the same for 11 children (a province, a city) and 31 (the country): none per region.
    with django_assert_max_num_queries(25):
        assert client.get("/dashboards/screen/", {"region": region} if region else {}).status_code == 200
