#!/usr/bin/env python3
"""Compile every src/brightkitchen/locale/*/LC_MESSAGES/django.po into django.mo with polib.

No gettext binary is needed: the .mo files are committed and shipped in the package. The script refuses
(exit status 1, nothing written for that catalogue) when a catalogue has an entry that is untranslated,
fuzzy, has the wrong number of plural forms, or whose %-placeholders differ from its msgid's, and lists
each such entry.

    python scripts/compile_messages.py           # check and compile
    python scripts/compile_messages.py --check   # check only; also fail when a .mo is missing or stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "src" / "brightkitchen" / "locale"

# Python %-format placeholders: %(name)s, %s, %d ... ("%%" is a literal percent sign, not a placeholder).
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
_BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def _placeholders(text: str, entry: Any) -> list[str]:
    found = [p for p in _PLACEHOLDER.findall(text) if p != "%%"] if "python-format" in entry.flags else []
    if "python-brace-format" in entry.flags:
        found += _BRACE_PLACEHOLDER.findall(text)
    return sorted(found)


def _nplurals(po: Any) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def problems(po: Any) -> list[str]:
    """One line per entry that must not be compiled as it stands."""
    found: list[str] = []
    if po.metadata_is_fuzzy:
        found.append("header: marked fuzzy")
    nplurals = _nplurals(po)
    for entry in po:
        if entry.obsolete:
            continue
        label = repr(entry.msgid) if not entry.msgctxt else f"{entry.msgctxt!r} | {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label}")
            continue
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if sorted(forms) != list(range(nplurals)):
                found.append(f"{len(forms)} plural forms instead of {nplurals}: {label}")
            if not forms or not all(forms.values()):
                found.append(f"untranslated: {label}")
                continue
            translations = list(forms.values())
            expected = _placeholders(entry.msgid_plural, entry)
        else:
            if not entry.msgstr:
                found.append(f"untranslated: {label}")
                continue
            translations = [entry.msgstr]
            expected = _placeholders(entry.msgid, entry)
        for text in translations:
            got = _placeholders(text, entry)
            # A plural form may leave out the count ("一个"), never use a placeholder the source lacks.
            if got != expected and not (entry.msgid_plural and set(got) <= set(expected)):
                found.append(f"placeholders {got} instead of {expected}: {label}")
    return found


# The header fields that change how a compiled catalogue behaves at run time.
RUNTIME_HEADERS = ("Content-Type", "Language", "Plural-Forms")
Compiled = dict[tuple[str | None, str], str | tuple[str, ...]]


def compiled_entries(mo: Any) -> Compiled:
    """A .mo's translations as comparable values: (context, msgid) -> msgstr or the plural forms, with
    the run-time header fields under (None, "")."""
    result: Compiled = {(None, ""): tuple(f"{h}: {mo.metadata.get(h, '')}" for h in RUNTIME_HEADERS)}
    for entry in mo:
        key = (entry.msgctxt or None, entry.msgid)
        if entry.msgid_plural:
            result[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            result[key] = entry.msgstr
    return result


def expected_entries(po: Any) -> Compiled:
    """What compiling `po` puts in the .mo (polib drops untranslated, fuzzy and obsolete entries)."""
    return compiled_entries(polib.mofile(bytes(po.to_binary())))


def _say(line: str, error: bool = False) -> None:
    (sys.stderr if error else sys.stdout).write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if a .mo is missing or stale"
    )
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    args = parser.parse_args(argv)

    paths = catalogues(args.locale_dir)
    if not paths:
        _say(f"no catalogues under {args.locale_dir}", error=True)
        return 1
    failed = False
    for po_path in paths:
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        shown = po_path.relative_to(ROOT) if po_path.is_relative_to(ROOT) else po_path
        bad = problems(po)
        if bad:
            failed = True
            _say(f"{shown}: {len(bad)} problem(s), not compiled:", error=True)
            for line in bad:
                _say(f"  {line}", error=True)
            continue
        count = len(po.translated_entries())
        if args.check:
            if not mo_path.exists():
                failed = True
                _say(f"{shown}: {mo_path.name} is missing; run scripts/compile_messages.py", error=True)
            elif compiled_entries(polib.mofile(str(mo_path))) != expected_entries(po):
                failed = True
                _say(f"{shown}: {mo_path.name} is stale; run scripts/compile_messages.py", error=True)
            else:
                _say(f"{shown}: {count} entries, {mo_path.name} up to date")
            continue
        po.save_as_mofile(str(mo_path))
        _say(f"{shown}: {count} entries compiled into {mo_path.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
