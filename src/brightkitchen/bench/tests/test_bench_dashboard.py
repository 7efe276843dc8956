"""`bench dashboard` on a small city: it writes the records and a year of supervision once, checks the
naive loop's totals against the dashboard's, and prints the comparison with its ratios."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from brightkitchen.bench.registry import discover
from brightkitchen.bench.tests.test_bench_api import ZHUHAI
from brightkitchen.demo.tests.test_demo_seed import FAST_HASHER
from brightkitchen.patrols.models import PatrolFinding, PatrolPlan
from brightkitchen.rectifications.models import NoticeState, RectificationNotice


def test_the_dashboard_suite_is_discovered() -> None:
    assert "dashboard" in discover()


@FAST_HASHER
class BenchDashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed", "--scale", "city", "--city", ZHUHAI, stdout=StringIO())

    def test_writes_a_year_once_and_prints_latencies_and_ratios(self) -> None:
        out = StringIO()
        args = ["--requests", "3", "--baseline-requests", "1", "--history-days", "8"]
        call_command("bench", "dashboard", *args, stdout=out)
        text = out.getvalue()

        assert re.search(r"^wrote \d+ rows in \d+ s", text, re.M), text
        assert PatrolPlan.objects.count() == 12 and PatrolFinding.objects.exists()
        states = set(RectificationNotice.objects.values_list("state", flat=True))
        assert states == set(NoticeState.values)
        for scope in ("province", r"county 4404\d\d"):
            assert re.search(rf"^{scope}\s+project\s+3(\s+\d+\.\d){{4}}$", text, re.M), text
            assert re.search(rf"^{scope}\s+baseline\s+1(\s+\d+\.\d){{4}}$", text, re.M), text
            assert re.search(rf"^ratio baseline/project, {scope}: p50 x\d+\.\d, p95 x\d+\.\d$", text, re.M)
            assert f"{scope.split()[0]}" in text
        assert text.count("baseline totals identical to the project's on every run") == 2
        figures = re.search(r"^province: (.*)$", text, re.M)
        assert figures is not None
        assert "notices_issued (0, 0)" not in figures[1], figures[1]
        assert re.search(r"^target province dashboard p95 < 500 ms: (met|MISSED)", text, re.M)

        again = StringIO()
        # The same history: 8 days never reach back to last month's start, so the current month is measured.
        again_args = ["--requests", "1", "--baseline-requests", "0", "--history-days", "8"]
        call_command("bench", "dashboard", *again_args, stdout=again)
        assert "wrote" not in again.getvalue()  # the data is there already
