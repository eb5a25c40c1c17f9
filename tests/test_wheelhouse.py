"""``make wheelhouse`` builds the lock's wheels for an offline install, so the lock must pin the
whole runtime tree: every direct dependency in pyproject.toml at its pin, and everything those
require (read from the installed distributions' metadata, extras followed). Building and
installing the wheelhouse itself takes minutes and is tried by hand (README, "Run asker in your
bank")."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def direct() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def runtime_tree() -> set[str]:
    """Every distribution the direct dependencies need at run time, by canonical name."""
    visited: set[tuple[str, frozenset[str]]] = set()
    todo = direct()
    while todo:
        requirement = todo.pop()
        extras = frozenset(requirement.extras)
        key = (canonicalize_name(requirement.name), extras)
        if key in visited:
            continue
        visited.add(key)
        environments = [{"extra": e} for e in extras] or [{"extra": ""}]
        for text in metadata.requires(requirement.name) or ():
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate(e) for e in environments):
                todo.append(child)
    return {name for name, _ in visited}


def test_the_makefile_builds_the_wheelhouse_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^wheelhouse:", makefile, re.MULTILINE)
    assert "pip wheel --quiet --no-deps -r requirements.lock -w $(WHEELHOUSE)" in makefile
    assert "pip wheel --quiet --no-deps . -w $(WHEELHOUSE)" in makefile


def test_the_lock_pins_every_direct_dependency_at_its_pin() -> None:
    pins = locked()
    for requirement in direct():
        (spec,) = requirement.specifier
        assert pins.get(canonicalize_name(requirement.name)) == spec.version, requirement


def test_the_lock_holds_the_whole_runtime_tree() -> None:
    missing = runtime_tree() - set(locked())
    assert not missing, f"requirements.lock lacks {sorted(missing)}: run make lock"
