"""Every named query's actual answers on the monograph (and on the synthetic second drug).

Values are compared as people read them: IRIs compacted to CURIEs, literals as their text.
Each query is asked unparameterised (it answers over every drug) and narrowed by a parameter.
"""

from __future__ import annotations

import pytest

import pharmakg
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
    } <= names  # fmt: skip
    for info in pharmakg.list_queries():
        assert info.title, info.name
        assert info.description, info.name
        assert len(monograph_kg.query(info.name)) > 0, info.name


def test_mechanism(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(
        monograph_kg.query("mechanism"), "drugLabel", "action", "target", "targetId", "citations"
    )
    assert rows == [
        {"drugLabel": "imiquimod", "action": "pkg:activates", "target": "pkr:tlr7", "targetId": "UniProtKB:Q9NYK1", "citations": "1"},
        {"drugLabel": "imiquimod", "action": "pkg:agonistOf", "target": "pkr:tlr7", "targetId": "UniProtKB:Q9NYK1", "citations": "2"},
        {"drugLabel": "imiquimod", "action": "pkg:bindsTo", "target": "pkr:tlr7", "targetId": "UniProtKB:Q9NYK1", "citations": "2"},
    ]  # fmt: skip
    narrowed = monograph_kg.query("mechanism", drug="CHEBI:36704")
    assert len(narrowed) == 3
    assert monograph_kg.query("mechanism", drug="Aldara").rows == narrowed.rows


def test_cytokines_induced(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(
        monograph_kg.query("cytokines", drug="imiquimod"), "cytokineId", "via", "citations"
    )
    assert rows == [
        {"cytokineId": "MESH:D016898", "via": "pkr:tlr7", "citations": "1, 3"},
        {"cytokineId": "MESH:D016898", "via": "pkr:imiquimod", "citations": "3"},
        {"cytokineId": "GO:0043514", "via": "pkr:tlr7", "citations": "1, 3"},
        {"cytokineId": "GO:0043514", "via": "pkr:imiquimod", "citations": "3"},
        {"cytokineId": "UniProtKB:P01375", "via": "pkr:tlr7", "citations": "1, 3"},
        {"cytokineId": "UniProtKB:P01375", "via": "pkr:imiquimod", "citations": "3"},
    ]


def test_immune_cells_and_responses(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(monograph_kg.query("immune-effects"), "processId", "cellId", "citations")
    assert {(r["processId"], r["cellId"], r["citations"]) for r in rows} == {
        ("GO:0030101", "CL:0000623", "1"),  # NK cell activation
        ("GO:0042088", "CL:0000545", "1"),  # Th1-mediated immune response
        ("GO:0045087", None, "1"),  # innate immune response
        ("GO:0002250", None, "1"),  # adaptive immune response
        ("GO:0034154", None, "2"),  # the TLR-7 immune cascade
        ("GO:0072676", "CL:0000542", "4"),  # lymphocyte infiltration
        ("GO:0036336", "CL:0000451", "4"),  # dendritic cell infiltration
        ("GO:1905517", "CL:0000235", "4"),  # macrophage infiltration
        ("MESH:D007157", None, "5"),  # immune surveillance
    }


def test_indications_by_approval_status(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(monograph_kg.query("indications"), "statusLabel", "diseaseId", "citations")
    assert rows == [
        {"statusLabel": "FDA-approved", "diseaseId": "MONDO:0005173", "citations": "4, 5"},
        {"statusLabel": "FDA-approved", "diseaseId": "MONDO:0005647", "citations": "4, 5"},
        {"statusLabel": "FDA-approved", "diseaseId": "MONDO:0002954", "citations": "4, 5"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0020761", "citations": "3, 6"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0022022", "citations": "3, 6"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0005161", "citations": "3, 6"},
        {"statusLabel": "off-label", "diseaseId": "MONDO:0005198", "citations": "3, 6"},
    ]
    approved = monograph_kg.query("indications", status="pkg:FDAApproved")
    assert [r["diseaseId"] for r in _rows(approved, "diseaseId")] == [
        "MONDO:0005173", "MONDO:0005647", "MONDO:0002954",
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
    statements = {r for r in monograph_kg.query("off-label").column("statement")}
    assert len(statements) == 3  # Bowen's; bowenoid papulosis/VIN (one bullet); other HPV lesions


def test_pharmacokinetic_values_with_units(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = (
        "propertyLabel",
        "value",
        "minValue",
        "maxValue",
        "unit",
        "numeratorRouteLabel",
        "denominatorRouteLabel",
    )
    assert _rows(monograph_kg.query("pharmacokinetics"), *columns) == [
        {"propertyLabel": "limited systemic absorption", "value": None, "minValue": None, "maxValue": None,
         "unit": None, "numeratorRouteLabel": None, "denominatorRouteLabel": None},
        {"propertyLabel": "low urinary recovery", "value": None, "minValue": "0.08", "maxValue": "2.41",
         "unit": "unit:PERCENT", "numeratorRouteLabel": None, "denominatorRouteLabel": None},
        {"propertyLabel": "prolonged skin retention", "value": "10", "minValue": None, "maxValue": None,
         "unit": "unit:UNITLESS", "numeratorRouteLabel": "topical", "denominatorRouteLabel": "subcutaneous"},
    ]  # fmt: skip


def test_dosing_regimen(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    columns = ("minValue", "maxValue", "per", "unitLabel", "citations")
    assert _rows(monograph_kg.query("dosing"), *columns) == [
        {"minValue": "3", "maxValue": "5", "per": "P7D", "unitLabel": "applications per week", "citations": "7"},
    ]  # fmt: skip


def test_claims_with_citations(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    result = monograph_kg.query("claims", drug="imiquimod")
    rows = {r["claim"]: r for r in _rows(result, "claim", "citations", "basisLabel", "negated")}
    assert len(rows) == 68
    assert rows["pkr:imiquimod-agonist-of-tlr7"]["citations"] == "2"
    assert rows["pkr:tlr7-activation-induces-ifn-alpha"]["citations"] == "1, 3"
    assert rows["pkr:imiquimod-binds-tlr7"]["basisLabel"] == "cited by its run of bullets"
    assert rows["pkr:imiquimod-summary-harnesses-immune-system"] == {
        "claim": "pkr:imiquimod-summary-harnesses-immune-system",
        "citations": "",
        "basisLabel": "not cited",
        "negated": "false",
    }
    assert rows["pkr:imiquimod-no-direct-antiviral-activity"]["negated"] == "true"


def test_what_the_drug_does_not_do(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(monograph_kg.query("negatives"), "object", "context", "section", "citations")
    assert rows == [
        {"object": "pkr:direct-antiviral-activity", "context": "in cell culture", "section": "Secondary Effects", "citations": ""},
        {"object": "pkr:direct-cytotoxic-activity", "context": None, "section": "Summary", "citations": ""},
    ]  # fmt: skip


def test_considerations_and_limitations(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    rows = _rows(
        monograph_kg.query("considerations"), "kindLabel", "appliesTo", "reason", "citations"
    )
    assert rows == [
        {"kindLabel": "correlation", "appliesTo": None, "reason": None, "citations": "2"},
        {"kindLabel": "dosing consideration", "appliesTo": None, "reason": None, "citations": "7"},
        {"kindLabel": "limitation", "appliesTo": "hyperkeratotic lesions", "reason": "limited penetration", "citations": "6"},
    ]  # fmt: skip


def test_full_chain_to_each_indication(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    result = monograph_kg.query("chain", disease="MONDO:0002954")  # superficial BCC
    rows = _rows(
        result, "actionLabel", "mediatorLabel", "processLabel", "effectLabel", "statusLabel"
    )
    assert {r["statusLabel"] for r in rows} == {"FDA-approved"}
    # 2 target actions x 3 cytokines x (3 direct effects + NK and Th1 each leading to the antiviral effect)
    assert len(rows) == 2 * 3 * (3 + 2)
    assert {
        "actionLabel": "agonist of",
        "mediatorLabel": "interferon-alpha (IFN-α)",
        "processLabel": "natural killer (NK) cell activation",
        "effectLabel": "antiviral effect",
        "statusLabel": "FDA-approved",
    } in rows
    every = monograph_kg.query("chain")
    assert {str(d) for d in every.column("disease")} == {
        str(d) for d in monograph_kg.query("indications").column("disease")
    }


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
    with pytest.raises(pharmakg.UnknownPrefixError) as info:
        monograph_kg.query("mechanism", drug="CHEBBI:36704")
    assert info.value.term == "CHEBBI"
    assert "CHEBI" in info.value.choices
    assert "CHEBBI" in str(info.value)
