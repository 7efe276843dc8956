"""docs/benchmarks.md: a benchmark's run replaces its own section and leaves the others as they were."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from brightkitchen.bench import report


def test_a_run_replaces_its_own_section_only(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "benchmarks.md"
    report.write_section("video", "brightkitchen bench video", "sweep 900 probes/min", path)
    report.write_section("api", "brightkitchen bench api", "p50 12 ms", path)
    first = path.read_text(encoding="utf-8")
    assert first.startswith(report.TITLE)
    assert first.index("## bench video") < first.index("## bench api")
    report.write_section("video", "brightkitchen bench video --part sweep", "sweep 950 probes/min", path)
    text = path.read_text(encoding="utf-8")
    assert text.count("## bench video") == 1 and text.count("## bench api") == 1
    assert "950 probes/min" in text and "900 probes/min" not in text
    assert "p50 12 ms" in text  # the other benchmark's figures are kept
    assert text.index("## bench video") < text.index("## bench api")  # in their order
    assert "`brightkitchen bench video --part sweep`" in text
    assert "cores" in text and "commit:" in text  # the machine and the commit


def test_the_command_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`bench diagnosis` on one encoding: every case right, and its figures land in the report."""
    path = tmp_path / "benchmarks.md"
    monkeypatch.setenv("BRIGHTKITCHEN_BENCH_REPORT", str(path))
    call_command("bench", "diagnosis", "--encodings", "h264-single", "--no-baseline", stdout=io.StringIO())
    text = path.read_text(encoding="utf-8")
    assert "## bench diagnosis" in text and "of 27 right" in text
