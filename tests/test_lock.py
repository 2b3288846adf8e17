"""requirements.lock against pyproject.toml: a dependency changed without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: The platform the lock is made for (the Makefile's `uv pip compile` flags).
LOCKED_FOR = {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


def _pins() -> dict[str, Version]:
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", LOCK, re.M)
    return {canonicalize_name(name): Version(version) for name, version in pins}


def test_every_dependency_is_locked_at_a_version_its_range_allows() -> None:
    requirements = [Requirement(r) for r in PROJECT["dependencies"]]
    requirements += [Requirement(r) for r in PROJECT["optional-dependencies"]["dev"]]
    needed = [r for r in requirements if r.marker is None or r.marker.evaluate(LOCKED_FOR)]
    pins = _pins()
    unlocked = [str(r) for r in needed if canonicalize_name(r.name) not in pins]
    assert not unlocked, "pyproject.toml has dependencies the lock lacks: run `make lock`"
    outside = {
        str(r): str(pins[canonicalize_name(r.name)])
        for r in needed
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    }
    assert not outside, "locked versions outside pyproject.toml's ranges: run `make lock`"
