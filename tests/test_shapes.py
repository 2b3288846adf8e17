"""The SHACL shapes on real data: the monograph conforms, each broken variant fails exactly.

Each file in tests/data/invalid/ is loaded together with the monograph's own graphs (and the
curated-import terms, ontology/drugmechdb.ttl) and adds one kind of error. The test asserts
the exact set of results it raises: (shape, focus node, path, value), so a shape that stops
firing, or starts firing elsewhere, fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pharmakg
from conftest import DATA, GRAPHS, SYNTHETIC
from pharmakg.importers import terms_file

INVALID = DATA / "invalid"

Result = tuple[str, str, str | None, str | None]

#: fixture file → the exact results (shape, focus node, path, value) it must raise.
EXPECTED: dict[str, set[Result]] = {
    "drug-without-label.ttl": {
        ("pkgsh:EntityLabel", "pkr:test-unnamed-drug", "rdfs:label", None),
        # Without a name, no quote can be checked to name it either.
        ("pkgsh:ClaimShape", "pkr:test-unnamed-drug-claim", None, "pkr:test-unnamed-drug"),
    },
    "citation-number-used-twice.ttl": {
        # Each of the two references is reported, naming the other.
        ("pkgsh:UniqueCitationNumber", "pkr:imiquimod-monograph-ref-3", None, "3"),
        ("pkgsh:UniqueCitationNumber", "pkr:test-second-reference-3", None, "3"),
    },
    "drug-without-target.ttl": {
        (
            "pkgsh:DrugTarget",
            "pkr:test-targetless-drug",
            "(pkg:actsOn|pkg:activates|pkg:agonistOf|pkg:inhibits|pkg:antagonistOf)",
            None,
        ),
    },
    "bad-chebi-identifier.ttl": {
        ("pkgsh:ChebiIdentifierShape", "pkr:imiquimod", "pkg:xref", "CHEBI:36704a"),
        ("pkgsh:KnownCurie", "pkr:imiquimod", "pkg:xref", "CHEBI:36704a"),
    },
    "bad-uniprot-identifier.ttl": {
        ("pkgsh:UniProtIdentifierShape", "pkr:tlr7", "pkg:xref", "UniProtKB:Q9NYK"),
        ("pkgsh:KnownCurie", "pkr:tlr7", "pkg:xref", "UniProtKB:Q9NYK"),
    },
    "bad-go-identifier.ttl": {
        ("pkgsh:GoIdentifierShape", "pkr:nk-cell-activation", "pkg:xref", "GO:30101"),
        ("pkgsh:KnownCurie", "pkr:nk-cell-activation", "pkg:xref", "GO:30101"),
    },
    "bad-cl-identifier.ttl": {
        ("pkgsh:ClIdentifierShape", "pkr:nk-cell", "pkg:xref", "CL:623"),
        ("pkgsh:KnownCurie", "pkr:nk-cell", "pkg:xref", "CL:623"),
    },
    "bad-mondo-identifier.ttl": {
        ("pkgsh:MondoIdentifierShape", "pkr:actinic-keratosis", "pkg:xref", "MONDO:5173"),
        ("pkgsh:KnownCurie", "pkr:actinic-keratosis", "pkg:xref", "MONDO:5173"),
    },
    "claim-without-citation.ttl": {
        ("pkgsh:ClaimCitesReference", "pkr:test-uncited-claim", None, "pkr:test-uncited-claim"),
    },
    "claim-cites-missing-reference.ttl": {
        (
            "pkgsh:ClaimCitationExists",
            "pkr:test-claim-citing-9",
            "pkg:citation",
            "pkr:imiquimod-monograph-ref-9",
        ),
    },
    "indication-without-status.ttl": {
        (
            "pkgsh:IndicationApprovalStatus",
            "pkr:test-indication-without-status",
            "pkg:approvalStatus",
            None,
        ),
    },
    "indication-not-reached.ttl": {
        (
            "pkgsh:IndicationShape",
            "pkr:test-unreached-indication",
            None,
            "pkr:test-unreached-indication",
        ),
    },
    "range-minimum-above-maximum.ttl": {
        ("pkgsh:RangeMinNotAboveMax", "pkr:test-inverted-range", "pkg:minValue", "5"),
    },
    "percentage-above-100.ttl": {
        ("pkgsh:QuantityShape", "pkr:test-percentage-range", "pkg:maxValue", "241"),
    },
    "negated-statement-asserted.ttl": {
        (
            "pkgsh:NegativeClaimShape",
            "pkr:imiquimod-no-direct-antiviral-activity",
            None,
            "pkr:imiquimod-no-direct-antiviral-activity",
        ),
    },
    "mechanism-triple-without-claim.ttl": {
        ("pkgsh:MechanismTripleShape", "pkr:tlr7", "pkg:expressedIn", "pkr:lymphocyte"),
    },
    "unlisted-reference-with-title.ttl": {
        ("pkgsh:UnlistedReferenceShape", "pkr:imiquimod-monograph-ref-5", "dcterms:title", None),
    },
    # Fidelity: quote grounding, basis, group statements, conditions, identity, qualifiers, sources.
    "stated-claim-not-grounded.ttl": {
        ("pkgsh:ClaimShape", "pkr:test-ungrounded-claim", None, "pkr:nk-cell-activation"),
    },
    "interpreted-claim-without-reason.ttl": {
        (
            "pkgsh:InterpretationHasReason",
            "pkr:test-unexplained-interpretation",
            None,
            "pkr:test-unexplained-interpretation",
        ),
    },
    "claim-without-basis.ttl": {
        ("pkgsh:ClaimBasis", "pkr:test-claim-without-basis", "pkg:basis", None),
    },
    "group-statement-distributed.ttl": {
        ("pkgsh:ClaimShape", "pkr:test-distributed-claim", None, "pkr:ifn-alpha"),
    },
    "negation-drops-condition.ttl": {
        (
            "pkgsh:NegativeClaimShape",
            "pkr:test-unconditioned-negation",
            None,
            "pkr:test-unconditioned-activity",
        ),
    },
    "entity-without-identity.ttl": {
        (
            "pkgsh:IdentifiedEntityShape",
            "pkr:test-unidentified-disease",
            None,
            "pkr:test-unidentified-disease",
        ),
    },
    "qualifier-as-string.ttl": {
        ("pkgsh:ClaimShape", "pkr:imiquimod-induces-tnf-alpha", "pkg:emphasis", "primarily"),
    },
    "reference-identifier-without-scheme.ttl": {
        (
            "pkgsh:ReferenceShape",
            "pkr:imiquimod-monograph-ref-3",
            "pkg:publicationId",
            "10.1111/ijd.13235",
        ),
    },
    # Curated-database claims (loaded with ontology/drugmechdb.ttl, as an import carries it).
    "curated-claim-without-path.ttl": {
        ("pkgsh:CuratedClaimShape", "pkr:test-curated-claim-without-path", "pkg:fromPath", None),
    },
    "curated-claim-with-monograph-relation.ttl": {
        (
            "pkgsh:CuratedClaimRelation",
            "pkr:test-curated-claim-with-monograph-relation",
            "pkg:claimPredicate/rdfs:subPropertyOf*",
            None,
        ),
        (
            "pkgsh:CuratedClaimShape",
            "pkr:test-curated-claim-with-monograph-relation",
            "pkg:sourcePredicate",
            None,
        ),
    },
    "monograph-without-its-nature.ttl": {
        ("pkgsh:MonographShape", "pkr:test-monograph", "pkg:sourceNature", None),
        ("pkgsh:MonographShape", "pkr:test-monograph", "pkg:reviewStatus", None),
    },
}

#: Messages a curator reads: the key words each must contain.
MESSAGE_WORDS = {
    "citation-number-used-twice.ttl": ["Citation number 3", "two references of the same monograph"],
    "indication-not-reached.ttl": ["unreached disease", "imiquimod", "mechanism chain"],
    "negated-statement-asserted.ttl": ["imiquimod", "direct antiviral activity", "denies"],
    "mechanism-triple-without-claim.ttl": ["Toll-like receptor 7", "lymphocyte", "no pkg:Claim"],
    "indication-without-status.ttl": ["approval status", "pkg:FDAApproved", "pkg:OffLabel"],
    "stated-claim-not-grounded.ttl": [
        "marked stated",
        "natural killer (NK) cell activation",
        "pkg:anaphor",
        "pkg:InterpretedBasis",
    ],
    "group-statement-distributed.ttl": [
        "interferon-alpha (IFN-",
        "cytokine induction",
        "these cytokines",
        "never distributed",
    ],
    "negation-drops-condition.ttl": [
        "in cell culture",
        "pkg:activityCondition",
        "deny more than the source",
    ],
    "entity-without-identity.ttl": [
        "pkg:id",
        "skos:closeMatch",
        "skos:broadMatch",
        "skos:narrowMatch",
    ],
}


def _show(report: pharmakg.ValidationReport) -> set[Result]:
    results = set()
    for result in report.results:
        data = result.to_dict()
        shape = data["source_shape"]
        if shape.startswith("_:") or shape.startswith("["):
            # A blank property shape is named by the node shape that holds it.
            shape = (data["shape_label"] or "").split(",")[0]
        results.add((shape, data["focus_node"], data["path"], data["value"]))
    return results


def test_monograph_conforms(monograph_kg: pharmakg.KnowledgeGraph) -> None:
    report = pharmakg.validate(monograph_kg)
    assert report.conforms, report.to_text()
    assert report.results == ()


@pytest.mark.slow
def test_synthetic_second_drug_conforms_to_the_same_shapes() -> None:
    report = pharmakg.validate([*GRAPHS, SYNTHETIC])
    assert report.conforms, report.to_text()


def test_every_invalid_fixture_has_an_expectation() -> None:
    assert {p.name for p in INVALID.glob("*.ttl")} == set(EXPECTED)
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_raises_exactly_its_violation(name: str) -> None:
    # The fast engine here; test_validate_engines holds it identical to pyshacl (make test-slow).
    # With the curated-import terms, as an import carries them: they change no monograph result.
    report = pharmakg.validate([*GRAPHS, terms_file(), INVALID / name], engine="fast")
    assert not report.conforms
    assert {r.severity for r in report.results} == {pharmakg.Severity.VIOLATION}
    assert _show(report) == EXPECTED[name], report.to_text()
    text = " ".join(r.message for r in report.results)
    for word in MESSAGE_WORDS.get(name, []):
        assert word in text, (word, text)
    assert not re.search(r"\{[$?]\w+\}", text), f"an unsubstituted message placeholder: {text}"


def test_invalid_fixture_exits_1_from_the_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pharmakg.cli import main

    fixture = INVALID / "indication-without-status.ttl"
    result = CliRunner().invoke(main, ["validate", *map(str, GRAPHS), str(fixture)])
    assert result.exit_code == 1
    assert "pkr:test-indication-without-status" in result.output
    assert "approval status" in result.output
