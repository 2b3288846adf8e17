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
#: Shown output: every ```text block starts with ``$ pharmakg …`` and then shows its stdout.
OUTPUT_BLOCKS = re.findall(r"```text\n(.*?)```", TEXT, re.S)
QUERY_NAMES = {p.stem for p in resources.queries_dir().glob("*.rq")}
ROOT = README.parent
#: A shown line starting with this stands for any number of real lines (an elision).
ELISION = "…"


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


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pharmakg", *shlex.split(command)[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _normalised(line: str) -> str:
    """A line with its runs of spaces collapsed (column widths may change) and no tail."""
    return " ".join(line.split())


def _shown_pattern(shown: list[str]) -> re.Pattern[str]:
    """The real output a shown block stands for: its lines, elisions matching any lines."""
    parts = []
    for line in shown:
        if line.strip().startswith(ELISION):
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(re.escape(_normalised(line)) + r"\n")
    return re.compile("".join(parts))


def _block_id(block: str) -> str:
    return block.splitlines()[0][:60]


@pytest.mark.parametrize("block", OUTPUT_BLOCKS, ids=_block_id)
def test_readme_shown_output_is_real(block: str) -> None:
    """Each shown output block is what its command prints today (normalised)."""
    command, *shown = block.rstrip("\n").splitlines()
    assert command.startswith("$ pharmakg "), f"a shown block must name its command: {command}"
    done = _run(command.removeprefix("$ "), ROOT)
    real = "".join(_normalised(line) + "\n" for line in done.stdout.splitlines())
    assert _shown_pattern(shown).fullmatch(real), f"{command}\n--- real output:\n{done.stdout}"


def test_elision_matches_only_what_it_should() -> None:
    pattern = _shown_pattern(["a  b", "… (more)", "z"])
    assert pattern.fullmatch("a b\nz\n")
    assert pattern.fullmatch("a b\nx\ny\nz\n")
    assert not pattern.fullmatch("a c\nz\n")
    assert not pattern.fullmatch("a b\nz\nextra\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_exits_0(command: str, tmp_path: Path) -> None:
    needed = _needed_query(command)
    if needed is not None and needed not in QUERY_NAMES:
        pytest.fail(f"README uses query {needed!r}, which queries/ does not have")
    done = _run(command, tmp_path)
    assert done.returncode == 0, f"{command}\n{done.stderr}"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert done.stdout or written, f"{command} printed nothing and wrote nothing"


@pytest.mark.parametrize("block", PYTHON_BLOCKS)
def test_readme_python_runs(block: str) -> None:
    exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own README
