"""Walking the mechanism graph and ranking its paths, best first.

The mechanism's paths start with the drug's action on a molecular target
(:data:`TARGET_ACTIONS`) and run through the mechanism's inside (targets, mediators, cells,
processes, effects) to where the statements end; drugs, diseases and mechanisms are the ends of
the routes, never a step inside one. Parallel statements between two nodes make one hop.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Sequence

import networkx as nx

from ..mechanism import node_for, with_bases
from .results import Hop, MechanismPath, PathEdge

#: The most hops a path of the mechanism may have (drug → target → mediator → process → effect
#: is 4; a little room is left for longer chains).
MAX_HOPS = 8
DRUG, DISEASE, MECHANISM = "pkg:Drug", "pkg:Disease", "pkg:MechanismOfAction"
#: The categories a route starts or ends at: every other node is inside the mechanism.
_ROUTE_ENDS = (DRUG, DISEASE, MECHANISM)

#: The drug's actions on a molecular target: a mechanism path starts with one of them.
TARGET_ACTIONS = frozenset(
    {"pkg:actsOn", "pkg:activates", "pkg:agonistOf", "pkg:inhibits", "pkg:antagonistOf"}
)


def walkable(full: nx.MultiDiGraph[str], bases: Collection[str]) -> nx.MultiDiGraph[str]:
    """``full`` with the edges of ``bases`` only; its drugs, diseases and mechanisms all stay."""
    graph = with_bases(full, bases)
    for node, data in full.nodes(data=True):
        if node not in graph and data.get("category") in _ROUTE_ENDS:
            graph.add_node(node, **data)
    return graph


def without_curated(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """``graph`` without the curated records' edges: the monograph's statements alone."""
    kept: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        if d.get("basis") != "curated":
            kept.add_edge(u, v, key=k, **d)
    return kept


def hop_between(graph: nx.MultiDiGraph[str], source: str, target: str) -> Hop:
    """The hop from ``source`` to ``target``: its statements, the best cited first."""
    edges = sorted(
        (
            PathEdge(
                predicate=str(data["predicate"]),
                label=str(data["predicate_label"]),
                citations=tuple(data["citations"]),
                basis=str(data.get("basis", "stated")),
                qualifiers=tuple(data.get("qualifiers", ())),
                records=tuple(data.get("records", ())),
            )
            for data in graph.get_edge_data(source, target).values()
        ),
        key=lambda e: (not e.citations, -len(e.citations), e.predicate),
    )
    return Hop(source=node_for(graph, source), target=node_for(graph, target), edges=tuple(edges))


def _starts_at_a_target(graph: nx.MultiDiGraph[str], nodes: list[str]) -> bool:
    """Whether the path's first hop is the drug acting on a molecular target.

    Without this, the shortest "paths" skip the mechanism altogether (drug → has therapeutic
    effect → effect → mechanism → disease) and say nothing about how the drug works.
    """
    return len(nodes) > 1 and bool(TARGET_ACTIONS & set(graph[nodes[0]][nodes[1]]))


def ranked(
    graph: nx.MultiDiGraph[str], drug_iri: str, max_hops: int, limit: int | None
) -> tuple[MechanismPath, ...]:
    """The mechanism's paths from the drug's action on a target, best first."""
    inside = [
        node
        for node, data in graph.nodes(data=True)
        if node == drug_iri or data.get("category") not in _ROUTE_ENDS
    ]
    view: nx.DiGraph[str] = nx.DiGraph(graph.subgraph(inside))
    ends = [n for n in view if n != drug_iri and view.out_degree(n) == 0]
    found = {
        tuple(nodes)
        for nodes in nx.all_simple_paths(view, drug_iri, ends, cutoff=max_hops)
        if _starts_at_a_target(graph, nodes)
    }
    best = best_first(graph, found)
    return tuple(best[:limit] if limit is not None else best)


def best_first(
    graph: nx.MultiDiGraph[str], node_paths: Iterable[Sequence[str]]
) -> list[MechanismPath]:
    """The paths along ``node_paths`` (node lists of ``graph``), ranked best first."""
    return sorted(
        (
            MechanismPath(tuple(hop_between(graph, a, b) for a, b in itertools.pairwise(p)))
            for p in node_paths
        ),
        key=MechanismPath.rank_key,
    )
