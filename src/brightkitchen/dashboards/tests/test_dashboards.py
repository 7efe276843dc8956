"""Dashboards: figures computed from real notices and alerts, drill-down, periods, evaluation ranking,
refusals. Scoping of every route is in scoping_cases.py."""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
from django.utils import timezone

from brightkitchen.cameras.models import Camera, CameraStatus, KeyPoint
from brightkitchen.cameras.tests.factories import cameras
from brightkitchen.conftest import CITY, COUNTY_A, COUNTY_B, World
from brightkitchen.core.errors import FieldError
from brightkitchen.dashboards.periods import month_period, parse_period, year_period
from brightkitchen.dashboards.selectors import dashboard, dashboard_region, evaluation
from brightkitchen.patrols import services as patrols
from brightkitchen.patrols.models import PatrolAssignment
from brightkitchen.records.tests.factories import photo
from brightkitchen.rectifications import services as rectifications
from brightkitchen.rectifications.models import RectificationNotice
from brightkitchen.regions.models import Region
from brightkitchen.schedule.models import MealPlan, Term
from brightkitchen.schools.metrics import Ratio

pytestmark = pytest.mark.django_db


def _issue(w: World, county: str, problem: str) -> RectificationNotice:
    notice, _ = rectifications.issue_notice(
        w.users[f"regulator_{county}"],
        w.canteens[county].pk,
        problem=problem,
        source_kind="patrol",
        working_days=10,
    )
    return notice


def _close(w: World, county: str, notice: RectificationNotice) -> None:
    rectifications.respond(w.users[f"manager_{county}"], notice.pk, response="已整改")
    rectifications.review(w.users[f"regulator_{county}"], notice.pk, decision="close", comment="到位")


def test_periods() -> None:
    today = datetime.date(2026, 12, 2)
    assert parse_period("2026-11", today) == month_period(2026, 11)
    assert parse_period("2026", today) == year_period(2026)
    assert parse_period("", today) == month_period(2026, 12)
    assert month_period(2024, 2).end == datetime.date(2024, 2, 29)
    assert parse_period("2026-12", today).until(today).end == today
    for bad in ("2026-13", "26-11", "abc", "2026/11", "2026-1"):
        with pytest.raises(FieldError) as exc:
            parse_period(bad, today)
        assert exc.value.field == "period" and exc.value.code == "invalid_period"
    with pytest.raises(FieldError) as exc:
        parse_period("2027-01", today)
    assert exc.value.code == "future_period"
    assert month_period(2026, 1).previous() == month_period(2025, 12)
    assert month_period(2025, 12).next() == month_period(2026, 1)
    assert year_period(2025).next() == year_period(2026)


def test_the_month_links_say_month_and_stop_at_the_current_one(world: World) -> None:
    """上个月 and 下个月 (not 上一页); no 下个月 on the current month, where nothing has happened yet."""
    client = world.client("regulator_a")
    current = client.get("/dashboards/").content.decode()
    assert "上个月" in current and 'data-testid="next-period"' not in current
    earlier = client.get("/dashboards/?period=2026-01").content.decode()
    assert 'data-testid="next-period"' in earlier and "period=2026-02" in earlier and "下个月" in earlier
    assert "上一页" not in earlier


def test_city_dashboard_counts_notices_by_county(world: World) -> None:
    closed = _issue(world, "a", "甲县：垃圾桶未加盖")
    _close(world, "a", closed)
    _issue(world, "a", "甲县：生熟混放")
    _issue(world, "b", "乙县：未戴口罩")
    user = world.users["city_regulator"]
    board = dashboard(user, dashboard_region(user, ""), parse_period("", timezone.localdate()))
    assert board.region is not None and board.region.code == "1407"
    assert board.totals["notices_issued"] == Ratio(3, 0)
    assert board.totals["canteens_rectified"] == Ratio(1, 0)
    assert board.totals["rectification_rate"] == Ratio(1, 3)
    assert board.totals["rectified_on_time"] == Ratio(1, 1)
    assert board.totals["canteens"].done == 2
    rows = {row.code: row for row in board.rows}
    assert rows[COUNTY_A].figures["rectification_rate"] == Ratio(1, 2)
    assert rows[COUNTY_B].figures["rectification_rate"] == Ratio(0, 1)
    assert sum(board.risk.values()) == 2
    assert [p.issued for p in board.trend][-1] == 3
    assert [key for key, _ in ((i.key, r) for i, r in board.headline)] == [
        "canteens",
        "patrol_problems",
        "notices_issued",
        "canteens_rectified",
    ]
    ranking = evaluation(board)
    by_code = {row.code: row for row in ranking}
    # A: one of two notices closed, on time → better than B, none of one closed.
    rank_a, rank_b = by_code[COUNTY_A].rank, by_code[COUNTY_B].rank
    assert rank_a is not None and rank_b is not None and rank_a < rank_b
    assert by_code[COUNTY_B].timeliness.rate is None  # nothing closed: left out, not 0 %


def test_overdue_counts_open_notices_past_deadline_at_period_end(world: World) -> None:
    notice = _issue(world, "a", "甲县：超期未整改")
    RectificationNotice.objects.filter(pk=notice.pk).update(
        issued_on=datetime.date(2026, 1, 5), deadline=datetime.date(2026, 1, 19)
    )
    user = world.users["regulator_a"]
    region = dashboard_region(user, "")
    january = dashboard(user, region, month_period(2026, 1))
    assert january.totals["notices_issued"] == Ratio(1, 0)
    assert january.totals["overdue_notices"] == Ratio(1, 0)
    assert january.rows_are_canteens  # a county drills down to its canteens
    (row,) = [r for r in january.rows if r.canteen_id == world.canteens["a"].pk]
    assert row.figures["overdue_notices"].done == 1
    december_2025 = dashboard(user, region, month_period(2025, 12))
    assert december_2025.totals["overdue_notices"] == Ratio(0, 0)


def test_region_outside_the_jurisdiction_is_404_and_school_users_403(world: World) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        dashboard_region(world.users["regulator_a"], COUNTY_B)
    with pytest.raises(Http404):
        dashboard_region(world.users["city_regulator"], "999999")
    with pytest.raises(PermissionDenied):
        dashboard_region(world.users["principal_a"], "")
    assert dashboard_region(world.users["operator"], "") is None
    assert dashboard_region(world.users["province_regulator"], COUNTY_A) == Region.objects.get(code=COUNTY_A)


def test_pages_and_api(world: World) -> None:
    _issue(world, "a", "甲县：垃圾桶未加盖")
    client = world.client("city_regulator")
    page = client.get("/dashboards/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "榆次区" in text and 'data-indicator="notices_issued"' in text
    data = json.loads(
        page.context["chart_data"].__class__.__name__ and json.dumps(page.context["chart_data"])
    )
    assert data["trend"]["issued"][-1] == 1
    assert client.get("/dashboards/screen/").status_code == 200
    assert client.get("/dashboards/evaluation/").status_code == 200
    bad = client.get("/dashboards/?period=2026-13")
    assert bad.status_code == 400 and 'data-field="period"' in bad.content.decode()
    api = client.get("/api/v1/dashboards/summary", {"region": COUNTY_A})
    assert api.status_code == 200
    body = api.json()
    assert body["rows_are_canteens"] and body["totals"]["notices_issued"]["done"] == 1
    wrong = client.get("/api/v1/dashboards/summary", {"period": "soon"})
    assert wrong.status_code == 400
    assert wrong.json()["detail"][0]["loc"][-1] == "period"
    evaluation_api = client.get("/api/v1/dashboards/evaluation").json()
    # Jinzhong's 11 counties all listed: the scored ones ranked 1, 2, …; those without data after them,
    # unranked (not 2-10 with a dash).
    ranks = [row["rank"] for row in evaluation_api]
    scored = [r for r in ranks if r is not None]
    assert len(ranks) == 11 and scored == list(range(1, len(scored) + 1))
    assert ranks[len(scored) :] == [None] * (11 - len(scored)) and len(scored) < 11
    assert all(row["score"] is None for row in evaluation_api[len(scored) :])
    assert evaluation_api[0]["code"] == COUNTY_A  # the only one with a notice (records rates aside)
    screen = client.get("/dashboards/screen/?region=1407").content.decode()
    for row in evaluation_api:
        assert f'data-region="{row["code"]}"' in screen  # every child region, none cut off
    assert screen.count('data-testid="no-data"') == 11 - len(scored) and "无数据" in screen
    assert world.client("principal_a").get("/dashboards/").status_code == 403
    assert world.client("principal_a").get("/api/v1/dashboards/summary").status_code == 403


def test_the_trail_links_only_inside_the_jurisdiction(world: World) -> None:
    """Above a county regulator's county, the province and the city are names, not links that 404; every
    link of the trail opens (on the dashboard and in the region browser)."""
    client = world.client("regulator_a")
    for page in ("/dashboards/", f"/regions/{COUNTY_A}/"):
        text = client.get(page, follow=True).content.decode()
        found = re.search(r'<nav class="(?:breadcrumbs|crumbs)".*?</nav>', text, re.S)
        assert found is not None, page
        nav = found.group(0)
        assert nav.count('data-testid="trail-text"') == 2, (page, nav)  # 山西省, 晋中市
        for link in re.findall(r'href="([^"]+)"', nav):
            assert client.get(html.unescape(link), follow=True).status_code == 200, (page, link)
    city = world.client("city_regulator").get(f"/dashboards/?region={COUNTY_A}").content.decode()
    assert city.count('data-testid="trail-text"') == 1 and f"?region={CITY}" in city


def _figure_world(w: World) -> None:
    """Notices issued, closed on time, overdue, escalated and on a complaint, and alerts open for a day
    and for a week, in both counties, and the city's patrol plan with one canteen patrolled (two problems
    found), so that every linked figure has something to count."""
    from brightkitchen.alerts.models import Alert

    now = timezone.now()
    today = timezone.localdate()
    for county, extra in (("a", 2), ("b", 1)):
        for i in range(extra + 1):
            _issue(w, county, f"问题{i}")
        _close(w, county, _issue(w, county, "已整改的问题"))
        overdue = _issue(w, county, "逾期未整改")
        RectificationNotice.objects.filter(pk=overdue.pk).update(
            deadline=today - datetime.timedelta(days=2), escalated_at=now
        )
        complaint, _ = rectifications.issue_notice(
            w.users[f"regulator_{county}"],
            w.canteens[county].pk,
            problem="家长投诉",
            source_kind="complaint",
            working_days=10,
        )
        for days, severity in ((0, "warning"), (7, "critical")):
            opened = now - datetime.timedelta(days=days)
            Alert.objects.create(
                kind="test",
                canteen=w.canteens[county],
                subject_key=f"{county}-{days}",
                severity=severity,
                message="测试预警",
                opened_at=opened,
                last_seen_at=opened,
            )
    city = w.users["city_regulator"]
    plan, _ = patrols.create_plan(city, period=today, quota=2)
    patrols.draw(city, plan.pk)
    patrolled = PatrolAssignment.objects.get(plan=plan, canteen=w.canteens["a"])
    problems = [
        patrols.FindingInput("no_mask_cap", "", photo("a.jpg")),
        patrols.FindingInput("pests", "", photo("b.jpg"), open_notice=False),
    ]
    patrols.submit_patrol(w.users["regulator_a"], patrolled.pk, findings=problems)
    # A term with lunch on weekdays in both canteens: records are due.
    Term.objects.create(
        region_id="14",
        name="本学期",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=60),
    )
    for county in ("a", "b"):
        MealPlan.objects.create(canteen=w.canteens[county], lunch=True, weekdays="1234567")
    # Cameras: county A's offline one and, per county, one online and diagnosed, one not in use.
    cameras(w)
    for county in ("a", "b"):
        for name, enabled in (("在用", True), ("停用", False)):
            Camera.objects.create(
                canteen=w.canteens[county],
                name=f"{county}{name}",
                key_point=KeyPoint.STOREROOM,
                enabled=enabled,
                status=CameraStatus.ONLINE,
                clarity_ok=enabled,
            )


def _listed(client: object, url: str, attribute: str) -> int:
    page = client.get(url).content.decode()  # type: ignore[attr-defined]
    found = re.search(rf'{attribute}="(\d+)"', page)
    assert found, (url, attribute)
    return int(found.group(1))


@pytest.mark.parametrize("who", ["province_regulator", "city_regulator", "regulator_a", "edu_b"])
def test_every_linked_figure_equals_the_count_of_its_list(world: World, who: str) -> None:
    """For each role's dashboard, every figure that links to a list (the total and each child region's):
    the list, opened as that user, has as many rows as the figure counts (a rate: as its denominator;
    canteens rectified: as many canteens)."""
    _figure_world(world)
    user = world.users[who]
    today = timezone.localdate()
    board = dashboard(user, dashboard_region(user, ""), month_period(today.year, today.month))
    client = world.client(who)
    page = client.get("/dashboards/").content.decode()
    checked = drilled = 0
    for indicator in board.indicators:
        links = board.figure_links.get(indicator.key)
        if not links:
            continue
        figures = {"": board.totals[indicator.key]} | {
            row.code: row.figures[indicator.key] for row in board.rows if not board.rows_are_canteens
        }
        if indicator.drills_down:  # a child region's figure: the total of its own dashboard
            for code, url in links.items():
                assert html.escape(url) in page, (indicator.key, code)
                cell = re.search(
                    rf'data-total="{re.escape(indicator.key)}" data-done="(\d+)" data-expected="(\d+)"',
                    client.get(url).content.decode(),
                )
                assert cell, (indicator.key, url)
                ratio = figures[code]
                assert (int(cell[1]), int(cell[2])) == (ratio.done, ratio.expected), (
                    who,
                    indicator.key,
                    code,
                )
                drilled += 1
            continue
        for code, ratio in figures.items():
            url = links[code]
            assert html.escape(url) in page, (indicator.key, code)  # the page links the figure there
            attribute = (
                "data-canteens"
                if indicator.key in {"canteens", "canteens_rectified", "camera_coverage"}
                else "data-count"
            )
            expected = ratio.done if indicator.is_count else ratio.expected
            assert _listed(client, url, attribute) == expected, (who, indicator.key, code, url)
            checked += 1
    assert checked >= 10  # every linked indicator, at least its total
    assert drilled >= (0 if board.rows_are_canteens else 5)  # each completeness rate of each child region
    # The big screen links its headline figures to the same lists.
    screen = client.get("/dashboards/screen/").content.decode()
    for indicator, _ratio in board.headline:
        if indicator.key in board.figure_links:
            assert html.escape(board.figure_links[indicator.key][""]) in screen, indicator.key
    # Something was counted: the check is not comparing zeros with zeros.
    assert board.totals["notices_issued"].done > 0 and board.totals["open_alerts"].done > 0
    assert any(board.totals[i.key].expected for i in board.indicators if i.drills_down)  # records are due
    assert board.totals["camera_clarity"].expected > 0 and board.totals["camera_online_rate"].expected > 1
    assert board.totals["patrol_completion"].expected > 0  # a canteen of each county drawn
    assert board.totals["patrol_problems"].done == (0 if who == "edu_b" else 2)  # county A's patrol
