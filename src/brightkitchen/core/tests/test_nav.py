"""The navigation shows a handful of groups by what a role does, and only pages the user may open:
every link in anyone's navigation answers (never 403 or 404), decided by the same scope rules and role
constants as the routes (core.nav)."""

from __future__ import annotations

import re

import pytest

from brightkitchen.conftest import World
from brightkitchen.core.nav import registered_entries

pytestmark = pytest.mark.django_db

USERS = [
    "operator",
    "province_regulator",
    "city_regulator",
    "regulator_a",
    "edu_a",
    "principal_a",
    "manager_a",
    "staff_a",
    "supplier_a",
    "public",
]


def _nav(html: str) -> tuple[list[str], list[str]]:
    """The top-level entries (groups and single links) and every link's URL."""
    nav = html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    tops = re.findall(r'data-nav-group="([\w-]+)"|class="nav-top" href="[^"]*" data-nav="([\w-]+)"', nav)
    links = re.findall(r'<a (?:class="nav-top" )?href="([^"]+)" data-nav=', nav)
    return [a or b for a, b in tops], links


@pytest.mark.parametrize("who", USERS)
def test_every_link_in_the_navigation_opens(who: str, world: World) -> None:
    client = world.client(who)
    page = client.get("/", follow=True)
    assert page.status_code == 200
    tops, links = _nav(page.content.decode())
    assert links, f"{who} has no navigation"
    assert len(tops) <= 7, f"{who}: {len(tops)} top-level entries: {tops}"
    for url in links:
        if url.startswith("/admin/"):
            continue  # the Django admin: covered by test_admin_is_operator_only
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{who}: {url} answers {response.status_code}"


def test_roles_see_what_they_do(world: World) -> None:
    def keys(who: str) -> set[str]:
        html = world.client(who).get("/", follow=True).content.decode()
        return set(re.findall(r'data-nav="([\w-]+)"', html))

    staff, regulator, public = keys("staff_a"), keys("regulator_a"), keys("public")
    assert {"today", "records", "staff", "alerts"} <= staff
    assert not {"dashboards", "patrols", "dispatch", "audit", "checklists"} & staff
    assert {"dashboards", "patrols", "inspections", "rectifications", "schools"} <= regulator
    assert not {"today", "records", "hygiene"} & regulator  # regulators read records, they do not keep them
    assert not {"dashboards", "records", "schools", "alerts", "cameras"} & public
    assert "staff" not in keys("supplier_a")


def test_every_entry_names_a_route_and_a_group() -> None:
    entries = registered_entries()
    assert len({e.key for e in entries}) == len(entries)
    assert len(entries) >= 15
