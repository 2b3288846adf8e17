"""The curated records' routes: each record's own paths from the drug to its disease.

A record of a curated database (a DrugMechDB entry) is walked on its own links alone, each link
naming the record; it is never joined with the monograph's statements, nor with another record.
"""

from __future__ import annotations

import networkx as nx
from rdflib import URIRef

from .. import resources
from .._load import LoadedGraph
from ..mechanism import CURATED_LINKS, node_for, record_text
from ..vocab import compress
from .ranking import best_first
from .results import CuratedRoute


def _record_graph(
    graph: nx.MultiDiGraph[str], links: list[tuple[str, str, str]], record: str
) -> nx.MultiDiGraph[str]:
    """The record's own links, as edges of ``graph`` that name this record only."""
    own: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for subject, predicate, obj in links:
        if graph.has_edge(subject, obj, key=predicate):
            data = dict(graph[subject][obj][predicate], records=(record,))
            own.add_edge(subject, obj, key=predicate, **data)
    for node in own:
        own.nodes[node].update(graph.nodes[node])
    return own


def curated_routes(
    kg: LoadedGraph, graph: nx.MultiDiGraph[str], drug: str, max_hops: int
) -> list[CuratedRoute]:
    """Each curated record of ``drug``: its paths from the drug to its disease, on its links."""
    records: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {}
    answer = kg.store.query(resources.internal_query(CURATED_LINKS), {"drug": URIRef(drug)})
    for path, record, end, database, source, subject, predicate, obj, _ in answer.rows:
        text = record_text(database, source, record)
        entry = records.setdefault(str(path), (text, str(end), []))
        entry[2].append((str(subject), compress(str(predicate)), str(obj)))
    routes = []
    for text, disease, links in records.values():
        own = _record_graph(graph, links, text)
        found = (
            nx.all_simple_paths(own, drug, disease, cutoff=max_hops)
            if drug in own and disease in own
            else []
        )
        routes.append(CuratedRoute(text, node_for(graph, disease), tuple(best_first(own, found))))
    return sorted(routes, key=lambda r: (r.disease.label.casefold(), r.record))
