"""Tests for the release formats (pharmakg.export): round trips, determinism, KGX, VoID, IRIs."""

from __future__ import annotations

import csv
import datetime
import importlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

import pharmakg
import pharmakg.formats
from pharmakg.cli import main
from pharmakg.errors import UnknownFormatError, UnsafeInputError
from pharmakg.formats import Kind, find
from pharmakg.vocab import check_curie, compress

ex = importlib.import_module("pharmakg._export")
EXJSONLD = importlib.import_module("pharmakg._export.jsonld")
EXRELEASE = importlib.import_module("pharmakg._export.release")
EXDATASET = importlib.import_module("pharmakg._export.dataset")
VIS = importlib.import_module("pharmakg._visualise")
ROOT = Path(__file__).resolve().parents[1]
PKG = "https://w3id.org/pharmakg/ontology/"
OWN_EDGE_COLUMNS = importlib.import_module("pharmakg._export.kgx").OWN_EDGE_COLUMNS
BIOLINK = json.loads((ROOT / "tests" / "data" / "biolink-4.4.4.json").read_text())
OTHER_BASE = "https://example.org/kg/"
SINGLE = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
}
QUADS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
RDFLIB_NAME = {
    "turtle": "turtle",
    "nt": "nt",
    "xml": "xml",
    "json-ld": "json-ld",
    "nquads": "nquads",
    "trig": "trig",
}


@pytest.fixture(scope="module")
def kg() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


@pytest.fixture(scope="module")
def release(kg: pharmakg.KnowledgeGraph) -> ex.Release:
    return ex.prepare_release(kg, report=pharmakg.validate(kg))


@pytest.fixture(scope="module")
def outputs(release: ex.Release) -> dict[str, ex.ExportOutput]:
    return {fmt: ex.export(release, fmt) for fmt in ex.EXPORTERS}


def _graph_of(release: ex.Release) -> Graph:
    """What the single-graph files hold, under the release's base."""
    return release.rebased(release.single_graph())


# ---------------------------------------------------------------- parsing helpers


def _ox_term(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype)


def _ox_graphs(text: str, fmt: ox.RdfFormat) -> dict[str | None, Graph]:
    graphs: dict[str | None, Graph] = {}
    for quad in ox.parse(text.encode("utf-8"), format=fmt):
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graph = graphs.setdefault(name, Graph())
        graph.add((_ox_term(quad.subject), _ox_term(quad.predicate), _ox_term(quad.object)))
    return graphs


def _ox_graph(text: str, fmt: ox.RdfFormat) -> Graph:
    merged = Graph()
    for graph in _ox_graphs(text, fmt).values():
        for triple in graph:
            merged.add(triple)
    return merged


def _rdflib_graph(text: str, fmt: str) -> Graph:
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=text, format=RDFLIB_NAME[fmt])


def _rdflib_dataset(text: str, fmt: str) -> dict[str | None, Graph]:
    out: dict[str | None, Graph] = {}
    with warnings.catch_warnings():
        # rdflib 7's Dataset.parse calls its own deprecated ConjunctiveGraph API.
        warnings.filterwarnings("ignore", r"(Dataset|ConjunctiveGraph)\b", DeprecationWarning)
        ds = Dataset()
        ds.parse(data=text, format=RDFLIB_NAME[fmt])
        default = ds.default_graph.identifier
        for graph in ds.graphs():
            name = None if graph.identifier == default else str(graph.identifier)
            if len(graph):
                out[name] = Graph()
                for triple in graph:
                    out[name].add(triple)
    return out


def _expected_graphs(release: ex.Release) -> dict[str | None, Graph]:
    graphs = {
        None if name is None else release.rebase_iri(name): release.rebased(graph)
        for name, graph in release.named_graphs()
    }
    return {k: v for k, v in graphs.items() if len(v)}


def _pyld_graph(document: Any) -> Graph:
    options = {"documentLoader": EXJSONLD._refuse_remote, "format": "application/n-quads"}
    nquads = jsonld.to_rdf(jsonld.expand(document, options), options)
    return _ox_graph(nquads, ox.RdfFormat.N_QUADS)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", list(SINGLE), ids=str)
def test_single_graph_formats_round_trip_with_both_parsers(
    fmt: str, release: ex.Release, outputs: dict[str, ex.ExportOutput]
) -> None:
    text = outputs[fmt].text()
    expected = _graph_of(release)
    assert isomorphic(_rdflib_graph(text, fmt), expected)
    assert isomorphic(_ox_graph(text, SINGLE[fmt]), expected)


@pytest.mark.parametrize("fmt", list(QUADS), ids=str)
def test_named_graph_formats_round_trip_with_both_parsers(
    fmt: str, release: ex.Release, outputs: dict[str, ex.ExportOutput]
) -> None:
    text = outputs[fmt].text()
    expected = _expected_graphs(release)
    for parsed in (_ox_graphs(text, QUADS[fmt]), _rdflib_dataset(text, fmt)):
        assert sorted(parsed, key=str) == sorted(expected, key=str)
        for name, graph in expected.items():
            assert isomorphic(parsed[name], graph), name


def test_named_graph_split(release: ex.Release) -> None:
    pkr = release.namespace("pkr")
    pkg = release.namespace("pkg")
    claim = URIRef(pkr + "imiquimod-activates-tlr7")
    plain = (URIRef(pkr + "imiquimod"), URIRef(pkg + "agonistOf"), URIRef(pkr + "tlr7"))
    assert plain in release.stated  # a plain triple goes to the graph of its claims' basis
    assert plain not in release.asserted
    assert (claim, RDF.type, URIRef(pkg + "Claim")) in release.provenance
    assert not set(release.asserted.subjects()) & {claim}
    assert (URIRef(pkr + "imiquimod-monograph"), None, None) in release.provenance
    assert len(release.inferred) == 0
    # Every interpretation's triple is in the interpreted graph, and only there.
    interpretations = set(
        release.provenance.subjects(URIRef(pkg + "basis"), URIRef(pkg + "InterpretedBasis"))
    )
    assert interpretations
    for c in interpretations:
        triple = tuple(
            release.provenance.value(c, URIRef(pkg + part))
            for part in ("claimSubject", "claimPredicate", "claimObject")
        )
        assert triple in release.interpreted
    parts = [getattr(release, name) for name in release.DATA_GRAPHS]
    assert sum(len(part) for part in parts) == len(release.data())  # a partition


def test_inferred_triples_get_their_own_graph(kg: pharmakg.KnowledgeGraph) -> None:
    pkr, pkg = ex.DEFAULT_BASE + "resource/", ex.DEFAULT_BASE + "ontology/"
    treats = (URIRef(pkr + "imiquimod"), URIRef(pkg + "treats"), URIRef(pkr + "actinic-keratosis"))
    inferred = Graph()
    inferred.add(treats)
    release = ex.prepare_release(kg, inferred)
    assert set(release.inferred) == {treats}
    assert all(treats not in getattr(release, name) for name in release.DATA_GRAPHS)
    edges = dict(ex.export(release, "kgx").files)["edges.tsv"].decode()
    rows = list(csv.DictReader(edges.split("\n")[:-1], delimiter="\t", quoting=csv.QUOTE_NONE))
    row = next(r for r in rows if r["original_predicate"] == "pkg:treats")
    assert (row["predicate"], row["knowledge_level"], row["agent_type"]) == (
        "biolink:treats",
        "logical_entailment",
        "automated_agent",
    )
    assert len(kg.to_rdflib()) == len(pharmakg.load().to_rdflib())  # the input is not changed


def test_jsonld_expands_to_the_same_rdf_with_pyld(
    release: ex.Release, outputs: dict[str, ex.ExportOutput]
) -> None:
    document = json.loads(outputs["json-ld"].text())
    assert isinstance(document["@context"], dict)  # inline: nothing to fetch
    assert isomorphic(_pyld_graph(document), _graph_of(release))


def test_jsonld_compaction_is_readable(outputs: dict[str, ex.ExportOutput]) -> None:
    document = json.loads(outputs["json-ld"].text())
    drug = next(n for n in document["@graph"] if n.get("id") == "pkr:imiquimod")
    assert drug["label"] == "imiquimod"
    assert drug["identifier"] == "CHEBI:36704"
    assert "pkr:tlr7" in json.dumps(drug["agonistOf"])


def test_remote_documents_are_refused() -> None:
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand(
            {"@context": "https://example.org/ctx.jsonld", "x": 1},
            {"documentLoader": EXJSONLD._refuse_remote},
        )
    assert caught.value.code == "loading remote context failed"
    with pytest.raises(UnsafeInputError):
        EXJSONLD._refuse_remote("https://example.org/ctx.jsonld")


def test_context_file_is_up_to_date() -> None:
    shipped = (ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    assert shipped == ex.context_document(), (
        "run: pharmakg export --format context -o ontology/context.jsonld"
    )


def test_framed_drug_document(
    kg: pharmakg.KnowledgeGraph, release: ex.Release, outputs: dict[str, ex.ExportOutput]
) -> None:
    files = dict(outputs["drugs"].files)
    assert list(files) == ["imiquimod.jsonld"]
    document = json.loads(files["imiquimod.jsonld"])
    assert document["id"] == "pkr:imiquimod"
    assert document["label"] == "imiquimod"
    drug, pkg = URIRef(ex.DEFAULT_BASE + "resource/imiquimod"), ex.DEFAULT_BASE + "ontology/"
    indications = document["hasIndication"]
    assert len(indications) == len(set(kg.to_rdflib().objects(drug, URIRef(pkg + "hasIndication"))))
    assert all(isinstance(i, dict) and "indicationDisease" in i for i in indications)
    effects = document["hasTherapeuticEffect"]
    expected = set(kg.to_rdflib().objects(drug, URIRef(pkg + "hasTherapeuticEffect")))
    assert {e["id"] for e in effects} == {compress(str(e)) for e in expected}
    assert all("label" in e for e in effects)
    assert document["claims"], "the claims about the drug are nested, with their citations"
    assert "citation" in json.dumps(document["claims"])
    triples = _pyld_graph(document)
    full = _graph_of(release)
    assert len(triples) > 500
    assert all(t in full for t in triples)


# ---------------------------------------------------------------- determinism


@pytest.mark.slow
def test_release_bytes_are_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = (
        "import sys, importlib, pharmakg; ex = importlib.import_module('pharmakg._export'); "
        "kg = pharmakg.load(); "
        "ex.write_release_files(ex.prepare_release(kg, report=pharmakg.validate(kg)), sys.argv[1])"
    )
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        trees.append(
            {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        )
    assert trees[0].keys() == trees[1].keys()
    for name in trees[0]:
        assert trees[0][name] == trees[1][name], name


def test_turtle_uses_only_prefixes_it_needs(
    outputs: dict[str, ex.ExportOutput],
) -> None:
    text = outputs["turtle"].text()
    declared = [
        line.split()[1].rstrip(":") for line in text.splitlines() if line.startswith("@prefix")
    ]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    assert declared, "the Turtle file declares its prefixes"
    assert declared == sorted(declared)  # rdflib writes them in code-point order
    for prefix in declared:
        assert f"{prefix}:" in body, prefix
    assert "ns1:" not in text
    assert set(declared) <= set(EXRELEASE.release_prefixes())


def test_ntriples_and_nquads_are_sorted(outputs: dict[str, ex.ExportOutput]) -> None:
    for fmt in ("nt", "nquads"):
        lines = outputs[fmt].text().splitlines()
        assert lines == sorted(lines)


def test_creation_date(kg: pharmakg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert EXRELEASE.creation_date(kg.to_rdflib()) == datetime.date(
        2025, 9, 8
    )  # the monograph's date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert EXRELEASE.creation_date(kg.to_rdflib()) == datetime.date(2026, 1, 1)
    assert EXRELEASE.creation_date(kg.to_rdflib(), datetime.date(2020, 2, 2)) == datetime.date(
        2020, 2, 2
    )


# ---------------------------------------------------------------- the description


def test_void_counts_match_the_graph(release: ex.Release) -> None:
    data, d = release.data(), release.description
    dataset = ex.Release.canonical_iri("dataset")

    def value(subject: Node, predicate: URIRef) -> int:
        return int(d.value(subject, predicate).toPython())  # type: ignore[union-attr]

    # The packaged ontology and graphs, parsed afresh: the release holds exactly those triples.
    assert value(dataset, VOID.triples) == len(data) == len(pharmakg.load().to_rdflib())
    assert value(dataset, VOID.properties) == len(set(data.predicates()))
    classes = set(data.objects(None, RDF.type))
    assert value(dataset, VOID.classes) == len(classes)
    pkr = release.namespace("pkr")
    entities = {s for s in data.subjects() if str(s).startswith(pkr)}
    assert value(dataset, VOID.entities) == len(entities)
    partitions = list(d.objects(dataset, VOID.classPartition))
    assert len(partitions) == len(classes)
    for part in partitions:
        cls = d.value(part, VOID["class"])
        assert value(part, VOID.entities) == len(set(data.subjects(RDF.type, cls)))
    for part in d.objects(dataset, VOID.propertyPartition):
        prop = d.value(part, VOID.property)
        assert value(part, VOID.triples) == len(list(data.triples((None, prop, None))))
    assert (dataset, VOID.exampleResource, URIRef(pkr + "imiquimod")) in d
    assert (dataset, VOID.sparqlEndpoint, None) not in d
    assert not [n for n in d.all_nodes() if isinstance(n, BNode)]
    # embedded in the Turtle release
    full = _graph_of(release)
    assert all(t in full for t in d)


def test_sparql_endpoint_when_configured(kg: pharmakg.KnowledgeGraph) -> None:
    options = ex.ExportOptions(sparql_endpoint="https://example.org/sparql")
    release = ex.prepare_release(kg, options=options)
    dataset = ex.Release.canonical_iri("dataset")
    assert (
        dataset,
        VOID.sparqlEndpoint,
        URIRef("https://example.org/sparql"),
    ) in release.description
    assert (
        json.loads(ex.export(release, "schema-org").text())["url"] == "https://example.org/sparql"
    )


def test_schema_org_dataset(release: ex.Release, outputs: dict[str, ex.ExportOutput]) -> None:
    document = json.loads(outputs["schema-org"].text())
    assert document["@type"] == "Dataset"
    for key in ("name", "description", "license", "version", "dateCreated", "creator", "isBasedOn"):
        assert document[key], key
    assert document["dateCreated"] == "2025-09-08"
    assert f"{len(release.data())} triples" in document["size"]
    graph = _pyld_graph(document)  # an inline context: nothing is fetched
    assert (URIRef(document["@id"]), RDF.type, URIRef("http://schema.org/Dataset")) in graph


# ---------------------------------------------------------------- KGX


def _kgx_rows(output: ex.ExportOutput) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    files = {name: data.decode() for name, data in output.files}
    nodes = list(
        csv.DictReader(files["nodes.tsv"].split("\n")[:-1], delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    edges = list(
        csv.DictReader(files["edges.tsv"].split("\n")[:-1], delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    return nodes, edges


def test_kgx_is_valid_biolink_4_4_4(
    kg: pharmakg.KnowledgeGraph, outputs: dict[str, ex.ExportOutput]
) -> None:
    nodes, edges = _kgx_rows(outputs["kgx"])
    categories, predicates = BIOLINK["categories"], set(BIOLINK["predicates"])
    enums = BIOLINK["enums"]
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes)
    identified = {str(v) for v in kg.to_rdflib().objects(None, URIRef(PKG + "id"))}
    for node in nodes:
        assert node["category"] in categories, node
        allowed = categories[node["category"]]["id_prefixes"]  # NamedThing lists none
        if allowed and node["id"].split(":")[0] not in allowed:
            # Only our own CURIEs, for entities with no exactly matching standard identifier.
            assert node["id"].startswith("pkr:"), node
        assert node["id"].startswith("pkr:") or node["id"] in identified, node
        assert node["name"], node
        assert check_curie(node["id"]) is None, node
    columns = set(edges[0])
    biolink_slots = set(BIOLINK["association_slots"]) | {"id", "supporting_text"}
    assert columns - biolink_slots == set(OWN_EDGE_COLUMNS)
    for edge in edges:
        assert edge["predicate"] in predicates, edge
        assert edge["subject"] in ids, edge
        assert edge["object"] in ids, edge
        assert edge["knowledge_level"] in enums["KnowledgeLevelEnum"], edge
        assert edge["agent_type"] in enums["AgentTypeEnum"], edge
        assert edge["clinical_approval_status"] in [*enums["ClinicalApprovalStatusEnum"], ""]
        if edge["qualified_predicate"]:
            assert edge["predicate"] == "biolink:affects"
            assert edge["qualified_predicate"] in predicates
        assert edge["object_direction_qualifier"] in [*enums["DirectionQualifierEnum"], ""]
        assert edge["object_aspect_qualifier"] in [
            *enums["GeneOrGeneProductOrChemicalEntityAspectEnum"],
            "",
        ]
        for publication in filter(None, edge["publications"].split("|")):
            assert publication.split(":")[0] in ("doi", "PMID"), edge  # never our own IRIs
    agonist = next(e for e in edges if e["original_predicate"] == "pkg:agonistOf")
    assert (agonist["subject"], agonist["object"]) == ("CHEBI:36704", "UniProtKB:Q9NYK1")
    assert (agonist["predicate"], agonist["qualified_predicate"]) == (
        "biolink:affects",
        "biolink:causes",
    )
    assert (agonist["object_aspect_qualifier"], agonist["object_direction_qualifier"]) == (
        "activity",
        "increased",
    )
    plain = {(s, p, o) for s, p, o in kg.to_rdflib() if str(p).startswith(PKG)}
    assert len([e for e in edges if not e["negated"]]) <= len(plain)


def test_kgx_says_what_the_source_says(
    kg: pharmakg.KnowledgeGraph, outputs: dict[str, ex.ExportOutput]
) -> None:
    """Basis, the source's nature, match kinds and negations, as issue 9 asks."""
    nodes, edges = _kgx_rows(outputs["kgx"])
    by_id = {n["id"]: n for n in nodes}
    monograph = URIRef(ex.DEFAULT_BASE + "resource/imiquimod-monograph")
    assert (monograph, URIRef(PKG + "sourceNature"), URIRef(PKG + "AIGenerated")) in kg.to_rdflib()
    for edge in edges:
        if edge["pharmakg_basis"] == "stated":  # the page is AI-generated, pending review
            assert (edge["knowledge_level"], edge["agent_type"]) == (
                "knowledge_assertion",
                "automated_agent",
            ), edge
        if edge["pharmakg_basis"] == "interpreted":
            assert edge["agent_type"] == "manual_agent", edge
    assert {e["pharmakg_basis"] for e in edges} >= {"stated", "interpreted"}
    # A closest term is neither the node's identity nor an xref (tools merge nodes on xref).
    antiviral = by_id["pkr:antiviral-effect"]
    close = {
        compress(str(m))
        for m in kg.to_rdflib().objects(
            URIRef(ex.DEFAULT_BASE + "resource/antiviral-effect"), SKOS.closeMatch
        )
    }
    assert close
    assert close.isdisjoint(antiviral["xref"].split("|"))
    assert not any(e["object"] == "MONDO:0005161" for e in edges)  # not every HPV infection
    negatives = set(kg.to_rdflib().subjects(RDF.type, URIRef(PKG + "NegativeClaim")))
    negated = [e for e in edges if e["negated"] == "True"]
    assert {e["id"] for e in negated} == {compress(str(c)) for c in negatives}
    in_culture = next(e for e in negated if "cell culture" in e["supporting_text"])
    assert "cell culture" in in_culture["pharmakg_qualifiers"]


def test_kgx_treats_edges_carry_approval_and_publications(
    kg: pharmakg.KnowledgeGraph, monograph_reasoning: pharmakg.ReasoningResult
) -> None:
    release = ex.prepare_release(kg, monograph_reasoning.graph)
    _, edges = _kgx_rows(ex.export(release, "kgx"))
    treats = [e for e in edges if e["predicate"] == "biolink:treats"]
    indications = list(kg.to_rdflib().subjects(RDF.type, URIRef(PKG + "Indication")))
    assert len(treats) == len(indications)
    statuses = {e["clinical_approval_status"] for e in treats}
    assert statuses == {"fda_approved_for_condition", "off_label_use"}
    for edge in treats:
        assert (edge["knowledge_level"], edge["agent_type"]) == (
            "logical_entailment",
            "automated_agent",
        )
        assert edge["supporting_text"], edge


def test_biolink_predicates_follow_the_ontology(kg: pharmakg.KnowledgeGraph) -> None:
    pkg = ex.DEFAULT_BASE + "ontology/"
    expected = {
        "expressedIn": "biolink:expressed_in",
        "bindsTo": "biolink:directly_physically_interacts_with",
        "treats": "biolink:treats",
        "hasParticipant": "biolink:has_participant",
        "positivelyRegulates": "biolink:affects",
        "partOfMechanism": "biolink:part_of",
        "hasRole": "biolink:has_chemical_role",
    }
    for local, predicate in expected.items():
        assert ex.biolink_predicate(kg.to_rdflib(), URIRef(pkg + local)).predicate == predicate


# ---------------------------------------------------------------- the base IRI


def _map_term(term: Node) -> Node:
    if isinstance(term, URIRef) and str(term).startswith(ex.DEFAULT_BASE):
        return URIRef(OTHER_BASE + str(term)[len(ex.DEFAULT_BASE) :])
    if isinstance(term, Literal) and str(term) == ex.DEFAULT_BASE + "resource/":
        return Literal(OTHER_BASE + "resource/")
    return term


@pytest.mark.slow
def test_base_iri_rewrites_every_format(
    kg: pharmakg.KnowledgeGraph, release: ex.Release, monograph_reasoning: pharmakg.ReasoningResult
) -> None:
    inferred = monograph_reasoning.graph
    options = ex.ExportOptions(base_iri=OTHER_BASE)
    other = ex.prepare_release(kg, inferred, options, report=release.report)
    assert len(other.inferred) > 0
    for fmt in ex.EXPORTERS:
        output = ex.export(other, fmt)
        assert output.files, fmt
        for name, data in output.files:
            assert ex.DEFAULT_BASE.encode() not in data, (fmt, name)
    mapped = Graph()
    for s, p, o in release.rebased(release.data()):
        mapped.add((_map_term(s), _map_term(p), _map_term(o)))
    assert isomorphic(mapped, other.rebased(other.data()))
    reparsed = _ox_graph(ex.export(other, "turtle").text(), ox.RdfFormat.TURTLE)
    assert isomorphic(reparsed, _graph_of(other))
    document = json.loads(ex.export(other, "json-ld").text())
    assert document["@context"]["pkr"] == OTHER_BASE + "resource/"
    nodes, _ = _kgx_rows(ex.export(other, "kgx"))
    own = [n for n in nodes if n["id"].startswith("pkr:")]
    assert own
    assert all(n["iri"].startswith(OTHER_BASE + "resource/") for n in own)


# ---------------------------------------------------------------- the registry and the CLI


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("turtle", "turtle"),
        ("text/turtle", "turtle"),
        ("ttl", "turtle"),
        ("application/n-triples", "nt"),
        ("nq", "nquads"),
        ("application/trig", "trig"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("KGX", "kgx"),
    ],
)
def test_format_names(name: str, fmt: str) -> None:
    assert find(Kind.RELEASE, name).name == fmt


def test_unknown_format_lists_choices() -> None:
    with pytest.raises(UnknownFormatError) as caught:
        find(Kind.RELEASE, "graphviz")
    assert {"turtle", "kgx"} <= set(caught.value.choices)


@pytest.mark.slow
def test_cli_export(tmp_path: Path, monograph_reasoning: pharmakg.ReasoningResult) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["export", "--format", "text/turtle"])
    assert done.exit_code == 0, done.output
    assert isomorphic(  # the release's Turtle file, its description counting the inferences
        Graph().parse(data=done.stdout, format="turtle"),
        _graph_of(ex.prepare_release(pharmakg.load(), monograph_reasoning.graph)),
    )
    target = tmp_path / "out.nt"
    done = runner.invoke(main, ["export", "--format", "nt", "-o", str(target)])
    assert done.exit_code == 0
    assert target.read_text().splitlines() == sorted(target.read_text().splitlines())
    done = runner.invoke(main, ["export", "--format", "kgx", "-o", str(tmp_path / "kgx")])
    assert done.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "kgx").iterdir()) == ["edges.tsv", "nodes.tsv"]
    assert not [p for p in (tmp_path / "kgx").iterdir() if p.name.startswith(".")]
    done = runner.invoke(main, ["export", "--format", "kgx"])
    assert done.exit_code == 2
    assert "-o DIR" in done.stderr
    done = runner.invoke(main, ["export", "--format", "nope"])
    assert done.exit_code == 2
    assert "choose from" in done.stderr


# ---------------------------------------------------------------- literals survive every format

_XML_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
    "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff\r",
)
_LANG = st.sampled_from(["en", "en-gb", "de-ch", "zh-hant-tw", "sr-latn", "es-419", "x-pig"])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported unshrunk
)
@given(
    text=st.text(_XML_CHARS, max_size=40).map(lambda t: t + "\"'\n\\\t<&>{}\x85\u2028é😀"),
    lang=st.none() | _LANG,
)
def test_literals_survive_every_format(text: str, lang: str | None) -> None:
    pkr = ex.DEFAULT_BASE + "resource/"
    graph = Graph()
    graph.add((URIRef(pkr + "x"), RDFS.label, Literal(text, lang=lang)))
    graph.add((URIRef(pkr + "x"), URIRef(pkr + "note"), Literal(text)))
    ontology = URIRef(ex.DEFAULT_BASE + "ontology")
    graph.add((ontology, OWL.versionInfo, Literal("1.0")))  # a release names its version
    release = ex.prepare_release(graph, options=ex.ExportOptions(created=datetime.date(2020, 1, 1)))
    expected = _graph_of(release)
    for fmt, ox_fmt in SINGLE.items():
        out = ex.export(release, fmt).text()
        assert isomorphic(_rdflib_graph(out, fmt), expected), fmt
        assert isomorphic(_ox_graph(out, ox_fmt), expected), fmt
    for fmt, ox_fmt in QUADS.items():
        out = ex.export(release, fmt).text()
        assert isomorphic(_ox_graph(out, ox_fmt), expected), fmt
    document = json.loads(ex.export(release, "json-ld").text())
    assert isomorphic(_pyld_graph(document), expected)


def _expected_release_tree(kg: pharmakg.KnowledgeGraph) -> set[str]:
    """The files a release of ``kg`` holds, from the registry and the data.

    One-file formats by their file name; a framed document per drug; the pictures of each
    drug that has mechanism statements (see pharmakg.formats).
    """
    expected = {f.release_file or "" for f in ex.release_formats() if not f.multi_file}
    expected |= {"nodes.tsv", "edges.tsv", "validation-report.ttl", "validation-report.txt"}
    drugs = kg.to_rdflib().subjects(RDF.type, URIRef(ex.DEFAULT_BASE + "ontology/Drug"))
    expected |= {f"drugs/{str(d).rsplit('/', 1)[-1]}.jsonld" for d in drugs}
    pictures = [f.suffix for f in pharmakg.formats.of_kind(Kind.PICTURE)]
    drawn = [VIS.drug_slug(label) for _, label in VIS.drugs_with_mechanism(kg)]
    expected |= {f"{slug}-pathway{suffix}" for slug in drawn for suffix in pictures}
    return expected


def test_build_writes_every_export_with_the_options(fixtures: Path, tmp_path: Path) -> None:
    from pharmakg._build import build_release
    from pharmakg._load import load_graph

    kg = load_graph(fixtures / "ontology.ttl", fixtures / "good.ttl")
    options = ex.ExportOptions(
        base_iri=OTHER_BASE,
        sparql_endpoint="https://example.org/sparql",
        created=datetime.date(2026, 1, 2),  # the fixture has no monograph date
    )
    out = tmp_path / "dist"
    result = build_release(
        out, kg, shapes=fixtures / "shapes.ttl", ontology=fixtures / "ontology.ttl", options=options
    )
    assert result.conforms
    tree = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert tree == _expected_release_tree(kg)
    assert {str(p.relative_to(out)) for p in result.files} == tree
    void = Graph().parse(out / "void.ttl")
    assert (URIRef(OTHER_BASE + "dataset"), VOID.sparqlEndpoint, None) in void
    for name in ("pharmakg.ttl", "pharmakg.nq", "pharmakg.jsonld", "nodes.tsv", "void.ttl"):
        assert ex.DEFAULT_BASE not in (out / name).read_text(), name


def test_kgx_values_with_quotes_tabs_and_newlines(kg: pharmakg.KnowledgeGraph) -> None:
    graph = Graph()
    for triple in kg.to_rdflib():
        graph.add(triple)
    drug = URIRef(ex.DEFAULT_BASE + "resource/imiquimod")
    graph.remove((drug, RDFS.label, None))
    graph.add((drug, RDFS.label, Literal('imi"quimod\tA\nB', lang="en")))
    nodes, _ = _kgx_rows(ex.export(ex.prepare_release(graph), "kgx"))
    assert next(n for n in nodes if n["id"] == "CHEBI:36704")["name"] == 'imi"quimod A B'


def test_graphml_and_node_link_are_release_formats(tmp_path: Path) -> None:
    """The mechanism network exports (shared with paths.py) go through the same registry."""
    import networkx as nx

    from pharmakg.mechanism import mechanism_graph

    kg = pharmakg.load()
    expected = mechanism_graph(kg)
    graphml = pharmakg.export(kg, "application/graphml+xml")
    [(name, data)] = graphml.files
    assert name == "pharmakg.graphml"
    path = tmp_path / name
    path.write_bytes(data)
    read = nx.read_graphml(path, force_multigraph=True)
    assert set(read.nodes) == set(expected.nodes)
    assert read.number_of_edges() == expected.number_of_edges()
    moved = pharmakg.export(
        kg, "node-link", options=pharmakg.ExportOptions(base_iri="https://example.org/kg/")
    )
    body = moved.text()
    assert "https://w3id.org/pharmakg/" not in body
    assert '"https://example.org/kg/resource/imiquimod"' in body


# ---------------------------------------------------------------- the release at scale

EXCANONICAL = importlib.import_module("pharmakg._export.canonical")
_SMALL_DRUGMECHDB = ROOT / "tests" / "data" / "drugmechdb" / "indication_paths.yaml"


@pytest.mark.parametrize("base", [ex.DEFAULT_BASE, "https://example.org/kg/", "http://x.test/a#"])
def test_the_pyoxigraph_rebasing_rule_is_rebase_terms(base: str) -> None:
    """The writers' rebasing (pyoxigraph terms) and ``rebase_term`` (rdflib) move the same terms."""
    own = ex.DEFAULT_BASE
    terms: list[Node] = [
        URIRef(own + "resource/imiquimod"),
        URIRef(own + "ontology/Drug"),
        URIRef("http://purl.obolibrary.org/obo/GO_0002224"),
        BNode("b0"),
        Literal(own + "resource/"),
        Literal(own + "resource/", datatype=XSD.anyURI),
        Literal(own + "resource/ with a space"),
        Literal(own + "resource/x", lang="en"),
        Literal("12", datatype=URIRef(own + "ontology/unitCode")),
        Literal("plain text"),
        Literal("3.5", datatype=XSD.decimal),
    ]
    rebaser = EXCANONICAL.Rebaser(EXRELEASE.norm_base(base))
    for term in terms:
        expected = ex.rebase_term(term, EXRELEASE.norm_base(base))
        assert rebaser.term(pharmakg.store.to_oxigraph_term(term)) == (
            pharmakg.store.to_oxigraph_term(expected)
        ), term


def test_each_drug_is_framed_from_its_own_part_of_the_data() -> None:
    """Framing a drug's closure gives the document that framing all the data gives.

    For every drug of the monograph and of the DrugMechDB fixture (several drugs, shared
    entities).
    """
    kg = pharmakg.load()
    imported = pharmakg.import_drugmechdb(_SMALL_DRUGMECHDB, kg=kg)
    merged = kg.to_rdflib() + Graph().parse(data=imported.with_terms().decode("utf-8"), format="nt")
    release = ex.prepare_release(merged)
    files = EXJSONLD.framed(release)
    instance = [
        t
        for t in release.triples(*release.DATA_GRAPHS)
        if isinstance(t.subject, ox.BlankNode)
        or t.subject.value.startswith(ex.DEFAULT_BASE + "resource/")
    ]
    whole = EXJSONLD._to_jsonld_input(instance)
    context = {
        **EXJSONLD.jsonld_context(release.base_iri),
        "claims": {"@reverse": "pkg:claimSubject"},
    }
    drugs = sorted(
        str(d) for d in release.data().subjects(RDF.type, URIRef(ex.DEFAULT_BASE + "ontology/Drug"))
    )
    assert len(drugs) > 1
    assert len(files) == len(drugs)
    for drug in drugs:
        frame = {"@context": context, "@id": drug, **EXJSONLD.DRUG_FRAME}
        options = {**EXJSONLD._JSONLD_OPTIONS, "omitGraph": True}
        expected = (
            json.dumps(jsonld.frame(whole, frame, options), indent=2, ensure_ascii=False) + "\n"
        )
        assert files[EXJSONLD._slug(ox.NamedNode(drug)) + ".jsonld"] == expected, drug


def test_the_release_never_builds_rdflib_graphs_for_the_rdf_formats() -> None:
    """Turtle, N-Triples, N-Quads, TriG and RDF/XML are written from the pyoxigraph triples."""
    release = ex.prepare_release(pharmakg.load())
    for fmt in ("turtle", "nt", "nquads", "trig", "xml", "void"):
        ex.export(release, fmt)
    assert release._rdflib_graphs == {}


def test_an_export_reasons_for_every_format_whose_bytes_depend_on_the_inferences(
    kg: pharmakg.KnowledgeGraph, monograph_reasoning: pharmakg.ReasoningResult
) -> None:
    """So ``pharmakg export --format F`` writes the file a build writes, for every F."""
    report = pharmakg.validate(kg)
    without = ex.prepare_release(kg, None, report=report)
    reasoned = ex.prepare_release(kg, monograph_reasoning.graph, report=report)
    depend = {
        fmt.name
        for fmt in ex.release_formats()
        if ex.export(without, fmt).files != ex.export(reasoned, fmt).files
    }
    assert depend == ex.HOLDS_INFERENCES


# ---------------------------------------------------------------- KGX: matches, negations, sources


def test_kgx_xref_holds_exact_matches_only(
    kg: pharmakg.KnowledgeGraph, outputs: dict[str, ex.ExportOutput]
) -> None:
    """A tool that merges nodes on xref must not merge a closest term into an entity."""
    graph = kg.to_rdflib()
    nodes, _ = _kgx_rows(outputs["kgx"])
    by_iri = {URIRef(n["iri"]): n for n in nodes}
    closest = (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
    owners: dict[str, str] = {}
    for iri, node in by_iri.items():
        xrefs = set(filter(None, node["xref"].split("|")))
        exact = {str(v) for v in graph.objects(iri, URIRef(PKG + "xref"))}
        exact |= {compress(str(m)) for m in graph.objects(iri, SKOS.exactMatch)}
        assert xrefs == exact, node
        near = {compress(str(m)) for kind in closest for m in graph.objects(iri, kind)}
        assert xrefs.isdisjoint(near), node
        for xref in xrefs:  # no two nodes share an xref: merging on it joins nothing
            assert owners.setdefault(xref, node["id"]) == node["id"], (xref, node)
    other_lesions = next(n for n in nodes if n["id"] == "pkr:other-hpv-related-lesions")
    assert "MONDO:0005161" not in other_lesions["xref"]  # not every HPV infection


def test_kgx_negated_edges_keep_the_most_specific_predicate(
    kg: pharmakg.KnowledgeGraph, outputs: dict[str, ex.ExportOutput]
) -> None:
    """A consumer that ignores `negated` must not find a vague positive related_to instead."""
    _, edges = _kgx_rows(outputs["kgx"])
    negated = [e for e in edges if e["negated"] == "True"]
    assert negated
    graph = kg.to_rdflib()
    for edge in negated:
        assert edge["predicate"] != "biolink:related_to", edge
        assert edge["predicate"] in BIOLINK["predicates"], edge
        prop = URIRef(PKG + edge["original_predicate"].split(":", 1)[1])
        assert edge["predicate"] == ex.biolink_predicate(graph, prop).predicate
    # pkg:hasDirectActivity ≈ RO:0002215 "capable of", which Biolink's capable_of maps exactly
    assert {e["predicate"] for e in negated} == {"biolink:capable_of"}


def test_kgx_names_the_source_that_asserted_each_fact(
    kg: pharmakg.KnowledgeGraph, outputs: dict[str, ex.ExportOutput]
) -> None:
    """The UniProtKB record asserts TLR7's pathway; pharmakg only relays it."""
    _, edges = _kgx_rows(outputs["kgx"])
    graph = kg.to_rdflib()
    tlr7 = URIRef(ex.DEFAULT_BASE + "resource/tlr7")
    sources = {
        str(url)
        for source in graph.objects(tlr7, URIRef(PKG + "identifierSource"))
        for url in graph.objects(source, URIRef("http://purl.org/dc/terms/source"))
    }
    assert any(url.startswith("https://www.uniprot.org/") for url in sources)
    pathway = next(e for e in edges if e["original_predicate"] == "pkg:initiates")
    assert (pathway["subject"], pathway["object"]) == ("UniProtKB:Q9NYK1", "GO:0034154")
    assert pathway["primary_knowledge_source"] == "infores:uniprot"
    assert pathway["aggregator_knowledge_source"] == "infores:pharmakg"
    for edge in edges:
        if edge["aggregator_knowledge_source"]:  # pharmakg relays another source's fact
            assert edge["aggregator_knowledge_source"] == "infores:pharmakg", edge
            assert edge["primary_knowledge_source"] != "infores:pharmakg", edge
        elif edge["pharmakg_basis"] == "stated":  # the monograph has no infores of its own
            assert edge["primary_knowledge_source"] == "infores:pharmakg", edge


_CLINICAL_CLAIMS = ("hasPharmacokineticProperty", "hasDosingRegimen", "hasConsideration")


def _kgx_section() -> str:
    text = (ROOT / "docs" / "release-files.md").read_text()
    return text.split("## KGX", 1)[1].split("\n## ", 1)[0]


def test_kgx_exports_clinical_claims_where_biolink_has_a_home(
    kg: pharmakg.KnowledgeGraph, outputs: dict[str, ex.ExportOutput]
) -> None:
    """Pharmacokinetic, dosing and consideration claims: an edge, or named in the docs."""
    _, edges = _kgx_rows(outputs["kgx"])
    graph = kg.to_rdflib()
    exported = {e["id"] for e in edges}
    documented = _kgx_section()
    claims = [
        c
        for name in _CLINICAL_CLAIMS
        for c in graph.subjects(URIRef(PKG + "claimPredicate"), URIRef(PKG + name))
    ]
    assert claims
    for claim in claims:
        if compress(str(claim)) in exported:
            continue
        fact = graph.value(claim, URIRef(PKG + "claimObject"))
        kinds = {compress(str(k)) for k in graph.objects(fact, RDF.type)}
        assert any(f"`{k}`" in documented for k in kinds), (claim, kinds)
    limitations = [e for e in edges if e["predicate"] == "biolink:associated_with_response_to"]
    assert [(e["subject"], e["object"]) for e in limitations] == [
        ("pkr:hyperkeratotic-lesion", "CHEBI:36704")
    ]
    assert "limited penetration" in limitations[0]["pharmakg_qualifiers"]
    assert "Less effective for hyperkeratotic lesions" in limitations[0]["supporting_text"]
