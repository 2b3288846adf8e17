"""The README's commands are run, so docs and code cannot drift apart."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pharmakg import resources

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
#: The commands of the ```console blocks (those of ```text blocks are checked with their output).
COMMANDS = [
    line.removeprefix("$ ").split("#")[0].strip()
    for block in re.findall(r"```console\n(.*?)```", TEXT, re.S)
    for line in block.splitlines()
    if line.startswith("$ pharmakg ")
]
#: Commands that build a whole release take minutes on 2 cores: `make test-slow` runs them.
SLOW = ("pharmakg build",)


def _marked(command: str) -> object:
    marks = [pytest.mark.slow] if command.startswith(SLOW) else []
    return pytest.param(command, marks=marks, id=command[:70])


PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)
#: Shown output: every ```text block starts with ``$ pharmakg …`` and then shows its stdout.
OUTPUT_BLOCKS = [textwrap.dedent(block) for block in re.findall(r"```text\n(.*?)```", TEXT, re.S)]
#: The commands whose output a ```text block shows: run once, there (exit code and output).
SHOWN = {block.splitlines()[0].removeprefix("$ ") for block in OUTPUT_BLOCKS}
QUERY_NAMES = {p.stem for p in resources.queries_dir().glob("*.rq")}
ROOT = README.parent
#: DrugMechDB's file (third-party, not shipped): the cross-source examples need its import.
DRUGMECHDB = ROOT.parent / "shared" / "data" / "drugmechdb" / "indication_paths.yaml"
IMPORTED = "drugmechdb.nt"
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


def _block(block: str) -> object:
    """A shown block as a test parameter; one that reads the DrugMechDB import is slow."""
    command = block.splitlines()[0]
    slow = IMPORTED in command or "tests/data/inconsistent" in command  # HermiT ~10 times
    marks = [pytest.mark.slow] if slow else []
    return pytest.param(block, marks=marks, id=command[:60])


def _exit_code(command: str) -> int:
    """The code a shown command exits with: 1 on the broken fixtures (as the README says), or 0."""
    return 1 if "tests/data/inconsistent/" in command or "tests/data/invalid/" in command else 0


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like a checkout that also holds the README's DrugMechDB import."""
    if not DRUGMECHDB.is_file():
        pytest.skip(f"DrugMechDB's file is not here ({DRUGMECHDB}); CI has it")
    folder = tmp_path_factory.mktemp("imported")
    for name in ("ontology", "graphs", "tests"):
        (folder / name).symlink_to(ROOT / name)
    done = _run(f"pharmakg import drugmechdb {DRUGMECHDB} -o {IMPORTED}", folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.parametrize("block", [_block(b) for b in OUTPUT_BLOCKS])
def test_readme_shown_output_is_real(block: str, request: pytest.FixtureRequest) -> None:
    """Each shown output block is what its command prints today (normalised)."""
    command, *shown = block.rstrip("\n").splitlines()
    assert command.startswith("$ pharmakg "), f"a shown block must name its command: {command}"
    folder = request.getfixturevalue("imported") if IMPORTED in command else ROOT
    done = _run(command.removeprefix("$ "), folder)
    assert done.returncode == _exit_code(command), f"{command}\n{done.stderr}"
    real = "".join(_normalised(line) + "\n" for line in done.stdout.splitlines())
    assert _shown_pattern(shown).fullmatch(real), f"{command}\n--- real output:\n{done.stdout}"


def test_elision_matches_only_what_it_should() -> None:
    pattern = _shown_pattern(["a  b", "… (more)", "z"])
    assert pattern.fullmatch("a b\nz\n")
    assert pattern.fullmatch("a b\nx\ny\nz\n")
    assert not pattern.fullmatch("a c\nz\n")
    assert not pattern.fullmatch("a b\nz\nextra\n")


def test_every_readme_command_is_run() -> None:
    """A command shown with its output is run by the output test, the others by the next."""
    assert COMMANDS
    assert SHOWN & set(COMMANDS), "the overlap this split relies on is gone: drop it"


@pytest.mark.parametrize("command", [_marked(c) for c in COMMANDS if c not in SHOWN])
def test_readme_command_exits_0(command: str, tmp_path: Path) -> None:
    needed = _needed_query(command)
    if needed is not None and needed not in QUERY_NAMES:
        pytest.fail(f"README uses query {needed!r}, which queries/ does not have")
    done = _run(command, tmp_path)
    assert done.returncode == 0, f"{command}\n{done.stderr}"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert done.stdout or written, f"{command} printed nothing and wrote nothing"


@pytest.mark.parametrize("block", re.findall(r"```sparql\n(.*?)```", TEXT, re.S))
def test_readme_sparql_answers(block: str, tmp_path: Path) -> None:
    """Each SPARQL example of the README runs on the packaged graphs and answers something.

    In the default format of its form: a table of rows, or Turtle for a CONSTRUCT.
    """
    query = tmp_path / "example.rq"
    query.write_text(block)
    done = _run(f"pharmakg query {query}", tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) > 1, f"no rows:\n{block}"


@pytest.mark.parametrize("block", PYTHON_BLOCKS)
def test_readme_python_runs(block: str) -> None:
    exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own README
