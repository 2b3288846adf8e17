"""Every named query's actual answers on the monograph (and on the synthetic second drug).

Values are compared as people read them: IRIs compacted to CURIEs, literals as their text.
Each query is asked unparameterised (it answers over every drug) and narrowed by a parameter.
"""

from __future__ import annotations

import pytest

import pharmakg
from conftest import ROOT
from pharmakg.errors import UnknownPrefixError
from pharmakg.vocab import compress

Rows = list[dict[str, str | None]]


def _rows(result: pharmakg.QueryResult, *columns: str) -> Rows:
    def show(term: object) -> str | None:
        if term is None:
            return None
        text = str(term)
        return compress(text) if text.startswith("http") else text

    indexes = [result.variables.index(c) for c in columns]
    return [{c: show(row[i]) for c, i in zip(columns, indexes, strict=True)} for row in result.rows]


def test_every_query_has_a_header_and_an_answer(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    names = {q.name for q in pharmakg.list_queries()}
    assert {
        "mechanism", "cytokines", "immune-effects", "chain", "indications", "off-label",
        "pharmacokinetics", "claims", "negatives", "considerations", "dosing", "mechanism-edges",
        "references", "identifiers", "statements",
    } <= names  # fmt: skip
    for info in pharmakg.list_queries():
        assert info.title, info.name
        assert info.description, info.name
        assert len(monograph_kg.query(info.name)) > 0, info.name


def test_mechanism(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("drugLabel", "action", "target", "targetId", "qualifiers", "citations")
    rows = _rows(monograph_kg.query("mechanism"), *columns)
    # "acts primarily by stimulating ... through TLR-7 activation": the drug's action on TLR-7
    # carries the source's "primarily"; the agonist and binding bullets say nothing of the kind.
    assert rows == [
        {"drugLabel": "imiquimod", "action": "pkg:activates", "target": "pkr:tlr7", "targetId": "UniProtKB:Q9NYK1", "qualifiers": "emphasis: primarily", "citations": "1"},
        {"drugLabel": "imiquimod", "action": "pkg:agonistOf", "target": "pkr:tlr7", "targetId": "UniProtKB:Q9NYK1", "qualifiers": "", "citations": "2"},
        {"drugLabel": "imiquimod", "action": "pkg:bindsTo", "target": "pkr:tlr7", "targetId": "UniProtKB:Q9NYK1", "qualifiers": "", "citations": "2"},
    ]  # fmt: skip
    narrowed = monograph_kg.query("mechanism", drug="CHEBI:36704")
    assert len(narrowed) == 3
    assert monograph_kg.query("mechanism", drug="Aldara").rows == narrowed.rows


def test_cytokines_induced(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("cytokineId", "via", "emphasis", "groupLabel", "exhaustive", "citations")
    rows = _rows(monograph_kg.query("cytokines", drug="imiquimod"), *columns)
    # The drug induces each cytokine the list names, "primarily" (the list is not exhaustive);
    # TLR-7 activation leads to cytokine induction as a group, never to each cytokine.
    assert rows == [
        {"cytokineId": cid, "via": "pkr:imiquimod", "emphasis": "primarily",
         "groupLabel": "cytokine induction", "exhaustive": "false", "citations": "3"}
        for cid in ("MESH:D016898", "GO:0043514", "UniProtKB:P01375")
    ]  # fmt: skip


def test_immune_cells_and_responses(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = (
        "process",
        "processId",
        "closestTerm",
        "matchKind",
        "cellId",
        "qualifiers",
        "citations",
    )
    rows = _rows(monograph_kg.query("immune-effects"), *columns)
    assert {tuple(r.values())[1:] for r in rows} == {
        ("GO:0030101", None, None, "CL:0000623", "", "1"),  # NK cell activation
        ("GO:0042088", None, None, "CL:0000545", "", "1"),  # Th1-mediated immune response
        # The TLR-7 immune cascade: the GO pathway is only the closest term, never the identity.
        (None, "GO:0034154", "closeMatch", None, "", "2"),
        # Infiltration is a kind of migration: the GO term is broader, never the identity.
        (None, "GO:0072676", "broadMatch", "CL:0000542", "site: treated lesions", "4"),
        (None, "GO:0036336", "broadMatch", "CL:0000451", "site: treated lesions", "4"),
        (None, "GO:1905517", "broadMatch", "CL:0000235", "site: treated lesions", "4"),
        (None, "MESH:D007157", "closeMatch", None, "", "5"),  # immune surveillance
        (None, "GO:0002418", "narrowMatch", None, "", "5"),  # elimination of abnormal cells
        (None, None, None, None, "", "4"),  # the immune response triggered by imiquimod
    }
    # The innate and adaptive responses are reached through TLR-7 activation, not from the drug.
    processes = {r["process"] for r in rows}
    assert "pkr:innate-immune-response" not in processes
    assert "pkr:adaptive-immune-response" not in processes


def test_indications_by_approval_status(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("statusLabel", "diseaseId", "closestTerm", "matchKind", "citations")
    rows = _rows(monograph_kg.query("indications"), *columns)
    assert rows == [
        {"statusLabel": "FDA-approved", "diseaseId": "MONDO:0005173", "closestTerm": None, "matchKind": None, "citations": "4, 5"},
        {"statusLabel": "FDA-approved", "diseaseId": None, "closestTerm": "MONDO:0005647", "matchKind": "broadMatch", "citations": "4, 5"},
        {"statusLabel": "FDA-approved", "diseaseId": "MONDO:0002954", "closestTerm": None, "matchKind": None, "citations": "4, 5"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0020761", "closestTerm": None, "matchKind": None, "citations": "3, 6"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0022022", "closestTerm": None, "matchKind": None, "citations": "3, 6"},
        {"statusLabel": "off-label", "diseaseId": None, "closestTerm": "MONDO:0005161", "matchKind": "broadMatch", "citations": "3, 6"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0005198", "closestTerm": None, "matchKind": None, "citations": "3, 6"},
    ]  # fmt: skip
    approved = monograph_kg.query("indications", status="pkg:FDAApproved")
    assert [r["diseaseLabel"] for r in _rows(approved, "diseaseLabel")] == [
        "actinic keratosis", "external genital and perianal warts", "superficial basal cell carcinoma",
    ]  # fmt: skip


def test_off_label_uses_with_evidence(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(
        monograph_kg.query("off-label"), "diseaseId", "number", "referenceType", "referenceTitle"
    )
    assert len(rows) == 8
    assert rows[:2] == [
        {"diseaseId": "MONDO:0020761", "number": "3", "referenceType": "research reference",
         "referenceTitle": "Imiquimod in dermatology: an overview."},
        {"diseaseId": "MONDO:0020761", "number": "6", "referenceType": "cited but unlisted reference",
         "referenceTitle": None},
    ]  # fmt: skip
    # "Other HPV-related lesions" has no exact identifier: HPV infection is broader.
    assert {r["diseaseId"] for r in rows[4:6]} == {None}
    statements = {r for r in monograph_kg.query("off-label").column("statement")}
    assert len(statements) == 3  # Bowen's; bowenoid papulosis/VIN (one bullet); other HPV lesions


def test_pharmacokinetic_values_with_units(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = (
        "propertyLabel",
        "qualifiers",
        "routeLabel",
        "varyingWith",
        "value",
        "minValue",
        "maxValue",
        "unit",
        "numeratorRouteLabel",
        "denominatorRouteLabel",
    )
    # Limited penetration is said only of hyperkeratotic lesions (a site), and under no route: the
    # bullet is a consideration, not one of the "When applied topically" bullets.
    assert _rows(monograph_kg.query("pharmacokinetics"), *columns) == [
        {"propertyLabel": "limited penetration", "qualifiers": "site: in hyperkeratotic lesions", "routeLabel": None,
         "varyingWith": None, "value": None, "minValue": None,
         "maxValue": None, "unit": None, "numeratorRouteLabel": None, "denominatorRouteLabel": None},
        {"propertyLabel": "limited systemic absorption", "qualifiers": "", "routeLabel": "topical",
         "varyingWith": None, "value": None, "minValue": None,
         "maxValue": None, "unit": None, "numeratorRouteLabel": None, "denominatorRouteLabel": None},
        {"propertyLabel": "low urinary recovery", "qualifiers": "", "routeLabel": "topical",
         "varyingWith": None, "value": None, "minValue": "0.08",
         "maxValue": "2.41", "unit": "unit:PERCENT", "numeratorRouteLabel": None, "denominatorRouteLabel": None},
        {"propertyLabel": "prolonged skin retention", "qualifiers": "", "routeLabel": "topical",
         "varyingWith": None, "value": "10", "minValue": None,
         "maxValue": None, "unit": "unit:UNITLESS", "numeratorRouteLabel": "topical", "denominatorRouteLabel": "subcutaneous"},
        {"propertyLabel": "systemic concentration varies by application area", "qualifiers": "", "routeLabel": "topical",
         "varyingWith": "application area",
         "value": None, "minValue": None, "maxValue": None, "unit": None, "numeratorRouteLabel": None,
         "denominatorRouteLabel": None},
    ]  # fmt: skip


def test_dosing_frequency(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("frequencyLabel", "statedAs", "routeLabel", "minValue", "maxValue", "per", "unitLabel",
               "citations")  # fmt: skip
    # The text reports a frequency that shows a good balance of efficacy and tolerability: it
    # states no regimen for the drug, recommends nothing and gives no route.
    assert _rows(monograph_kg.query("dosing"), *columns) == [
        {"frequencyLabel": "3-5 times weekly application",
         "statedAs": "shows a good balance of efficacy and tolerability at", "routeLabel": None,
         "minValue": "3", "maxValue": "5", "per": "P7D", "unitLabel": "applications per week", "citations": "7"},
    ]  # fmt: skip


def test_claims_with_their_basis_and_citations(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    result = monograph_kg.query("claims", drug="imiquimod")
    columns = ("claim", "citations", "basisLabel", "negated", "basis", "reason", "qualifiers",
               "citationNumbering")  # fmt: skip
    rows = {r["claim"]: r for r in _rows(result, *columns)}
    # As many claims as the sentence-coverage table lists (sources/imiquimod-coverage.tsv).
    table = (ROOT / "sources" / "imiquimod-coverage.tsv").read_text(encoding="utf-8").splitlines()
    listed = {
        c
        for line in table[1:]
        if line.split("\t")[1] == "statement"
        for c in line.split("\t")[2].split()
    }
    assert len(rows) == len(listed)
    assert rows["pkr:imiquimod-agonist-of-tlr7"]["citations"] == "2"
    # A composite claim cites only what its quoted words carry.
    assert rows["pkr:tlr7-activation-leads-to-cytokine-induction"]["citations"] == "1"
    assert rows["pkr:imiquimod-binds-tlr7"]["basisLabel"] == "cited by its run of bullets"
    assert rows["pkr:imiquimod-summary-harnesses-immune-system"] == {
        "claim": "pkr:imiquimod-summary-harnesses-immune-system",
        "citations": "",
        "basisLabel": "not cited",
        "negated": "false",
        "basis": "stated",
        "reason": None,
        "qualifiers": "",
        "citationNumbering": "",
    }
    assert rows["pkr:imiquimod-no-direct-antiviral-activity"]["negated"] == "true"
    assert (
        rows["pkr:imiquimod-no-direct-antiviral-activity"]["qualifiers"]
        == "condition: in cell culture"
    )
    assert (
        rows["pkr:cytokines-trigger-local-immune-response"]["qualifiers"]
        == "site: application site"
    )
    assert rows["pkr:immune-response-leads-to-viral-infection-clearance"]["qualifiers"] == (
        "emphasis: particularly; particularly for: human papillomavirus (HPV)"
    )
    assert rows["pkr:imiquimod-decreases-hpv-l1-mrna"]["qualifiers"] == (
        "condition: following treatment; emphasis: significantly"
    )
    # The reference numbers are read off the list's order, which the page does not print.
    assert rows["pkr:imiquimod-agonist-of-tlr7"]["citationNumbering"] == (
        "2: number inferred from list position"
    )
    assert rows["pkr:imiquimod-enhances-immune-surveillance"]["citationNumbering"] == (
        "5: number cited only"
    )
    bases = {r["basis"] for r in rows.values()}
    assert bases == {"stated", "interpreted"}
    for row in rows.values():
        assert (row["basis"] == "interpreted") == (row["reason"] is not None), row["claim"]
    interpreted = sorted(c for c, r in rows.items() if r["basis"] == "interpreted")
    assert interpreted == [
        "pkr:antitumor-effect-part-of-imiquimod-mechanism",
        "pkr:antiviral-effect-part-of-imiquimod-mechanism",
        "pkr:immunoregulatory-effect-part-of-imiquimod-mechanism",
    ]


def test_references_with_their_numbering(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("number", "publicationId", "numberingBasis")
    assert _rows(monograph_kg.query("references"), *columns) == [
        {"number": "1", "publicationId": None, "numberingBasis": "number inferred from list position"},
        {"number": "2", "publicationId": None, "numberingBasis": "number inferred from list position"},
        {"number": "3", "publicationId": "doi:10.1111/ijd.13235", "numberingBasis": "number inferred from list position"},
        {"number": "4", "publicationId": None, "numberingBasis": "number inferred from list position"},
        {"number": "5", "publicationId": None, "numberingBasis": "number cited only"},
        {"number": "6", "publicationId": None, "numberingBasis": "number cited only"},
        {"number": "7", "publicationId": None, "numberingBasis": "number cited only"},
    ]  # fmt: skip
    notes = monograph_kg.query("references").column("numberingNote")
    assert "urinary recovery" in str(notes[3])  # what speaks against reference 4's number


def test_identifiers_and_match_kinds(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(monograph_kg.query("identifiers"), "entity", "kind", "curie")
    kinds = {(r["entity"], r["curie"]): r["kind"] for r in rows}
    assert kinds[("pkr:antiviral-effect", "GO:0051607")] == "closeMatch"
    assert kinds[("pkr:antitumor-effect", "GO:0002418")] == "closeMatch"
    assert kinds[("pkr:lymphocyte-infiltration", "GO:0072676")] == "broadMatch"
    assert kinds[("pkr:immune-surveillance", "MESH:D007157")] == "closeMatch"
    assert kinds[("pkr:hpv", "MESH:D027383")] == "broadMatch"
    assert kinds[("pkr:hpv", "NCBITaxon:10566")] == "id"
    assert kinds[("pkr:ifn-alpha", "MESH:D016898")] == "id"
    assert kinds[("pkr:ifn-alpha", "FPLX:IFNA")] == "exactMatch"
    assert kinds[("pkr:anogenital-warts", "MONDO:0005647")] == "broadMatch"
    assert kinds[("pkr:other-hpv-related-lesions", "MONDO:0005161")] == "broadMatch"
    assert kinds[("pkr:immune-response-modifier", "CHEBI:50846")] == "closeMatch"
    assert kinds[("pkr:immune-response-modifier", "MESH:D000091369")] == "relatedMatch"
    # "Immune cascade reactions" is only close to the GO pathway; the pathway TLR7 initiates (a
    # structural link read from UniProtKB, no claim of the monograph) is GO:0034154 itself.
    assert kinds[("pkr:tlr7-signaling", "GO:0034154")] == "closeMatch"
    assert kinds[("pkr:tlr7-signaling-pathway", "GO:0034154")] == "id"
    ids = {r["entity"] for r in rows if r["kind"] == "id"}
    for inexact in ("antiviral-effect", "antitumor-effect", "immunoregulatory-effect",
                    "lymphocyte-infiltration", "immune-surveillance", "anogenital-warts",
                    "other-hpv-related-lesions", "immune-response-modifier", "tlr7-signaling"):  # fmt: skip
        assert f"pkr:{inexact}" not in ids


def test_what_the_drug_does_not_do(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("object", "objectLabel", "condition", "context", "section", "citations")
    rows = _rows(monograph_kg.query("negatives"), *columns)
    # The summary's "them" is resolved in the name: the abnormal cells of the same sentence.
    assert rows == [
        {"object": "pkr:direct-antiviral-activity-in-cell-culture",
         "objectLabel": "direct antiviral activity in cell culture", "condition": "pkr:cell-culture",
         "context": "in cell culture", "section": "Secondary Effects", "citations": ""},
        {"object": "pkr:direct-cytotoxic-activity",
         "objectLabel": "directly destroying abnormal cells through cytotoxic mechanisms", "condition": None,
         "context": None, "section": "Summary", "citations": ""},
    ]  # fmt: skip


def test_considerations_and_limitations(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("kindLabel", "concerns", "varyingWith", "dueTo", "recommends", "goodBalanceAt",
               "citations")  # fmt: skip
    rows = _rows(monograph_kg.query("considerations"), *columns)
    # The dosing bullet reports a frequency with a good balance of efficacy and tolerability; it
    # recommends nothing.
    assert rows == [
        {"kindLabel": "correlation",
         "concerns": "clearance rate; local inflammatory response; severity of erythema, erosion, and crusting; therapeutic effect",
         "varyingWith": "", "dueTo": "", "recommends": "", "goodBalanceAt": "", "citations": "2"},
        {"kindLabel": "dosing consideration", "concerns": "", "varyingWith": "application frequency; treatment duration",
         "dueTo": "", "recommends": "", "goodBalanceAt": "3-5 times weekly application", "citations": "7"},
        {"kindLabel": "limitation", "concerns": "hyperkeratotic lesions", "varyingWith": "",
         "dueTo": "limited penetration", "recommends": "", "goodBalanceAt": "", "citations": "6"},
    ]  # fmt: skip


def test_mechanism_edges_carry_basis_and_qualifiers(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("subject", "predicate", "object", "bases", "qualifiers", "citations")
    rows = {
        (r["subject"], r["predicate"], r["object"]): r
        for r in _rows(monograph_kg.query("mechanism-edges"), *columns)
    }
    group = rows[
        ("pkr:imiquimod-cytokine-induction", "pkg:positivelyRegulates", "pkr:local-immune-response")
    ]
    assert (group["bases"], group["qualifiers"], group["citations"]) == (
        "StatedBasis",
        "site: application site",
        "",
    )
    part = rows[("pkr:antiviral-effect", "pkg:partOfMechanism", "pkr:imiquimod-mechanism")]
    assert part["bases"] == "InterpretedBasis"
    # Nothing said of the group is distributed over its members.
    members = ("pkr:ifn-alpha", "pkr:tnf-alpha", "pkr:il-12")
    assert not [key for key in rows if key[0] in members]
    assert not [key for key in rows if key[0] == "pkr:tlr7" and key[2] in members]


#: The basis of each claim behind a step of the chain, from the graph: ?step names the step.
CHAIN_BASES = """
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?step ?basisLabel WHERE {
    ?claim pkg:claimPredicate ?predicate ; pkg:basis/rdfs:label ?basisLabel .
    { ?predicate rdfs:subPropertyOf* pkg:actsOn . BIND ("action" AS ?step) }
    UNION { VALUES ?predicate { pkg:partOfMechanism } BIND ("effects" AS ?step) }
    UNION { VALUES ?predicate { pkg:makesEffectiveFor } BIND ("indication" AS ?step) }
}
"""


def test_full_chain_to_each_indication(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    result = monograph_kg.query("chain", disease="MONDO:0002954")  # superficial BCC
    columns = ("actions", "targetLabel", "mechanismLabel", "effects", "statusLabel")
    rows = _rows(result, *columns)
    # The indication is reached through the mechanism as a whole, once; the drug's actions on
    # its target are one cell; no effect is paired with the disease.
    assert rows == [
        {"actions": "activates; agonist of", "targetLabel": "Toll-like receptor 7 (TLR-7)",
         "mechanismLabel": "mechanism of action of imiquimod",
         "effects": "antitumor effect; antiviral effect; immunoregulatory effect",
         "statusLabel": "FDA-approved"}
    ]  # fmt: skip
    every = monograph_kg.query("chain")
    diseases = [str(d) for d in every.column("disease")]
    assert sorted(diseases) == sorted(
        {str(d) for d in monograph_kg.query("indications").column("disease")}
    )  # each indication once


def test_the_chain_says_the_basis_of_each_step(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    """The effects are part of the mechanism in a curator's reading: the chain says so."""
    said: dict[str, set[str]] = {}
    for step, label in monograph_kg.to_rdflib().query(CHAIN_BASES):
        said.setdefault(str(step), set()).add(str(label))
    assert said["effects"] == {"interpreted"}
    every = monograph_kg.query("chain")
    for column, step in (
        ("actionBasis", "action"),
        ("effectsBasis", "effects"),
        ("indicationBasis", "indication"),
    ):
        assert {str(v) for v in every.column(column)} == {"; ".join(sorted(said[step]))}, column
    # With the interpretations left out, the indication stays; the effects are no longer said.
    stated = monograph_kg.query("chain", basis="stated")
    assert len(stated) == len(every)
    assert {str(v) for v in stated.column("effects")} == {""}


def test_the_chain_of_a_second_drug_marks_its_interpretation(
    two_drug_kg: pharmakg.KnowledgeGraph,
) -> None:
    rows = _rows(
        two_drug_kg.query("chain", drug="examplinib"), "actions", "effects", "effectsBasis"
    )
    assert rows == [
        {"actions": "antagonist of", "effects": "immunoregulatory effect",
         "effectsBasis": "interpreted"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "name", ["mechanism", "cytokines", "indications", "chain", "pharmacokinetics", "claims"]
)
def test_unparameterised_queries_answer_for_both_drugs(
    two_drug_kg: pharmakg.KnowledgeGraph, name: str
) -> None:
    drugs = {str(d) for d in two_drug_kg.query(name).column("drug")}
    assert drugs == {
        "https://w3id.org/pharmakg/resource/imiquimod",
        "https://w3id.org/pharmakg/resource/synthetic-examplinib",
    }
    narrowed = two_drug_kg.query(name, drug="examplinib")
    assert {str(d) for d in narrowed.column("drug")} == {
        "https://w3id.org/pharmakg/resource/synthetic-examplinib"
    }


def test_an_unknown_curie_prefix_names_the_prefix(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    with pytest.raises(UnknownPrefixError) as info:
        monograph_kg.query("mechanism", drug="CHEBBI:36704")
    assert info.value.term == "CHEBBI"
    assert "CHEBI" in info.value.choices
    assert "CHEBBI" in str(info.value)
