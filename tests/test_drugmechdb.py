"""An independent check against DrugMechDB, a curated database of drug mechanism paths.

DrugMechDB (MIT licence; Gonzalez-Cavazos et al., Sci Data 2023) is third-party data that the
project does not ship: the test reads it from ../shared/data/drugmechdb/ and is skipped, with
its reason, where that file is absent. It checks that the target we encode for imiquimod is the
one DrugMechDB's curators give, and that every imiquimod indication DrugMechDB shares with the
monograph maps to one of our diseases through its MeSH cross-reference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

import pharmakg
from conftest import ROOT
from pharmakg.vocab import PKG, PKR, compress, normalize_curie

DRUGMECHDB = ROOT.parent / "shared" / "data" / "drugmechdb" / "indication_paths.yaml"


def _imiquimod_entries(path: Path) -> list[str]:
    """The YAML text of every DrugMechDB entry whose drug is DrugBank DB00724 (imiquimod).

    The file is a top-level YAML list of 2-space-indented entries, so an entry starts at a
    line "- directed:"; reading the few fields needed from the text avoids a YAML dependency.
    """
    text = path.read_text(encoding="utf-8")
    entries = re.split(r"(?m)^- directed:", text)
    return [e for e in entries if re.search(r"(?m)^    drugbank: DB:DB00724\s*$", e)]


@pytest.fixture(scope="module")
def entries() -> list[str]:
    if not DRUGMECHDB.is_file():
        pytest.skip(f"DrugMechDB is not here ({DRUGMECHDB}); it is third-party data, not shipped")
    found = _imiquimod_entries(DRUGMECHDB)
    assert found, "DrugMechDB lists imiquimod (DB00724)"
    return found


def test_drugmechdb_and_the_monograph_agree_on_the_target(entries: list[str]) -> None:
    graph = pharmakg.load().to_rdflib()
    targets = {
        normalize_curie(curie)
        for entry in entries
        for curie in re.findall(r"\b(UniProt:[A-Z0-9]+)", entry)
    }
    ours = str(graph.value(PKR.tlr7, PKG.id))
    assert targets == {ours} == {"UniProtKB:Q9NYK1"}
    assert "DRUGBANK:DB00724" in {str(x) for x in graph.objects(PKR.imiquimod, PKG.xref)}


def _mesh_of_indications(graph: Graph, links: tuple[URIRef, ...]) -> set[str]:
    """The MeSH CURIEs the indications' diseases carry through ``links`` (CURIEs or IRIs)."""
    curies = {
        compress(str(value)) if isinstance(value, URIRef) else str(value)
        for disease in graph.objects(None, PKG.indicationDisease)
        for link in links
        for value in graph.objects(disease, link)
    }
    return {c for c in curies if c.startswith("MESH:")}


def test_shared_indications_map_through_mesh(entries: list[str]) -> None:
    graph = pharmakg.load().to_rdflib()
    exact = _mesh_of_indications(graph, (PKG.xref, SKOS.exactMatch))
    close = _mesh_of_indications(graph, (SKOS.closeMatch,))
    theirs = {m for e in entries for m in re.findall(r"(?m)^    disease_mesh: (MESH:\w+)", e)}
    # DrugMechDB has condyloma acuminata and actinic keratosis (and verruca, which the
    # monograph does not name). Actinic keratosis is the same disease; the monograph's
    # "external genital and perianal warts" only closely matches condyloma acuminata.
    assert {"MESH:D003218", "MESH:D055623"} <= theirs
    assert "MESH:D055623" in exact
    assert "MESH:D003218" in close
    assert "MESH:D003218" not in exact
