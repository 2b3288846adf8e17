"""The release's data as pyoxigraph triples: blank nodes, named graphs, base IRI and counts.

Canonical blank nodes, the named-graph split, the rebasing rule and the counts of the
description are each one pass over the triples.

A release of a million triples is prepared here and written by pyoxigraph's serialisers; the
rdflib graphs of :class:`~pharmakg._export.Release` are views made only for the exporters that
need rdflib (KGX, the framed documents, schema.org), so a release that is only written as
Turtle, N-Triples, N-Quads, TriG or RDF/XML never builds one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.term import Node

from .. import vocab
from ..rebase import Rebaser
from ..store.terms import from_oxigraph_term, to_oxigraph_term

__all__ = [
    "DataSummary",
    "OxTerm",
    "Rebaser",
    "canonical_triples",
    "rdflib_graph",
    "release_literal",
    "sort_key",
    "split",
    "summarise",
    "to_rdflib",
    "to_triples",
]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
_DECIMAL = ox.NamedNode(_XSD + "decimal")
_STRING = _XSD + "string"


def _pkg(local: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.PKG_URI + local)


def release_literal(term: OxTerm) -> OxTerm:
    """``"3"^^xsd:decimal`` spelt ``"3.0"`` (see :func:`pharmakg._export.release.release_term`)."""
    if isinstance(term, ox.Literal) and term.datatype == _DECIMAL:
        text = term.value
        if not any(c in text for c in ".eE"):
            return ox.Literal(text + ".0", datatype=_DECIMAL)
    return term


def canonical_triples(ntriples: bytes) -> list[ox.Triple]:
    """The triples of ``ntriples``, decimals spelt out, blank nodes canonical, without repeats.

    The blank nodes are relabelled by pyoxigraph's canonicalisation, so the same triples give
    the same labels whatever their order or their labels in the input.
    """
    dataset = ox.Dataset(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    if any(
        isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in dataset
    ):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    spelt = (_spelt(q.triple) for q in dataset)
    return list(dict.fromkeys(spelt))


def _spelt(triple: ox.Triple) -> ox.Triple:
    obj = triple.object
    if isinstance(obj, ox.Literal) and obj.datatype == _DECIMAL:
        return ox.Triple(triple.subject, triple.predicate, release_literal(obj))
    return triple


def to_triples(graph: Graph) -> list[ox.Triple]:
    """An rdflib graph's triples as pyoxigraph triples, in N-Triples order."""
    return sorted(
        (
            # An RDF subject is never a literal, and a predicate is always an IRI.
            ox.Triple(
                cast("ox.NamedNode | ox.BlankNode", to_oxigraph_term(s)),
                ox.NamedNode(str(p)),
                to_oxigraph_term(o),
            )
            for s, p, o in graph
        ),
        key=sort_key,
    )


def to_rdflib(term: OxTerm) -> Node:
    """The rdflib term, a plain string without a datatype (as rdflib's parsers make it)."""
    if isinstance(term, ox.Literal) and term.language is None and term.datatype.value == _STRING:
        return Literal(term.value)
    node = from_oxigraph_term(term)
    assert node is not None  # noqa: S101 - a term, never an unbound value
    return node


def rdflib_graph(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph of ``triples``."""
    graph = Graph()
    add = graph.add
    for s, p, o in triples:
        add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def sort_key(triple: ox.Triple) -> str:
    """A total order on triples: their N-Triples spelling (a subject's triples sort together)."""
    return str(triple)


# ---------------------------------------------------------------- the named-graph split


@dataclass
class _Index:
    """What the split needs to know of the data, gathered in one pass."""

    types: dict[OxTerm, set[OxTerm]] = field(default_factory=lambda: defaultdict(set))
    subclasses: dict[OxTerm, set[OxTerm]] = field(default_factory=lambda: defaultdict(set))
    claims: dict[OxTerm, dict[str, list[OxTerm]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )


_CLAIM_PARTS = {
    _pkg(name): name for name in ("claimSubject", "claimPredicate", "claimObject", "basis")
}


def _index(triples: Iterable[ox.Triple]) -> _Index:
    index = _Index()
    for s, p, o in triples:
        if p == _RDF_TYPE:
            index.types[s].add(o)
        elif p == _SUBCLASS:
            index.subclasses[o].add(s)
        elif p in _CLAIM_PARTS:
            index.claims[s][_CLAIM_PARTS[p]].append(o)
    return index


def _descendants(index: _Index, roots: Iterable[OxTerm]) -> set[OxTerm]:
    found: set[OxTerm] = set()
    todo = list(roots)
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(index.subclasses.get(cls, ()))
    return found


def _bases_of_triples(index: _Index) -> dict[ox.Triple, set[OxTerm]]:
    """The bases of the (positive) claims behind each plain triple."""
    negative = _pkg("NegativeClaim")
    found: dict[ox.Triple, set[OxTerm]] = {}
    for claim, parts in index.claims.items():
        if not parts["basis"] or negative in index.types.get(claim, ()):
            continue
        ends = [
            min(parts[n], key=str, default=None)
            for n in ("claimSubject", "claimPredicate", "claimObject")
        ]
        s, p, o = ends
        if (
            isinstance(s, ox.NamedNode | ox.BlankNode)
            and isinstance(p, ox.NamedNode)
            and o is not None
        ):
            found.setdefault(ox.Triple(s, p, o), set()).update(parts["basis"])
    return found


def split(
    triples: list[ox.Triple], basis_graphs: Iterable[tuple[str, str]], names: Iterable[str]
) -> dict[str, list[ox.Triple]]:
    """The data's named graphs: provenance, the plain triples by basis, and ``asserted``.

    ``provenance`` holds every triple whose subject is a claim or a document (a subclass of
    ``pkg:Claim`` or ``pkg:Document``) and the ``pkg:supportedBy`` / ``pkg:identifierSource``
    links; a plain triple backed by claims goes to the graph of the strongest of their bases
    (``basis_graphs``: (graph name, basis local name), strongest first); the rest is asserted.
    """
    index = _index(triples)
    classes = _descendants(index, (_pkg("Claim"), _pkg("Document")))
    provenance = {s for s, kinds in index.types.items() if kinds & classes}
    links = {_pkg("supportedBy"), _pkg("identifierSource")}
    bases = _bases_of_triples(index)
    strongest = [(name, _pkg(local)) for name, local in basis_graphs]
    parts: dict[str, list[ox.Triple]] = {name: [] for name in names}
    for triple in triples:
        if triple.subject in provenance or triple.predicate in links:
            parts["provenance"].append(triple)
            continue
        behind = bases.get(triple)
        name = "asserted"
        if behind:
            name = next((n for n, basis in strongest if basis in behind), "asserted")
        parts[name].append(triple)
    return parts


# ---------------------------------------------------------------- the description's counts


@dataclass(frozen=True)
class DataSummary:
    """What the dataset description counts and names, read in two passes over the data.

    :param examples: the drugs, then the monographs, then the first claim and disease.
    :param about: every triple whose subject is the ontology, a monograph, or a reference a
        monograph cites (what the description and schema.org name), sorted.
    """

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    class_members: Mapping[OxTerm, int]
    property_triples: Mapping[OxTerm, int]
    examples: tuple[OxTerm, ...]
    about: tuple[ox.Triple, ...]


def _sorted(nodes: Iterable[OxTerm]) -> list[OxTerm]:
    return sorted(set(nodes), key=str)


def summarise(triples: list[ox.Triple]) -> DataSummary:
    """The VoID counts of ``triples``, their examples and the triples the description names."""
    subjects: set[OxTerm] = set()
    objects: set[OxTerm] = set()
    typed: dict[OxTerm, set[OxTerm]] = defaultdict(set)
    properties: Counter[OxTerm] = Counter()
    cites = _pkg("cites")
    cited: dict[OxTerm, set[OxTerm]] = defaultdict(set)
    for s, p, o in triples:
        subjects.add(s)
        objects.add(o)
        properties[p] += 1
        if p == _RDF_TYPE:
            typed[o].add(s)
        elif p == cites:
            cited[s].add(o)
    monographs = _sorted(typed.get(_pkg("Monograph"), ()))
    described = {ox.NamedNode(vocab.PKG_URI.rstrip("/")), *monographs}
    described.update(r for m in monographs for r in cited.get(m, ()))
    about = sorted((t for t in triples if t.subject in described), key=sort_key)
    examples = _sorted(typed.get(_pkg("Drug"), ())) + monographs
    for cls in (_pkg("Claim"), _pkg("Disease")):
        examples += _sorted(typed.get(cls, ()))[:1]
    own = vocab.PKR_URI
    return DataSummary(
        triples=len(triples),
        entities=sum(
            1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(own)
        ),
        distinct_subjects=len(subjects),
        distinct_objects=len(objects),
        class_members={cls: len(members) for cls, members in typed.items()},
        property_triples=dict(properties),
        examples=tuple(examples),
        about=tuple(about),
    )
