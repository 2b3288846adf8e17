"""Terms between rdflib and pyoxigraph, and the normal form every store answers in.

Results are normalised so that every store answers the same
:class:`~pharmakg.model.QueryResult`:

* ``xsd:string`` literals come back as plain literals (RDF 1.1 makes them the same);
* blank nodes are relabelled ``b0``, ``b1``, … in order of first appearance;
* row order is the engine's (queries that need an order say ``ORDER BY``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..model import QueryResult

__all__ = ["from_oxigraph_term", "normalise", "solutions_result", "to_oxigraph_term"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_oxigraph_term(term: Node) -> OxTerm:
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


def from_oxigraph_term(term: object) -> Node | None:
    """The rdflib term for a pyoxigraph term (``None`` stays ``None``: an unbound value)."""
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


def normalise(rows: Iterable[tuple[Node | None, ...]]) -> tuple[tuple[Node | None, ...], ...]:
    """Rows with blank nodes relabelled in order and ``xsd:string`` literals made plain."""
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


def solutions_result(result: ox.QuerySolutions | ox.QueryBoolean) -> QueryResult:
    """A :class:`QueryResult` from pyoxigraph's SELECT solutions or ASK boolean."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(variables=(), boolean=bool(result))
    variables = tuple(v.value for v in result.variables)
    cache: dict[object, Node | None] = {}  # a result repeats its terms: convert each once

    def convert(term: object) -> Node | None:
        if term is None:
            return None
        found = cache.get(term)
        if found is None:
            found = cache[term] = from_oxigraph_term(term)
        return found

    rows = (tuple(convert(sol[v]) for v in variables) for sol in result)
    return QueryResult(variables=variables, rows=normalise(rows))
