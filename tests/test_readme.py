"""The README's and the docs' commands are run, so docs and code cannot drift apart.

Every check runs on the README and on every ``docs/*.md`` page alike: ``console`` commands exit
0, ``text`` blocks are real output, ``python`` blocks run, ``sparql`` blocks answer, and every
relative link leads somewhere. The README itself stays a short guide that links every page.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pharmakg import errors, resources

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
#: The pages under test: the README, then every page of docs/.
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = {
    page.relative_to(ROOT).as_posix(): page.read_text(encoding="utf-8") for page in [README, *DOCS]
}
#: A guide a newcomer reads in ten minutes; the rest belongs in docs/.
README_MAX_LINES = 300
#: Commands that build a whole release take minutes on 2 cores: `make test-slow` runs them.
SLOW = ("pharmakg build",)
QUERY_NAMES = {p.stem for p in resources.queries_dir().glob("*.rq")}
#: DrugMechDB's file (third-party, not shipped): the cross-source examples need its import.
DRUGMECHDB = ROOT.parent / "shared" / "data" / "drugmechdb" / "indication_paths.yaml"
IMPORTED = "drugmechdb.nt"
#: A shown line starting with this stands for any number of real lines (an elision).
ELISION = "…"
#: The checkout's folders a command may name (`pharmakg load ontology/pharmakg.ttl …`).
CHECKOUT = ("ontology", "graphs", "tests")


def _code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def _console_commands(text: str) -> list[str]:
    """The commands of the ```console blocks (```text blocks are checked with their output)."""
    return [
        line.removeprefix("$ ").split("#")[0].strip()
        for block in _code_blocks(text, "console")
        for line in block.splitlines()
        if line.startswith("$ pharmakg ")
    ]


def _each(language: str) -> list[tuple[str, str]]:
    """Every block of ``language`` on every page, with its page's name."""
    return [(name, block) for name, text in PAGES.items() for block in _code_blocks(text, language)]


COMMANDS = _console_commands(TEXT)
ALL_COMMANDS = [
    (name, command) for name, text in PAGES.items() for command in _console_commands(text)
]
PYTHON_BLOCKS = _each("python")
#: Shown output: every ```text block starts with ``$ pharmakg …`` and then shows its stdout.
OUTPUT_BLOCKS = [(name, textwrap.dedent(block)) for name, block in _each("text")]
#: The commands whose output a ```text block shows: run once, there (exit code and output).
SHOWN = {block.splitlines()[0].removeprefix("$ ") for _, block in OUTPUT_BLOCKS}


def _param(page: str, item: str, *, slow: bool = False) -> object:
    """A test parameter named by its page and the start of its text."""
    marks = [pytest.mark.slow] if slow else []
    label = item.strip().splitlines()[0] if item.strip() else ""
    return pytest.param(page, item, marks=marks, id=f"{page}::{label[:60]}")


def test_readme_shows_the_essentials() -> None:
    head = TEXT[:1500]
    assert "make release" in head
    assert "make test" in head
    assert len(COMMANDS) >= 4
    assert _code_blocks(TEXT, "python")
    assert "```sparql" in TEXT
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in TEXT


def test_readme_is_a_guide() -> None:
    lines = len(TEXT.splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines: move detail into docs/"


def test_readme_documents_every_exit_code() -> None:
    """The exit codes table has a row for each code the command line can end with, and no other."""
    section = TEXT.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)}
    classes, seen = [errors.PharmakgError], set()
    while classes:
        cls = classes.pop()
        seen.add(cls.exit_code)
        classes.extend(cls.__subclasses__())
    assert documented == {0, 1} | seen


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


def _block(page: str, block: str) -> object:
    """A shown block as a test parameter; one that reads the DrugMechDB import is slow."""
    command = block.splitlines()[0]
    slow = IMPORTED in command or "tests/data/inconsistent" in command  # HermiT ~10 times
    return _param(page, block, slow=slow)


def _exit_code(command: str) -> int:
    """The code a shown command exits with: 1 on the broken fixtures (as the docs say), or 0."""
    return 1 if "tests/data/inconsistent/" in command or "tests/data/invalid/" in command else 0


def _link_checkout(folder: Path) -> None:
    for name in CHECKOUT:
        (folder / name).symlink_to(ROOT / name)


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like a checkout that also holds the docs' DrugMechDB import."""
    if not DRUGMECHDB.is_file():
        pytest.skip(f"DrugMechDB's file is not here ({DRUGMECHDB}); CI has it")
    folder = tmp_path_factory.mktemp("imported")
    _link_checkout(folder)
    done = _run(f"pharmakg import drugmechdb {DRUGMECHDB} -o {IMPORTED}", folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.parametrize(("page", "block"), [_block(page, b) for page, b in OUTPUT_BLOCKS])
def test_shown_output_is_real(page: str, block: str, request: pytest.FixtureRequest) -> None:
    """Each shown output block is what its command prints today (normalised)."""
    command, *shown = block.rstrip("\n").splitlines()
    assert command.startswith("$ pharmakg "), (
        f"{page}: a shown block must name its command: {command}"
    )
    folder = request.getfixturevalue("imported") if IMPORTED in command else ROOT
    done = _run(command.removeprefix("$ "), folder)
    assert done.returncode == _exit_code(command), f"{page}: {command}\n{done.stderr}"
    real = "".join(_normalised(line) + "\n" for line in done.stdout.splitlines())
    assert _shown_pattern(shown).fullmatch(real), (
        f"{page}: {command}\n--- real output:\n{done.stdout}"
    )


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


def _written(folder: Path) -> list[Path]:
    """The files a command wrote into ``folder`` (not those of the checkout linked into it)."""
    return [Path(top) / name for top, _, names in os.walk(folder) for name in names]


@pytest.mark.parametrize(
    ("page", "command"),
    [_param(page, c, slow=c.startswith(SLOW)) for page, c in ALL_COMMANDS if c not in SHOWN],
)
def test_command_exits_0(page: str, command: str, tmp_path: Path) -> None:
    """Each command runs in an empty folder, or one like a checkout if it names its files."""
    needed = _needed_query(command)
    if needed is not None and needed not in QUERY_NAMES:
        pytest.fail(f"{page} uses query {needed!r}, which queries/ does not have")
    if any(word.startswith(f"{name}/") for word in shlex.split(command) for name in CHECKOUT):
        _link_checkout(tmp_path)
    done = _run(command, tmp_path)
    assert done.returncode == 0, f"{page}: {command}\n{done.stderr}"
    assert done.stdout or _written(tmp_path), f"{page}: {command} printed nothing and wrote nothing"


@pytest.mark.parametrize(("page", "block"), [_param(p, b) for p, b in _each("sparql")])
def test_sparql_answers(page: str, block: str, tmp_path: Path) -> None:
    """Each SPARQL example runs on the packaged graphs and answers something.

    In the default format of its form: a table of rows, or Turtle for a CONSTRUCT.
    """
    query = tmp_path / "example.rq"
    query.write_text(block)
    done = _run(f"pharmakg query {query}", tmp_path)
    assert done.returncode == 0, f"{page}: {done.stderr}"
    assert len(done.stdout.splitlines()) > 1, f"{page}: no rows:\n{block}"


@pytest.mark.parametrize(("page", "block"), [_param(p, b) for p, b in PYTHON_BLOCKS])
def test_python_runs(page: str, block: str) -> None:
    exec(compile(block, str(ROOT / page), "exec"), {})  # noqa: S102 - our own docs


# ---------------------------------------------------------------- links


def _without_fences(text: str) -> str:
    """The text without its fenced code blocks, indented or not."""
    return re.sub(r"^[ \t]*```.*?^[ \t]*```", "", text, flags=re.S | re.M)


def _prose(text: str) -> str:
    """The text without its code: fenced blocks and inline code spans."""
    return re.sub(r"`[^`\n]*`", "", _without_fences(text))


def _links(text: str) -> list[str]:
    """The targets of the Markdown links and images of ``text``, outside code."""
    return re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", _prose(text))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    """The anchors of a page's headings; a repeated one gets -1, -2, … as on GitHub."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _without_fences(text), re.M):
        slug = _slug(heading)
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _local(target: str) -> bool:
    return not re.match(r"[a-z][a-z0-9+.-]*:", target, re.I)


def test_slug_and_anchors_follow_github() -> None:
    assert _slug("Serving the graph: `pharmakg serve`") == "serving-the-graph-pharmakg-serve"
    assert _slug("Loading: `load FILE... --store DIR`") == "loading-load-file---store-dir"
    assert _anchors("# A\n## B\n## B\n```sh\n# not a heading\n```\n") == {"a", "b", "b-1"}
    assert _links("[x](a.md) `[y](b.md)` ![z](c.png)\n```\n[w](d.md)\n```\n") == ["a.md", "c.png"]


@pytest.mark.parametrize("page", list(PAGES))
def test_relative_links_resolve(page: str) -> None:
    """Every relative link leads to a file of the checkout, and an anchor to one of its headings."""
    broken = []
    for target in filter(_local, _links(PAGES[page])):
        path, _, anchor = target.partition("#")
        file = (ROOT / page).parent / path if path else ROOT / page
        if not file.resolve().is_relative_to(ROOT) or not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and anchor not in _anchors(file.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, f"{page}: broken links: {broken}"


def test_every_doc_is_linked_from_the_readme() -> None:
    linked = {
        (ROOT / target.partition("#")[0]).resolve() for target in filter(_local, _links(TEXT))
    }
    assert DOCS
    unlinked = [doc.name for doc in DOCS if doc.resolve() not in linked]
    assert not unlinked, f"README.md links no page for {unlinked}"


@pytest.mark.parametrize("page", [doc.relative_to(ROOT).as_posix() for doc in DOCS])
def test_every_doc_names_its_subject(page: str) -> None:
    assert re.match(r"# \S", PAGES[page]), f"{page} must start with a title (# …)"
