"""Tests for the reasoning stage: HermiT on the monograph graph and the inconsistent fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import owlready2
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

import pharmakg
from counts import INFERRED_TRIPLES, INFERRED_VALUES, indications
from pharmakg import vocab
from pharmakg._load import default_paths
from pharmakg._reason import reason
from pharmakg.cli import main
from pharmakg.errors import InconsistentGraphError, JavaNotFoundError
from pharmakg.resources import ontology_file

INCONSISTENT = Path(__file__).parent / "data" / "inconsistent"
PKG, PKR = vocab.PKG_URI, vocab.PKR_URI


def _pkg(name: str) -> URIRef:
    return URIRef(PKG + name)


def _pkr(name: str) -> URIRef:
    return URIRef(PKR + name)


@pytest.fixture(scope="module")
def kg(monograph_kg: pharmakg.KnowledgeGraph) -> pharmakg.KnowledgeGraph:
    return monograph_kg


@pytest.fixture(scope="module")
def result(monograph_reasoning: pharmakg.ReasoningResult) -> pharmakg.ReasoningResult:
    return monograph_reasoning


def test_monograph_is_consistent(result: pharmakg.ReasoningResult) -> None:
    assert result.consistent
    assert result.offenders == ()
    assert result.explanation == ""
    assert result.seconds < 60  # about 3 s on a 2-core machine for ~2,000 triples


def test_inferred_class_memberships(result: pharmakg.ReasoningResult) -> None:
    assert result.memberships == (
        (_pkr("imiquimod"), _pkg("ImmuneResponseModifier")),
        (_pkr("imiquimod"), _pkg("TLRAgonist")),
        (_pkr("tlr7"), _pkg("TollLikeReceptor")),
        (_pkr("tlr7-signaling-pathway"), _pkg("TollLikeReceptorSignalingPathway")),
    )


def test_property_chain_treats(result: pharmakg.ReasoningResult) -> None:
    treats = sorted(o for s, p, o in result.values if p == _pkg("treats"))
    assert all(s == _pkr("imiquimod") for s, p, _ in result.values if p == _pkg("treats"))
    assert treats == sorted(
        _pkr(name)
        for name in (
            "actinic-keratosis",
            "anogenital-warts",
            "bowen-disease",
            "bowenoid-papulosis",
            "other-hpv-related-lesions",
            "superficial-basal-cell-carcinoma",
            "vulvar-intraepithelial-neoplasia",
        )
    )


def test_treats_only_what_the_text_names(
    kg: pharmakg.KnowledgeGraph, result: pharmakg.ReasoningResult
) -> None:
    """The reasoner never infers that imiquimod treats every HPV infection (MONDO:0005161).

    "Other HPV-related lesions" is our own node, mapped to the broader Mondo class by
    skos:broadMatch; no treated disease carries that class as its identity.
    """
    treated = {o for s, p, o in result.values if p == _pkg("treats")}
    ids = {str(kg.to_rdflib().value(d, URIRef(PKG + "id"))) for d in treated}
    assert "MONDO:0005161" not in ids
    assert "MONDO:0005647" not in ids  # anogenital HPV infection is broader than the warts
    assert kg.to_rdflib().value(_pkr("other-hpv-related-lesions"), URIRef(PKG + "id")) is None


def test_sub_property_values(result: pharmakg.ReasoningResult) -> None:
    values = set(result.values)
    imiquimod, tlr7 = _pkr("imiquimod"), _pkr("tlr7")
    # agonistOf ⊑ activates ⊑ actsOn ⊑ mechanismRelation; activates is asserted too.
    assert (imiquimod, _pkg("actsOn"), tlr7) in values
    assert (imiquimod, _pkg("mechanismRelation"), tlr7) in values
    assert (imiquimod, _pkg("activates"), tlr7) not in values  # asserted, so not "inferred"
    # positivelyRegulates ⊑ leadsTo
    assert (imiquimod, _pkg("leadsTo"), _pkr("tlr7-signaling")) in values
    assert len(values) == INFERRED_VALUES


def test_inferred_graph_holds_only_new_triples_about_our_individuals(
    kg: pharmakg.KnowledgeGraph, result: pharmakg.ReasoningResult
) -> None:
    assert len(result.graph) == len(result.memberships) + len(result.values) == INFERRED_TRIPLES
    for s, p, o in result.graph:
        assert (s, p, o) not in kg.to_rdflib()
        assert str(s).startswith(PKR)
        assert str(p).startswith(PKG) or p == vocab.RDF.type
        assert str(o).startswith((PKR, PKG))
        assert o != URIRef("http://www.w3.org/2002/07/owl#Thing")


def test_reasoning_does_not_change_its_input(
    kg: pharmakg.KnowledgeGraph, result: pharmakg.ReasoningResult
) -> None:
    """``kg`` has been reasoned over (``result``) and still holds what a fresh load holds."""
    before = pharmakg.load().to_rdflib()
    assert result.consistent
    assert len(kg.to_rdflib()) == len(before)
    assert isomorphic(kg.to_rdflib(), before)


@pytest.mark.parametrize(
    ("fixture", "negation"),
    [
        (
            "direct-antiviral-activity-asserted.ttl",
            ("hasDirectActivity", "direct-antiviral-activity-in-cell-culture"),
        ),
        ("drug-typed-as-disease.ttl", None),
    ],
)
@pytest.mark.slow
def test_inconsistent_fixture_names_the_offenders(
    fixture: str, negation: tuple[str, str] | None
) -> None:
    kg = pharmakg.load(*default_paths(), INCONSISTENT / fixture)
    found = reason(kg)
    assert not found.consistent
    assert [o.iri for o in found.offenders] == [_pkr("imiquimod")]
    [offender] = found.offenders
    assert "pkr:imiquimod" in found.explanation
    if negation is None:
        assert offender.types == (_pkg("Disease"), _pkg("Drug"))
        assert offender.negations == ()
    else:
        assert offender.negations == ((_pkr("imiquimod"), _pkg(negation[0]), _pkr(negation[1])),)
        assert "negative property assertion" in found.to_text()
    assert len(found.graph) == 0


def test_every_inconsistent_fixture_is_tested() -> None:
    names = {p.name for p in INCONSISTENT.glob("*.ttl")}
    assert names == {"direct-antiviral-activity-asserted.ttl", "drug-typed-as-disease.ttl"}


def test_negative_claim_is_still_queryable(kg: pharmakg.KnowledgeGraph) -> None:
    """The NegativeClaim stays SPARQL-queryable next to the OWL negative assertion."""
    rows = kg.query("negatives").rows
    assert rows, "the negatives query must still answer"


def test_missing_java_says_how_to_install(
    kg: pharmakg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-binary")
    with pytest.raises(JavaNotFoundError) as info:
        reason(kg)
    assert "apt-get install -y default-jre-headless" in str(info.value)


def test_query_asserted_or_inferred(kg: pharmakg.KnowledgeGraph, tmp_path: Path) -> None:
    query = tmp_path / "treats.rq"
    query.write_text(
        "PREFIX pkg: <https://w3id.org/pharmakg/ontology/>\n"
        "PREFIX pkr: <https://w3id.org/pharmakg/resource/>\n"
        "SELECT ?disease WHERE { pkr:imiquimod pkg:treats ?disease } ORDER BY ?disease\n"
    )
    assert len(kg.query(query)) == 0
    assert len(kg.query(query, inferred=True)) == len(indications(kg.to_rdflib()))


def test_query_inferred_refuses_an_inconsistent_graph() -> None:
    # The ontology and the fixture alone: few individuals, so the clash search is quick.
    kg = pharmakg.load(ontology_file(), INCONSISTENT / "drug-typed-as-disease.ttl")
    with pytest.raises(InconsistentGraphError, match="pkr:imiquimod"):
        kg.query("indications", inferred=True)


def test_cli_reason_json_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "reasoning.json"
    done = runner.invoke(main, ["reason", "--format", "json", "-o", str(out)])
    assert done.exit_code == 0, done.output
    body = json.loads(out.read_text())
    assert body["consistent"] is True
    assert {"individual": "pkr:tlr7", "class": "pkg:TollLikeReceptor"} in body["memberships"]
    assert body["inferredTriples"] == INFERRED_TRIPLES
    fixture = INCONSISTENT / "drug-typed-as-disease.ttl"
    bad = runner.invoke(main, ["reason", str(ontology_file()), str(fixture)])
    assert bad.exit_code == 1
    assert bad.stdout.startswith("Inconsistent")
    assert "pkr:imiquimod" in bad.stdout


@pytest.mark.slow
def test_build_writes_the_inferred_layer(tmp_path: Path) -> None:
    result = pharmakg.build(tmp_path / "dist")
    assert result.conforms
    inferred = Graph().parse(tmp_path / "dist" / "pharmakg-inferred.ttl")
    assert (_pkr("imiquimod"), vocab.RDF.type, _pkg("TLRAgonist")) in inferred
    assert (_pkr("imiquimod"), _pkg("treats"), _pkr("superficial-basal-cell-carcinoma")) in inferred
    asserted = Graph().parse(tmp_path / "dist" / "pharmakg.nt")
    assert not any(triple in asserted for triple in inferred)
    # KGX takes the inferences that add a link: imiquimod treats each of its 7 indications.
    edges = (tmp_path / "dist" / "edges.tsv").read_text(encoding="utf-8").splitlines()
    entailed = [line.split("\t") for line in edges if "\tlogical_entailment\t" in line]
    assert {(row[1], row[2]) for row in entailed} == {("CHEBI:36704", "biolink:treats")}
    assert len(entailed) == len(indications(pharmakg.load().to_rdflib()))
