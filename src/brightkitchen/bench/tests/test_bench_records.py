"""`bench records` on a small city: it writes the history once, checks the naive loop's totals against
the project's (so the tallies agree with the records), and prints the comparison with its ratios."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from brightkitchen.bench.registry import discover
from brightkitchen.bench.tests.test_bench_api import ZHUHAI
from brightkitchen.demo.tests.test_demo_seed import FAST_HASHER
from brightkitchen.schools.models import CanteenMonth
from brightkitchen.staff.models import MorningCheck


def test_the_records_suite_is_discovered() -> None:
    assert "records" in discover()


@FAST_HASHER
class BenchRecordsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed", "--scale", "city", "--city", ZHUHAI, stdout=StringIO())

    def test_writes_history_once_and_prints_latencies_and_ratios(self) -> None:
        out = StringIO()
        args = ["--requests", "3", "--baseline-requests", "1", "--history-days", "12"]
        call_command("bench", "records", *args, stdout=out)
        text = out.getvalue()

        assert re.search(r"^wrote \d+ rows for \d+ canteens", text, re.M), text
        assert MorningCheck.objects.exists() and CanteenMonth.objects.exists()
        for scope in ("province", r"county 4404\d\d"):
            assert re.search(rf"^{scope}\s+project\s+3(\s+\d+\.\d){{4}}$", text, re.M), text
            assert re.search(rf"^{scope}\s+baseline\s+1(\s+\d+\.\d){{4}}$", text, re.M), text
            assert re.search(rf"^ratio baseline/project, {scope}: p50 x\d+\.\d, p95 x\d+\.\d$", text, re.M)
        # Records were written, so every metric has something expected and something done.
        figures = re.search(r"^province: (.*)$", text, re.M)
        assert figures is not None
        for key in ("sample_retention", "morning_check", "purchase_certificates", "self_inspection"):
            done, expected = map(int, re.search(rf"{key} (\d+)/(\d+)", figures[1]).groups())  # type: ignore[union-attr]
            assert 0 < done <= expected, (key, done, expected)
        assert "identical to the project's for every metric" in text
        assert re.search(r"^target province summary p95 < 1000 ms: (met|MISSED)", text, re.M)

        again = StringIO()
        call_command("bench", "records", *args, stdout=again)
        assert "wrote" not in again.getvalue()  # the history is there already


def test_without_seeded_data_it_says_what_to_run(db: None) -> None:
    with pytest.raises(CommandError, match="seed --scale province"):
        call_command("bench", "records", "--requests", "1", stdout=StringIO())
