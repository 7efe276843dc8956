"""`brightkitchen bench records`: the completeness metrics (留样完成率, 晨检完成率, …) of the last 30 days
for the whole province and for one county, through the real URL stack, against a naive per-canteen
loop over the records (`brightkitchen.bench.naive.completeness_totals`) measured in the same run on the
same data. The baseline's totals must equal the project's: it is also the check that the tallies the
project reads agree with the records.

The province must be seeded first (`brightkitchen seed --scale province`); the records history is
written here when the canteens have none yet (90 days, once; a few minutes on PostgreSQL).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.management.base import CommandParser, OutputWrapper
from django.db import connection
from django.test import Client

from brightkitchen.accounts.models import User
from brightkitchen.bench import naive
from brightkitchen.bench.registry import BenchError
from brightkitchen.bench.stats import Summary, comparison_table, ratio_line, timed
from brightkitchen.bench.suites.api import province_regulator
from brightkitchen.core.days import today
from brightkitchen.core.scoping import scope_of
from brightkitchen.demo import bulk_records
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen, School

TARGET_PROVINCE_MS = 1000.0
PERIOD_DAYS = 30
WARM_UP = 2


@dataclass(frozen=True)
class MetricsQuery:
    label: str
    region: str  # "" = the regulator's whole jurisdiction
    start: datetime.date
    end: datetime.date

    @property
    def url(self) -> str:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.region:
            params["region"] = self.region
        return f"/api/v1/metrics/completeness?{urlencode(params)}"


class RecordsBenchmark:
    name = "records"
    help = (
        "Completeness metrics of the last 30 days for the province and one county, as the province "
        "regulator gd_province, against a naive per-canteen loop (needs `brightkitchen seed --scale "
        "province`; writes 90 days of records first when there are none)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="requests per scope (project)")
        parser.add_argument(
            "--baseline-requests",
            type=int,
            default=3,
            help="runs of the naive loop for the county (default 3)",
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
            default=bulk_records.HISTORY_DAYS,
            help="days of records to write when the canteens have none (default 90)",
        )
        parser.add_argument("--county", default="", help="county code (default: the largest county)")

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        user = province_regulator()
        prefix = scope_of(user).region_prefix or ""
        ensure_history(out, prefix, max(1, options["history_days"]))
        end = today()
        start = end - datetime.timedelta(days=PERIOD_DAYS - 1)
        county = options["county"] or largest_county(user)
        queries = [
            (MetricsQuery("province", "", start, end), max(1, options["province_baseline_requests"])),
            (MetricsQuery(f"county {county}", county, start, end), max(1, options["baseline_requests"])),
        ]
        n = max(1, options["requests"])
        canteens = Canteen.objects.visible_to(user)
        out.write(
            f"bench records: database {connection.vendor} ({connection.display_name}), "
            f"{canteens.count()} canteens in the jurisdiction of {user.username} (region {prefix}), "
            f"{canteens.filter(school__organisation__region__code__startswith=county).count()} "
            f"in county {county}; period {start} – {end}"
        )
        client = Client()
        client.force_login(user)
        results = [_compare(out, client, user, query, n, n_base) for query, n_base in queries]
        out.write(comparison_table([s for pair in results for s in pair]))
        for project, baseline in results:
            out.write(ratio_line(project, baseline))
        out.write("baseline totals checked: identical to the project's for every metric, on every run")
        province = results[0][0]
        verdict = "met" if province.p95_ms < TARGET_PROVINCE_MS else "MISSED"
        scope_note = "" if connection.vendor == "postgresql" else " (the target is set for PostgreSQL)"
        out.write(
            f"target province summary p95 < {TARGET_PROVINCE_MS:.0f} ms: {verdict}, "
            f"p95 {province.p95_ms:.1f} ms{scope_note}"
        )


def ensure_history(out: OutputWrapper, prefix: str, days: int) -> None:
    if not bulk_records.canteens_without_history(prefix).exists():
        return
    out.write(f"writing {days} days of records for the canteens of {prefix} without any (once) …")
    result = bulk_records.write_history(prefix, days=days, progress=False)
    out.write(
        f"wrote {result.total_rows} rows for {result.canteens} canteens in {result.seconds:.0f} s "
        f"({', '.join(f'{name} {count}' for name, count in sorted(result.rows.items()))})"
    )


def largest_county(user: User) -> str:
    counts: dict[str, int] = {}
    for code in School.objects.visible_to(user).values_list("organisation__region_id", flat=True):
        counts[code[:6]] = counts.get(code[:6], 0) + 1
    # Only counties of the region tree: a city without districts (Dongguan) files its schools under
    # town codes whose first six digits name no region.
    counties = set(Region.objects.filter(code__in=counts).values_list("code", flat=True))
    if not counties:
        raise BenchError("No schools in the jurisdiction: run `brightkitchen seed --scale province` first.")
    return max(sorted(counties), key=lambda code: counts[code])


def _compare(
    out: OutputWrapper, client: Client, user: User, query: MetricsQuery, n: int, n_base: int
) -> tuple[Summary, Summary]:
    def project() -> dict[str, tuple[int, int]]:
        response = client.get(query.url)
        if response.status_code != 200:
            raise BenchError(f"GET {query.url} answered {response.status_code}: {response.content[:300]!r}")
        body = json.loads(response.content)
        return {m["key"]: (m["total"]["done"], m["total"]["expected"]) for m in body["metrics"]}

    def baseline() -> dict[str, tuple[int, int]]:
        return naive.completeness_totals(user, query.region, query.start, query.end)

    for _ in range(WARM_UP):
        project()
    project_times = []
    answer: dict[str, tuple[int, int]] = {}
    for _ in range(n):
        seconds, answer = timed(project)
        project_times.append(seconds)
    baseline_times = []
    for _ in range(n_base):
        seconds, expected = timed(baseline)
        baseline_times.append(seconds)
        if _nonzero(expected) != _nonzero(answer):
            raise BenchError(
                f"{query.label}: the baseline's totals {sorted(expected.items())} differ from the "
                f"project's {sorted(answer.items())}"
            )
    figures = ", ".join(f"{key} {done}/{expected}" for key, (done, expected) in sorted(answer.items()))
    out.write(f"{query.label}: {figures}")
    return Summary.of(query.label, "project", project_times), Summary.of(
        query.label, "baseline", baseline_times
    )


def _nonzero(totals: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """A metric with nothing expected and nothing done reads the same whether listed or not."""
    return {key: pair for key, pair in totals.items() if pair != (0, 0)}


BENCHMARK = RecordsBenchmark()
