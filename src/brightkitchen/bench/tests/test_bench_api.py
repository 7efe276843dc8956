"""`bench api` on a small seeded data set: it runs, checks the baseline against the project, and
prints the comparison with its ratios."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from brightkitchen.bench.registry import discover
from brightkitchen.bench.stats import percentile
from brightkitchen.demo.tests.test_demo_seed import FAST_HASHER

ZHUHAI = "4404"  # the smallest city: a few hundred canteens keep the baseline quick


def test_percentile_is_a_measured_value() -> None:
    samples = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(samples, 50) == 3.0
    assert percentile(samples, 95) == 5.0
    assert percentile([7.0], 95) == 7.0


def test_the_api_suite_is_discovered() -> None:
    assert "api" in discover()


@FAST_HASHER
class BenchApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed", "--scale", "city", "--city", ZHUHAI, stdout=StringIO())

    def test_prints_latencies_and_ratios(self) -> None:
        out = StringIO()
        # The writes build their own throwaway database, which cannot nest in the suite's.
        call_command(
            "bench", "api", "--requests", "5", "--baseline-requests", "2", "--write-rounds", "0", stdout=out
        )
        text = out.getvalue()

        for endpoint in ("canteen list", "region summary"):
            assert re.search(rf"^{endpoint}\s+project\s+5(\s+\d+\.\d){{4}}$", text, re.M), text
            assert re.search(rf"^{endpoint}\s+baseline\s+2(\s+\d+\.\d){{4}}$", text, re.M), text
            assert re.search(rf"^ratio baseline/project, {endpoint}: p50 x\d+\.\d, p95 x\d+\.\d$", text, re.M)
        assert "database sqlite" in text or "database postgresql" in text
        assert "identical to the project's on all 2 baseline requests" in text


def test_without_seeded_data_it_says_what_to_run(db: None) -> None:
    with pytest.raises(CommandError, match="seed --scale province"):
        call_command("bench", "api", "--requests", "1", "--write-rounds", "0", stdout=StringIO())
