"""The data is the product: the monograph graph is tested like code.

Every statement of the monograph is encoded, with the citation numbers the text prints and
nothing it does not say; every claim quotes words that stand in the source text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

import pharmakg
from conftest import GRAPHS, ROOT
from pharmakg.vocab import PKG, PKR, check_curie

MONOGRAPH = ROOT / "sources" / "imiquimod-monograph.txt"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return pharmakg.load().graph


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("•", " ")).strip().lower()


def test_the_monograph_text_ships_with_the_project() -> None:
    text = MONOGRAPH.read_text(encoding="utf-8")
    assert text.startswith("What is the mechanism of action (MOA) of Imiquimod (Aldara)?")
    assert "0.08-2.41% of applied dose" in text


def test_every_claim_quotes_words_that_stand_in_the_monograph(graph: Graph) -> None:
    source = _normalise(MONOGRAPH.read_text(encoding="utf-8"))
    claims = list(graph.subjects(PKG.statedIn, PKR["imiquimod-monograph"]))
    assert len(claims) == 68
    for claim in claims:
        quoted = str(graph.value(claim, PKG.statementText))
        # A quote may join a list's heading and an item with ": ", as the text's layout does.
        for part in quoted.split(": "):
            assert _normalise(part) in source, (claim, part)


def test_citation_bases_and_numbers(graph: Graph) -> None:
    claims = list(graph.subjects(RDF.type, PKG.Claim)) + list(
        graph.subjects(RDF.type, PKG.NegativeClaim)
    )
    bases = Counter(graph.value(c, PKG.citationBasis) for c in claims)
    assert bases == {PKG.CitedInline: 46, PKG.CitedByRun: 13, PKG.NotCited: 9}
    numbers = {
        int(graph.value(ref, PKG.citationNumber))
        for claim in claims
        for ref in graph.objects(claim, PKG.citation)
    }
    assert numbers == {1, 2, 3, 4, 5, 6, 7}, "the text cites 1-7"


def test_references_listed_and_unlisted(graph: Graph) -> None:
    kinds = {
        int(graph.value(ref, PKG.citationNumber)): graph.value(ref, RDF.type)
        for ref in graph.subjects(PKG.citedIn, PKR["imiquimod-monograph"])
    }
    assert kinds == {
        1: PKG.ResearchReference,
        2: PKG.GuidelineReference,
        3: PKG.ResearchReference,
        4: PKG.GuidelineReference,
        5: PKG.UnlistedReference,
        6: PKG.UnlistedReference,
        7: PKG.UnlistedReference,
    }
    for number in (5, 6, 7):
        ref = PKR[f"imiquimod-monograph-ref-{number}"]
        assert graph.value(ref, URIRef("http://purl.org/dc/terms/title")) is None


def test_negative_statements_are_not_asserted(graph: Graph) -> None:
    imiquimod = PKR.imiquimod
    for activity in ("direct-antiviral-activity", "direct-cytotoxic-activity"):
        assert (imiquimod, PKG.hasDirectActivity, PKR[activity]) not in graph
    assertion = PKR["imiquimod-no-direct-antiviral-activity-assertion"]
    owl = "http://www.w3.org/2002/07/owl#"
    assert graph.value(assertion, URIRef(owl + "sourceIndividual")) == imiquimod
    assert graph.value(PKR["imiquimod-no-direct-antiviral-activity"], PKG.context) == Literal(
        "in cell culture"
    )


def test_numbers_are_typed_literals_with_units(graph: Graph) -> None:
    unit = "http://qudt.org/vocab/unit/"
    urinary = PKR["imiquimod-urinary-recovery-range"]
    assert graph.value(urinary, PKG.minValue) == Literal("0.08", datatype=XSD.decimal)
    assert graph.value(urinary, PKG.maxValue) == Literal("2.41", datatype=XSD.decimal)
    assert graph.value(urinary, PKG.unit) == URIRef(unit + "PERCENT")
    ratio = PKR["imiquimod-half-life-topical-vs-subcutaneous"]
    assert graph.value(ratio, PKG.value).toPython() == 10
    assert graph.value(ratio, PKG.approximate).toPython() is True
    assert graph.value(ratio, PKG.numeratorRoute) == PKR["topical-route"]
    assert graph.value(ratio, PKG.denominatorRoute) == PKR["subcutaneous-route"]
    frequency = PKR["imiquimod-regimen-frequency"]
    assert (
        graph.value(frequency, PKG.minValue).toPython(),
        graph.value(frequency, PKG.maxValue).toPython(),
    ) == (3, 5)
    assert str(graph.value(frequency, PKG.per)) == "P7D"


def test_every_entity_carries_a_valid_standard_identifier(graph: Graph) -> None:
    exempt = {PKG.ViralProduct, PKG.Activity}
    for entity in set(graph.subjects(PKG.identifierSource, None)):
        identifier = graph.value(entity, PKG.id)
        assert identifier is not None, entity
        assert check_curie(str(identifier)) is None, (entity, identifier)
    for kind in exempt:
        for entity in graph.subjects(RDF.type, kind):
            assert graph.value(entity, PKG.id) is None
            assert graph.value(entity, URIRef("http://www.w3.org/2004/02/skos/core#editorialNote"))
    expected = {
        "imiquimod": "CHEBI:36704",
        "tlr7": "UniProtKB:Q9NYK1",
        "nk-cell": "CL:0000623",
        "nk-cell-activation": "GO:0030101",
        "th1-immune-response": "GO:0042088",
        "superficial-basal-cell-carcinoma": "MONDO:0002954",
        "anogenital-warts": "MONDO:0005647",
        "hpv": "NCBITaxon:10566",
    }
    for slug, curie in expected.items():
        assert str(graph.value(PKR[slug], PKG.id)) == curie


def test_every_label_is_present(graph: Graph) -> None:
    for entity in set(graph.subjects(RDF.type, None)):
        if isinstance(entity, URIRef) and str(entity).startswith(str(PKR)):
            assert graph.value(entity, RDFS.label) is not None, entity


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.name)
def test_graph_round_trips_turtle_jsonld_ntriples(path: Path, tmp_path: Path) -> None:
    original = pharmakg.load(path).graph
    jsonld = tmp_path / "graph.jsonld"
    jsonld.write_text(original.serialize(format="json-ld"), encoding="utf-8")
    from_jsonld = pharmakg.load(jsonld).graph
    ntriples = tmp_path / "graph.nt"
    ntriples.write_text(from_jsonld.serialize(format="nt"), encoding="utf-8")
    from_ntriples = pharmakg.load(ntriples).graph
    assert isomorphic(original, from_jsonld)
    assert isomorphic(original, from_ntriples)


#: Biolink terms the ontology maps to that are not entity categories or predicates (so not in
#: the category/predicate lists of tests/data/biolink-4.4.4.json): association classes and
#: node/edge slots of Biolink 4.4.4, each checked in the model's published files.
BIOLINK_SLOTS_AND_ASSOCIATIONS = {
    "Association",
    "ChemicalToDiseaseOrPhenotypicFeatureAssociation",
    "has_evidence",
    "id",
    "object",
    "predicate",
    "publications",
    "routes_of_delivery",
    "subject",
    "xref",
}


def test_every_biolink_term_of_the_ontology_exists() -> None:
    import json

    lists = json.loads((ROOT / "tests" / "data" / "biolink-4.4.4.json").read_text())
    known = {name.removeprefix("biolink:") for name in [*lists["categories"], *lists["predicates"]]}
    text = (ROOT / "ontology" / "pharmakg.ttl").read_text(encoding="utf-8")
    used = set(re.findall(r"\bbiolink:([A-Za-z_]+)", text))
    assert used - known - BIOLINK_SLOTS_AND_ASSOCIATIONS == set()
