"""Tests for the command line: exit codes, streams, formats, -o."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pharmakg.cli import main

QUERIES = Path(__file__).parent / "fixtures_infra" / "queries"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _data(fixtures: Path) -> list[str]:
    return ["--data", str(fixtures / "ontology.ttl"), "--data", str(fixtures / "good.ttl")]


def test_help_documents_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for line in ("0  success", "1  the data do not conform", "2  bad input"):
        assert line in result.output
    for command in ("build", "validate", "queries", "query"):
        assert command in result.output


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pharmakg", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "pharmakg" in done.stdout


def test_query_table_and_json(runner: CliRunner, fixtures: Path) -> None:
    args = ["query", str(QUERIES / "drugs.rq"), *_data(fixtures), "--param", "drug=aldara"]
    table = runner.invoke(main, args)
    assert table.exit_code == 0, table.output
    assert "pkr:imiquimod" in table.stdout
    assert "(1 row)" in table.stdout
    as_json = runner.invoke(main, [*args, "--format", "json", "--engine", "rdflib"])
    body = json.loads(as_json.stdout)
    assert body["results"]["bindings"][0]["id"]["value"] == "CHEBI:36704"


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_output_file_equals_stdout(
    runner: CliRunner, fixtures: Path, tmp_path: Path, fmt: str
) -> None:
    args = ["query", str(QUERIES / "min_count.rq"), *_data(fixtures), "--format", fmt]
    shown = runner.invoke(main, args)
    assert shown.exit_code == 0
    target = tmp_path / "out" / f"result.{fmt}"
    written = runner.invoke(main, [*args, "-o", str(target)])
    assert written.exit_code == 0
    assert written.stdout == ""
    assert target.read_bytes() == shown.stdout_bytes
    assert [p.name for p in target.parent.iterdir()] == [target.name]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", str(QUERIES / "drugs.rq"), "--param", "drug"], "has no value"),
        (["query", str(QUERIES / "drugs.rq"), "--param", "dose=1"], "choose from: drug"),
        (["query", str(QUERIES / "drugs.rq"), "--param", "drug=imiquimood"], "imiquimod"),
        (["query", str(QUERIES / "drugs.rq"), "--param", "drug=FOO:1"], "FOO:1"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    runner: CliRunner, fixtures: Path, args: list[str], fragment: str
) -> None:
    result = runner.invoke(main, [*args, *_data(fixtures)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pharmakg: error: ")
    assert fragment in result.stderr


def test_unknown_format_lists_choices(runner: CliRunner, fixtures: Path) -> None:
    result = runner.invoke(main, ["query", "x", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "table" in result.stderr
    assert "json" in result.stderr


def test_validate_exit_codes(runner: CliRunner, fixtures: Path, tmp_path: Path) -> None:
    common = [
        "--shapes",
        str(fixtures / "shapes.ttl"),
        "--ontology",
        str(fixtures / "ontology.ttl"),
    ]
    good = runner.invoke(main, ["validate", str(fixtures / "good.ttl"), *common])
    assert good.exit_code == 0, good.output
    assert good.stdout.startswith("Conforms")
    bad = runner.invoke(main, ["validate", str(fixtures / "bad.ttl"), *common, "--format", "json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["conforms"] is False
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://ex/> .\nex:a ex:b .\n")
    parse = runner.invoke(main, ["validate", str(broken), *common])
    assert parse.exit_code == 2
    assert f"{broken}:2:" in parse.stderr
    odd = runner.invoke(main, ["validate", str(fixtures / "good.nt"), "--input-format", "yaml"])
    assert odd.exit_code == 2
    assert "turtle" in odd.stderr


def test_queries_lists_names(runner: CliRunner) -> None:
    result = runner.invoke(main, ["queries"])
    assert result.exit_code == 0


def test_unwritable_output_is_a_clear_error_with_exit_2(fixtures: Path, tmp_path: Path) -> None:
    """An OSError on -o is bad output (exit 2, one line naming the path), never a traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    target = blocker / "out.csv"
    command = ["query", str(QUERIES / "drugs.rq"), *_data(fixtures), "-o", str(target)]
    done = subprocess.run(
        [sys.executable, "-m", "pharmakg", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("pharmakg: error: ")
    assert str(target) in line
    assert not list(tmp_path.glob("**/.out.csv.*"))  # no temporary file left


def test_error_exit_codes_follow_the_error_tree() -> None:
    from pharmakg import errors

    assert errors.InputError.exit_code == errors.OutputError.exit_code == 2
    assert errors.UnknownEntityError.exit_code == 2  # every input error
    for environmental in (errors.ResourceError, errors.ReasonerError, errors.JavaNotFoundError):
        assert environmental.exit_code == 3, environmental
    assert errors.MissingToolError.exit_code == 3


def test_long_choice_lists_are_cut() -> None:
    from pharmakg.errors import AmbiguousEntityError

    error = AmbiguousEntityError("ambiguous", term="x", choices=[f"pkr:e{i}" for i in range(400)])
    text = str(error)
    assert text.endswith("pkr:e9, and 390 more)")
    assert "pkr:e10," not in text
    assert len(error.choices) == 400  # the data keeps every candidate


def test_visualise_output_suffix_chooses_the_format(runner: CliRunner, tmp_path: Path) -> None:
    picture = tmp_path / "imiquimod.svg"
    assert runner.invoke(main, ["visualise", "imiquimod", "-o", str(picture)]).exit_code == 0
    assert picture.read_text(encoding="utf-8").startswith("<?xml")
    assert "<svg" in picture.read_text(encoding="utf-8")
    mismatch = runner.invoke(
        main, ["visualise", "imiquimod", "-o", str(tmp_path / "x.svg"), "--format", "html"]
    )
    assert mismatch.exit_code == 2
    assert "x.svg is named as svg, but --format html" in mismatch.output
    assert not (tmp_path / "x.svg").exists()


@pytest.mark.parametrize("spelling", ["mermaid", ".mmd", "text/vnd.mermaid"])
def test_visualise_format_takes_names_suffixes_and_media_types(
    runner: CliRunner, spelling: str
) -> None:
    result = runner.invoke(main, ["visualise", "imiquimod", "--format", spelling])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("flowchart")
