"""`brightkitchen bench api`: the canteen list and the region summary of a province regulator over a
Guangdong-sized jurisdiction, through the real URL stack (middleware, session, API, JSON), against
the naive baselines of `brightkitchen.bench.naive` measured in the same run on the same data; then the
writes (`brightkitchen.bench.writes`): a rectification notice issued, answered and reviewed on a platform
of 10 canteens and of 1,000.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.management.base import CommandParser, OutputWrapper
from django.db import connection
from django.test import Client

from brightkitchen.accounts.models import User
from brightkitchen.bench import naive, writes
from brightkitchen.bench.registry import BenchError
from brightkitchen.bench.stats import Summary, comparison_table, ratio_line, timed
from brightkitchen.core.scoping import scope_of
from brightkitchen.schools.models import Canteen, RiskGrade, School

REGULATOR = "gd_province"
PAGE_SIZE = 50
TARGET_P95_MS = 150.0
WARM_UP = 3
_RISK_GRADES = [g.value for g in RiskGrade]


@dataclass(frozen=True)
class PageQuery:
    risk_grade: str
    region: str
    offset: int

    @property
    def url(self) -> str:
        params = {"limit": PAGE_SIZE, "offset": self.offset, "risk_grade": self.risk_grade}
        if self.region:
            params["region"] = self.region
        return f"/api/v1/canteens?{urlencode(params)}"

    def naive(self, user: User) -> Any:
        return naive.canteen_page(
            user, risk_grade=self.risk_grade, region=self.region, limit=PAGE_SIZE, offset=self.offset
        )


@dataclass(frozen=True)
class SummaryQuery:
    region: str  # "" = the regulator's own region, as the dashboard asks first

    @property
    def url(self) -> str:
        return "/api/v1/regions/summary" + (f"?region={self.region}" if self.region else "")

    def naive(self, user: User) -> Any:
        return naive.region_summary(user, self.region or scope_of(user).region_prefix or "")


Query = PageQuery | SummaryQuery


class ApiBenchmark:
    name = "api"
    help = (
        "Scoped canteen list and per-region summary for the province regulator gd_province, "
        "against naive baselines (needs `brightkitchen seed --scale province`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=200, help="requests per endpoint (project)")
        parser.add_argument(
            "--baseline-requests",
            type=int,
            default=30,
            help="requests per endpoint for the baseline, which is slow (default 30)",
        )
        parser.add_argument("--seed", type=int, default=7, help="seed of the random query mix")
        parser.add_argument(
            "--write-rounds",
            type=int,
            default=10,
            help="rounds of issue, answer and review of a notice at each platform size (0: none)",
        )
        parser.add_argument(
            "--writes-only", action="store_true", help="only the writes (they need no seeded data)"
        )

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        if not options["writes_only"]:
            self.run_reads(out, options)
        if options["write_rounds"] > 0:
            writes.run(out, options["write_rounds"])

    def run_reads(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        user = province_regulator()
        canteens = Canteen.objects.visible_to(user).count()
        client = Client()
        client.force_login(user)
        rng = random.Random(options["seed"])
        n, n_base = max(1, options["requests"]), max(1, options["baseline_requests"])
        pages = _page_queries(rng, user, max(n, n_base))
        summaries = _summary_queries(rng, user, max(n, n_base))
        out.write(
            f"bench api: database {connection.vendor} ({connection.display_name}), {canteens} canteens "
            f"in the jurisdiction of {user.username} (region {scope_of(user).region_prefix})"
        )
        out.write(
            f"project: {n} requests per endpoint; baseline: {n_base} per endpoint "
            "(fewer, because the baseline is slow); each after a short warm-up"
        )
        results: list[tuple[Summary, Summary]] = []
        for label, queries in (("canteen list", pages), ("region summary", summaries)):
            results.append(_compare(label, client, user, queries, n, n_base))
        out.write(comparison_table([s for pair in results for s in pair]))
        for project, baseline in results:
            out.write(ratio_line(project, baseline))
        out.write(f"baseline answers checked: identical to the project's on all {n_base} baseline requests")
        worst = max(project.p95_ms for project, _ in results)
        verdict = "met" if worst < TARGET_P95_MS else "MISSED"
        scope_note = "" if connection.vendor == "postgresql" else " (the target is set for PostgreSQL)"
        out.write(
            f"target project p95 < {TARGET_P95_MS:.0f} ms: {verdict}, worst p95 {worst:.1f} ms{scope_note}"
        )


def province_regulator() -> User:
    user = User.objects.select_related("organisation").filter(username=REGULATOR).first()
    if user is None or not Canteen.objects.visible_to(user).exists():
        raise BenchError(
            f"No province-scale data (user {REGULATOR} with canteens in their jurisdiction): "
            "run `brightkitchen seed --scale province` first."
        )
    return user


def _page_queries(rng: random.Random, user: User, count: int) -> list[PageQuery]:
    """Random risk grade, sometimes a region (a city or a county), and a random page of the result."""
    leaves = sorted(set(School.objects.visible_to(user).values_list("organisation__region", flat=True)))
    regions = sorted({code[:4] for code in leaves}) + rng.sample(leaves, min(5, len(leaves)))
    totals: dict[tuple[str, str], int] = {}
    queries = []
    for _ in range(count):
        key = (rng.choice(_RISK_GRADES), rng.choice(regions) if rng.random() < 0.3 else "")
        if key not in totals:
            qs = Canteen.objects.visible_to(user).filter(
                risk_grade=key[0], school__organisation__region__code__startswith=key[1]
            )
            totals[key] = qs.count()
        offset = rng.randrange(0, max(1, totals[key] - PAGE_SIZE + 1))
        queries.append(PageQuery(key[0], key[1], offset))
    return queries


def _summary_queries(rng: random.Random, user: User, count: int) -> list[SummaryQuery]:
    """Mostly the regulator's own region (the dashboard's first view), sometimes one city drilled into."""
    leaves = School.objects.visible_to(user).values_list("organisation__region", flat=True)
    cities = sorted({code[:4] for code in leaves})
    return [SummaryQuery(rng.choice(cities) if rng.random() < 0.25 else "") for _ in range(count)]


def _compare(
    label: str, client: Client, user: User, queries: Sequence[Query], n: int, n_base: int
) -> tuple[Summary, Summary]:
    def project(query: Query) -> Callable[[], bytes]:
        def call() -> bytes:
            response = client.get(query.url)
            if response.status_code != 200:
                status, body = response.status_code, response.content[:300]
                raise BenchError(f"GET {query.url} answered {status}: {body!r}")
            return response.content

        return call

    def baseline(query: Query) -> Callable[[], bytes]:
        return lambda: naive.as_json(query.naive(user))

    for query in queries[:WARM_UP]:
        project(query)()
    baseline(queries[0])()
    project_times, answers = [], {}
    for i, query in enumerate(queries[:n]):
        seconds, body = timed(project(query))
        project_times.append(seconds)
        if i < n_base:
            answers[i] = body
    baseline_times = []
    for i, query in enumerate(queries[:n_base]):
        seconds, body = timed(baseline(query))
        baseline_times.append(seconds)
        expected = answers.get(i) or project(query)()
        if json.loads(body) != json.loads(expected):
            raise BenchError(f"the baseline's answer to {query.url} differs from the project's")
    return Summary.of(label, "project", project_times), Summary.of(label, "baseline", baseline_times)


BENCHMARK = ApiBenchmark()
