"""Tests for the validation stage (infrastructure only, on fixtures)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

import pharmakg
from conftest import DATA, GRAPHS, ROOT, SYNTHETIC
from pharmakg import resources, vocab
from pharmakg._load import parse_file
from pharmakg._validate import KNOWN_CURIE, KNOWN_PREFIX, check_prefix_declarations
from pharmakg._validate.shapes import prologue as _prologue
from pharmakg._validate.targets import targets_on_store as _targets_on_store
from pharmakg._validate.targets import with_target_nodes as _with_target_nodes
from pharmakg.errors import ShapesError
from pharmakg.model import Severity

DRUGMECHDB_FIXTURE = DATA / "drugmechdb" / "indication_paths.yaml"


def _validate(fixtures: Path, *names: str) -> pharmakg.ValidationReport:
    kg = pharmakg.load(*(fixtures / n for n in names))
    return pharmakg.validate(
        kg,
        shapes=fixtures / "shapes.ttl",
        ontology=fixtures / "ontology.ttl",
        project_checks=True,  # the fixture shapes are a user's: the checks run when asked
    )


def test_good_fixture_conforms(fixtures: Path) -> None:
    report = _validate(fixtures, "good.ttl")
    assert report.conforms
    assert report.results == ()
    assert report.to_text().startswith("Conforms")


def test_bad_fixture_reports_each_problem(fixtures: Path) -> None:
    report = _validate(fixtures, "bad.ttl")
    assert not report.conforms
    by_shape = {}
    for result in report.results:
        by_shape.setdefault(result.source_shape, []).append(result)
    curie_values = sorted(str(r.value) for r in by_shape[KNOWN_CURIE])
    assert curie_values == ["FOO:1", "NCBITaxon:123abc", "Orphanet:137583"]
    [prefix] = by_shape[KNOWN_PREFIX]
    assert prefix.line == 4
    assert prefix.file is not None
    assert prefix.file.endswith("bad.ttl")
    [loop] = by_shape[vocab.PKGSH.NoSelfLoop]
    assert loop.message == "A thing must not relate to itself."
    assert loop.focus_label == "loop"
    assert loop.shape_label == "no self loop"


def test_target_class_follows_subclass_of_the_ontology(fixtures: Path) -> None:
    """pkr:nolabel is a pkg:Drug; the shape targets pkg:Thing, a superclass in the ontology."""
    report = _validate(fixtures, "bad.ttl")
    label = [r for r in report.results if r.path == URIRef(str(vocab.RDFS.label))]
    assert [r.focus_node for r in label] == [vocab.PKR.nolabel]
    assert label[0].message == "A thing needs a label."  # the shape's sh:message
    assert label[0].shape_label == "pkgsh:ThingShape, property rdfs:label"


def test_validate_does_not_change_its_input(fixtures: Path) -> None:
    kg = pharmakg.load(fixtures / "bad.ttl")
    before = len(kg.to_rdflib())
    pharmakg.validate(kg, shapes=fixtures / "shapes.ttl", ontology=fixtures / "ontology.ttl")
    assert len(kg.to_rdflib()) == before


def test_report_json_and_graph(fixtures: Path) -> None:
    report = _validate(fixtures, "bad.ttl")
    body = json.loads(report.to_json())
    assert body["conforms"] is False
    assert len(body["results"]) == len(report.results)
    assert {r["severity"] for r in body["results"]} == {"Violation"}
    graph = report.to_graph()
    conforms = list(graph.objects(None, vocab.RDF.type))
    assert conforms
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), Literal(False)) in graph
    again = report.to_graph()
    assert isomorphic(graph, again)


def test_text_report_is_one_line_per_result(fixtures: Path) -> None:
    report = _validate(fixtures, "bad.ttl")
    lines = report.to_text().splitlines()
    assert len(lines) == len(report.results) + 1
    assert all(line.startswith(("Violation", str(fixtures))) for line in lines[:-1])
    assert lines[-1].startswith("Does not conform: 6 violation(s)")


def test_a_warning_breaks_conformance_of_a_users_shapes(fixtures: Path, tmp_path: Path) -> None:
    """SHACL §3.6.1: any result, whatever its severity, and the report does not conform."""
    shapes = tmp_path / "warn.ttl"
    shapes.write_text(
        (fixtures / "shapes.ttl")
        .read_text()
        .replace(
            'sh:message "A thing needs a label." ;',
            'sh:message "A thing needs a label." ; sh:severity sh:Warning ;',
        )
    )
    data = tmp_path / "nolabel.ttl"
    data.write_text(
        "@prefix pkg: <https://w3id.org/pharmakg/ontology/> .\n"
        "@prefix pkr: <https://w3id.org/pharmakg/resource/> .\n"
        'pkr:x a pkg:Drug ; pkg:id "CHEBI:1" .\n'
    )
    kg = pharmakg.load(data)
    report = pharmakg.validate(kg, shapes=shapes, ontology=fixtures / "ontology.ttl")
    assert not report.conforms
    assert [r.severity for r in report.results] == [Severity.WARNING]


def test_invalid_shapes_raise_shapes_error(fixtures: Path) -> None:
    kg = pharmakg.load(fixtures / "good.ttl")
    with pytest.raises(ShapesError, match="VALUES") as info:
        pharmakg.validate(
            kg, shapes=fixtures / "bad_shapes.ttl", ontology=fixtures / "ontology.ttl"
        )
    assert info.value.file == str(fixtures / "bad_shapes.ttl")


def test_prefix_declarations(tmp_path: Path) -> None:
    path = tmp_path / "p.ttl"
    path.write_text(
        "@prefix CHEBI: <http://purl.obolibrary.org/obo/CHEBI_> .\n"
        "@prefix mesh: <http://id.nlm.nih.gov/mesh/> .\n"
        "PREFIX MONDO: <http://example.org/mondo/>\n"
        "@prefix ex: <http://example.org/> .\n"
    )
    results = check_prefix_declarations(path)
    assert [r.line for r in results] == [2, 3, 4]
    assert "calls MESH:" in results[0].message
    assert "prefix map" in results[1].message


def test_ill_typed_literal_is_a_result_not_a_traceback(tmp_path: Path) -> None:
    """An ill-typed literal ("abc"^^xsd:integer) is a validation result, never a traceback."""
    import subprocess
    import sys

    data = tmp_path / "ill-typed.ttl"
    data.write_text(
        "@prefix pkr: <https://w3id.org/pharmakg/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'pkr:x rdfs:label "x"@en ; rdfs:comment "abc"^^xsd:integer .\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "pharmakg", "validate", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    [line] = [x for x in done.stdout.splitlines() if "WellTypedLiteral" in x]
    assert "path rdfs:comment" in line
    assert "'abc' is not a valid xsd:integer" in line


def _steps(fixtures: Path, engine: str) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    kg = pharmakg.load(fixtures / "good.ttl")
    pharmakg.validate(
        kg,
        shapes=fixtures / "shapes.ttl",
        ontology=fixtures / "ontology.ttl",
        engine=engine,
        progress=lambda done, total: calls.append((done, total)),
    )
    return calls


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_progress_counts_every_step_to_the_total(fixtures: Path, engine: str) -> None:
    calls = _steps(fixtures, engine)
    [total] = {t for _, t in calls}
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def _validate_cli(stderr: int | None) -> tuple[int, bytes]:
    """``pharmakg validate --engine fast`` on the monograph, stderr to ``stderr`` (or a pipe)."""
    process = subprocess.run(
        [sys.executable, "-m", "pharmakg", "validate", "--engine", "fast"],
        stdout=subprocess.DEVNULL,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        check=False,
    )
    return process.returncode, process.stderr or b""


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    code, stderr = _validate_cli(None)
    assert code == 0
    assert b"validating" not in stderr


def test_progress_bar_on_a_terminal() -> None:
    master, slave = pty.openpty()
    try:
        code, _ = _validate_cli(slave)
        os.close(slave)
        seen = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end is closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert code == 0
    assert b"validating" in seen


def _sparql_targets(shapes: Graph) -> set[tuple[Node, Node]]:
    return {
        (shape, target)
        for shape, target in shapes.subject_objects(SH.target)
        if (target, RDF.type, SH.SPARQLTarget) in shapes
    }


def test_sparql_targets_are_answered_on_the_store_as_rdflib_answers_them(tmp_path: Path) -> None:
    """Each SPARQL-based target of the real shapes is run on the store, not by the fast engine.

    On the monograph, the second drug and the DrugMechDB fixture (curated claims, drugs and
    diseases a curated database identifies), the focus nodes are the ones rdflib's own SPARQL
    engine selects from the same data: the fast engine then gets them as sh:targetNode, and
    no SPARQL target is left to it.
    """
    imported = tmp_path / "drugmechdb.nt"
    pharmakg.import_drugmechdb(DRUGMECHDB_FIXTURE, kg=pharmakg.load()).write(imported)
    kg = pharmakg.load(ROOT / "ontology" / "pharmakg.ttl", *GRAPHS, SYNTHETIC, imported)
    shapes = parse_file(resources.shapes_file())
    answered = _targets_on_store(kg.store, shapes)
    assert set(answered) == _sparql_targets(shapes)
    for (_shape, target), nodes in answered.items():
        prologue = _prologue(shapes, target)
        expected = {
            row[0] for row in kg.to_rdflib().query(prologue + str(shapes.value(target, SH.select)))
        }
        assert nodes == expected
        assert nodes  # every target picks something here
    engine_shapes = _with_target_nodes(shapes, answered)
    assert _sparql_targets(engine_shapes) == set()
    for (shape, _target), nodes in answered.items():
        assert nodes <= set(engine_shapes.objects(shape, SH.targetNode))


def test_a_sparql_target_selecting_blank_nodes_stays_with_the_engine(tmp_path: Path) -> None:
    """A blank node of the data cannot be named in the shapes: the engine runs that target."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix pkg: <https://w3id.org/pharmakg/ontology/> .\n"
        "@prefix pkgsh: <https://w3id.org/pharmakg/shapes/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "pkgsh:Kinds a sh:SPARQLTarget ;\n"
        '    sh:select "SELECT ?this WHERE '
        '{ ?this <https://w3id.org/pharmakg/ontology/kind> ?k }" .\n'
        'pkgsh:KindShape a sh:NodeShape ; rdfs:label "kind" ; sh:target pkgsh:Kinds ;\n'
        "    sh:property [ sh:path rdfs:label ; sh:minCount 1 ;\n"
        '        sh:message "A kind has a label." ] .\n'
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        "@prefix pkg: <https://w3id.org/pharmakg/ontology/> .\n"
        "@prefix pkr: <https://w3id.org/pharmakg/resource/> .\n"
        '[] pkg:kind "blank" .\npkr:named pkg:kind "named" .\n'
    )
    kg = pharmakg.load(data)
    assert _targets_on_store(kg.store, parse_file(shapes)) == {}
    reports = [
        pharmakg.validate(kg, shapes=shapes, ontology=ROOT / "ontology" / "pharmakg.ttl", engine=e)
        for e in ("fast", "pyshacl")
    ]
    for report in reports:
        assert sorted(type(r.focus_node).__name__ for r in report.results) == ["BNode", "URIRef"]
        assert {r.message for r in report.results} == {"A kind has a label."}


@pytest.mark.parametrize(
    "fixture",
    [
        "drug-without-target.ttl",  # a SPARQL-targeted shape (pkgsh:OwnDrugs)
        "curated-claim-without-path.ttl",  # another (pkgsh:CuratedClaims)
        "negated-statement-asserted.ttl",  # a SHACL-SPARQL constraint
        "citation-number-used-twice.ttl",  # another, with blank nodes in the fixture
    ],
)
def test_an_on_disk_store_validates_as_memory_does(fixture: str, tmp_path: Path) -> None:
    """The fast path copies an on-disk store's dump into memory for its SPARQL: same report."""
    files = [ROOT / "ontology" / "pharmakg.ttl", *GRAPHS, DATA / "invalid" / fixture]
    pharmakg.load(*files, store=tmp_path / "store")
    on_disk = pharmakg.validate(pharmakg.load(store=tmp_path / "store"), engine="fast")
    in_memory = pharmakg.validate(pharmakg.load(*files), engine="fast")
    assert not on_disk.conforms
    assert on_disk.violations
    assert _comparable(on_disk) == _comparable(in_memory)


def _comparable(report: pharmakg.ValidationReport) -> list[dict[str, object]]:
    """The results, a blank property shape by its label (it is new each time shapes parse)."""
    rows = [result.to_dict() for result in report.results]
    for row in rows:
        if str(row["source_shape"]).startswith("_:"):
            row["source_shape"] = None
    return rows
