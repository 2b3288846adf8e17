"""The store on the command line: load once, then query and validate from it; publish; limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

import pharmakg
from conftest import GRAPHS, ROOT, SYNTHETIC
from pharmakg._export import prepare_release
from pharmakg._load import default_paths
from pharmakg.cli import main
from pharmakg.store import SparqlStore
from pharmakg.vocab import expand_curie
from test_store import server as server

FILES = [str(ROOT / "ontology" / "pharmakg.ttl"), *map(str, GRAPHS)]
MECHANISM = ["query", "mechanism", "--param", "drug=imiquimod"]
CONSTRUCT = """# title: Agonists
# description: Each drug and the targets it is an agonist of, as triples.
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
CONSTRUCT { ?drug pkg:agonistOf ?target } WHERE { ?drug a pkg:Drug ; pkg:agonistOf ?target }
"""


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cli") / "kg"
    done = CliRunner().invoke(main, ["load", *FILES, "--store", str(directory)])
    assert done.exit_code == 0, done.output
    assert f"{len(pharmakg.load())} triples in {directory}" in done.output
    return directory


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_query_from_the_store_is_the_query_from_the_files(
    runner: CliRunner, store_dir: Path
) -> None:
    from_files = runner.invoke(main, MECHANISM)
    from_store = runner.invoke(main, [*MECHANISM, "--store", str(store_dir)])
    assert from_store.exit_code == 0, from_store.output
    assert from_store.output == from_files.output
    assert "pkr:tlr7" in from_store.output


def test_the_store_opens_read_only_for_many_processes(store_dir: Path) -> None:
    command = [sys.executable, "-m", "pharmakg", *MECHANISM, "--store", str(store_dir)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert outputs[0] == outputs[1]
    assert b"pkr:tlr7" in outputs[0]


def test_validate_from_the_store(runner: CliRunner, store_dir: Path) -> None:
    for engine in ("fast", "pyshacl"):
        done = runner.invoke(
            main, ["validate", "--store", str(store_dir), "--engine", engine, "--format", "json"]
        )
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["conforms"] is True


def test_not_a_store(runner: CliRunner, tmp_path: Path) -> None:
    done = runner.invoke(main, [*MECHANISM, "--store", str(tmp_path)])
    assert done.exit_code == 2
    assert "not a store directory" in done.output
    assert "Traceback" not in done.output


def test_data_and_store_together_is_a_usage_error(runner: CliRunner, store_dir: Path) -> None:
    done = runner.invoke(main, [*MECHANISM, "--store", str(store_dir), "--data", FILES[0]])
    assert done.exit_code == 2
    assert "not both" in done.output


@pytest.mark.parametrize(
    ("fmt", "rdflib_name"), [("turtle", "turtle"), ("nt", "nt"), ("json-ld", "json-ld")]
)
def test_construct_prints_rdf(
    runner: CliRunner, tmp_path: Path, store_dir: Path, fmt: str, rdflib_name: str
) -> None:
    query = tmp_path / "agonists.rq"
    query.write_text(CONSTRUCT, encoding="utf-8")
    done = runner.invoke(main, ["query", str(query), "--format", fmt, "--store", str(store_dir)])
    assert done.exit_code == 0, done.output
    if fmt == "json-ld":  # pyoxigraph's JSON-LD is expanded: read it back with pyoxigraph
        printed = Graph().parse(
            data=pharmakg.GraphResult(
                ox.serialize(
                    ox.parse(done.output.encode(), format=ox.RdfFormat.JSON_LD),
                    format=ox.RdfFormat.N_TRIPLES,
                )
                or b""
            ).ntriples.decode(),
            format="nt",
        )
    else:
        printed = Graph().parse(data=done.output, format=rdflib_name)
    expected = Graph()
    for path in default_paths():
        expected.parse(path)
    agonists = Graph()
    for triple in expected.triples((None, expand_curie("pkg:agonistOf"), None)):
        agonists.add(triple)
    assert len(printed) == len(agonists) > 0
    assert isomorphic(printed, agonists)


def test_describe_defaults_to_turtle(runner: CliRunner, tmp_path: Path) -> None:
    query = tmp_path / "describe.rq"
    query.write_text("DESCRIBE <https://w3id.org/pharmakg/resource/tlr7>\n", encoding="utf-8")
    done = runner.invoke(main, ["query", str(query)])
    assert done.exit_code == 0, done.output
    assert "@prefix pkr:" in done.output
    assert len(Graph().parse(data=done.output, format="turtle")) > 3
    wrong = runner.invoke(main, ["query", str(query), "--format", "csv"])
    assert wrong.exit_code == 2
    assert "answers triples" in wrong.output


def test_timeout_stops_the_query_with_exit_3(tmp_path: Path) -> None:
    query = tmp_path / "cross.rq"
    query.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pharmakg", "query", str(query), "--timeout", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3
    assert "ran longer than 1 s and was stopped" in done.stderr
    assert "Traceback" not in done.stderr


def test_service_is_refused_without_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    query = tmp_path / "service.rq"
    query.write_text(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n", encoding="utf-8"
    )
    refused = runner.invoke(main, ["query", str(query)])
    assert refused.exit_code == 2
    assert "--allow-service" in refused.output
    allowed = runner.invoke(main, ["query", str(query), "--allow-service"])
    assert allowed.exit_code == 2  # the request went out and failed: a clear error still
    assert "--allow-service" not in allowed.output
    assert "Traceback" not in allowed.output


def _published(server: str) -> dict[str, int]:
    remote = SparqlStore(server)
    rows = remote.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {str(g): int(str(n)) for g, n in rows.rows}


def test_publish_replaces_and_adds_named_graphs(runner: CliRunner, server: str) -> None:
    done = runner.invoke(main, ["publish", "--store", f"sparql:{server}"])
    assert done.exit_code == 0, done.output
    written = {
        g: int(n)
        for g, n in (line.split("\t") for line in done.output.splitlines() if "\t" in line)
    }
    release = prepare_release(pharmakg.load())
    expected = {
        str(release.graph_names[name]): len(getattr(release, name))
        for name in release.DATA_GRAPHS
        if len(getattr(release, name))
    }
    assert written == expected  # every non-empty data graph: asserted, by basis, provenance
    assert _published(server) == written
    with_second_drug = [*FILES, str(SYNTHETIC)]
    added = runner.invoke(
        main, ["publish", *with_second_drug, "--store", f"sparql:{server}", "--add"]
    )
    assert added.exit_code == 0, added.output
    grown = _published(server)
    assert all(grown[g] >= n for g, n in written.items())
    assert sum(grown.values()) > sum(written.values())
    replaced = runner.invoke(main, ["publish", "--store", f"sparql:{server}"])
    assert replaced.exit_code == 0, replaced.output
    assert _published(server) == written


def test_publish_needs_a_server(runner: CliRunner, tmp_path: Path) -> None:
    done = runner.invoke(main, ["publish", "--store", str(tmp_path)])
    assert done.exit_code == 2
    assert "sparql:URL" in done.output


def test_readme_store_commands_run_in_order(tmp_path: Path, server: str) -> None:
    """docs/store-and-scale.md, line by line, in one directory (agonists.rq is CONSTRUCT)."""
    section = (ROOT / "docs" / "store-and-scale.md").read_text(encoding="utf-8")
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.startswith("pharmakg ")]
    assert len(lines) >= 5
    (tmp_path / "ontology").symlink_to(ROOT / "ontology")
    (tmp_path / "graphs").symlink_to(ROOT / "graphs")
    shown = section.split("```sparql\n", 1)[1].split("```", 1)[0]
    assert shown.startswith("# title: Agonists")
    (tmp_path / "agonists.rq").write_text(shown, encoding="utf-8")
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for line in lines:
        command = line.replace("http://localhost:7878/query", server)
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{line}\n{done.stderr}"


# Every command that reads data reads it the same ways: the packaged graphs, --data FILE
# instead, --add-data FILE beside them, or --store LOCATION. The store's answer is the files'.
STORE_READERS = [
    ["paths", "imiquimod", "--format", "json"],
    ["visualise", "imiquimod", "--format", "mermaid"],
    ["stats", "--format", "json"],
    ["export", "--format", "graphml"],
    ["validate", "--format", "json"],
]


@pytest.mark.parametrize("command", STORE_READERS, ids=lambda c: c[0])
def test_every_reading_command_reads_a_store(
    runner: CliRunner, store_dir: Path, command: list[str]
) -> None:
    from_files = runner.invoke(main, command)
    from_store = runner.invoke(main, [*command, "--store", str(store_dir)])
    assert from_store.exit_code == from_files.exit_code == 0, from_store.output
    assert from_store.stdout == from_files.stdout


@pytest.mark.parametrize("command", [*STORE_READERS, ["reason"], ["build"]], ids=lambda c: c[0])
def test_every_reading_command_refuses_files_and_a_store(
    runner: CliRunner, store_dir: Path, command: list[str]
) -> None:
    for files in (["--data", FILES[1]], ["--add-data", FILES[1]]):
        done = runner.invoke(main, [*command, *files, "--store", str(store_dir)])
        assert done.exit_code == 2, done.output
        assert "not both" in done.output


@pytest.mark.slow  # two whole builds and HermiT
def test_reason_and_build_read_a_store(runner: CliRunner, store_dir: Path, tmp_path: Path) -> None:
    reasoned = runner.invoke(main, ["reason", "--format", "json", "--store", str(store_dir)])
    assert reasoned.exit_code == 0, reasoned.output
    expected = pharmakg.reason(pharmakg.load())
    got, want = json.loads(reasoned.stdout), json.loads(expected.to_json())
    assert (got["memberships"], got["values"]) == (want["memberships"], want["values"])
    for name, source in (("from-store", ["--store", str(store_dir)]), ("from-files", [])):
        built = runner.invoke(main, ["build", "-o", str(tmp_path / name), *source])
        assert built.exit_code == 0, built.output
    for path in sorted((tmp_path / "from-files").rglob("*")):
        twin = tmp_path / "from-store" / path.relative_to(tmp_path / "from-files")
        assert path.is_dir() or twin.read_bytes() == path.read_bytes(), path.name


def test_data_replaces_and_add_data_adds(runner: CliRunner, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix pkg: <https://w3id.org/pharmakg/ontology/> .\n"
        "@prefix pkr: <https://w3id.org/pharmakg/resource/> .\n"
        "pkr:extra-drug a pkg:Drug .\n"
    )
    packaged = len(pharmakg.load())
    count = ["query", str(tmp_path / "count.rq"), "--format", "csv"]
    (tmp_path / "count.rq").write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n")
    replaced = runner.invoke(main, [*count, "--data", str(extra)])
    added = runner.invoke(main, [*count, "--add-data", str(extra)])
    assert replaced.stdout.split() == ["n", "1"]
    assert added.stdout.split() == ["n", str(packaged + 1)]
