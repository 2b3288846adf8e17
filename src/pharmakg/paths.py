"""The mechanism graph: the monograph's mechanism statements as a networkx MultiDiGraph.

Nodes are entity IRIs (strings) with attributes ``label``, ``category`` (the pharmakg class
as a CURIE, e.g. ``pkg:Cytokine``) and ``identifier`` (the entity's standard CURIE, or
``None``). Edges are keyed by the predicate CURIE and carry ``predicate``, ``predicate_label``
and ``citations`` (a tuple of citation numbers, ascending; empty when the monograph prints
none).

The edges come from the named query ``mechanism-edges`` (every triple whose predicate is a
sub-property of ``pkg:mechanismRelation``), so the graph, the SPARQL answers and the
pictures all show the same statements.
"""

from __future__ import annotations

import networkx as nx
from rdflib.term import Node

from .load import LoadedGraph
from .query import run_query
from .vocab import compress

__all__ = ["mechanism_graph"]


def _curie(term: Node | None) -> str | None:
    return None if term is None else compress(str(term))


def _citations(term: Node | None) -> tuple[int, ...]:
    text = "" if term is None else str(term)
    return tuple(sorted(int(part) for part in text.split(",") if part.strip()))


def mechanism_graph(kg: LoadedGraph, *, engine: str = "oxigraph") -> nx.MultiDiGraph[str]:
    """Build the mechanism MultiDiGraph of every drug in ``kg`` (``kg`` is not changed)."""
    result = run_query(kg, "mechanism-edges", engine=engine)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for values in result.rows:
        row = dict(zip(result.variables, values, strict=True))
        for end in ("subject", "object"):
            node = str(row[end])
            if node not in graph:
                graph.add_node(
                    node,
                    label=str(row[f"{end}Label"] or node),
                    category=_curie(row[f"{end}Type"]),
                    identifier=None if row[f"{end}Id"] is None else str(row[f"{end}Id"]),
                )
        predicate = _curie(row["predicate"])
        graph.add_edge(
            str(row["subject"]),
            str(row["object"]),
            key=predicate,
            predicate=predicate,
            predicate_label=str(row["predicateLabel"] or predicate),
            citations=_citations(row["citations"]),
        )
    return graph
