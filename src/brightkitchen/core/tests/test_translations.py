"""The translation catalogues: complete, compiled, in use, and in step with the source.

Simplified Chinese is the default language, so an untranslated string shows up as English in front of a
Chinese user. These tests fail when a catalogue has an untranslated or fuzzy entry, when a .mo was not
recompiled after its .po changed (`python scripts/compile_messages.py`), or when the source gained a
string the catalogue lacks (`make messages`, then translate).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client

PACKAGE_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = PACKAGE_DIR / "locale"
REPO_ROOT = PACKAGE_DIR.parents[1]
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def _compile_messages() -> ModuleType:
    """scripts/compile_messages.py, the one definition of what compiling a catalogue means."""
    path = REPO_ROOT / "scripts" / "compile_messages.py"
    if not path.exists():
        pytest.skip("scripts/compile_messages.py is not part of an installed package")
    spec = importlib.util.spec_from_file_location("compile_messages", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ids(po: Any) -> set[tuple[str | None, str, str]]:
    return {(e.msgctxt or None, e.msgid, e.msgid_plural or "") for e in po if not e.obsolete}


def test_the_default_language_has_a_catalogue() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po" in PO_FILES


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_every_entry_is_translated_and_not_fuzzy(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    # The same rules the compile script enforces (plural forms, placeholders kept).
    assert _compile_messages().problems(po) == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_the_committed_mo_is_the_compiled_po(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/compile_messages.py"
    compile_messages = _compile_messages()
    committed = compile_messages.compiled_entries(polib.mofile(str(mo_path)))
    expected = compile_messages.expected_entries(polib.pofile(str(po_path)))
    stale = sorted(str(k) for k in committed.keys() ^ expected.keys())
    stale += sorted(str(k) for k in committed.keys() & expected.keys() if committed[k] != expected[k])
    assert stale == [], f"{mo_path.name} is stale (run scripts/compile_messages.py): {stale[:10]}"


def test_the_login_page_is_chinese_by_default(db: Any, client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    assert "用户名" in page
    assert "Sign in" not in page


def test_the_login_page_follows_accept_language(db: Any, client: Client) -> None:
    response = client.get("/accounts/login/", headers={"accept-language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "登录" not in page


def test_the_catalogue_holds_every_string_of_the_source(tmp_path: Path) -> None:
    """Extract the strings again from a copy of the package and compare with the committed catalogue."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("gettext is not installed (./scripts/bootstrap-system dev)")
    copy = tmp_path / "brightkitchen"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "var"))
    # Without settings, makemessages writes into ./locale of the copy, never into the real package.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = _ids(polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")))
    committed = _ids(polib.pofile(str(LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po")))
    missing = sorted(extracted - committed, key=str)
    assert missing == [], f"strings missing from the catalogue (run `make messages` and translate): {missing}"
    unused = sorted(committed - extracted, key=str)
    assert unused == [], f"catalogue entries no longer in the source (run `make messages`): {unused}"
