"""The groups on the paths shown: each group node's members, and whether the list is complete.

A group (a node with ``pkg:hasMember``, such as "cytokine induction") is a node of its own:
what the text says of the group is an edge of the group, never of a member. The members are
shown as the group's members, apart from the paths, so no path makes a member do what the group
does.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from rdflib import Literal, URIRef

from .. import resources
from .._load import LoadedGraph
from ..mechanism import PathNode, node_for
from ..vocab import compress
from .results import Group, MechanismPath

#: The members of one group (``sparql/group-members.rq``; ``?group`` is bound).
_GROUP_MEMBERS = "group-members"


def _exhaustive(values: set[str]) -> bool | None:
    """``pkg:membersExhaustive`` as a boolean; ``None`` when the data does not say (or clashes)."""
    if len(values) != 1:
        return None
    return {"true": True, "1": True, "false": False, "0": False}.get(next(iter(values)))


def _group_of(kg: LoadedGraph, graph: nx.MultiDiGraph[str], node: PathNode) -> Group | None:
    """``node`` as a :class:`Group` with its members, or ``None`` when it is not a group."""
    answer = kg.store.query(resources.internal_query(_GROUP_MEMBERS), {"group": URIRef(node.iri)})
    members: dict[str, PathNode] = {}
    flags: set[str] = set()
    for _, member, label, kind, identifier, exhaustive in answer.rows:
        if isinstance(exhaustive, Literal):
            flags.add(str(exhaustive).strip().lower())
        iri = str(member)
        if iri in members:
            continue
        members[iri] = (
            node_for(graph, iri)
            if iri in graph
            else PathNode(
                iri=iri,
                label=str(label) if label is not None else iri,
                category=None if kind is None else compress(str(kind)),
                identifier=None if identifier is None else str(identifier),
            )
        )
    if not members:
        return None
    ordered = sorted(members.values(), key=lambda m: (m.label.casefold(), m.iri))
    return Group(node=node, members=tuple(ordered), exhaustive=_exhaustive(flags))


def groups_on(
    kg: LoadedGraph, graph: nx.MultiDiGraph[str], paths: Iterable[MechanismPath]
) -> tuple[Group, ...]:
    """The groups among the nodes of ``paths``, by label, each asked of the store once."""
    nodes = {node.iri: node for path in paths for node in path.nodes}
    found = (_group_of(kg, graph, node) for node in nodes.values())
    return tuple(
        sorted(
            (group for group in found if group is not None),
            key=lambda g: (g.node.label.casefold(), g.node.iri),
        )
    )
