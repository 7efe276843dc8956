"""`brightkitchen bench diagnosis`: camera verdicts over the corpus (testbed/corpus.py), as a confusion
matrix (expected verdict × reported verdict) and the time to verdict, for the project's probe and
diagnosis (cameras.probe + cameras.diagnosis, the health sweep's budget and keyframes) and for the naive
baseline in the same run (OpenCV VideoCapture reads frames until it has one, the same quality checks on
that one frame; a source that gives no frame is "offline", whatever the reason).

Every case is generated on the spot: GStreamer test cameras (19 presets, each fault clearly in and at a
level a working camera has, in sliced and single-slice H.264, H.265 and 720p) and faulty servers on
loopback (closed port, stalled, garbage, 401, 403, wrong password, no such path, Motion JPEG). Needs no
database. Goal: every case right, each verdict within one probe budget.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from django.core.management.base import CommandParser, OutputWrapper

from brightkitchen.bench.naive import probe_naive
from brightkitchen.bench.registry import BenchError
from brightkitchen.bench.stats import percentile
from brightkitchen.cameras import diagnosis, health, quality
from brightkitchen.demo.tables import text_table
from brightkitchen.testbed import corpus
from brightkitchen.testbed.outbound import loopback_cameras_allowed
from brightkitchen.testbed.streams import gstreamer_missing


def naive_run(found: Sequence[corpus.Case], timeout_s: float) -> list[corpus.Outcome]:
    """The baseline: one frame through OpenCV, the same checks; no frame is just "offline"."""
    references: dict[str, npt.NDArray[np.uint8]] = {}
    outcomes = []
    for case in found:
        if case.reference_of and case.reference_of not in references:
            url = next(c.url for c in found if c.name == case.reference_of)
            first = probe_naive(url, timeout_s=timeout_s)
            if first.frame is not None:
                references[case.reference_of] = first.frame
        started = time.monotonic()
        result = probe_naive(case.url, timeout_s=timeout_s)
        if result.frame is None:
            reported: tuple[str, ...] = ("offline",)
        else:
            checks = quality.diagnose([result.frame], references.get(case.reference_of))
            reported = tuple(f.verdict for f in diagnosis.picture_findings(checks)) or (corpus.OK,)
        outcomes.append(corpus.Outcome(case, reported, time.monotonic() - started, ()))
    return outcomes


def matrix_table(outcomes: Sequence[corpus.Outcome]) -> str:
    matrix = corpus.confusion(outcomes)
    reported = sorted({r for row in matrix.values() for r in row})
    rows = []
    for expected in sorted(matrix):
        row = matrix[expected]
        rows.append((expected, *(str(row.get(r, "")) for r in reported)))
    return text_table(
        ("expected \\ reported", *reported), rows, right_align=tuple(range(1, len(reported) + 1))
    )


def timing_line(label: str, outcomes: Sequence[corpus.Outcome]) -> str:
    seconds = [o.elapsed_s for o in outcomes]
    right = sum(o.right for o in outcomes)
    return (
        f"{label}: {right} of {len(outcomes)} right; time to verdict p50 {percentile(seconds, 50):.2f} s, "
        f"p95 {percentile(seconds, 95):.2f} s, max {max(seconds):.2f} s"
    )


class DiagnosisBenchmark:
    name = "diagnosis"
    help = (
        "Camera verdicts over the generated corpus (test cameras and faulty servers on loopback): "
        "confusion matrix and time to verdict, against OpenCV + the same checks on one frame."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--encodings",
            default=",".join(corpus.ENCODINGS),
            help=f"comma-separated, of {', '.join(corpus.ENCODINGS)}",
        )
        parser.add_argument("--threads", type=int, default=4, help="probes in flight (project)")
        parser.add_argument("--no-baseline", action="store_true", help="skip the OpenCV baseline")

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # its warnings bury the tables
        missing = gstreamer_missing()
        if missing:
            raise BenchError(missing)
        encodings = [e for e in options["encodings"].split(",") if e]
        unknown = set(encodings) - set(corpus.ENCODINGS)
        if unknown:
            raise BenchError(f"unknown encodings {sorted(unknown)}; use {', '.join(corpus.ENCODINGS)}")
        budget = health.PROBE_TIMEOUT_S
        with loopback_cameras_allowed(), corpus.cases(encodings) as found:
            out.write(f"{len(found)} cases; probe budget {budget:.1f} s, {health.KEYFRAMES} keyframes")
            started = time.monotonic()
            project = corpus.run(
                found, timeout_s=budget, keyframes=health.KEYFRAMES, threads=options["threads"]
            )
            project_wall = time.monotonic() - started
            baseline = [] if options["no_baseline"] else naive_run(found, budget)
        out.write("\nproject (cameras.probe + cameras.diagnosis):")
        out.write(matrix_table(project))
        for outcome in project:
            if not outcome.right:
                out.write(
                    f"  wrong: {outcome.case.name}: expected {outcome.case.expected}, got {outcome.reported}"
                )
        out.write(
            timing_line("project", project)
            + f"; wall {project_wall:.1f} s with {options['threads']} in flight"
        )
        over = [o.case.name for o in project if o.elapsed_s > budget + 0.7]
        out.write(f"verdicts beyond one probe budget: {over or 'none'}")
        if baseline:
            out.write("\nbaseline (OpenCV, one frame, same checks):")
            out.write(matrix_table(baseline))
            out.write(timing_line("baseline", baseline))
            right_project = sum(o.right for o in project)
            right_baseline = sum(o.right for o in baseline)
            out.write(
                f"\nratio right verdicts project/baseline: {right_project}/{right_baseline} = "
                f"x{right_project / max(right_baseline, 1):.2f}"
            )
        if any(not o.right for o in project):
            raise BenchError("some cases got the wrong verdict (listed above)")


BENCHMARK = DiagnosisBenchmark()
