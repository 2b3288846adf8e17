"""The dataset description: VoID + DCAT (``void.ttl``, and the default graph) and schema.org.

Computed on the canonical graphs (:mod:`pharmakg._export.release`); the counts are those of
the data (asserted + provenance), not of the description or of the inferences. One
``dcat:distribution`` is listed per release file of the format registry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from .. import vocab
from ..formats import Kind, of_kind
from ..rebase import DEFAULT_BASE, rebase_iri
from ..vocab import PKG, PKR_URI
from .canonical import DataSummary, rdflib_graph, to_rdflib

__all__ = ["about_graph", "describe", "first_literal", "schema_org", "sorted_nodes"]

#: DCAT 3 ``dcat:version`` (rdflib's DCAT namespace is DCAT 2).
DCAT3_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
#: Release formats that describe the dataset rather than distribute it.
_NOT_DISTRIBUTIONS = {"void", "schema-org", "context", "validation"}
#: The dataset's canonical IRI.
DATASET = URIRef(DEFAULT_BASE + "dataset")


def sorted_nodes(nodes: Iterable[Node]) -> list[Node]:
    """``nodes`` without repeats, in N-Triples order."""
    return sorted(set(nodes), key=lambda n: n.n3())


def first_literal(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    """The first (in string order) value of ``predicate`` on ``subject``, as text."""
    values = sorted(str(v) for v in graph.objects(subject, predicate))
    return values[0] if values else None


def _part_iri(kind: str, term: Node) -> URIRef:
    curie = vocab.shorten(str(term))
    return URIRef(f"{DATASET}/{kind}/" + quote(curie, safe=":"))


def _add_about(out: Graph, data: Graph, version: str, created: datetime.date) -> None:
    add = out.add
    title = "pharmakg: drug mechanism-of-action knowledge graph"
    add((DATASET, DCTERMS.title, Literal(title, lang="en")))
    summary = (
        "Drug mechanism-of-action monographs encoded statement by statement as cited, "
        "validated linked data: drugs, targets, cytokines, immune cells and processes, "
        "therapeutic effects and indications, each statement a claim with its basis and "
        "citations."
    )
    add((DATASET, DCTERMS.description, Literal(summary, lang="en")))
    ontology = URIRef(vocab.PKG_URI.rstrip("/"))
    for licence in sorted_nodes(data.objects(ontology, DCTERMS.license)):
        add((DATASET, DCTERMS.license, licence))
    for creator in sorted_nodes(data.objects(ontology, DCTERMS.creator)):
        add((DATASET, DCTERMS.creator, creator))
        add((DATASET, DCTERMS.publisher, creator))
    add((DATASET, OWL.versionInfo, Literal(version)))
    add((DATASET, DCAT3_VERSION, Literal(version)))
    for predicate in (DCTERMS.created, DCTERMS.issued):
        add((DATASET, predicate, Literal(created.isoformat(), datatype=XSD.date)))
    for version_iri in sorted_nodes(data.objects(ontology, OWL.versionIRI)):
        add((DATASET, DCTERMS.conformsTo, version_iri))
    add((DATASET, VOID.vocabulary, URIRef(vocab.PKG_URI)))
    add((DATASET, VOID.uriSpace, Literal(PKR_URI)))
    for monograph in sorted_nodes(data.subjects(RDF.type, PKG.Monograph)):
        add((DATASET, DCTERMS.source, monograph))
        for reference in sorted_nodes(data.objects(monograph, PKG.cites)):
            add((DATASET, DCTERMS.references, reference))


def _add_counts(out: Graph, summary: DataSummary) -> None:
    add = out.add
    add((DATASET, VOID.triples, Literal(summary.triples)))
    add((DATASET, VOID.entities, Literal(summary.entities)))
    add((DATASET, VOID.classes, Literal(len(summary.class_members))))
    add((DATASET, VOID.properties, Literal(len(summary.property_triples))))
    add((DATASET, VOID.distinctSubjects, Literal(summary.distinct_subjects)))
    add((DATASET, VOID.distinctObjects, Literal(summary.distinct_objects)))
    for cls, members in sorted(summary.class_members.items(), key=lambda kv: str(kv[0])):
        node = to_rdflib(cls)
        part = _part_iri("class", node)
        add((DATASET, VOID.classPartition, part))
        add((part, VOID["class"], node))
        add((part, VOID.entities, Literal(members)))
    for prop, triples in sorted(summary.property_triples.items(), key=lambda kv: str(kv[0])):
        node = to_rdflib(prop)
        part = _part_iri("property", node)
        add((DATASET, VOID.propertyPartition, part))
        add((part, VOID.property, node))
        add((part, VOID.triples, Literal(triples)))


def about_graph(summary: DataSummary) -> Graph:
    """The triples the description names (the ontology, monographs, cited references)."""
    return rdflib_graph(summary.about)


def _add_distributions(out: Graph) -> None:
    for fmt in of_kind(Kind.RELEASE):
        if fmt.name in _NOT_DISTRIBUTIONS or fmt.release_file is None:
            continue
        distribution = URIRef(f"{DATASET}/distribution/{fmt.name}")
        out.add((DATASET, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCTERMS.title, Literal(fmt.release_file)))
        out.add((distribution, DCAT.mediaType, Literal(fmt.media_type)))


def describe(
    summary: DataSummary,
    named: Mapping[str, int],
    *,
    version: str,
    created: datetime.date,
    sparql_endpoint: str | None = None,
) -> Graph:
    """The canonical VoID + DCAT description of the data and its named graphs.

    :param summary: the data's counts and facts (:func:`~pharmakg._export.canonical.summarise`).
    :param named: each named graph's triple count, by name.
    """
    out = Graph()
    out.add((DATASET, RDF.type, VOID.Dataset))
    out.add((DATASET, RDF.type, DCAT.Dataset))
    _add_about(out, about_graph(summary), version, created)
    if sparql_endpoint:
        out.add((DATASET, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for name, size in named.items():
        graph_iri = URIRef(DEFAULT_BASE + f"graph/{name}")
        out.add((DATASET, VOID.subset, graph_iri))
        out.add((graph_iri, RDF.type, VOID.Dataset))
        out.add((graph_iri, DCTERMS.title, Literal(f"{name} triples", lang="en")))
        out.add((graph_iri, VOID.triples, Literal(size)))
    _add_counts(out, summary)
    for example in summary.examples:
        out.add((DATASET, VOID.exampleResource, to_rdflib(example)))
    _add_distributions(out)
    return out


def schema_org(description: Graph, data: Graph, base_iri: str) -> dict[str, Any]:
    """A schema.org ``Dataset`` for dataset search engines (inline context; nothing to fetch).

    :param base_iri: the release's base, which our IRIs are moved under.
    """
    d = description

    def iri(node: Node) -> str:
        return rebase_iri(str(node), base_iri)

    def one(predicate: URIRef) -> str | None:
        return first_literal(d, DATASET, predicate)

    def count(predicate: URIRef) -> int:
        return int(one(predicate) or 0)

    creators = sorted(str(c) for c in d.objects(DATASET, DCTERMS.creator))
    created = one(DCTERMS.created)
    doc: dict[str, Any] = {
        "@context": {"@vocab": vocab.prefix_map().namespaces()["schema"]},
        "@type": "Dataset",
        "@id": iri(DATASET),
        "name": one(DCTERMS.title),
        "description": one(DCTERMS.description),
        "license": sorted(str(x) for x in d.objects(DATASET, DCTERMS.license)),
        "version": one(OWL.versionInfo),
        "dateCreated": created,
        "datePublished": created,
        "creator": [{"@type": "Organization", "name": c} for c in creators],
        "publisher": [{"@type": "Organization", "name": c} for c in creators],
        "isBasedOn": [
            {
                "@type": "CreativeWork",
                "@id": iri(m),
                "name": first_literal(data, m, DCTERMS.title),
                "publisher": first_literal(data, m, DCTERMS.publisher),
                "dateModified": first_literal(data, m, DCTERMS.modified),
            }
            for m in sorted_nodes(d.objects(DATASET, DCTERMS.source))
        ],
        "citation": [
            {
                "@type": "CreativeWork",
                "@id": iri(r),
                "name": first_literal(data, r, RDFS.label),
            }
            for r in sorted_nodes(d.objects(DATASET, DCTERMS.references))
        ],
        "size": (
            f"{count(VOID.triples)} triples, {count(VOID.entities)} entities, "
            f"{count(VOID.classes)} classes, {count(VOID.properties)} properties"
        ),
        "variableMeasured": [
            {"@type": "PropertyValue", "name": name, "value": count(term)}
            for name, term in (
                ("triples", VOID.triples),
                ("entities", VOID.entities),
                ("classes", VOID.classes),
                ("properties", VOID.properties),
            )
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": first_literal(d, dist, DCTERMS.title),
                "encodingFormat": first_literal(d, dist, DCAT.mediaType),
            }
            for dist in sorted_nodes(d.objects(DATASET, DCAT.distribution))
        ],
    }
    endpoint = sorted_nodes(d.objects(DATASET, VOID.sparqlEndpoint))
    if endpoint:
        doc["url"] = str(endpoint[0])
    return {k: v for k, v in doc.items() if v not in (None, [])}
