"""Benchmarks are found, not listed: each module in `brightkitchen.bench.suites` that defines
`BENCHMARK` becomes a `brightkitchen bench <name>` subcommand, so adding `bench video` or
`bench records` is adding a module, with no change to the command."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Protocol

from django.core.management.base import CommandParser, OutputWrapper


class BenchError(Exception):
    """A benchmark cannot run (missing data) or found the baseline disagreeing with the project."""


class Benchmark(Protocol):
    name: str
    help: str

    def add_arguments(self, parser: CommandParser) -> None: ...

    def run(self, out: OutputWrapper, options: dict[str, Any]) -> None: ...


def discover() -> dict[str, Benchmark]:
    from brightkitchen.bench import suites

    found: dict[str, Benchmark] = {}
    for info in sorted(pkgutil.iter_modules(suites.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{suites.__name__}.{info.name}")
        benchmark: Benchmark | None = getattr(module, "BENCHMARK", None)
        if benchmark is not None:
            found[benchmark.name] = benchmark
    return found
