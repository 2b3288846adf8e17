"""One small store interface, and its two in-process engines.

Stages talk to a :class:`Store`; they never call rdflib's or pyoxigraph's query
API themselves, so a remote SPARQL endpoint can be added later as one more
class in :data:`ENGINES`. Results are normalised so that both engines answer
the same :class:`~pharmakg.model.QueryResult`:

* ``xsd:string`` literals come back as plain literals (RDF 1.1 makes them the same);
* blank nodes are relabelled ``b0``, ``b1``, … in order of first appearance;
* row order is the engine's (queries that need an order say ``ORDER BY``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import InputError
from .model import QueryResult

__all__ = ["ENGINES", "OxigraphStore", "RdflibStore", "Store", "open_store", "to_oxigraph_term"]

Triple = tuple[Node, Node, Node]


@runtime_checkable
class Store(Protocol):
    """What every engine offers: add triples, count them, answer SELECT/ASK queries."""

    name: str

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of ``graph``."""

    def __len__(self) -> int:
        """The number of triples."""

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Answer a SELECT or ASK query; ``bindings`` pre-bind variables by name."""


def _normalise(rows: Iterable[tuple[Node | None, ...]]) -> tuple[tuple[Node | None, ...], ...]:
    labels: dict[str, BNode] = {}
    out = []
    for row in rows:
        new: list[Node | None] = []
        for term in row:
            if isinstance(term, BNode):
                term = labels.setdefault(str(term), BNode(f"b{len(labels)}"))
            elif isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
                term = Literal(str(term))
            new.append(term)
        out.append(tuple(new))
    return tuple(out)


class RdflibStore:
    """rdflib's in-memory graph and SPARQL engine (slow on joins; see engines.md)."""

    name = "rdflib"

    def __init__(self) -> None:
        self.graph = Graph()

    def add_graph(self, graph: Graph) -> None:  # noqa: D102
        for triple in graph:
            self.graph.add(triple)

    def __len__(self) -> int:
        return len(self.graph)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:  # noqa: D102
        init: dict[str, Any] = {k: v for k, v in (bindings or {}).items()}
        try:
            result = self.graph.query(sparql, initBindings=init)
        except Exception as error:  # rdflib raises pyparsing and plain Exceptions
            raise InputError(f"SPARQL error (rdflib): {error}") from error
        if result.type == "ASK":
            return QueryResult(variables=(), boolean=bool(result.askAnswer))
        if result.type != "SELECT":
            raise InputError(f"only SELECT and ASK queries are supported, not {result.type}")
        variables = tuple(str(v) for v in (result.vars or []))
        rows = (tuple(row[v] for v in (result.vars or [])) for row in result)  # type: ignore[index,call-overload]
        return QueryResult(variables=variables, rows=_normalise(rows))


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term (IRI, blank node or literal)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term from pyoxigraph: {term!r}")


class OxigraphStore:
    """pyoxigraph's in-memory store: the default engine (fast; see engines.md)."""

    name = "oxigraph"

    def __init__(self) -> None:
        self.store = ox.Store()

    def add_graph(self, graph: Graph) -> None:  # noqa: D102
        data = graph.serialize(format="nt", encoding="utf-8")
        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:  # noqa: D102
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): to_oxigraph_term(v) for k, v in (bindings or {}).items()
        }
        try:
            result = self.store.query(sparql, substitutions=subs)
        except SyntaxError as error:
            raise InputError(f"SPARQL syntax error (oxigraph): {error}") from error
        except RuntimeError as error:  # e.g. a substituted variable missing from SELECT
            hint = " (a parameter must appear in the SELECT clause)" if subs else ""
            raise InputError(f"SPARQL error (oxigraph): {error}{hint}") from error
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(variables=(), boolean=bool(result))
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("only SELECT and ASK queries are supported, not CONSTRUCT/DESCRIBE")
        variables = tuple(v.value for v in result.variables)
        rows = (tuple(_from_ox(sol[v]) for v in variables) for sol in result)
        return QueryResult(variables=variables, rows=_normalise(rows))


#: Engine name -> store class.
ENGINES: dict[str, type[RdflibStore] | type[OxigraphStore]] = {
    "oxigraph": OxigraphStore,
    "rdflib": RdflibStore,
}


def open_store(engine: str, graph: Graph | None = None) -> Store:
    """Create an empty store of ``engine`` and add ``graph`` to it."""
    cls = ENGINES.get(engine)
    if cls is None:
        raise InputError(f"unknown engine {engine!r}", term=engine, choices=sorted(ENGINES))
    store: Store = cls()
    if graph is not None:
        store.add_graph(graph)
    return store
