"""Latency summaries and the comparison table every benchmark prints."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from brightkitchen.demo.tables import text_table

_T = TypeVar("_T")


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, never an interpolation."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    label: str
    implementation: str
    requests: int
    p50_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float

    @property
    def latencies_ms(self) -> tuple[float, float, float, float]:
        return self.p50_ms, self.p95_ms, self.min_ms, self.max_ms

    @classmethod
    def of(cls, label: str, implementation: str, seconds: Sequence[float]) -> Summary:
        ms = [s * 1000 for s in seconds]
        return cls(label, implementation, len(ms), percentile(ms, 50), percentile(ms, 95), min(ms), max(ms))


def timed(fn: Callable[[], _T]) -> tuple[float, _T]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def comparison_table(summaries: Sequence[Summary]) -> str:
    rows = [
        (s.label, s.implementation, s.requests, *(f"{ms:.1f}" for ms in s.latencies_ms)) for s in summaries
    ]
    header = ("endpoint", "implementation", "requests", "p50 ms", "p95 ms", "min ms", "max ms")
    return text_table(header, rows, right_align=(2, 3, 4, 5, 6))


def ratio_line(project: Summary, baseline: Summary) -> str:
    return (
        f"ratio baseline/project, {project.label}: p50 x{baseline.p50_ms / project.p50_ms:.1f}, "
        f"p95 x{baseline.p95_ms / project.p95_ms:.1f}"
    )
