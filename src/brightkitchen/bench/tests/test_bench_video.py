"""`bench video` on a few cameras: it streams them, sweeps them with the project and the baseline on one
core, prints both rounds and the ratio, and removes its cameras."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from brightkitchen.bench.registry import discover
from brightkitchen.cameras.models import Camera
from brightkitchen.conftest import World
from brightkitchen.core.tests.test_browser import _region_tree_kept  # noqa: F401  (fixture)


def test_the_video_suite_is_discovered() -> None:
    assert "video" in discover()


@pytest.mark.django_db(transaction=True)
def test_prints_throughput_and_ratio_and_cleans_up(transactional_db: None) -> None:
    from brightkitchen.conftest import build_world
    from brightkitchen.core.tests.test_browser import _load_regions_if_flushed

    _load_regions_if_flushed()
    world: World = build_world()
    out = StringIO()
    call_command("bench", "video", "--part", "sweep", "--cameras", "3", "--rounds", "2", stdout=out)
    text = out.getvalue()
    assert re.search(r"^project, diagnosis\s+3\s+3\s", text, re.M), text
    assert re.search(r"^project\s+3\s+3\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\s+\d+$", text, re.M), text
    assert "diagnosing sweep: x" in text
    assert re.search(r"^baseline\s+3\s+3\s", text, re.M), text
    assert re.search(
        r"^ratio project/baseline, probes per core-minute \(median rounds\): x\d+\.\d$", text, re.M
    )
    assert re.search(r"^target >= 20x: (met|MISSED)$", text, re.M)
    assert not Camera.objects.exists() and world.canteens["a"].pk
    _load_regions_if_flushed()


def test_the_live_parts_run_from_the_command() -> None:
    """The latency and fan-out measurements themselves are tested in test_live_video.py; here, that
    `bench video --part fanout` reaches them (one viewer, briefly, no baseline)."""
    out = StringIO()
    call_command(
        "bench",
        "video",
        "--part",
        "fanout",
        "--viewers",
        "1",
        "--fanout-seconds",
        "2",
        "--no-fanout-baseline",
        stdout=out,
    )
    assert re.search(r"^project \(H\.264 relayed\)\s+1\s+1/1\s", out.getvalue(), re.M), out.getvalue()
