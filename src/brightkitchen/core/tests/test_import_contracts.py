"""The import contracts of pyproject.toml ([tool.importlinter], run by `make lint`) name every app: a new
app is forbidden to core and kept from the testbed without anyone remembering to add it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import brightkitchen

PACKAGE = Path(brightkitchen.__file__).parent
PYPROJECT = PACKAGE.parent.parent / "pyproject.toml"


def _packages() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"}


def _contract(name_start: str) -> dict[str, Any]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (found,) = [c for c in contracts if c["name"].startswith(name_start)]
    return dict(found)


def test_core_is_forbidden_every_domain_app() -> None:
    forbidden = {m.removeprefix("brightkitchen.") for m in _contract("core imports no")["forbidden_modules"]}
    assert _packages() - {"core", "config"} <= forbidden


def test_every_production_package_is_kept_from_the_testbed() -> None:
    sources = {m.removeprefix("brightkitchen.") for m in _contract("the testbed")["source_modules"]}
    assert _packages() - {"testbed", "bench", "demo"} <= sources
