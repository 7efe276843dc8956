"""Cells of the spreadsheets and CSV files the platform writes (bulletins, lists).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, WPS and LibreOffice (formula injection: a canteen named `=HYPERLINK(...)` would run on the
reader's machine). Every text cell goes through `safe_cell`, which prefixes such a text with `'`;
numbers stay numbers."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[object]) -> list[object]:
    return [safe_cell(v) for v in values]
