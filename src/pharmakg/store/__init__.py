"""The store at the centre: one protocol for reading, one for loading, and its locations.

Every stage reads through a :class:`Store`: SELECT and ASK (:meth:`Store.query`), CONSTRUCT
and DESCRIBE (:meth:`Store.construct`), the triple count (``len``) and an N-Triples dump
(:meth:`Store.dump`, for the SHACL engine and the reasoner). Loading is a second protocol,
:class:`LoadableStore`. A store is named by its location (:func:`connect`):

========================  ==================================================================
``memory``                pyoxigraph in memory, the default
``DIR`` (a directory)     pyoxigraph on disk: ``pharmakg load FILE... --store DIR`` writes it
                          once; every command given ``--store DIR`` opens it read-only
``sparql:URL``            any SPARQL 1.1 server (:mod:`~pharmakg.store.remote`)
``rdflib``                rdflib's graph and engine (the second engine queries are tested on)
========================  ==================================================================

:func:`answer` runs one query with the limits a user asks for: ``SERVICE`` refused unless
allowed (before any engine sees the query, so no request goes out), and a hard time limit
(:mod:`~pharmakg.store.limits`). Results are normalised (:mod:`~pharmakg.store.terms`), so
every store gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib import Graph
from rdflib.term import Node

from ..errors import InputError, StoreError
from ..model import GraphResult, QueryResult
from .limits import run_with_timeout
from .local import OxigraphStore
from .rdflibstore import RdflibStore
from .remote import SparqlStore
from .terms import to_oxigraph_term
from .text import parse_sparql, refuse_service

__all__ = [
    "ENGINES",
    "LoadableStore",
    "OxigraphStore",
    "RdflibStore",
    "SparqlStore",
    "Store",
    "answer",
    "connect",
    "open_store",
    "to_oxigraph_term",
    "with_triples",
    "without_triples",
]


@runtime_checkable
class Store(Protocol):
    """What every store answers: SELECT/ASK, CONSTRUCT/DESCRIBE, a count and a dump."""

    name: str
    location: str

    def __len__(self) -> int:
        """The number of triples."""

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Answer a SELECT or ASK query; ``bindings`` pre-bind variables by name."""

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> GraphResult:
        """Answer a CONSTRUCT or DESCRIBE query with its triples."""

    def dump(self) -> bytes:
        """Every triple of the default graph, as N-Triples."""


@runtime_checkable
class LoadableStore(Store, Protocol):
    """A store that can be loaded."""

    def load_rdf(self, data: bytes, media_type: str, base_iri: str | None = None) -> None:
        """Add the triples of ``data``; its blank nodes are new ones."""

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of an rdflib graph."""

    def remove_triples(self, triples: Collection[tuple[Node, Node, Node]]) -> None:
        """Remove these triples (those absent are ignored)."""

    def flush(self) -> None:
        """Make what was loaded durable."""


#: Engine name -> a factory of an empty in-memory store of that engine.
ENGINES: dict[str, Callable[[], LoadableStore]] = {
    "oxigraph": OxigraphStore.memory,
    "rdflib": RdflibStore,
}

SPARQL_PREFIX = "sparql:"


def open_store(engine: str, graph: Graph | None = None) -> LoadableStore:
    """A new in-memory store of ``engine`` holding ``graph``'s triples.

    :raises InputError: no such engine; the error lists them.
    """
    factory = ENGINES.get(engine)
    if factory is None:
        raise InputError(f"unknown engine {engine!r}", term=engine, choices=sorted(ENGINES))
    store = factory()
    if graph is not None:
        store.add_graph(graph)
    return store


def connect(location: str | Path, *, read_only: bool = True) -> LoadableStore:
    """The store at ``location``: ``memory``, ``rdflib``, a directory, or ``sparql:URL``.

    ``read_only`` opens a directory for reading (many processes at once); otherwise it is
    opened for loading and created if it does not exist.

    :raises StoreError: the directory is not a store (when reading), or cannot be opened.
    """
    text = str(location)
    if text in ENGINES or text == "memory":
        return open_store("oxigraph" if text == "memory" else text)
    if text.startswith(SPARQL_PREFIX):
        return SparqlStore(text.removeprefix(SPARQL_PREFIX))
    if "://" in text:
        raise StoreError(f"a server is named sparql:URL, not {text!r}", term=text)
    return OxigraphStore.open(text, read_only=read_only)


def memory_copy(store: Store) -> LoadableStore:
    """A new in-memory store holding ``store``'s triples: rdflib's stays rdflib, others pyoxigraph.

    Blank node labels and the original form of each literal are kept (see
    :meth:`OxigraphStore.from_dump`).
    """
    if isinstance(store, RdflibStore):
        copy = RdflibStore()
        copy.add_graph(store.graph)
        return copy
    return OxigraphStore.from_dump(store.dump())


def without_triples(store: Store, triples: Collection[tuple[Node, Node, Node]]) -> LoadableStore:
    """An in-memory copy of ``store`` without ``triples`` (``store`` is not changed)."""
    copy = memory_copy(store)
    copy.remove_triples(triples)
    return copy


def with_triples(store: Store, graph: Graph) -> LoadableStore:
    """An in-memory copy of ``store`` plus ``graph``'s triples (``store`` is not changed)."""
    copy = memory_copy(store)
    copy.add_graph(graph)
    return copy


def answer(
    store: Store,
    sparql: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    timeout: float | None = None,
    allow_service: bool = False,
) -> QueryResult | GraphResult:
    """Answer any query: rows for SELECT/ASK, triples for CONSTRUCT/DESCRIBE.

    :param timeout: seconds; the query runs in a child process killed at the limit.
    :param allow_service: let ``SERVICE`` make its outbound requests (refused by default).
    :raises ServiceRefusedError: the query uses ``SERVICE`` and it is not allowed.
    :raises QuerySyntaxError: the SPARQL 1.1 grammar refuses the query.
    :raises QueryTimeoutError: the query ran past ``timeout``.
    """
    # The form and the SERVICE check come from one real parse of the text.
    parsed = parse_sparql(sparql) if allow_service else refuse_service(sparql)
    form = parsed.form

    def run() -> QueryResult | GraphResult:
        if form in ("CONSTRUCT", "DESCRIBE"):
            return store.construct(sparql, bindings)
        return store.query(sparql, bindings)

    return run() if timeout is None else run_with_timeout(run, timeout)
