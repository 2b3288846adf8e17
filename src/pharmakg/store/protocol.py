"""What every store answers (:class:`Store`), and what a loadable one does too."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol, runtime_checkable

from rdflib import Graph
from rdflib.term import Node

from ..model import GraphResult, QueryResult

__all__ = ["LoadableStore", "Store"]


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
