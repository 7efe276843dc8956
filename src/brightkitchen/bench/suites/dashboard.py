"""`brightkitchen bench dashboard`: the province dashboard and a county drill-down of the last full
month as the province regulator, through the real URL stack (the HTML page users load), against a naive
per-canteen loop (`brightkitchen.bench.naive.dashboard_totals`) measured in the same run on the same
data. The baseline's totals must equal the project's (read from the dashboard API): it is also the check
that the grouped queries count what the definitions say.

The province must be seeded first (`brightkitchen seed --scale province`); the records of the last 40
days and a year of supervision (rectifications, alerts, monthly online patrols) are written here when
missing (once; several minutes on PostgreSQL).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.management import call_command
from django.core.management.base import CommandParser, OutputWrapper
from django.db import connection
from django.test import Client

from brightkitchen.accounts.models import User
from brightkitchen.bench import naive
from brightkitchen.bench.registry import BenchError
from brightkitchen.bench.stats import Summary, comparison_table, ratio_line, timed
from brightkitchen.bench.suites.api import province_regulator
from brightkitchen.bench.suites.records import ensure_history, largest_county
from brightkitchen.core.days import today
from brightkitchen.core.scoping import scope_of
from brightkitchen.dashboards.periods import Period, month_period
from brightkitchen.demo import bulk_supervision
from brightkitchen.schools.models import Canteen

TARGET_P95_MS = 500.0
HISTORY_DAYS = 40  # covers the last full month
WARM_UP = 2


@dataclass(frozen=True)
class DashboardQuery:
    label: str
    region: str  # "" = the regulator's whole jurisdiction
    period: Period

    def params(self) -> str:
        params = {"period": self.period.key}
        if self.region:
            params["region"] = self.region
        return urlencode(params)


class DashboardBenchmark:
    name = "dashboard"
    help = (
        "The province dashboard and a county drill-down of the last full month (the current one when the "
        "records written do not reach back to its start), as the province "
        "regulator gd_province, against a naive per-canteen loop (needs `brightkitchen seed --scale "
        "province`; writes 40 days of records and a year of supervision first when missing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=100, help="requests per dashboard (project)")
        parser.add_argument(
            "--baseline-requests", type=int, default=3, help="runs of the naive loop for the county"
        )
        parser.add_argument(
            "--province-baseline-requests",
            type=int,
            default=1,
            help="runs of the naive loop for the province, minutes each on 26,700 canteens (default 1)",
        )
        parser.add_argument(
            "--history-days",
            type=int,
            default=HISTORY_DAYS,
            help="days of records to write when the canteens have none (default 40)",
        )
        parser.add_argument("--county", default="", help="county code (default: the largest county)")

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        user = province_regulator()
        prefix = scope_of(user).region_prefix or ""
        ensure_history(out, prefix, max(1, options["history_days"]))
        if not bulk_supervision.has_year(prefix):
            out.write(f"writing a year of supervision for {prefix} (once) …")
            written = bulk_supervision.write_year(user, prefix)
            out.write(f"wrote {written.total_rows} rows in {written.seconds:.0f} s ({written.rows})")
        period = measured_month(today(), max(1, options["history_days"]))
        county = options["county"] or largest_county(user)
        queries = [
            (DashboardQuery("province", "", period), options["province_baseline_requests"]),
            (DashboardQuery(f"county {county}", county, period), options["baseline_requests"]),
        ]
        canteens = Canteen.objects.visible_to(user)
        out.write(
            f"bench dashboard: database {connection.vendor} ({connection.display_name}), "
            f"{canteens.count()} canteens in the jurisdiction of {user.username} (region {prefix}), "
            f"{canteens.filter(school__organisation__region__code__startswith=county).count()} "
            f"in county {county}; period {period.key}"
        )
        # The pages are measured as served: their static files are gathered first, as `serve` does.
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client()
        client.force_login(user)
        n = max(1, options["requests"])
        results = [_compare(out, client, user, query, n, max(0, n_base)) for query, n_base in queries]
        summaries = [s for project, baseline in results for s in (project, baseline) if s is not None]
        out.write(comparison_table(summaries))
        for project, baseline in results:
            if baseline is not None:
                out.write(ratio_line(project, baseline))
        province = results[0][0]
        verdict = "met" if province.p95_ms < TARGET_P95_MS else "MISSED"
        note = "" if connection.vendor == "postgresql" else " (the target is set for PostgreSQL)"
        out.write(
            f"target province dashboard p95 < {TARGET_P95_MS:.0f} ms: {verdict}, "
            f"p95 {province.p95_ms:.1f} ms{note}"
        )


def measured_month(day: datetime.date, history_days: int) -> Period:
    """The last full month when the records written reach back to its first day; else the current month
    (a short history, as the tests write: the month before has no tallies, so no figure to compare)."""
    last = day.replace(day=1) - datetime.timedelta(days=1)
    if day - datetime.timedelta(days=history_days - 1) <= last.replace(day=1):
        return month_period(last.year, last.month)
    return month_period(day.year, day.month)


def _totals(client: Client, query: DashboardQuery) -> dict[str, tuple[int, int]]:
    url = f"/api/v1/dashboards/summary?{query.params()}"
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    body = json.loads(response.content)
    return {key: (f["done"], f["expected"]) for key, f in body["totals"].items()}


def _compare(
    out: OutputWrapper, client: Client, user: User, query: DashboardQuery, n: int, n_base: int
) -> tuple[Summary, Summary | None]:
    url = f"/dashboards/?{query.params()}"

    def page() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
        return len(response.content)

    for _ in range(WARM_UP):
        page()
    times = [timed(page)[0] for _ in range(n)]
    answer = _totals(client, query)
    baseline_times = []
    for _ in range(n_base):
        seconds, expected = timed(
            lambda: naive.dashboard_totals(user, query.region, query.period.start, query.period.end)
        )
        baseline_times.append(seconds)
        mine = {key: answer.get(key, (0, 0)) for key in expected}
        if _nonzero(mine) != _nonzero(expected):
            diff = {
                k: (mine.get(k), expected.get(k))
                for k in mine.keys() | expected.keys()
                if mine.get(k) != expected.get(k)
            }
            raise BenchError(f"{query.label}: the baseline's totals differ from the project's: {diff}")
    head = ("canteens", "patrol_problems", "notices_issued", "canteens_rectified", "rectification_rate")
    out.write(f"{query.label}: " + ", ".join(f"{key} {answer.get(key)}" for key in head))
    if baseline_times:
        out.write(f"{query.label}: baseline totals identical to the project's on every run")
    project = Summary.of(query.label, "project", times)
    return project, Summary.of(query.label, "baseline", baseline_times) if baseline_times else None


def _nonzero(totals: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {key: pair for key, pair in totals.items() if pair != (0, 0)}


BENCHMARK = DashboardBenchmark()
