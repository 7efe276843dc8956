"""The lock files pin what pyproject.toml asks for, with hashes, and this environment was installed from
them: a dependency added to pyproject.toml without `make lock`, or a lock edited by hand, fails here."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[4]
LOCK = REPO / "requirements" / "lock.txt"
DEV_LOCK = REPO / "requirements" / "dev-lock.txt"

# "name==version \" and the hash lines under it; comments say which requirement pulled it in.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pins(path: Path) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        name = canonicalize_name(match[1])
        following = lines[number + 1] if number + 1 < len(lines) else ""
        assert "--hash=sha256:" in following, f"{path.name}: {name} is pinned without a hash"
        pins[name] = Version(match[2])
    return pins


def _requirements(group: str | None) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(("lock", "group"), [(LOCK, None), (DEV_LOCK, None), (DEV_LOCK, "dev")])
def test_every_requirement_is_pinned_within_its_range(lock: Path, group: str | None) -> None:
    pins = _pins(lock)
    for requirement in _requirements(group):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {lock.name}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {name} {pins[name]}, outside {requirement}: run `make lock`"
        )


def test_the_development_lock_keeps_the_platforms_versions() -> None:
    platform, development = _pins(LOCK), _pins(DEV_LOCK)
    differing = {
        name: (version, development.get(name))
        for name, version in platform.items()
        if development.get(name) != version
    }
    assert not differing, f"dev-lock.txt differs from lock.txt on {differing}: run `make lock`"


def test_this_environment_was_installed_from_the_lock() -> None:
    installed: dict[str, Version] = {
        canonicalize_name(dist.metadata["Name"]): Version(dist.version)
        for dist in importlib.metadata.distributions()
    }
    wrong = {
        name: (pinned, installed.get(name))
        for name, pinned in _pins(DEV_LOCK).items()
        if installed.get(name) != pinned
    }
    assert not wrong, f"installed versions differ from dev-lock.txt (pinned, installed): {wrong}"
