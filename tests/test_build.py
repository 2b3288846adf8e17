"""Tests for the release pipeline: outputs, atomic swap, stale releases, round trips."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import pharmakg
from pharmakg import vocab
from pharmakg.build import RELEASE_FILES, build_release, jsonld_context, serialize
from pharmakg.export import prepare_release
from pharmakg.load import load_graph
from pharmakg.model import RdfFormat

# pharmakg.build is the public function; the module is reached through sys.modules.
build_module = importlib.import_module("pharmakg.build")


def _build(fixtures: Path, out: Path, data: str = "good.ttl") -> pharmakg.BuildResult:
    kg = load_graph(fixtures / "ontology.ttl", fixtures / data)
    return build_release(
        out, kg, shapes=fixtures / "shapes.ttl", ontology=fixtures / "ontology.ttl"
    )


def test_release_files(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = _build(fixtures, out)
    assert result.conforms
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in result.files)
    assert set(RELEASE_FILES) <= {p.name for p in result.files}
    lines = (out / "pharmakg.nt").read_text().splitlines()
    assert lines == sorted(lines)
    assert len(lines) > result.triples  # the data and the dataset description (void.ttl)
    ttl = (out / "pharmakg.ttl").read_text()
    assert "@prefix pkr: <https://w3id.org/pharmakg/resource/> ." in ttl
    document = json.loads((out / "pharmakg.jsonld").read_text())
    assert document["@context"]["CHEBI"] == {
        "@id": "http://purl.obolibrary.org/obo/CHEBI_",
        "@prefix": True,
    }
    assert (out / "validation-report.txt").read_text().startswith("Conforms")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_round_trip_turtle_jsonld_ntriples(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _build(fixtures, out)
    from_ttl = load_graph(out / "pharmakg.ttl").graph
    from_jsonld = load_graph(out / "pharmakg.jsonld").graph
    from_nt = load_graph(out / "pharmakg.nt").graph
    assert isomorphic(from_ttl, from_jsonld)
    assert isomorphic(from_jsonld, from_nt)
    original = load_graph(fixtures / "ontology.ttl", fixtures / "good.ttl").graph
    assert isomorphic(prepare_release(original).graph(), from_nt)


def test_rebuild_replaces_release(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _build(fixtures, out)
    (out / "leftover.txt").write_text("old")
    _build(fixtures, out)
    assert not (out / "leftover.txt").exists()


def test_nonconforming_build_removes_stale_release(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _build(fixtures, out)
    result = _build(fixtures, out, data="bad.ttl")
    assert not result.conforms
    assert result.removed_stale
    assert not out.exists()
    assert result.files == ()
    again = _build(fixtures, out, data="bad.ttl")
    assert not again.removed_stale


def test_failed_write_leaves_previous_release(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    _build(fixtures, out)
    before = (out / "pharmakg.nt").read_text()

    def half_write(
        kg: object, report: object, inferred: object, directory: Path, options: object
    ) -> list[Path]:
        (directory / "pharmakg.ttl").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "_write_release", half_write)
    with pytest.raises(OSError, match="disk full"):
        _build(fixtures, out)
    assert (out / "pharmakg.nt").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_decimal_spelling_survives_every_format(tmp_path: Path) -> None:
    """The decimal "3" is written as the Turtle token 3.0 by rdflib; all outputs must agree."""
    source = tmp_path / "d.ttl"
    source.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://x/s> <http://x/p> "3"^^xsd:decimal, "2.50"^^xsd:decimal, 7 .\n'
        '<http://x/s> <http://x/p> "1.5E0"^^xsd:double .\n'
    )
    graph = load_graph(source).graph
    outputs = {}
    for fmt in (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES):
        path = tmp_path / f"out{fmt.suffixes[0]}"
        path.write_text(serialize(graph, fmt))
        outputs[fmt] = load_graph(path).graph
    assert isomorphic(outputs[RdfFormat.TURTLE], outputs[RdfFormat.JSONLD])
    assert isomorphic(outputs[RdfFormat.JSONLD], outputs[RdfFormat.NTRIPLES])
    assert len(outputs[RdfFormat.NTRIPLES]) == 4


def test_jsonld_context_is_inline_prefix_map() -> None:
    context = jsonld_context()
    assert context["pkr"] == "https://w3id.org/pharmakg/resource/"
    for prefix, uri in vocab.prefix_map().namespaces().items():
        value = context[prefix]
        assert (value if isinstance(value, str) else value["@id"]) == uri


def test_serialize_binds_prefixes_without_changing_input(fixtures: Path) -> None:
    graph = load_graph(fixtures / "good.ttl").graph
    before = dict(graph.namespaces())
    text = serialize(graph, RdfFormat.TURTLE)
    assert "pkr:imiquimod" in text
    assert dict(graph.namespaces()) == before
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)


def test_a_second_drug_goes_through_the_same_build(tmp_path: Path) -> None:
    """The synthetic second drug is released by the unchanged ontology, shapes and build."""
    from click.testing import CliRunner

    from pharmakg.cli import main

    synthetic = Path(__file__).parent / "data" / "synthetic" / "examplinib.ttl"
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "-o", str(out), "--graph", str(synthetic)])
    assert result.exit_code == 0, result.output
    released = pharmakg.load(out / "pharmakg.nt")
    drugs = {str(d) for d in released.query("mechanism").column("drug")}
    assert drugs == {
        "https://w3id.org/pharmakg/resource/imiquimod",
        "https://w3id.org/pharmakg/resource/synthetic-examplinib",
    }
