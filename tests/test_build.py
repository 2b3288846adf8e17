"""Tests for the release pipeline: outputs, atomic swap, stale releases, round trips."""

from __future__ import annotations

import importlib
import json
import os
import stat
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

import pharmakg
from pharmakg import vocab
from pharmakg._build import build_release
from pharmakg._export import (
    DEFAULT_BASE,
    ExportOptions,
    export,
    jsonld_context,
    prepare_release,
    release_formats,
)
from pharmakg._load import load_graph
from pharmakg.store.local import OxigraphStore

SRC = Path(pharmakg.__file__).parent

build_module = importlib.import_module("pharmakg._build")
_DAY = __import__("datetime").date(2026, 1, 2)
OTHER_BASE = "https://example.org/kg/"


def _build(fixtures: Path, out: Path, data: str = "good.ttl") -> pharmakg.BuildResult:
    kg = load_graph(fixtures / "ontology.ttl", fixtures / data)
    return build_release(
        out, kg, shapes=fixtures / "shapes.ttl", ontology=fixtures / "ontology.ttl"
    )


def test_release_files(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = _build(fixtures, out)
    assert result.conforms
    assert sorted(p for p in out.rglob("*") if p.is_file()) == sorted(result.files)
    for fmt in release_formats():
        if not fmt.multi_file:
            assert out / (fmt.release_file or "") in result.files, fmt.name
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
    from_ttl = load_graph(out / "pharmakg.ttl").to_rdflib()
    from_jsonld = load_graph(out / "pharmakg.jsonld").to_rdflib()
    from_nt = load_graph(out / "pharmakg.nt").to_rdflib()
    assert isomorphic(from_ttl, from_jsonld)
    assert isomorphic(from_jsonld, from_nt)
    original = load_graph(fixtures / "ontology.ttl", fixtures / "good.ttl").to_rdflib()
    release = prepare_release(original)
    assert isomorphic(release.rebased(release.single_graph()), from_nt)


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

    def half_write(release: object, directory: Path, **_: object) -> list[Path]:
        (directory / "pharmakg.ttl").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_release_files", half_write)
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
    graph = load_graph(source).to_rdflib()
    graph.add((URIRef(DEFAULT_BASE + "ontology"), OWL.versionInfo, Literal("1")))
    release = prepare_release(graph, options=ExportOptions(created=_DAY))
    outputs = {}
    for fmt in ("turtle", "json-ld", "nt"):
        output = export(release, fmt)
        path = tmp_path / output.files[0][0]
        path.write_bytes(output.single())
        outputs[fmt] = load_graph(path).to_rdflib()
    assert isomorphic(outputs["turtle"], outputs["json-ld"])
    assert isomorphic(outputs["json-ld"], outputs["nt"])
    data = [t for t in outputs["nt"] if str(t[0]) == "http://x/s"]
    assert len(data) == 4  # the four values


def test_jsonld_context_is_inline_prefix_map() -> None:
    context = jsonld_context()
    assert context["pkr"] == "https://w3id.org/pharmakg/resource/"
    for prefix, uri in vocab.prefix_map().namespaces().items():
        value = context[prefix]
        assert (value if isinstance(value, str) else value["@id"]) == uri


def test_export_binds_prefixes_without_changing_input(fixtures: Path) -> None:
    kg = load_graph(fixtures / "ontology.ttl", fixtures / "good.ttl")
    before = (dict(kg.to_rdflib().namespaces()), len(kg.to_rdflib()))
    text = export(prepare_release(kg, options=ExportOptions(created=_DAY)), "turtle").text()
    assert "pkr:imiquimod" in text
    assert (dict(kg.to_rdflib().namespaces()), len(kg.to_rdflib())) == before
    assert (URIRef(DEFAULT_BASE + "resource/imiquimod"), None, None) in Graph().parse(
        data=text, format="turtle"
    )


@pytest.mark.slow
def test_a_second_drug_goes_through_the_same_build(tmp_path: Path) -> None:
    """The synthetic second drug is released by the unchanged ontology, shapes and build."""
    from click.testing import CliRunner

    from pharmakg.cli import main

    synthetic = Path(__file__).parent / "data" / "synthetic" / "examplinib.ttl"
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "-o", str(out), "--add-data", str(synthetic)])
    assert result.exit_code == 0, result.output
    released = pharmakg.load(out / "pharmakg.nt")
    drugs = {str(d) for d in released.query("mechanism").column("drug")}
    assert drugs == {
        "https://w3id.org/pharmakg/resource/imiquimod",
        "https://w3id.org/pharmakg/resource/synthetic-examplinib",
    }


@pytest.fixture(scope="module")
def rebased_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the packaged monograph, published under another base, umask 022."""
    out = tmp_path_factory.mktemp("rebased") / "dist"
    old = os.umask(0o022)
    try:
        result = build_release(out, options=ExportOptions(base_iri=OTHER_BASE))
    finally:
        os.umask(old)
    assert result.conforms
    return out


@pytest.mark.slow
def test_rebased_release_names_only_the_new_base(rebased_release: Path) -> None:
    files = [p for p in rebased_release.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".ttl", ".nq", ".jsonld", ".tsv", ".html", ".svg"}
    for path in files:
        assert DEFAULT_BASE.encode() not in path.read_bytes(), path.name
    assert OTHER_BASE.encode() in (rebased_release / "pharmakg-inferred.ttl").read_bytes()
    assert OTHER_BASE.encode() in (rebased_release / "imiquimod-pathway.html").read_bytes()


@pytest.mark.slow
def test_release_is_world_readable_under_umask_022(rebased_release: Path) -> None:
    assert stat.S_IMODE(rebased_release.stat().st_mode) == 0o755
    for path in rebased_release.rglob("*"):
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path.name


def test_build_reports_progress_of_each_stage(fixtures: Path, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    kg = load_graph(fixtures / "ontology.ttl", fixtures / "good.ttl")
    result = build_release(
        tmp_path / "dist",
        kg,
        shapes=fixtures / "shapes.ttl",
        ontology=fixtures / "ontology.ttl",
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert result.conforms
    assert [stage for stage, _, _ in calls] == sorted(
        (stage for stage, _, _ in calls), key=["validating", "reasoning", "exporting"].index
    )
    exporting = [(done, total) for stage, done, total in calls if stage == "exporting"]
    formats = len(release_formats())
    assert exporting == [(done, formats) for done in range(formats + 1)]
    assert [(d, t) for stage, d, t in calls if stage == "reasoning"] == [(0, 1), (1, 1)]
    validating = [(done, total) for stage, done, total in calls if stage == "validating"]
    assert validating[0][0] == 0
    assert validating[-1][0] == validating[-1][1]


@pytest.mark.slow  # a whole build of the monograph
def test_a_build_crosses_between_rdflib_and_pyoxigraph_where_a_library_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is the hub: the whole data leave it only for the libraries that need rdflib.

    Counted: the store's dumps, and whole graphs parsed or serialised by rdflib (a graph over
    1,000 triples, so small shape and ontology files are not counted), by the module asking.
    """
    crossings: list[tuple[str, str]] = []

    def counting(kind: str, function: Any, big: Callable[..., bool]) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if big(*args, **kwargs):
                caller = traceback.extract_stack(limit=2)[0].filename
                crossings.append((kind, Path(caller).relative_to(SRC).as_posix()))
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        OxigraphStore, "dump", counting("dump", OxigraphStore.dump, lambda *a, **k: True)
    )
    monkeypatch.setattr(
        Graph,
        "parse",
        counting("rdflib parse", Graph.parse, lambda *a, **k: len(k.get("data") or "") > 10**5),
    )
    monkeypatch.setattr(
        Graph,
        "serialize",
        counting("rdflib serialize", Graph.serialize, lambda graph, *a, **k: len(graph) > 1000),
    )
    assert build_release(tmp_path / "dist").conforms
    assert sorted(crossings) == [
        ("dump", "_export/release.py"),  # the release's canonical graphs, read by pyoxigraph
        ("dump", "_load.py"),  # the one rdflib view (pyshacl validates it, HermiT reads it)
        ("rdflib parse", "_load.py"),  # the same view
        ("rdflib serialize", "_reason.py"),  # HermiT's input, for owlready2
    ]
