"""The README's commands are run, so docs and code cannot drift apart."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from pharmakg import resources

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
COMMANDS = [
    line.removeprefix("$ ").split("#")[0].strip()
    for line in TEXT.splitlines()
    if line.startswith("$ pharmakg ")
]
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)
QUERY_NAMES = {p.stem for p in resources.queries_dir().glob("*.rq")}


def test_readme_shows_the_essentials() -> None:
    head = TEXT[:1500]
    assert "make release" in head
    assert "make test" in head
    assert len(COMMANDS) >= 4
    assert PYTHON_BLOCKS
    assert "```sparql" in TEXT
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in TEXT


def _needed_query(command: str) -> str | None:
    words = shlex.split(command)
    return words[2] if len(words) > 2 and words[1] == "query" else None


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_exits_0(command: str, tmp_path: Path) -> None:
    if not QUERY_NAMES:
        pytest.skip("the data (queries/*.rq) are not there yet")
    needed = _needed_query(command)
    if needed is not None and needed not in QUERY_NAMES:
        pytest.fail(f"README uses query {needed!r}, which queries/ does not have")
    words = shlex.split(command)
    done = subprocess.run(
        [sys.executable, "-m", "pharmakg", *words[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stderr}"


@pytest.mark.parametrize("block", PYTHON_BLOCKS)
def test_readme_python_runs(block: str) -> None:
    if not QUERY_NAMES:
        pytest.skip("the data (queries/*.rq) are not there yet")
    exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own README
