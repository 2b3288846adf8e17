"""The release: the graph prepared for publication once, then written in every format.

A :class:`Release` holds the data split into named graphs, **computed on the canonical
namespaces** (everything of pharmakg's own under :data:`DEFAULT_BASE`), so that every exporter
reads our terms through the closed namespace :data:`pharmakg.vocab.PKG`. Each exporter moves
what it writes under the release's base IRI as its last step (:meth:`Release.rebased`,
:meth:`Release.rebase_iri`, both by the one rule of :mod:`pharmakg.rebase`), so every file of
a rebased release names the new base only.

**Named graphs** (N-Quads, TriG), under ``<base>graph/``:

* ``asserted``: the ontology, the entities, and the plain triples no claim backs;
* ``stated``, ``interpreted``, ``curated``: the plain triples backed by claims of that basis
  (``pkg:basis``: stated by the source, a curator's interpretation, a curated database); a
  triple backed by several bases goes with the strongest (stated, then curated, then
  interpreted), so ``GRAPH <…/graph/stated>`` asks only what a source says;
* ``provenance``: every claim, reference, monograph and identifier source (any triple whose
  subject is typed ``pkg:Claim``, ``pkg:Document`` or one of their subclasses,
  ``owl:NegativePropertyAssertion`` excepted), and the ``pkg:supportedBy`` /
  ``pkg:identifierSource`` links that point at them;
* ``inferred``: what the reasoner adds (empty when no inferred graph is given);
* the default graph holds the dataset description (VoID + DCAT).

**Determinism**: blank nodes are relabelled canonically (pyoxigraph's canonicalisation,
:func:`pharmakg._export.canonical.canonical_triples`) and every graph is kept in sorted triple
order (their N-Triples spelling), which the writers keep, so the same input gives the same
bytes. The creation date comes from ``created``, else ``SOURCE_DATE_EPOCH``, else the newest
``dcterms:modified`` of a monograph, else the ontology's ``dcterms:created``; never from the
clock, and never from a built-in default: with none of them, preparing the release fails and
says what to pass.

**Scale**: the release is prepared and written as pyoxigraph triples, each step one pass over
them (:mod:`pharmakg._export.canonical`); the rdflib graphs of a :class:`Release` are views,
made only for the exporters that need rdflib.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD
from rdflib.term import Node

from .. import vocab
from .._load import LoadedGraph
from ..errors import InputError
from ..model import ValidationReport
from ..rebase import DEFAULT_BASE, Rebaser, norm_base, rebase, rebase_iri, rebase_term
from ..vocab import PKG
from .canonical import (
    canonical_triples,
    rdflib_graph,
    sort_key,
    split,
    summarise,
    to_triples,
)
from .dataset import about_graph, describe

__all__ = [
    "DEFAULT_BASE",
    "ExportOptions",
    "Release",
    "creation_date",
    "norm_base",
    "parse_date",
    "prepare_release",
    "rebase",
    "rebase_term",
    "release_prefixes",
    "sorted_graph",
    "triple_key",
]

#: pharmakg's own prefixes and their paths under the base.
_OWN = {"pkg": "ontology/", "pkr": "resource/", "pkgsh": "shapes/"}


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


# ---------------------------------------------------------------- IRIs and prefixes


def release_prefixes(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """The one prefix map, with pharmakg's own prefixes under ``base_iri``."""
    base = norm_base(base_iri)
    prefixes = dict(vocab.prefix_map().namespaces())
    for prefix, path in _OWN.items():
        prefixes[prefix] = base + path
    return prefixes


def bind_release_prefixes(graph: Graph, base_iri: str) -> None:
    """Bind the release's prefix map to ``graph`` (replacing rdflib's defaults)."""
    manager = graph.namespace_manager
    for prefix, uri in release_prefixes(base_iri).items():
        manager.bind(prefix, Namespace(uri), override=True, replace=True)


def triple_key(triple: tuple[Node, Node, Node]) -> tuple[str, str, str]:
    """A total order on triples: their N-Triples spelling."""
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def sorted_graph(base_iri: str, *graphs: Graph) -> Graph:
    """One graph holding ``graphs``, its triples inserted in sorted order, prefixes bound.

    rdflib's serialisers iterate in insertion order, so they write the same bytes every time.
    """
    merged: set[tuple[Node, Node, Node]] = set()
    for graph in graphs:
        merged.update(graph)
    out = Graph()
    bind_release_prefixes(out, base_iri)
    for triple in sorted(merged, key=triple_key):
        out.add(triple)
    return out


def release_term(term: Node) -> Node:
    """Spell ``"3"^^xsd:decimal`` as ``"3.0"``, as rdflib's Turtle writer will anyway.

    rdflib writes the decimal ``"3"`` as the Turtle token ``3.0``, which reads back as a
    different term; spelling it ``3.0`` in every format keeps every file isomorphic. The
    value does not change.
    """
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        text = str(term)
        if not any(c in text for c in ".eE"):
            return Literal(text + ".0", datatype=XSD.decimal)
    return term


# ---------------------------------------------------------------- the release


@dataclass(frozen=True)
class Release:
    """The graph prepared for publication: canonical named graphs and how to publish them.

    ``canonical`` holds each named graph's triples (pyoxigraph terms, sorted), which the RDF
    writers serialise; the rdflib graphs (``asserted``, ``provenance``, …) are views of them,
    made on first use for the exporters that need rdflib.

    :param about: the triples the description names (the ontology, monographs, references).
    :param source: the data as loaded (canonical namespace), which the mechanism exporters
        (pictures, GraphML) query; ``None``: a graph is loaded from the release's data.
    :param report: the validation report a build publishes (``None`` outside a build).
    """

    canonical: Mapping[str, tuple[ox.Triple, ...]]
    description: Graph
    about: Graph
    base_iri: str
    created: datetime.date
    version: str
    sparql_endpoint: str | None = None
    report: ValidationReport | None = None
    source: LoadedGraph | None = None

    #: The named graphs, in the order the quad formats write them.
    GRAPH_NAMES = ("asserted", "stated", "interpreted", "curated", "provenance", "inferred")
    #: The named graphs of the data (the description and the inferences aside).
    DATA_GRAPHS = ("asserted", "stated", "interpreted", "curated", "provenance")

    @staticmethod
    def canonical_iri(path: str) -> URIRef:
        """``<DEFAULT_BASE><path>``: an IRI of ours before the release is rebased."""
        return URIRef(DEFAULT_BASE + path)

    def rebase_iri(self, iri: str) -> str:
        """``iri`` moved under the release's base (unchanged when it is not ours)."""
        return rebase_iri(iri, self.base_iri)

    def rebased(self, *graphs: Graph) -> Graph:
        """``graphs`` merged, moved under the base, sorted and prefix-bound for writing."""
        merged = Graph()
        for graph in graphs:
            for s, p, o in graph:
                merged.add((s, p, release_term(o)))
        return sorted_graph(self.base_iri, rebase(merged, self.base_iri))

    def triples(self, *names: str) -> list[ox.Triple]:
        """The named graphs ``names`` (``description`` too), under the base, sorted."""
        rebaser = Rebaser(self.base_iri)
        found: list[ox.Triple] = []
        for name in names:
            found.extend(rebaser.triples(self._canonical_of(name)))
        return sorted(found, key=sort_key) if len(names) > 1 or not rebaser.identity else found

    def _canonical_of(self, name: str) -> tuple[ox.Triple, ...]:
        if name == "description":
            return self._description_triples
        return self.canonical[name]

    @cached_property
    def _description_triples(self) -> tuple[ox.Triple, ...]:
        return tuple(to_triples(self.description))

    def size(self, name: str) -> int:
        """The number of triples in the named graph ``name``."""
        return len(self._canonical_of(name))

    def _view(self, name: str) -> Graph:
        return self.rdflib(name)

    @cached_property
    def asserted(self) -> Graph:
        """The ontology, the entities, and the plain triples no claim backs (rdflib view)."""
        return self._view("asserted")

    @cached_property
    def stated(self) -> Graph:
        """The plain triples backed by claims stated by a source (rdflib view)."""
        return self._view("stated")

    @cached_property
    def interpreted(self) -> Graph:
        """The plain triples backed by a curator's interpretation only (rdflib view)."""
        return self._view("interpreted")

    @cached_property
    def curated(self) -> Graph:
        """The plain triples backed by a curated database (rdflib view)."""
        return self._view("curated")

    @cached_property
    def provenance(self) -> Graph:
        """Claims, references, monographs and identifier sources (rdflib view)."""
        return self._view("provenance")

    @cached_property
    def inferred(self) -> Graph:
        """What the reasoner adds (rdflib view)."""
        return self._view("inferred")

    def rdflib(self, *names: str) -> Graph:
        """The named graphs ``names`` as one rdflib graph, canonical (made once per ``names``)."""
        made = self._rdflib_graphs.get(names)
        if made is None:
            made = self._rdflib_graphs[names] = rdflib_graph(
                t for name in names for t in self.canonical[name]
            )
        return made

    @cached_property
    def _rdflib_graphs(self) -> dict[tuple[str, ...], Graph]:
        return {}

    def data(self) -> Graph:
        """Asserted + provenance, canonical (no description, no inferred triples)."""
        return self.rdflib(*self.DATA_GRAPHS)

    def single_graph(self) -> Graph:
        """What single-graph files hold, canonical: the data and the dataset description.

        The reasoner's triples stay apart from the asserted ones: they are only in the
        ``inferred`` named graph of the TriG and N-Quads files and in ``pharmakg-inferred.ttl``.
        """
        return _union(self.data(), self.description)

    @property
    def graph_names(self) -> dict[str, URIRef]:
        """The named graphs' IRIs under the release's base, by name."""
        return {n: URIRef(self.rebase_iri(f"{DEFAULT_BASE}graph/{n}")) for n in self.GRAPH_NAMES}

    def named_graphs(self) -> list[tuple[URIRef | None, Graph]]:
        """(canonical graph name, canonical graph) pairs; ``None`` names the default graph."""
        parts: list[tuple[URIRef | None, Graph]] = [(None, self.description)]
        parts += [(self.canonical_iri(f"graph/{n}"), getattr(self, n)) for n in self.GRAPH_NAMES]
        return parts

    def namespace(self, prefix: str) -> str:
        """The URI prefix of ``prefix`` in this release."""
        return release_prefixes(self.base_iri)[prefix]

    def loaded(self) -> LoadedGraph:
        """The release's data as a graph the named queries read (in the default base)."""
        return self.source if self.source is not None else LoadedGraph.from_rdflib(self.data())


def _union(*graphs: Graph) -> Graph:
    out = Graph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


# ---------------------------------------------------------------- preparing it


def parse_date(text: str) -> datetime.date:
    """Parse ``YYYY-MM-DD``.

    :raises InputError: not an ISO date.
    """
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError as error:
        raise InputError(f"not a date (YYYY-MM-DD): {text!r}", term=text) from error


def _dates(values: Iterable[Node]) -> list[datetime.date]:
    return [
        value.toPython()
        for value in values
        if isinstance(value, Literal) and isinstance(value.toPython(), datetime.date)
    ]


def creation_date(graph: Graph, created: datetime.date | None = None) -> datetime.date:
    """The release's creation date, never the clock.

    ``created`` if given, else ``SOURCE_DATE_EPOCH`` (seconds, UTC), else the newest
    ``dcterms:modified`` of a ``pkg:Monograph``, else the ontology's ``dcterms:created``.

    :raises InputError: none of these gives a date (the message says what to pass).
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
    monographs = graph.subjects(RDF.type, PKG.Monograph)
    dates = _dates(v for m in monographs for v in graph.objects(m, DCTERMS.modified))
    dates = dates or _dates(graph.objects(None, DCTERMS.created))
    if not dates:
        raise InputError(
            "no creation date: no monograph has dcterms:modified and the ontology has no "
            "dcterms:created; pass --created YYYY-MM-DD or set SOURCE_DATE_EPOCH"
        )
    return max(dates)


def _version(graph: Graph) -> str:
    """The pharmakg ontology's ``owl:versionInfo`` (other ontologies' versions do not count).

    :raises InputError: there is none, or more than one.
    """
    ontology = URIRef(vocab.PKG_URI.rstrip("/"))
    versions = sorted({str(v) for v in graph.objects(ontology, OWL.versionInfo)})
    if len(versions) != 1:
        raise InputError(
            "the release needs exactly one owl:versionInfo (the ontology's version); "
            f"found {versions or 'none'}",
            term="owl:versionInfo",
        )
    return versions[0]


#: The bases whose plain triples get a named graph of their own, strongest first.
_BASIS_GRAPHS = (
    ("stated", "StatedBasis"),
    ("curated", "CuratedDatabaseBasis"),
    ("interpreted", "InterpretedBasis"),
)


def _source_bytes(kg: LoadedGraph | Graph) -> bytes:
    """The data as N-Triples, literals as loaded."""
    if isinstance(kg, LoadedGraph):
        return kg.store.dump()
    return kg.serialize(format="nt", encoding="utf-8")


def _inferred_triples(inferred: Graph | None, asserted: set[ox.Triple]) -> list[ox.Triple]:
    """The reasoner's triples that are not asserted, canonical and sorted."""
    if inferred is None or len(inferred) == 0:
        return []
    triples = canonical_triples(inferred.serialize(format="nt", encoding="utf-8"))
    return sorted((t for t in triples if t not in asserted), key=sort_key)


def prepare_release(
    kg: LoadedGraph | Graph,
    inferred: Graph | None = None,
    options: ExportOptions | None = None,
    *,
    report: ValidationReport | None = None,
) -> Release:
    """Prepare ``kg`` (and the reasoner's ``inferred`` triples) for publication.

    Neither graph is changed. See the module docstring for the named graphs, the base IRI
    and determinism.

    :raises InputError: a bad base IRI, no creation date, or no single ontology version.
    """
    options = options or ExportOptions()
    base = norm_base(options.base_iri)
    data = canonical_triples(_source_bytes(kg))
    parts = split(data, _BASIS_GRAPHS, Release.DATA_GRAPHS)
    canonical = {name: tuple(sorted(part, key=sort_key)) for name, part in parts.items()}
    canonical["inferred"] = tuple(_inferred_triples(inferred, set(data)))
    summary = summarise(data)
    about = about_graph(summary)
    created, version = creation_date(about, options.created), _version(about)
    description = describe(
        summary,
        {name: len(canonical[name]) for name in Release.GRAPH_NAMES},
        version=version,
        created=created,
        sparql_endpoint=options.sparql_endpoint,
    )
    return Release(
        canonical=canonical,
        description=description,
        about=about,
        base_iri=base,
        created=created,
        version=version,
        sparql_endpoint=options.sparql_endpoint,
        report=report,
        source=kg if isinstance(kg, LoadedGraph) else None,
    )
