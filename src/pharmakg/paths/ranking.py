"""Walking the mechanism graph and ranking its arms, best first.

An arm of the mechanism is a path from the drug along statements that say their subject changes
their object (the *arm relations*, which ``sparql/arm-relations.rq`` reads from the ontology's
own alignment of each relation to ``biolink:affects``), through the mechanism's inside
(targets, mediators, groups, processes, effects), to where such statements end. It may start
with the drug's action on a target or with any other statement about what the drug does. A
statement that only says where a target is found, or what is part of what, is never a step of
an arm; it is shown beside one when it links the same two nodes. Drugs, diseases and mechanisms
are the ends of the routes, never a step inside one. Parallel statements between two nodes make
one hop.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Sequence

import networkx as nx

from .. import resources
from .._load import LoadedGraph
from ..mechanism import node_for, with_bases
from ..vocab import compress
from .results import Hop, MechanismPath, PathEdge

#: The most hops a path of the mechanism may have (drug → target → mediator → process → effect
#: is 4; a little room is left for longer chains).
MAX_HOPS = 8
DRUG, DISEASE, MECHANISM = "pkg:Drug", "pkg:Disease", "pkg:MechanismOfAction"
#: The categories a route starts or ends at: every other node is inside the mechanism.
_ROUTE_ENDS = (DRUG, DISEASE, MECHANISM)

#: The relations an arm runs along (``sparql/arm-relations.rq``).
_ARM_RELATIONS = "arm-relations"


def arm_relations(kg: LoadedGraph) -> frozenset[str]:
    """The mechanism relations (CURIEs) whose statements are steps of an arm.

    Those the ontology aligns to ``biolink:affects`` (the subject changes the object); read
    from the loaded ontology, so a relation added to it is walked or not by its own mapping.
    """
    answer = kg.store.query(resources.internal_query(_ARM_RELATIONS))
    return frozenset(compress(str(row[0])) for row in answer.rows)


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


def _arm_view(
    graph: nx.MultiDiGraph[str], drug_iri: str, relations: Collection[str]
) -> nx.DiGraph[str]:
    """The steps arms may take: the arm relations' edges between the drug and inside nodes.

    The mechanism (and through it the diseases) is left out: the text ties the indications to
    the mechanism as a whole, so no arm runs from an effect to a disease.
    """
    view: nx.DiGraph[str] = nx.DiGraph()
    for source, target, key in graph.edges(keys=True):
        ends_inside = all(
            node == drug_iri or graph.nodes[node].get("category") not in _ROUTE_ENDS
            for node in (source, target)
        )
        if key in relations and ends_inside and target != drug_iri:
            view.add_edge(source, target)
    return view


def ranked(
    graph: nx.MultiDiGraph[str],
    drug_iri: str,
    relations: Collection[str],
    max_hops: int,
    limit: int | None,
) -> tuple[MechanismPath, ...]:
    """Every arm of the mechanism from the drug (along ``relations``), best first."""
    view = _arm_view(graph, drug_iri, relations)
    if drug_iri not in view:
        return ()
    ends = [n for n in view if n != drug_iri and view.out_degree(n) == 0]
    found = {tuple(nodes) for nodes in nx.all_simple_paths(view, drug_iri, ends, cutoff=max_hops)}
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
