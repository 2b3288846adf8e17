"""Tests for the SSSOM mapping set (``pharmakg.sssom.tsv``).

It parses with sssom-py and lists exactly the mappings the graph states, each with its kind.
"""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal
from rdflib.namespace import SKOS

import pharmakg
from pharmakg.cli import main
from pharmakg.formats import Kind, find
from pharmakg.vocab import compress, shorten

ex = importlib.import_module("pharmakg._export")
OTHER_BASE = "https://example.org/kg/"
PKG = "https://w3id.org/pharmakg/ontology/"
SKOS_KINDS = {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch"}
SKOS_KINDS |= {"skos:relatedMatch"}

# Every mapping the graph states: identifiers (exact by definition) and the SKOS match kinds.
MAPPINGS_QUERY = """
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?subject ?property ?object WHERE {
  VALUES ?property { pkg:id pkg:xref skos:exactMatch skos:closeMatch skos:broadMatch
                     skos:narrowMatch skos:relatedMatch }
  ?subject ?property ?object .
  FILTER (isIRI(?subject))
}
"""


@pytest.fixture(scope="module")
def release() -> ex.Release:
    return ex.prepare_release(pharmakg.load())


def _parse(path: Path) -> object:
    """sssom-py's reading of ``path`` (its pandas 3 deprecation warnings are not ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        from sssom.parsers import parse_sssom_table

        return parse_sssom_table(path)


def _written(release: ex.Release, tmp_path: Path) -> Path:
    target = tmp_path / "pharmakg.sssom.tsv"
    target.write_bytes(ex.export(release, "sssom").single())
    return target


def _stated(release: ex.Release) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) CURIEs of the graph's mappings that have a CURIE."""
    found = set()
    for subject, prop, target in release.data().query(MAPPINGS_QUERY):
        kind = "skos:exactMatch" if str(prop).startswith(PKG) else compress(str(prop))
        object_id = str(target) if isinstance(target, Literal) else shorten(str(target))
        if not object_id.startswith("<"):  # no prefix in the one prefix map
            found.add((compress(str(subject)), kind, object_id))
    return found


def test_sssom_is_a_release_format() -> None:
    fmt = find(Kind.RELEASE, "sssom")
    assert fmt.release_file == "pharmakg.sssom.tsv"
    assert fmt in ex.release_formats()
    assert "sssom" in ex.EXPORTERS
    assert "sssom" not in ex.HOLDS_INFERENCES  # the asserted mappings only


def test_sssom_parses_and_lists_every_mapping_the_graph_states(
    release: ex.Release, tmp_path: Path
) -> None:
    msdf = _parse(_written(release, tmp_path))
    frame = msdf.df  # type: ignore[attr-defined]
    rows = set(zip(frame["subject_id"], frame["predicate_id"], frame["object_id"], strict=True))
    stated = _stated(release)
    assert len(frame) == len(rows) == len(stated)
    assert rows == stated
    assert set(frame["predicate_id"]) == SKOS_KINDS
    assert set(frame["mapping_justification"]) == {"semapv:ManualMappingCuration"}
    metadata = msdf.metadata  # type: ignore[attr-defined]
    assert metadata["mapping_set_id"] == ex.DEFAULT_BASE + "pharmakg.sssom.tsv"
    assert metadata["mapping_set_version"] == release.version
    assert str(metadata["publication_date"]) == release.created.isoformat()
    assert metadata["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_sssom_keeps_the_kind_labels_and_notes(release: ex.Release, tmp_path: Path) -> None:
    frame = _parse(_written(release, tmp_path)).df  # type: ignore[attr-defined]
    rows = {(r.subject_id, r.object_id): r for r in frame.itertuples()}
    antiviral = rows[("pkr:antiviral-effect", "GO:0051607")]
    assert antiviral.predicate_id == "skos:closeMatch"
    assert antiviral.subject_label == "antiviral effect"
    assert "closest term" in antiviral.comment
    assert rows[("pkr:viral-infection-clearance", "GO:0051607")].predicate_id == "skos:broadMatch"
    assert rows[("pkr:abnormal-cell-elimination", "GO:0002418")].predicate_id == "skos:narrowMatch"
    assert rows[("pkr:other-hpv-related-lesions", "MONDO:0005161")].predicate_id == (
        "skos:broadMatch"
    )
    assert rows[("pkr:immune-response-modifier", "MESH:D000091369")].predicate_id == (
        "skos:relatedMatch"
    )
    drug = rows[("pkr:imiquimod", "CHEBI:36704")]  # pkg:id: exact, with the official label
    assert (drug.predicate_id, drug.object_label) == ("skos:exactMatch", "imiquimod")
    graph = release.data()
    kinds = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
    left_out = {
        (compress(str(s)), shorten(str(o)))
        for kind in kinds
        for s, o in graph.subject_objects(kind)
        if shorten(str(o)).startswith("<")
    }
    assert left_out == {("pkg:unit", "<http://qudt.org/schema/qudt/unit>")}  # docs name it
    docs = (Path(__file__).resolve().parents[1] / "docs" / "release-files.md").read_text()
    assert "http://qudt.org/schema/qudt/unit" in docs


def test_sssom_follows_the_base_iri(tmp_path: Path) -> None:
    other = ex.prepare_release(pharmakg.load(), options=ex.ExportOptions(base_iri=OTHER_BASE))
    text = ex.export(other, "sssom").text()
    assert ex.DEFAULT_BASE not in text
    msdf = _parse(_written(other, tmp_path))
    assert msdf.metadata["mapping_set_id"] == OTHER_BASE + "pharmakg.sssom.tsv"  # type: ignore[attr-defined]
    assert msdf.converter.expand("pkr:tlr7") == OTHER_BASE + "resource/tlr7"  # type: ignore[attr-defined]


def test_cli_export_sssom(release: ex.Release) -> None:
    done = CliRunner().invoke(main, ["export", "--format", "sssom"])
    assert done.exit_code == 0, done.output
    assert done.stdout_bytes == ex.export(release, "sssom").single()
