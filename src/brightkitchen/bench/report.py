"""docs/benchmarks.md: every benchmark's latest figures, with the machine and the command that gave them.

`brightkitchen bench <name>` tees what it prints into `Recorder` and, when the run ends without an error,
`write_section` replaces that benchmark's section of the file (the other benchmarks' sections stay), so
the file always holds the last figures of each benchmark and says where they came from.
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import TextIO, cast

from django.core.management.base import OutputWrapper

TITLE = "# Benchmarks\n"
INTRO = (
    "Written by `brightkitchen bench <name>` (one section per benchmark, replaced by its latest run;\n"
    "`--no-record` leaves this file alone). Each section names the machine, the command and the commit\n"
    "its figures came from. Figures from a machine shared with other work are marked as such by whoever\n"
    "ran them; compare figures only within one section (one run, one machine).\n"
)


def report_path() -> Path:
    """docs/benchmarks.md of the checkout the package runs from (or BRIGHTKITCHEN_BENCH_REPORT)."""
    configured = os.environ.get("BRIGHTKITCHEN_BENCH_REPORT")
    if configured:
        return Path(configured)
    repository = Path(__file__).resolve().parents[3]  # src/brightkitchen/bench/report.py → the checkout
    if (repository / "pyproject.toml").exists():
        return repository / "docs" / "benchmarks.md"
    return Path.cwd() / "docs" / "benchmarks.md"


class Recorder(io.StringIO):
    """A stream that keeps what was written and passes it on to the real output at once."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        self.stream.flush()
        return super().write(text)


def teed(out: OutputWrapper) -> tuple[OutputWrapper, Recorder]:
    """An output that writes where `out` writes and keeps a copy for the report."""
    recorder = Recorder(cast(TextIO, out._out))
    return OutputWrapper(recorder), recorder


def machine() -> str:
    model = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB RAM" if found else ""
    except OSError:
        pass
    cores = os.cpu_count() or 0
    return (
        f"{model or platform.processor() or platform.machine()}, {cores} cores{memory}, {platform.system()}"
    )


def commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def section(name: str, command: str, figures: str) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"## bench {name}\n\n"
        f"- command: `{command}`\n- machine: {machine()}\n- commit: {commit()}, run {when}\n\n"
        f"```\n{figures.strip()}\n```\n"
    )


def write_section(name: str, command: str, figures: str, path: Path | None = None) -> Path:
    """Replaces (or adds) the section of benchmark `name`, keeping the others in their order."""
    target = path or report_path()
    text = target.read_text(encoding="utf-8") if target.exists() else TITLE + "\n" + INTRO
    heading = f"## bench {name}\n"
    sections = re.split(r"(?m)^(?=## bench )", text)
    head, rest = sections[0], sections[1:]
    new = section(name, command, figures)
    replaced = [new + "\n" if part.startswith(heading) else part for part in rest]
    if not any(part.startswith(heading) for part in rest):
        replaced.append(new + "\n")
    if head and not head.endswith("\n\n"):
        head = head.rstrip("\n") + "\n\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((head + "".join(replaced)).rstrip("\n") + "\n", encoding="utf-8")
    return target
