"""Stage: the release files, in every format a linked-data portal or a KG project reads.

A :class:`Release` is the graph prepared for publication once
(:func:`prepare_release`), then written by one exporter per :class:`ExportFormat`
(:data:`EXPORTERS`). Every exporter returns the files it makes as text
(:class:`ExportOutput`); :func:`write_export` writes them through a temporary
file and a rename, so no file is ever half-written.

**Named graphs** (N-Quads, TriG), under ``<base>graph/``:

* ``asserted``: the ontology, the entities and the plain mechanism triples;
* ``provenance``: every claim, reference, monograph and identifier source (any
  triple whose subject is typed ``pkg:Claim``, ``pkg:Document`` or one of their
  subclasses, ``owl:NegativePropertyAssertion`` excepted), and the
  ``pkg:supportedBy`` / ``pkg:identifierSource`` links that point at them;
* ``inferred``: what the reasoner adds (empty when no inferred graph is given);
* the default graph holds the dataset description (VoID + DCAT).

The single-graph formats hold the union of all four.

**Base IRI**: every IRI under :data:`DEFAULT_BASE` (resources, ontology, shapes,
graphs, the dataset) is rewritten to the same path under ``base_iri``, in every
format, the JSON-LD context and the KGX ``iri`` column included. Entity IRIs need
no rewriting beyond that: they are readable and stable.

**Determinism**: blank nodes are relabelled canonically (:func:`rdflib.compare.to_canonical_graph`)
and every graph is rebuilt in sorted triple order before it is serialised, so the same
input gives the same bytes. The creation date comes from ``created``, else from
``SOURCE_DATE_EPOCH``, else from the newest ``dcterms:modified`` of a monograph
(else the ontology's ``dcterms:created``), never from the clock.
"""

from __future__ import annotations

import csv
import datetime
import enum
import hashlib
import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox
from pyld import jsonld
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from . import mechanism, resources, vocab
from .errors import InputError, UnknownFormatError, UnsafeInputError
from .load import LoadedGraph
from .store import to_oxigraph_term

__all__ = [
    "DEFAULT_BASE",
    "EXPORTERS",
    "ExportFormat",
    "ExportOptions",
    "ExportOutput",
    "Release",
    "biolink_category",
    "biolink_predicate",
    "context_document",
    "export",
    "jsonld_context",
    "parse_date",
    "prepare_release",
    "rebase",
    "serialize",
    "write_export",
    "write_release_files",
]

#: The base under which pharmakg mints every IRI of its own.
DEFAULT_BASE = "https://w3id.org/pharmakg/"
#: Used when no monograph date, option or SOURCE_DATE_EPOCH gives one.
FALLBACK_DATE = datetime.date(2026, 11, 25)
#: The Biolink namespace.
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
#: The KGX knowledge source that names pharmakg.
INFORES = "infores:pharmakg"

#: DCAT 3 ``dcat:version`` (rdflib's DCAT namespace is DCAT 2).
DCAT3_VERSION = URIRef("http://www.w3.org/ns/dcat#version")

_OWN = {"pkg": "ontology/", "pkr": "resource/", "pkgsh": "shapes/"}
_PROVENANCE_LINKS = ("supportedBy", "identifierSource")


class ExportFormat(enum.Enum):
    """The release formats: (name, release file, media type, aliases).

    A name ending in ``/`` is a directory of files. ``from_name`` accepts the
    name, an alias, the file suffix or the media type (the first format listed
    with that media type wins).
    """

    TURTLE = ("turtle", "pharmakg.ttl", "text/turtle", ("ttl",))
    NTRIPLES = ("nt", "pharmakg.nt", "application/n-triples", ("ntriples", "n-triples"))
    NQUADS = ("nquads", "pharmakg.nq", "application/n-quads", ("nq", "n-quads"))
    TRIG = ("trig", "pharmakg.trig", "application/trig", ())
    RDFXML = ("xml", "pharmakg.rdf", "application/rdf+xml", ("rdf", "rdfxml", "rdf/xml", "owl"))
    JSONLD = ("json-ld", "pharmakg.jsonld", "application/ld+json", ("jsonld",))
    FRAMED = ("drugs", "drugs/", "application/ld+json;profile=framed", ("framed", "json-ld-framed"))
    KGX = ("kgx", "kgx/", "text/tab-separated-values", ("kgx-tsv", "tsv"))
    VOID = ("void", "void.ttl", "text/turtle;profile=void", ("dcat",))
    DATASET = (
        "schema-org",
        "dataset.jsonld",
        "application/ld+json;profile=schema.org",
        ("dataset",),
    )
    CONTEXT = ("context", "context.jsonld", "application/ld+json;profile=context", ())
    GRAPHML = ("graphml", "pharmakg.graphml", "application/graphml+xml", ())
    NODE_LINK = ("node-link", "pharmakg.nodelink.json", "application/json", ("nodelink",))

    @property
    def label(self) -> str:
        """The format's name."""
        text: str = self.value[0]
        return text

    @property
    def filename(self) -> str:
        """The file (or ``dir/``) a release writes."""
        text: str = self.value[1]
        return text

    @property
    def media_type(self) -> str:
        """The media type."""
        text: str = self.value[2]
        return text

    @property
    def is_directory(self) -> bool:
        """Whether the format is several files in a directory."""
        return self.filename.endswith("/")

    @classmethod
    def names(cls) -> list[str]:
        """Every format name."""
        return [f.label for f in cls]

    @classmethod
    def from_name(cls, name: str) -> ExportFormat:
        """Return the format called ``name`` (name, alias, suffix or media type)."""
        wanted = name.strip().lower()
        for fmt in cls:
            suffix = Path(fmt.filename).suffix.lstrip(".")
            aliases = (fmt.label, fmt.name.lower(), *fmt.value[3])
            if wanted in aliases or (suffix and wanted.lstrip(".") == suffix):
                return fmt
        for fmt in cls:
            if wanted == fmt.media_type or wanted == fmt.media_type.split(";")[0]:
                return fmt
        raise UnknownFormatError(f"unknown export format {name!r}", term=name, choices=cls.names())


@dataclass(frozen=True)
class ExportOptions:
    """How a release is published.

    :param base_iri: replaces :data:`DEFAULT_BASE` in every IRI of pharmakg's own.
    :param created: the creation date (default: see :func:`creation_date`).
    :param sparql_endpoint: the endpoint URL the description names (omitted when None).
    """

    base_iri: str = DEFAULT_BASE
    created: datetime.date | None = None
    sparql_endpoint: str | None = None


@dataclass(frozen=True)
class Release:
    """The graph prepared for publication, split into named graphs."""

    asserted: Graph
    provenance: Graph
    inferred: Graph
    description: Graph
    base_iri: str
    created: datetime.date
    version: str

    def iri(self, path: str) -> URIRef:
        """``<base_iri><path>``."""
        return URIRef(self.base_iri + path)

    @property
    def graph_names(self) -> dict[str, URIRef]:
        """The named graphs' IRIs, by name."""
        return {n: self.iri(f"graph/{n}") for n in ("asserted", "provenance", "inferred")}

    def data(self) -> Graph:
        """Asserted + provenance (without the description and the inferred triples)."""
        return _sorted_graph(self.base_iri, self.asserted, self.provenance)

    def graph(self) -> Graph:
        """What single-graph files hold: the data and the dataset description.

        The reasoner's triples stay apart from the asserted ones: they are only in the
        ``inferred`` named graph of the TriG and N-Quads files (and in the build's
        ``pharmakg-inferred.ttl``).
        """
        return _sorted_graph(self.base_iri, self.asserted, self.provenance, self.description)

    def namespace(self, prefix: str) -> str:
        """The URI prefix of ``prefix`` in this release."""
        return release_prefixes(self.base_iri)[prefix]


@dataclass(frozen=True)
class ExportOutput:
    """The files one format makes: (relative path, text), sorted by path."""

    format: ExportFormat
    files: tuple[tuple[str, str], ...] = field(default=())

    def text(self) -> str:
        """The text of a single-file format."""
        if len(self.files) != 1:
            raise UnknownFormatError(
                f"format {self.format.label!r} writes {len(self.files)} files; pass -o DIR",
                term=self.format.label,
            )
        return self.files[0][1]


# ---------------------------------------------------------------- IRIs and prefixes


def _norm_base(base_iri: str) -> str:
    base = base_iri.strip()
    if not base.startswith(("http://", "https://")):
        raise InputError(f"the base IRI must be an http(s) IRI: {base_iri!r}", term=base)
    return base if base.endswith(("/", "#")) else base + "/"


def release_prefixes(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """The one prefix map, with pharmakg's own prefixes under ``base_iri``."""
    base = _norm_base(base_iri)
    prefixes = dict(vocab.prefix_map().namespaces())
    for prefix, path in _OWN.items():
        prefixes[prefix] = base + path
    return prefixes


def _rebase_term(term: Node, base: str) -> Node:
    if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE) and base != DEFAULT_BASE:
        return URIRef(base + str(term)[len(DEFAULT_BASE) :])
    if (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype).startswith(DEFAULT_BASE)
    ):
        return Literal(str(term), datatype=str(_rebase_term(term.datatype, base)))
    return term


def rebase(graph: Graph, base_iri: str) -> Graph:
    """A copy of ``graph`` with every IRI under :data:`DEFAULT_BASE` moved under ``base_iri``."""
    base = _norm_base(base_iri)
    out = Graph()
    for s, p, o in graph:
        out.add((_rebase_term(s, base), _rebase_term(p, base), _rebase_term(o, base)))
    return out


def _bind(graph: Graph, base_iri: str) -> None:
    manager = graph.namespace_manager
    for prefix, uri in release_prefixes(base_iri).items():
        manager.bind(prefix, Namespace(uri), override=True, replace=True)


def _key(triple: tuple[Node, Node, Node]) -> tuple[str, str, str]:
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def _sorted_graph(base_iri: str, *graphs: Graph) -> Graph:
    """One graph holding ``graphs``, its triples inserted in sorted order.

    rdflib's serialisers iterate in insertion order, so they write the same bytes every time.
    """
    merged: set[tuple[Node, Node, Node]] = set()
    for graph in graphs:
        merged.update(graph)
    out = Graph()
    _bind(out, base_iri)
    for triple in sorted(merged, key=_key):
        out.add(triple)
    return out


def _release_term(term: Node) -> Node:
    """Spell ``"3"^^xsd:decimal`` as ``"3.0"``, as rdflib's Turtle writer will anyway.

    rdflib writes the decimal ``"3"`` as the Turtle token ``3.0``, which reads back
    as a different term; spelling it ``3.0`` in every format keeps every file
    isomorphic. The value does not change.
    """
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        text = str(term)
        if not any(c in text for c in ".eE"):
            return Literal(text + ".0", datatype=XSD.decimal)
    return term


# ---------------------------------------------------------------- preparing the release


def parse_date(text: str) -> datetime.date:
    """Parse ``YYYY-MM-DD``.

    :raises InputError: not an ISO date.
    """
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError as error:
        raise InputError(f"not a date (YYYY-MM-DD): {text!r}", term=text) from error


def creation_date(graph: Graph, created: datetime.date | None = None) -> datetime.date:
    """The release's creation date, never the clock.

    ``created`` if given, else ``SOURCE_DATE_EPOCH`` (seconds, UTC), else the newest
    ``dcterms:modified`` of a ``pkg:Monograph``, else the ontology's ``dcterms:created``,
    else :data:`FALLBACK_DATE`.
    """
    if created is not None:
        return created
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
        except ValueError as error:
            raise InputError(
                f"SOURCE_DATE_EPOCH is not a number of seconds: {epoch!r}", term=epoch
            ) from error
    monograph = URIRef(vocab.PKG_URI + "Monograph")
    dates = [
        value.toPython()
        for subject in graph.subjects(RDF.type, monograph)
        for value in graph.objects(subject, DCTERMS.modified)
        if isinstance(value, Literal) and isinstance(value.toPython(), datetime.date)
    ]
    if not dates:
        dates = [
            value.toPython()
            for value in graph.objects(None, DCTERMS.created)
            if isinstance(value, Literal) and isinstance(value.toPython(), datetime.date)
        ]
    return max(dates) if dates else FALLBACK_DATE


def _provenance_classes(graph: Graph, pkg: str) -> set[Node]:
    roots = {URIRef(pkg + "Claim"), URIRef(pkg + "Document")}
    found: set[Node] = set(roots)
    for root in roots:
        found.update(n for n in graph.transitive_subjects(RDFS.subClassOf, root) if n is not None)
    return found


def _split(graph: Graph, base: str) -> tuple[Graph, Graph]:
    pkg = base + _OWN["pkg"]
    classes = _provenance_classes(graph, pkg)
    provenance_nodes = {s for s, o in graph.subject_objects(RDF.type) if o in classes}
    links = {URIRef(pkg + name) for name in _PROVENANCE_LINKS}
    asserted, provenance = Graph(), Graph()
    for triple in graph:
        s, p, _ = triple
        (provenance if s in provenance_nodes or p in links else asserted).add(triple)
    return asserted, provenance


def prepare_release(
    kg: LoadedGraph | Graph,
    inferred: Graph | None = None,
    options: ExportOptions | None = None,
) -> Release:
    """Prepare ``kg`` (and the reasoner's ``inferred`` triples) for publication.

    Neither graph is changed. See the module docstring for the named graphs, the
    base IRI and determinism.
    """
    options = options or ExportOptions()
    base = _norm_base(options.base_iri)
    source = kg.graph if isinstance(kg, LoadedGraph) else kg
    inferred = inferred if inferred is not None else Graph()
    # One canonical relabelling of the blank nodes across asserted and inferred triples.
    tagged = Graph()
    for s, p, o in source:
        tagged.add((s, p, _release_term(o)))
    extra = [(s, p, _release_term(o)) for s, p, o in inferred if (s, p, o) not in source]
    canonical = rebase(to_canonical_graph(tagged), base)
    asserted, provenance = _split(canonical, base)
    inferred_graph = rebase(to_canonical_graph(_graph_of(extra)), base)
    created = creation_date(tagged, options.created)
    version = next(
        (str(v) for v in canonical.objects(None, OWL.versionInfo)),
        "0.0.0",
    )
    release = Release(
        asserted=asserted,
        provenance=provenance,
        inferred=inferred_graph,
        description=Graph(),
        base_iri=base,
        created=created,
        version=version,
    )
    description = describe(release, sparql_endpoint=options.sparql_endpoint)
    return Release(
        asserted=asserted,
        provenance=provenance,
        inferred=inferred_graph,
        description=description,
        base_iri=base,
        created=created,
        version=version,
    )


def _graph_of(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


# ---------------------------------------------------------------- the dataset description


def _curie(iri: Node, prefixes: Mapping[str, str]) -> str:
    text = str(iri)
    best = ""
    for prefix, uri in prefixes.items():
        if text.startswith(uri) and len(uri) > len(prefixes.get(best, "")):
            best = prefix
    return f"{best}:{text[len(prefixes[best]) :]}" if best else text


def _first_literal(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    values = sorted(str(v) for v in graph.objects(subject, predicate))
    return values[0] if values else None


def _sorted_nodes(nodes: Iterable[Node]) -> list[Node]:
    return sorted(set(nodes), key=lambda n: n.n3())


def describe(release: Release, *, sparql_endpoint: str | None = None) -> Graph:
    """The VoID + DCAT description of ``release``'s data (counts taken from the data)."""
    data = release.data()
    prefixes = release_prefixes(release.base_iri)
    pkg, pkr = prefixes["pkg"], prefixes["pkr"]
    dataset = release.iri("dataset")
    out = Graph()
    _bind(out, release.base_iri)
    add = out.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add(
        (
            dataset,
            DCTERMS.title,
            Literal("pharmakg: drug mechanism-of-action knowledge graph", lang="en"),
        )
    )
    add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Drug mechanism-of-action monographs encoded statement by statement as cited, "
                "validated linked data: drugs, targets, cytokines, immune cells and processes, "
                "therapeutic effects and indications, each statement a claim with its citations.",
                lang="en",
            ),
        )
    )
    ontology = URIRef(pkg.rstrip("/"))
    for licence in _sorted_nodes(data.objects(ontology, DCTERMS.license)):
        add((dataset, DCTERMS.license, licence))
    for creator in _sorted_nodes(data.objects(ontology, DCTERMS.creator)):
        add((dataset, DCTERMS.creator, creator))
        add((dataset, DCTERMS.publisher, creator))
    add((dataset, OWL.versionInfo, Literal(release.version)))
    add((dataset, DCAT3_VERSION, Literal(release.version)))
    add((dataset, DCTERMS.created, Literal(release.created.isoformat(), datatype=XSD.date)))
    add((dataset, DCTERMS.issued, Literal(release.created.isoformat(), datatype=XSD.date)))
    for version_iri in _sorted_nodes(data.objects(ontology, OWL.versionIRI)):
        add((dataset, DCTERMS.conformsTo, version_iri))
    add((dataset, VOID.vocabulary, URIRef(pkg)))
    add((dataset, VOID.uriSpace, Literal(pkr)))
    monographs = _sorted_nodes(data.subjects(RDF.type, URIRef(pkg + "Monograph")))
    for monograph in monographs:
        add((dataset, DCTERMS.source, monograph))
        for reference in _sorted_nodes(data.objects(monograph, URIRef(pkg + "cites"))):
            add((dataset, DCTERMS.references, reference))
    if sparql_endpoint:
        add((dataset, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for name, graph_iri in release.graph_names.items():
        add((dataset, VOID.subset, graph_iri))
        add((graph_iri, RDF.type, VOID.Dataset))
        add((graph_iri, DCTERMS.title, Literal(f"{name} triples", lang="en")))
        add((graph_iri, VOID.triples, Literal(len(getattr(release, name)))))
    # counts
    subjects = set(data.subjects())
    add((dataset, VOID.triples, Literal(len(data))))
    entities = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(pkr)}
    add((dataset, VOID.entities, Literal(len(entities))))
    typed: dict[Node, set[Node]] = defaultdict(set)
    for s, o in data.subject_objects(RDF.type):
        typed[o].add(s)
    add((dataset, VOID.classes, Literal(len(typed))))
    properties = Counter(p for _, p, _ in data)
    add((dataset, VOID.properties, Literal(len(properties))))
    add((dataset, VOID.distinctSubjects, Literal(len(subjects))))
    add((dataset, VOID.distinctObjects, Literal(len(set(data.objects())))))
    for cls in _sorted_nodes(typed):
        part = release.iri("dataset/class/" + quote(_curie(cls, prefixes), safe=":"))
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], cls))
        add((part, VOID.entities, Literal(len(typed[cls]))))
    for prop in _sorted_nodes(properties):
        part = release.iri("dataset/property/" + quote(_curie(prop, prefixes), safe=":"))
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, prop))
        add((part, VOID.triples, Literal(properties[prop])))
    drugs = _sorted_nodes(typed.get(URIRef(pkg + "Drug"), set()))
    examples = [*drugs, *monographs]
    for cls_name in ("Claim", "Disease"):
        members = _sorted_nodes(typed.get(URIRef(pkg + cls_name), set()))
        examples += members[:1]
    for example in examples:
        add((dataset, VOID.exampleResource, example))
    for fmt in ExportFormat:
        if fmt in (ExportFormat.VOID, ExportFormat.DATASET, ExportFormat.CONTEXT):
            continue
        distribution = release.iri("dataset/distribution/" + fmt.label)
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(fmt.filename)))
        add((distribution, DCAT.mediaType, Literal(fmt.media_type)))
    return out


def schema_org(release: Release) -> dict[str, Any]:
    """A schema.org ``Dataset`` for dataset search engines (inline context; nothing to fetch)."""
    d = release.description
    dataset = release.iri("dataset")
    data = release.data()

    def one(predicate: URIRef) -> str | None:
        return _first_literal(d, dataset, predicate)

    def count(predicate: URIRef) -> int:
        return int(one(predicate) or 0)

    creators = sorted(str(c) for c in d.objects(dataset, DCTERMS.creator))
    doc: dict[str, Any] = {
        "@context": {"@vocab": vocab.prefix_map().namespaces()["schema"]},
        "@type": "Dataset",
        "@id": str(dataset),
        "name": one(DCTERMS.title),
        "description": one(DCTERMS.description),
        "license": sorted(str(x) for x in d.objects(dataset, DCTERMS.license)),
        "version": release.version,
        "dateCreated": release.created.isoformat(),
        "datePublished": release.created.isoformat(),
        "creator": [{"@type": "Organization", "name": c} for c in creators],
        "publisher": [{"@type": "Organization", "name": c} for c in creators],
        "isBasedOn": [
            {
                "@type": "CreativeWork",
                "@id": str(m),
                "name": _first_literal(data, m, DCTERMS.title),
                "publisher": _first_literal(data, m, DCTERMS.publisher),
                "dateModified": _first_literal(data, m, DCTERMS.modified),
            }
            for m in _sorted_nodes(d.objects(dataset, DCTERMS.source))
        ],
        "citation": [
            {"@type": "CreativeWork", "@id": str(r), "name": _first_literal(data, r, RDFS.label)}
            for r in _sorted_nodes(d.objects(dataset, DCTERMS.references))
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
                "name": _first_literal(d, dist, DCTERMS.title),
                "encodingFormat": _first_literal(d, dist, DCAT.mediaType),
            }
            for dist in _sorted_nodes(d.objects(dataset, DCAT.distribution))
        ],
    }
    endpoint = _sorted_nodes(d.objects(dataset, VOID.sparqlEndpoint))
    if endpoint:
        doc["url"] = str(endpoint[0])
    return {k: v for k, v in doc.items() if v not in (None, [])}


# ---------------------------------------------------------------- RDF serialisations


def serialize(graph: Graph, fmt: ExportFormat, base_iri: str = DEFAULT_BASE) -> str:
    """Serialise ``graph`` in an RDF ``fmt``: sorted, prefix-bound, decimals spelled out.

    N-Triples lines are sorted; JSON-LD is compacted with :func:`jsonld_context`.
    ``graph`` is not changed.
    """
    normal = Graph()
    for s, p, o in graph:
        normal.add((s, p, _release_term(o)))
    bound = _sorted_graph(base_iri, normal)
    if fmt is ExportFormat.NTRIPLES:
        return _sorted_lines(bound.serialize(format="nt"))
    if fmt is ExportFormat.JSONLD:
        return _compact_jsonld(bound, base_iri)
    if fmt is ExportFormat.TURTLE:
        return str(bound.serialize(format="turtle"))
    if fmt is ExportFormat.RDFXML:
        return _rdfxml(bound, base_iri)
    raise UnknownFormatError(
        f"{fmt.label} is not a single-graph RDF format",
        term=fmt.label,
        choices=["turtle", "nt", "xml", "json-ld"],
    )


def _rdfxml(graph: Graph, base_iri: str) -> str:
    """RDF/XML through pyoxigraph's writer, which keeps the (sorted) input order.

    rdflib's RDF/XML writer orders subjects by hash, so its bytes change between runs.
    """
    triples = [
        # An RDF subject is never a literal, and a predicate is always an IRI.
        ox.Triple(
            cast("ox.NamedNode | ox.BlankNode", to_oxigraph_term(s)),
            ox.NamedNode(str(p)),
            to_oxigraph_term(o),
        )
        for s, p, o in sorted(graph, key=_key)
    ]
    predicates = {str(p) for p in graph.predicates()} | {
        str(o) for o in graph.objects(None, RDF.type)
    }
    prefixes = {
        prefix: uri
        for prefix, uri in release_prefixes(base_iri).items()
        if any(p.startswith(uri) for p in predicates)
    }
    data = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    return (data or b"").decode("utf-8")


#: Characters that ``str.splitlines`` (and so some N-Triples readers, pyld's among them)
#: take for line ends. rdflib writes them raw inside literals; they are written as
#: ``\uXXXX`` escapes instead, which every N-Triples parser reads back as the same term.
_LINE_SEPARATORS = {c: f"\\u{ord(c):04X}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
_ESCAPE_SEPARATORS = str.maketrans(_LINE_SEPARATORS)


def _sorted_lines(text: str) -> str:
    text = text.translate(_ESCAPE_SEPARATORS)
    lines = sorted(line for line in text.split("\n") if line.strip())
    return "\n".join(lines) + "\n"


def _refuse_remote(url: str, options: Any = None) -> Any:
    raise UnsafeInputError(
        f"JSON-LD document loading refused ({url}); pharmakg never fetches remote documents",
        term=url,
    )


_JSONLD_OPTIONS = {"documentLoader": _refuse_remote, "processingMode": "json-ld-1.1"}


def _pyld_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "IRI", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    if isinstance(term, Literal):
        if term.language:
            return {
                "type": "literal",
                "value": str(term),
                "datatype": str(RDF.langString),
                "language": term.language,
            }
        return {"type": "literal", "value": str(term), "datatype": str(term.datatype or XSD.string)}
    raise TypeError(f"not an RDF term: {term!r}")


def _to_jsonld_input(graph: Graph) -> Any:
    """Expanded JSON-LD of ``graph``, handed to pyld as an RDF dataset.

    Not as N-Quads text: pyld's N-Quads reader does not unescape UCHAR escapes.
    """
    triples = [
        {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)}
        for s, p, o in sorted(graph, key=_key)
    ]
    return jsonld.from_rdf({"@default": triples}, dict(_JSONLD_OPTIONS))


def _compact_jsonld(graph: Graph, base_iri: str) -> str:
    context = jsonld_context(base_iri)
    compacted = jsonld.compact(_to_jsonld_input(graph), {"@context": context}, _JSONLD_OPTIONS)
    return _dump(compacted)


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


#: Term names for well-known properties in the JSON-LD context.
_WELL_KNOWN = {
    "label": ("rdfs:label", "en"),
    "altLabel": ("skos:altLabel", "en"),
    "definition": ("skos:definition", "en"),
    "editorialNote": ("skos:editorialNote", "en"),
}
_RESERVED = {"id", "type", "@context"}


def jsonld_context(base_iri: str = DEFAULT_BASE) -> dict[str, Any]:
    """The JSON-LD 1.1 context: the prefix map plus a term per pharmakg property.

    Object properties are ``@type: @id``; datatype properties with a non-string range
    are typed; ``label`` etc. take English strings. A property whose local name is a
    prefix (``unit``) keeps its CURIE. ``pkg:id`` is the term ``identifier``.
    """
    prefixes = release_prefixes(base_iri)
    context: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type"}
    for prefix, uri in sorted(prefixes.items(), key=lambda kv: kv[0].casefold()):
        if uri[-1] in ":/?#[]@":
            context[prefix] = uri
        else:
            context[prefix] = {"@id": uri, "@prefix": True}
    for term, (curie, lang) in _WELL_KNOWN.items():
        context[term] = {"@id": curie, "@language": lang}
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    pkg = vocab.PKG_URI
    terms: dict[str, dict[str, str]] = {}
    for prop in sorted(set(ontology.subjects(RDF.type, None)), key=str):
        text = str(prop)
        if not text.startswith(pkg) or len(text) == len(pkg):
            continue
        kinds = set(ontology.objects(prop, RDF.type))
        local = text[len(pkg) :]
        definition: dict[str, str] = {"@id": f"pkg:{local}"}
        ranges = set(ontology.objects(prop, RDFS.range))
        if OWL.ObjectProperty in kinds or (
            OWL.AnnotationProperty in kinds and not any(str(r).startswith(str(XSD)) for r in ranges)
        ):
            definition["@type"] = "@id"
        elif OWL.DatatypeProperty in kinds:
            typed = [r for r in ranges if str(r).startswith(str(XSD)) and r != XSD.string]
            if typed:
                definition["@type"] = f"xsd:{str(typed[0])[len(str(XSD)) :]}"
        else:
            continue
        name = "identifier" if local == "id" else local
        if name in prefixes or name in _RESERVED or name in _WELL_KNOWN:
            continue
        terms[name] = definition
    context.update(sorted(terms.items()))
    return context


def context_document(base_iri: str = DEFAULT_BASE) -> str:
    """``ontology/context.jsonld``: the context as a JSON-LD document."""
    return _dump({"@context": jsonld_context(base_iri)})


# ---------------------------------------------------------------- named graphs


def _quads(release: Release, fmt: ExportFormat) -> str:
    """N-Quads (sorted lines) or TriG, one graph block per named graph.

    Written graph by graph from rdflib's N-Triples and Turtle writers (rdflib's own
    N-Quads and TriG writers use the deprecated ``Dataset.contexts``).
    """
    names = release.graph_names
    parts: list[tuple[URIRef | None, Graph]] = [
        (None, release.description),
        (names["asserted"], release.asserted),
        (names["provenance"], release.provenance),
        (names["inferred"], release.inferred),
    ]
    if fmt is ExportFormat.NQUADS:
        lines = []
        for name, part in parts:
            text = _sorted_graph(release.base_iri, part).serialize(format="nt")
            for line in text.translate(_ESCAPE_SEPARATORS).split("\n"):
                if line.strip():
                    lines.append(line if name is None else f"{line.rstrip()[:-1]}<{name}> .")
        return "\n".join(sorted(lines)) + "\n"
    prefixes: set[str] = set()
    blocks = []
    for name, part in parts:
        text = str(_sorted_graph(release.base_iri, part).serialize(format="turtle"))
        body = [line for line in text.split("\n") if not line.startswith("@prefix")]
        prefixes.update(line for line in text.split("\n") if line.startswith("@prefix"))
        content = "\n".join(body).strip("\n")
        blocks.append(content + "\n" if name is None else f"<{name}> {{\n{content}\n}}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


# ---------------------------------------------------------------- framed JSON-LD per drug


def _slug(iri: Node, release: Release) -> str:
    text = str(iri)
    pkr = release.namespace("pkr")
    local = (
        text[len(pkr) :] if text.startswith(pkr) else hashlib.sha256(text.encode()).hexdigest()[:16]
    )
    return quote(local, safe="-._~")


def _always(**properties: Any) -> dict[str, Any]:
    return {"@embed": "@always", **properties}


_NEVER = {"@embed": "@never"}

#: The frame of a drug document: the drug at the root; its effects, indications (with the
#: disease, the supporting claim and its references) and mechanism embedded in full; the
#: claims whose subject is the drug (``claims``, a reverse property) with their references.
#: Anything else is embedded once, where pyld first meets it, and referenced by id after.
DRUG_FRAME: dict[str, Any] = {
    "@embed": "@once",
    "hasTherapeuticEffect": _always(),
    "hasIndication": _always(
        indicationDisease=_always(), supportedBy=_always(citation=_always(citedIn=_NEVER))
    ),
    "hasMechanism": _always(makesEffectiveFor=_NEVER),
    "claims": _always(
        citation=_always(citedIn=_NEVER), claimSubject=_NEVER, claimObject=_NEVER, statedIn=_NEVER
    ),
}


def _framed(release: Release) -> dict[str, str]:
    pkg, pkr = release.namespace("pkg"), release.namespace("pkr")
    data = release.data()
    instance = Graph()
    for triple in data:
        s = triple[0]
        if isinstance(s, BNode) or str(s).startswith(pkr):
            instance.add(triple)
    base = jsonld_context(release.base_iri)
    context = {
        **base,
        "claims": {"@reverse": "pkg:claimSubject"},
    }
    expanded_input = _to_jsonld_input(_sorted_graph(release.base_iri, instance))
    out: dict[str, str] = {}
    for drug in _sorted_nodes(data.subjects(RDF.type, URIRef(pkg + "Drug"))):
        frame = {"@context": context, "@id": str(drug), **DRUG_FRAME}
        framed = jsonld.frame(expanded_input, frame, {**_JSONLD_OPTIONS, "omitGraph": True})
        text = json.dumps(framed, indent=2, ensure_ascii=False) + "\n"  # pyld's order: id first
        out[f"{_slug(drug, release)}.jsonld"] = text
    return out


# ---------------------------------------------------------------- KGX


def _mapped(graph: Graph, term: Node, kinds: tuple[URIRef, ...]) -> list[URIRef]:
    out: list[URIRef] = []
    for kind in kinds:
        out += sorted(
            o
            for o in graph.objects(term, kind)
            if isinstance(o, URIRef) and str(o).startswith(str(BIOLINK))
        )
        if out:
            return out
    return out


_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)


def biolink_category(graph: Graph, entity: Node, pkg: str) -> URIRef:
    """The Biolink category of ``entity``.

    Its ``pkg:biolinkCategory``, else the first skos exact/close/broad Biolink match of
    its class or of the nearest superclass that has one, else ``biolink:NamedThing``.
    """
    own = _sorted_nodes(graph.objects(entity, URIRef(pkg + "biolinkCategory")))
    if own:
        return URIRef(str(own[0]))
    for cls in _sorted_nodes(graph.objects(entity, RDF.type)):
        for ancestor in graph.transitive_objects(cls, RDFS.subClassOf):
            found = _mapped(graph, ancestor, _MATCHES) if ancestor is not None else []
            if found:
                return found[0]
    return BIOLINK.NamedThing


@dataclass(frozen=True)
class BiolinkPredicate:
    """A Biolink predicate with the qualifiers an edge carries."""

    predicate: str
    qualified_predicate: str = ""
    object_aspect_qualifier: str = ""
    object_direction_qualifier: str = ""


#: Qualifiers for pharmakg properties that the ontology maps to ``biolink:affects``.
#: Properties not listed here (``actsOn``, ``hasTherapeuticEffect``) stay unqualified:
#: the monograph does not say which aspect changes, or in which direction.
AFFECTS_QUALIFIERS = {
    "activates": ("biolink:causes", "activity", "increased"),
    "agonistOf": ("biolink:causes", "activity", "increased"),
    "inhibits": ("biolink:causes", "activity", "decreased"),
    "antagonistOf": ("biolink:causes", "activity", "decreased"),
    "inducesProductionOf": ("biolink:causes", "synthesis", "increased"),
    "decreasesAmountOf": ("biolink:causes", "abundance", "decreased"),
    "positivelyRegulates": ("biolink:causes", "", "increased"),
    "negativelyRegulates": ("biolink:causes", "", "decreased"),
    "leadsTo": ("biolink:causes", "", "increased"),
}


def biolink_predicate(graph: Graph, prop: Node, pkg: str) -> BiolinkPredicate:
    """The Biolink predicate of a pharmakg property.

    The first skos exact/close/broad Biolink match of the property or of its nearest
    super-property, else ``biolink:related_to``; with :data:`AFFECTS_QUALIFIERS` when
    that is ``biolink:affects``.
    """
    for ancestor in graph.transitive_objects(prop, RDFS.subPropertyOf):
        found = _mapped(graph, ancestor, _MATCHES) if ancestor is not None else []
        if found:
            predicate = "biolink:" + str(found[0])[len(str(BIOLINK)) :]
            break
    else:
        predicate = "biolink:related_to"
    local = str(prop)[len(pkg) :] if str(prop).startswith(pkg) else ""
    if predicate == "biolink:affects" and local in AFFECTS_QUALIFIERS:
        qualified, aspect, direction = AFFECTS_QUALIFIERS[local]
        return BiolinkPredicate(predicate, qualified, aspect, direction)
    return BiolinkPredicate(predicate)


NODE_COLUMNS = ("id", "category", "name", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "qualified_predicate",
    "object_aspect_qualifier",
    "object_direction_qualifier",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "original_predicate",
    "supporting_text",
)


def _tsv(columns: tuple[str, ...], rows: Iterable[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    # No quoting at all (KGX reads TSV unquoted); tabs and line ends in values become spaces.
    writer = csv.writer(
        buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None
    )
    writer.writerow(columns)
    for row in rows:
        writer.writerow([" ".join(row.get(c, "").split()) for c in columns])
    return buffer.getvalue()


def _kgx(release: Release) -> dict[str, str]:
    # KGX carries the reasoner's edges too, marked knowledge_level=logical_entailment.
    graph = _sorted_graph(release.base_iri, release.data(), release.inferred)
    pkg, pkr = release.namespace("pkg"), release.namespace("pkr")
    prefixes = release_prefixes(release.base_iri)
    entity_class = URIRef(pkg + "BiomedicalEntity")
    entity_classes = {entity_class, *graph.transitive_subjects(RDFS.subClassOf, entity_class)}
    mechanism = URIRef(pkg + "MechanismOfAction")
    candidates = {
        s
        for s, o in graph.subject_objects(RDF.type)
        if (o in entity_classes or o == mechanism) and str(s).startswith(pkr)
    }
    ident = URIRef(pkg + "id")

    def node_id(node: Node) -> str:
        value = _first_literal(graph, node, ident)
        return value or _curie(node, prefixes)

    object_props = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    claims_by_triple: dict[tuple[Node, Node, Node], list[Node]] = defaultdict(list)
    for c in graph.subjects(URIRef(pkg + "claimSubject"), None):
        if (c, RDF.type, URIRef(pkg + "NegativeClaim")) in graph:
            continue
        key = (
            graph.value(c, URIRef(pkg + "claimSubject")),
            graph.value(c, URIRef(pkg + "claimPredicate")),
            graph.value(c, URIRef(pkg + "claimObject")),
        )
        claims_by_triple[key].append(c)  # type: ignore[index]
    edges: list[dict[str, str]] = []
    used: set[Node] = set()
    inferred = set(release.inferred)
    # An inferred triple between two nodes that an asserted edge already joins only restates
    # that edge with a super-property (leadsTo, mechanismRelation): KGX gets the new links only.
    asserted_pairs = {(s, o) for s, _, o in release.data() if isinstance(o, URIRef)}
    for s, p, o in sorted(graph, key=_key):
        if p not in object_props or s not in candidates or o not in candidates:
            continue
        if (s, p, o) in inferred and (s, o) in asserted_pairs:
            continue
        mapped = biolink_predicate(graph, p, pkg)
        claims = _sorted_nodes(claims_by_triple.get((s, p, o), []))
        publications: list[str] = []
        for c in claims:
            publications += [
                _curie(m, prefixes)
                for m in _sorted_nodes(graph.objects(c, URIRef(pkg + "statedIn")))
            ]
            publications += [
                _curie(r, prefixes)
                for r in _sorted_nodes(graph.objects(c, URIRef(pkg + "citation")))
            ]
        texts = sorted(
            {str(t) for c in claims for t in graph.objects(c, URIRef(pkg + "statementText"))}
        )
        is_inferred = (s, p, o) in inferred
        edge_id = (
            _curie(claims[0], prefixes)
            if claims
            else "pkr:edge-" + hashlib.sha256(" ".join(_key((s, p, o))).encode()).hexdigest()[:16]
        )
        edges.append(
            {
                "id": edge_id,
                "subject": node_id(s),
                "predicate": mapped.predicate,
                "object": node_id(o),
                "qualified_predicate": mapped.qualified_predicate,
                "object_aspect_qualifier": mapped.object_aspect_qualifier,
                "object_direction_qualifier": mapped.object_direction_qualifier,
                "knowledge_level": "logical_entailment" if is_inferred else "knowledge_assertion",
                "agent_type": "automated_agent" if is_inferred else "manual_agent",
                "primary_knowledge_source": INFORES,
                "publications": "|".join(dict.fromkeys(publications)),
                "original_predicate": _curie(p, prefixes),
                "supporting_text": "|".join(texts),
            }
        )
        used.update((s, o))
    nodes = []
    for node in _sorted_nodes(n for n in candidates if n in used or (n, ident, None) in graph):
        labels = sorted(
            str(v)
            for v in graph.objects(node, RDFS.label)
            if isinstance(v, Literal) and v.language in (None, "en")
        )
        nodes.append(
            {
                "id": node_id(node),
                "category": _curie(biolink_category(graph, node, pkg), prefixes),
                "name": labels[0] if labels else "",
                "synonym": "|".join(sorted(str(v) for v in graph.objects(node, SKOS.altLabel))),
                "xref": "|".join(sorted(str(v) for v in graph.objects(node, URIRef(pkg + "xref")))),
                "iri": str(node),
                "provided_by": INFORES,
            }
        )
    nodes.sort(key=lambda row: row["id"])
    return {"nodes.tsv": _tsv(NODE_COLUMNS, nodes), "edges.tsv": _tsv(EDGE_COLUMNS, edges)}


# ---------------------------------------------------------------- the registry


def _mechanism_network(release: Release) -> nx.MultiDiGraph[str]:
    """The mechanism graph of :mod:`pharmakg.mechanism`, with node IRIs under the release's base.

    The named queries are written against the default namespaces, so the graph is built from
    the release's triples moved back under :data:`DEFAULT_BASE`, then its nodes are renamed.
    """
    base = _norm_base(release.base_iri)

    def back(term: Node) -> Node:
        text = str(term)
        if isinstance(term, URIRef) and text.startswith(base):
            return URIRef(DEFAULT_BASE + text[len(base) :])
        return term

    graph = Graph()
    for part in (release.asserted, release.provenance):
        for s, p, o in part:
            graph.add((back(s), back(p), back(o)))
    network = mechanism.mechanism_graph(LoadedGraph(graph=graph))
    moved = {n: base + n[len(DEFAULT_BASE) :] for n in network if n.startswith(DEFAULT_BASE)}
    renamed: nx.MultiDiGraph[str] = nx.relabel_nodes(network, moved)
    return renamed


def _single(fmt: ExportFormat) -> Callable[[Release], dict[str, str]]:
    def exporter(release: Release) -> dict[str, str]:
        return {fmt.filename: serialize(release.graph(), fmt, release.base_iri)}

    return exporter


#: The exporter of each format: a release in, ``{relative path: text}`` out.
EXPORTERS: dict[ExportFormat, Callable[[Release], dict[str, str]]] = {
    ExportFormat.TURTLE: _single(ExportFormat.TURTLE),
    ExportFormat.NTRIPLES: _single(ExportFormat.NTRIPLES),
    ExportFormat.NQUADS: lambda r: {ExportFormat.NQUADS.filename: _quads(r, ExportFormat.NQUADS)},
    ExportFormat.TRIG: lambda r: {ExportFormat.TRIG.filename: _quads(r, ExportFormat.TRIG)},
    ExportFormat.RDFXML: _single(ExportFormat.RDFXML),
    ExportFormat.JSONLD: _single(ExportFormat.JSONLD),
    ExportFormat.FRAMED: _framed,
    ExportFormat.KGX: _kgx,
    ExportFormat.VOID: lambda r: {
        "void.ttl": serialize(r.description, ExportFormat.TURTLE, r.base_iri)
    },
    ExportFormat.DATASET: lambda r: {"dataset.jsonld": _dump(schema_org(r))},
    ExportFormat.CONTEXT: lambda r: {"context.jsonld": context_document(r.base_iri)},
    ExportFormat.GRAPHML: lambda r: {
        ExportFormat.GRAPHML.filename: mechanism.graphml_text(_mechanism_network(r))
    },
    ExportFormat.NODE_LINK: lambda r: {
        ExportFormat.NODE_LINK.filename: mechanism.node_link_text(_mechanism_network(r))
    },
}


def export(release: Release, fmt: ExportFormat | str) -> ExportOutput:
    """The files of ``fmt`` for ``release`` (nothing is written)."""
    fmt = fmt if isinstance(fmt, ExportFormat) else ExportFormat.from_name(fmt)
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise UnknownFormatError(
            f"format {fmt.label!r} has no exporter",
            term=fmt.label,
            choices=[f.label for f in EXPORTERS],
        )
    return ExportOutput(format=fmt, files=tuple(sorted(exporter(release).items())))


def write_export(output: ExportOutput, target: str | Path) -> list[Path]:
    """Write ``output`` to ``target`` (a file for one-file formats, else a directory).

    Each file goes through a temporary file and a rename.
    """
    target = Path(target)
    if len(output.files) == 1 and not output.format.is_directory and not target.is_dir():
        return [resources.write_text_atomic(target, output.files[0][1])]
    return [resources.write_text_atomic(target / name, text) for name, text in output.files]


#: The formats ``build`` writes, and where (relative to the release directory).
RELEASE_LAYOUT: tuple[tuple[ExportFormat, str], ...] = (
    (ExportFormat.TURTLE, ""),
    (ExportFormat.NTRIPLES, ""),
    (ExportFormat.NQUADS, ""),
    (ExportFormat.TRIG, ""),
    (ExportFormat.RDFXML, ""),
    (ExportFormat.JSONLD, ""),
    (ExportFormat.CONTEXT, ""),
    (ExportFormat.FRAMED, "drugs"),
    (ExportFormat.KGX, ""),
    (ExportFormat.VOID, ""),
    (ExportFormat.DATASET, ""),
    (ExportFormat.GRAPHML, ""),
    (ExportFormat.NODE_LINK, ""),
)


def write_release_files(release: Release, directory: str | Path) -> list[Path]:
    """Write every release format into ``directory``; return the paths written."""
    directory = Path(directory)
    written: list[Path] = []
    for fmt, sub in RELEASE_LAYOUT:
        output = export(release, fmt)
        for name, text in output.files:
            written.append(resources.write_text_atomic(directory / sub / name, text))
    return written
