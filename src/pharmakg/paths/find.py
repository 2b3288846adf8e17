""":func:`mechanism_paths`: a drug's mechanism, its indications through it, its curated routes.

The drug and the indication are resolved and checked against the mechanism graph; the drug's
mechanisms and approval statuses are asked of the store; the walk of the arms and the ranking
are :mod:`.ranking`'s, the curated records' routes :mod:`.curated`'s, the groups on the paths
:mod:`.groups`'.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection

import networkx as nx
from rdflib import URIRef

from .. import resources
from .._load import LoadedGraph
from .._query import resolve_entity, select
from ..errors import UnknownEntityError
from ..mechanism import (
    DEFAULT_BASES,
    DRUG_MECHANISMS,
    mechanism_graph,
    no_statements_error,
    node_for,
    with_bases,
)
from .curated import curated_routes
from .groups import groups_on
from .ranking import (
    DISEASE,
    DRUG,
    MAX_HOPS,
    arm_relations,
    hop_between,
    ranked,
    walkable,
    without_curated,
)
from .results import (
    EFFECTIVE_FOR,
    HAS_MECHANISM,
    CuratedRoute,
    Hop,
    IndicationPaths,
    MechanismPath,
    PathEdge,
    PathsResult,
)


def _statuses(kg: LoadedGraph, drug: str) -> dict[str, str]:
    result = select(kg, "indications", {"drug": URIRef(drug)})
    statuses: dict[str, str] = {}
    for values in result.rows:
        row = dict(zip(result.variables, values, strict=True))
        statuses[str(row["disease"])] = str(row["statusLabel"])
    return statuses


def _check_in(
    graph: nx.MultiDiGraph[str],
    whole: Callable[[], nx.MultiDiGraph[str]],
    iri: str,
    value: str,
    category: str,
) -> None:
    """Check that ``iri`` is a node of ``category`` in the mechanism graph.

    ``graph`` is the drug's part of it; when ``iri`` is not a node of ``category`` there, the
    ``whole`` graph says whether it is one elsewhere (a disease of another drug), or which are.
    """
    if iri in graph and graph.nodes[iri].get("category") == category:
        return
    everything = whole()
    if iri in everything and everything.nodes[iri].get("category") == category:
        return
    choices = sorted(
        str(d["label"]) for _, d in everything.nodes(data=True) if d.get("category") == category
    )
    raise UnknownEntityError(
        f"{value!r} is not a {category.removeprefix('pkg:').lower()} of the mechanism graph",
        term=value,
        choices=choices,
    )


def _through_mechanism(
    graph: nx.MultiDiGraph[str], drug: str, mechanism: str, disease: str
) -> MechanismPath:
    """Drug → has mechanism → the mechanism → makes the drug effective for → disease."""
    has = Hop(
        source=node_for(graph, drug),
        target=node_for(graph, mechanism),
        edges=(PathEdge(predicate=HAS_MECHANISM, label="has mechanism of action"),),
    )
    return MechanismPath((has, hop_between(graph, mechanism, disease)))


def _only_the_indication(
    graph: nx.MultiDiGraph[str],
    drug: str,
    target: str,
    reachable: list[tuple[str, str]],
    curated: list[CuratedRoute],
) -> tuple[list[tuple[str, str]], list[CuratedRoute]]:
    """The routes to ``target`` alone; an error listing the diseases when there is none."""
    chosen = [pair for pair in reachable if pair[0] == target]
    routes = [route for route in curated if route.disease.iri == target]
    if not chosen and not routes:
        label = graph.nodes[target]["label"]
        raise UnknownEntityError(
            f"{label!r} is not an indication of {graph.nodes[drug]['label']}"
            + (" (nor the disease of one of its curated records)" if curated else ""),
            term=str(label),
            choices=sorted(
                {str(graph.nodes[t]["label"]) for t, _ in reachable}
                | {r.disease.label for r in curated}
            ),
        )
    return chosen, routes


def mechanism_paths(
    kg: LoadedGraph,
    drug: str,
    indication: str | None = None,
    *,
    max_hops: int = MAX_HOPS,
    limit: int | None = None,
    bases: Collection[str] = DEFAULT_BASES,
) -> PathsResult:
    """The drug's mechanism, its indications through it, and its curated records' own paths.

    The records (DrugMechDB entries) come with ``curated`` among the ``bases``.

    The mechanism's paths are its arms: every path from the drug along the monograph's
    statements of the given ``bases`` that say their subject changes their object (the drug's
    action on its target, and everything else the text says the drug does: drug → target →
    group → effects, drug → process, drug → response → outcome …), to where such statements
    end (:mod:`.ranking`); they are ranked shortest first, then fewer uncited hops, then more
    citations. Parallel statements between the same two nodes make one hop. A group on the
    paths shown (a node with members, such as "cytokine induction") is listed with its members
    and whether they are all of them (:class:`Group`). Each indication is reached the way the
    text says, through the mechanism as a whole: drug → has mechanism → mechanism → makes
    effective for → disease.
    A curated record (a DrugMechDB entry) gives the paths along its own links from the drug to
    its disease, each link naming the record; records are never joined with the monograph.

    :param drug: the drug, by label (any case), CURIE or IRI.
    :param indication: a disease the drug's mechanism makes it effective for, or the disease
        of one of its curated records.
    :param limit: keep at most this many paths of the mechanism.
    :param bases: walk only statements of these bases (default: stated and interpreted).
    :raises UnknownEntityError: a name matches nothing; the error lists the closest names.
    :raises InvalidParameterError: an unknown basis (the error lists the bases), or bases that
        leave the drug without a statement while others would not (the error names those).
    """
    with_bases(nx.MultiDiGraph(), bases)  # an unknown basis is the first error, as before
    drug_iri = str(resolve_entity(kg, drug))
    full = mechanism_graph(kg, drug=drug_iri)
    if drug_iri not in full:  # no mechanism edge starts at it: the whole graph says what it is
        full = mechanism_graph(kg)
    graph = walkable(full, bases)
    whole = functools.cache(lambda: walkable(mechanism_graph(kg), bases))
    _check_in(graph, whole, drug_iri, drug, DRUG)
    error = no_statements_error(full, drug_iri, bases)
    if error is not None:
        raise error
    # The drug's mechanisms, asked of the store (not of the rdflib view, which a store of a
    # million triples would have to build first).
    answer = kg.store.query(resources.internal_query(DRUG_MECHANISMS), {"drug": URIRef(drug_iri)})
    mechanisms = sorted({str(row[0]) for row in answer.rows} & set(graph))
    reachable = sorted(
        (target, mechanism)
        for mechanism in mechanisms
        for target in graph.successors(mechanism)
        if graph.nodes[target].get("category") == DISEASE
        and EFFECTIVE_FOR in graph[mechanism][target]
    )
    curated = curated_routes(kg, graph, drug_iri, max_hops) if "curated" in bases else []
    if indication is not None:
        target_iri = str(resolve_entity(kg, indication))
        _check_in(graph, whole, target_iri, indication, DISEASE)
        named = graph if target_iri in graph else whole()  # the disease of another drug
        reachable, curated = _only_the_indication(named, drug_iri, target_iri, reachable, curated)
    statuses = _statuses(kg, drug_iri)
    routes = sorted(
        (
            IndicationPaths(
                indication=node_for(graph, target),
                status=statuses.get(target),
                paths=(_through_mechanism(graph, drug_iri, mechanism, target),),
            )
            for target, mechanism in reachable
        ),
        key=lambda g: (g.status or "~", g.indication.label.casefold()),
    )
    arms = ranked(without_curated(graph), drug_iri, arm_relations(kg), max_hops, limit)
    shown = [*arms, *(p for g in routes for p in g.paths), *(p for r in curated for p in r.paths)]
    return PathsResult(
        drug=node_for(graph, drug_iri),
        mechanism=node_for(graph, mechanisms[0]) if mechanisms else None,
        mechanism_paths=arms,
        indications=tuple(routes),
        curated=tuple(curated),
        groups=groups_on(kg, graph, shown),
    )
