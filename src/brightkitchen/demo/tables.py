"""Plain-text tables for terminal output that line up with Chinese text (two columns per character)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def text_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], right_align: Sequence[int] = ()
) -> str:
    """Columns separated by two spaces; the columns whose index is in `right_align` are right-aligned."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(_pad(cell, widths[i], i in right_align) for i, cell in enumerate(row)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
