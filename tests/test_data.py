"""The data is the product: the monograph graph is tested like code.

Every statement of the monograph is encoded, with the citation numbers the text prints and
nothing it does not say; every claim quotes words that stand in the source text and has a basis;
a standard identifier is an entity's identity only on an exact match. Which claims exist is
fixed by the sentence-coverage table (tests/test_coverage.py).
"""

from __future__ import annotations

import csv
import importlib
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

import pharmakg
from conftest import GRAPHS, ROOT
from pharmakg.vocab import PKG, PKR, check_curie, compress, expand_curie

SKOS = "http://www.w3.org/2004/02/skos/core#"
MATCHES = tuple(
    URIRef(SKOS + kind)
    for kind in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)

MONOGRAPH = ROOT / "sources" / "imiquimod-monograph.txt"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return pharmakg.load().to_rdflib()


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("•", " ")).strip().lower()


def test_the_monograph_text_ships_with_the_project() -> None:
    text = MONOGRAPH.read_text(encoding="utf-8")
    assert text.startswith("What is the mechanism of action (MOA) of Imiquimod (Aldara)?")
    assert "0.08-2.41% of applied dose" in text


def test_every_claim_quotes_words_that_stand_in_the_monograph(graph: Graph) -> None:
    source = _normalise(MONOGRAPH.read_text(encoding="utf-8"))
    claims = list(graph.subjects(PKG.statedIn, PKR["imiquimod-monograph"]))
    assert claims
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
    # Not cited: the group statement "these cytokines ...", the negative statement, and the
    # closing summary's two claims; nothing is invented for them.
    assert bases[PKG.NotCited] == 4
    assert sum(bases.values()) == len(claims)
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
    for activity in ("direct-antiviral-activity-in-cell-culture", "direct-cytotoxic-activity"):
        assert (imiquimod, PKG.hasDirectActivity, PKR[activity]) not in graph
    assertion = PKR["imiquimod-no-direct-antiviral-activity-assertion"]
    owl = "http://www.w3.org/2002/07/owl#"
    assert graph.value(assertion, URIRef(owl + "sourceIndividual")) == imiquimod
    claim = PKR["imiquimod-no-direct-antiviral-activity"]
    assert graph.value(claim, PKG.context) == Literal("in cell culture")
    # The condition is structured, and the denied activity carries it: the OWL negative
    # assertion denies direct antiviral activity in cell culture, not any antiviral activity.
    assert graph.value(claim, PKG.condition) == PKR["cell-culture"]
    denied = graph.value(assertion, URIRef(owl + "targetIndividual"))
    assert graph.value(denied, PKG.activityCondition) == PKR["cell-culture"]


def test_every_claim_has_one_basis_and_interpretations_say_why(graph: Graph) -> None:
    claims = set(graph.subjects(PKG.statedIn, PKR["imiquimod-monograph"]))
    for claim in claims:
        bases = list(graph.objects(claim, PKG.basis))
        assert len(bases) == 1, claim
        reasons = list(graph.objects(claim, PKG.interpretationReason))
        assert bool(reasons) == (bases[0] == PKG.InterpretedBasis), claim


def test_group_statements_stay_on_the_group(graph: Graph) -> None:
    group = PKR["imiquimod-cytokine-induction"]
    assert (group, RDF.type, PKG.CytokineInduction) in graph
    members = set(graph.objects(group, PKG.hasMember))
    assert members == {PKR["ifn-alpha"], PKR["tnf-alpha"], PKR["il-12"]}
    assert graph.value(group, PKG.membersExhaustive).toPython() is False
    for effect in ("antiviral-effect", "antitumor-effect", "immunoregulatory-effect"):
        assert (group, PKG.leadsTo, PKR[effect]) in graph
        for member in members:
            assert (member, PKG.leadsTo, PKR[effect]) not in graph
    assert (group, PKG.positivelyRegulates, PKR["local-immune-response"]) in graph
    for member in members:
        # A member has no edge of its own from the group's words, and TLR-7 activation leads to
        # the group, not to each cytokine.
        assert (member, PKG.leadsTo, None) not in graph
        assert (member, PKG.positivelyRegulates, None) not in graph
        assert (PKR.tlr7, PKG.inducesProductionOf, member) not in graph


def test_qualifiers_are_structured(graph: Graph) -> None:
    expected = {
        "cytokines-trigger-local-immune-response": (PKG.site, PKR["application-site"]),
        "imiquimod-increases-lymphocyte-infiltration": (PKG.site, PKR["treated-lesions"]),
        "imiquimod-no-direct-antiviral-activity": (PKG.condition, PKR["cell-culture"]),
        "imiquimod-decreases-hpv-dna": (PKG.condition, PKR["following-treatment"]),
        "imiquimod-induces-ifn-alpha": (PKG.emphasis, PKG.Primarily),
        "tlr7-activation-stimulates-innate-immune-response": (PKG.emphasis, PKG.Primarily),
        # "acts primarily by stimulating ... through TLR-7 activation": the drug's action too.
        "imiquimod-activates-tlr7": (PKG.emphasis, PKG.Primarily),
        # "less effective for hyperkeratotic lesions due to limited penetration": there only.
        "imiquimod-pk-limited-penetration": (PKG.site, PKR["in-hyperkeratotic-lesions"]),
        "tlr7-expressed-in-immune-cell": (PKG.particularlyFor, PKR["dendritic-cell"]),
        "immune-response-leads-to-viral-infection-clearance": (PKG.particularlyFor, PKR.hpv),
    }
    for claim, (prop, value) in expected.items():
        assert (PKR[claim], prop, value) in graph, claim
    assert (PKR["imiquimod-decreases-hpv-dna"], PKG.emphasis, PKG.Significantly) in graph


def test_the_source_says_what_it_is(graph: Graph) -> None:
    monograph = PKR["imiquimod-monograph"]
    assert graph.value(monograph, PKG.sourceNature) == PKG.AIGenerated
    assert graph.value(monograph, PKG.reviewStatus) == PKG.PendingHumanReview
    listed = [PKR[f"imiquimod-monograph-ref-{n}"] for n in (1, 2, 3, 4)]
    for ref in listed:
        assert graph.value(ref, PKG.numberingBasis) == PKG.NumberInferredFromListPosition
        assert graph.value(ref, PKG.numberingNote) is not None
    # Only the DOI verified in a record of the work (zendy.io/title/10.1111/ijd.13235).
    ids = {
        ref: str(graph.value(ref, PKG.publicationId))
        for ref in graph.subjects(PKG.publicationId, None)
    }
    assert ids == {PKR["imiquimod-monograph-ref-3"]: "doi:10.1111/ijd.13235"}


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
    frequency = PKR["imiquimod-frequency-3-to-5-weekly"]
    assert (
        graph.value(frequency, PKG.minValue).toPython(),
        graph.value(frequency, PKG.maxValue).toPython(),
    ) == (3, 5)
    assert str(graph.value(frequency, PKG.per)) == "P7D"


def test_identifiers_only_on_exact_matches(graph: Graph) -> None:
    for entity in set(graph.subjects(PKG.identifierSource, None)):
        identifier = graph.value(entity, PKG.id)
        matches = [o for m in MATCHES for o in graph.objects(entity, m)]
        assert identifier is not None or matches, entity
        if identifier is not None:
            assert check_curie(str(identifier)) is None, (entity, identifier)
        for term in matches:
            assert check_curie(compress(str(term))) is None, (entity, term)
    for kind in (PKG.ViralProduct, PKG.Activity):
        for entity in graph.subjects(RDF.type, kind):
            assert graph.value(entity, PKG.id) is None
            assert graph.value(entity, URIRef(SKOS + "editorialNote"))
    exact = {
        "imiquimod": "CHEBI:36704",
        "tlr7": "UniProtKB:Q9NYK1",
        "ifn-alpha": "MESH:D016898",
        "nk-cell": "CL:0000623",
        "nk-cell-activation": "GO:0030101",
        "th1-immune-response": "GO:0042088",
        "superficial-basal-cell-carcinoma": "MONDO:0002954",
        "hpv": "NCBITaxon:10566",
    }
    for slug, curie in exact.items():
        assert str(graph.value(PKR[slug], PKG.id)) == curie
    # The closest terms of the cases: a mapping of the right kind, never the identity.
    closest = {
        "antiviral-effect": ("closeMatch", "GO:0051607"),
        "antitumor-effect": ("closeMatch", "GO:0002418"),
        "immunoregulatory-effect": ("closeMatch", "GO:0050776"),
        "lymphocyte-infiltration": ("broadMatch", "GO:0072676"),
        "dendritic-cell-infiltration": ("broadMatch", "GO:0036336"),
        "macrophage-infiltration": ("broadMatch", "GO:1905517"),
        "immune-surveillance": ("closeMatch", "MESH:D007157"),
        "anogenital-warts": ("broadMatch", "MONDO:0005647"),
        "other-hpv-related-lesions": ("broadMatch", "MONDO:0005161"),
        "immune-response-modifier": ("closeMatch", "CHEBI:50846"),
        "tlr7-signaling": ("closeMatch", "GO:0034154"),  # "immune cascade reactions"
    }
    for slug, (kind, curie) in closest.items():
        assert graph.value(PKR[slug], PKG.id) is None, slug
        assert (PKR[slug], URIRef(SKOS + kind), expand_curie(curie)) in graph, slug
    assert (PKR.hpv, URIRef(SKOS + "broadMatch"), expand_curie("MESH:D027383")) in graph
    assert (
        PKR["immune-response-modifier"],
        URIRef(SKOS + "relatedMatch"),
        expand_curie("MESH:D000091369"),
    ) in graph
    assert graph.value(PKR["ifn-alpha"], PKG.biolinkCategory) == URIRef(
        "https://w3id.org/biolink/vocab/ProteinFamily"
    )
    # A therapeutic effect is a biological process (not disjoint from one).
    assert (PKG.TherapeuticEffect, RDFS.subClassOf, PKG.BiologicalProcess) in graph


def test_the_immune_cascade_is_only_close_to_the_tlr7_pathway(graph: Graph) -> None:
    """The text's "triggering immune cascade reactions" names no pathway: GO:0034154 is closest.

    The GO pathway itself (the identity GO:0034154) is what TLR7 initiates, a structural link read
    from the UniProtKB record; no claim of the monograph names it.
    """
    cascade = PKR["tlr7-signaling"]
    assert graph.value(cascade, PKG.id) is None
    assert graph.value(cascade, PKG.officialLabel) is None
    assert (cascade, URIRef(SKOS + "closeMatch"), expand_curie("GO:0034154")) in graph
    pathway = graph.value(PKR.tlr7, PKG.initiates)
    assert pathway != cascade
    assert str(graph.value(pathway, PKG.id)) == "GO:0034154"
    assert (None, PKG.claimObject, pathway) not in graph
    assert (None, PKG.claimSubject, pathway) not in graph


def test_the_dosing_sentence_reports_a_frequency_and_recommends_nothing(graph: Graph) -> None:
    """The text's "3-5 times weekly application showing good balance of efficacy and tolerability".

    A frequency range the text reports a good balance of efficacy and tolerability at: not the
    drug's regimen, not a recommendation, and with no route (the sentence gives none).
    """
    assert list(graph.triples((None, PKG.recommends, None))) == []
    assert list(graph.triples((PKR.imiquimod, PKG.hasDosingRegimen, None))) == []
    assert list(graph.subjects(RDF.type, PKG.DosingRegimen)) == []
    consideration = PKR["imiquimod-dosing-frequency"]
    frequency = graph.value(consideration, PKG.showsGoodBalanceAt)
    assert frequency == PKR["imiquimod-frequency-3-to-5-weekly"]
    assert (frequency, RDF.type, PKG.QuantityRange) in graph
    assert graph.value(frequency, PKG.route) is None
    assert graph.value(consideration, PKG.route) is None
    [claim] = graph.subjects(PKG.claimPredicate, PKG.showsGoodBalanceAt)
    assert graph.value(claim, PKG.claimSubject) == consideration
    assert graph.value(claim, PKG.claimObject) == frequency
    assert graph.value(claim, PKG.basis) == PKG.StatedBasis
    assert "3-5 times weekly application showing good balance of efficacy and tolerability" in str(
        graph.value(claim, PKG.statementText)
    )
    cited = [int(graph.value(r, PKG.citationNumber)) for r in graph.objects(claim, PKG.citation)]
    assert cited == [7]


def test_limited_penetration_says_where(graph: Graph) -> None:
    """The text gives limited penetration only for hyperkeratotic lesions, and under no route."""
    penetration = PKR["imiquimod-limited-penetration"]
    [claim] = graph.objects(penetration, PKG.supportedBy)
    assert graph.value(claim, PKG.site) == PKR["in-hyperkeratotic-lesions"]
    assert (PKR["in-hyperkeratotic-lesions"], RDF.type, PKG.Site) in graph
    assert graph.value(penetration, PKG.route) is None


def test_the_denied_activity_names_what_them_refers_to(graph: Graph) -> None:
    """The text's "target abnormal cells rather than directly destroying them through cytotoxic…".

    "Them" are the abnormal cells: the denied activity's name (a KGX node name) says so, the
    text's own words stay its anaphor and the claim's quote.
    """
    activity = PKR["direct-cytotoxic-activity"]
    labels = [str(label) for label in graph.objects(activity, RDFS.label)]
    assert labels == ["directly destroying abnormal cells through cytotoxic mechanisms"]
    assert str(graph.value(activity, PKG.anaphor)) == (
        "directly destroying them through cytotoxic mechanisms"
    )
    claim = PKR["imiquimod-summary-not-cytotoxic"]
    assert str(graph.value(claim, PKG.statementText)).endswith(
        "rather than directly destroying them through cytotoxic mechanisms"
    )
    for node in (activity, claim, PKR["imiquimod-summary-not-cytotoxic-assertion"]):
        for label in graph.objects(node, RDFS.label):
            assert " them " not in f" {label} ", (node, label)


def test_kgx_carries_the_qualifier_and_the_resolved_name(graph: Graph) -> None:
    """KGX, which other tools read, carries the fixes too.

    The drug's action on TLR-7 is "primarily", and the denied activity's node name resolves "them".
    """
    export = importlib.import_module("pharmakg._export")
    output = export.export(export.prepare_release(pharmakg.load()), "kgx")
    files = {name: data.decode() for name, data in output.files}
    nodes, edges = (
        list(csv.DictReader(files[name].splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
        for name in ("nodes.tsv", "edges.tsv")
    )
    activates = next(e for e in edges if e["id"] == "pkr:imiquimod-activates-tlr7")
    assert activates["pharmakg_qualifiers"] == "emphasis: primarily"
    denied = next(n for n in nodes if n["id"] == "pkr:direct-cytotoxic-activity")
    assert denied["name"] == "directly destroying abnormal cells through cytotoxic mechanisms"
    cascade = next(n for n in nodes if n["id"] == "pkr:tlr7-signaling")  # no GO identity
    assert "GO:0034154" not in cascade["xref"].split("|")  # xref is for exact matches only
    sssom = export.export(export.prepare_release(pharmakg.load()), "sssom").single().decode()
    rows = [line.split("\t") for line in sssom.splitlines() if not line.startswith("#")]
    assert any(
        row[0] == "pkr:tlr7-signaling" and "skos:closeMatch" in row and "GO:0034154" in row
        for row in rows
    )


def test_every_label_is_present(graph: Graph) -> None:
    for entity in set(graph.subjects(RDF.type, None)):
        if isinstance(entity, URIRef) and str(entity).startswith(str(PKR)):
            assert graph.value(entity, RDFS.label) is not None, entity


@pytest.mark.parametrize("path", GRAPHS, ids=lambda p: p.name)
def test_graph_round_trips_turtle_jsonld_ntriples(path: Path, tmp_path: Path) -> None:
    original = pharmakg.load(path).to_rdflib()
    jsonld = tmp_path / "graph.jsonld"
    jsonld.write_text(original.serialize(format="json-ld"), encoding="utf-8")
    from_jsonld = pharmakg.load(jsonld).to_rdflib()
    ntriples = tmp_path / "graph.nt"
    ntriples.write_text(from_jsonld.serialize(format="nt"), encoding="utf-8")
    from_ntriples = pharmakg.load(ntriples).to_rdflib()
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
