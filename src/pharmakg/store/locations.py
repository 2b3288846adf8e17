"""Stores by location and engine, and the in-memory copies the stages make of one."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from ..errors import InputError, StoreError
from .local import OxigraphStore
from .protocol import LoadableStore, Store
from .rdflibstore import RdflibStore
from .remote import SparqlStore

__all__ = [
    "ENGINES",
    "SPARQL_PREFIX",
    "connect",
    "memory_copy",
    "open_store",
    "with_triples",
    "without_triples",
]


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

    The copy is loaded as ``load`` loads a file, so each literal keeps the form it was loaded
    in (an ``xsd:positiveInteger`` stays one in the copy's dump).
    """
    copy = open_store("rdflib" if isinstance(store, RdflibStore) else "oxigraph")
    copy.load_rdf(store.dump(), "application/n-triples")
    return copy


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
