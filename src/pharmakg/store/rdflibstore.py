"""rdflib's in-memory graph and SPARQL engine: the second engine every query is tested on.

It is slow on joins (see engines.md) and stays for comparison and for libraries that need an
rdflib graph.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from ..errors import InputError
from ..model import GraphResult, QueryResult
from .terms import normalise

__all__ = ["RdflibStore"]


class RdflibStore:
    """An rdflib graph (its own, or one it is given and never changes) and rdflib's SPARQL."""

    name = "rdflib"
    location = "rdflib"

    def __init__(self, graph: Graph | None = None) -> None:
        self.graph = graph if graph is not None else Graph()

    def __len__(self) -> int:
        return len(self.graph)

    def _run(self, sparql: str, bindings: Mapping[str, Node] | None) -> Any:
        init: dict[str, Any] = dict(bindings or {})
        try:
            return self.graph.query(sparql, initBindings=init)
        except Exception as error:  # rdflib raises pyparsing and plain Exceptions
            raise InputError(f"SPARQL error (rdflib): {error}") from error

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Answer a SELECT or ASK query; ``bindings`` pre-bind variables by name."""
        result = self._run(sparql, bindings)
        if result.type == "ASK":
            return QueryResult(variables=(), boolean=bool(result.askAnswer))
        if result.type != "SELECT":
            raise InputError("a CONSTRUCT or DESCRIBE query answers triples: use construct()")
        variables = tuple(str(v) for v in (result.vars or []))
        rows = (tuple(row[v] for v in (result.vars or [])) for row in result)
        return QueryResult(variables=variables, rows=normalise(rows))

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> GraphResult:
        """Answer a CONSTRUCT or DESCRIBE query with its triples."""
        result = self._run(sparql, bindings)
        if result.type not in ("CONSTRUCT", "DESCRIBE"):
            raise InputError("a SELECT or ASK query answers rows: use query()")
        graph = result.graph if result.graph is not None else Graph()
        data: bytes = graph.serialize(format="nt", encoding="utf-8")
        return GraphResult(data)

    def dump(self) -> bytes:
        """Every triple, as N-Triples."""
        data: bytes = self.graph.serialize(format="nt", encoding="utf-8")
        return data

    def load_rdf(self, data: bytes, media_type: str, base_iri: str | None = None) -> None:
        """Add the triples of ``data`` (parsed by rdflib)."""
        names = {"text/turtle": "turtle", "application/n-triples": "nt"}
        try:
            self.graph.parse(data=data, format=names.get(media_type, media_type), publicID=base_iri)
        except Exception as error:  # rdflib raises many kinds
            raise InputError(f"rdflib cannot read the data: {error}") from error

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of ``graph``."""
        for triple in graph:
            self.graph.add(triple)

    def remove_triples(self, triples: Collection[tuple[Node, Node, Node]]) -> None:
        """Remove these triples (those absent are ignored)."""
        for triple in triples:
            self.graph.remove(triple)

    def flush(self) -> None:
        """Nothing to write: the graph lives in memory."""
