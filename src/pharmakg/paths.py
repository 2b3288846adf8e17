"""Mechanism paths: "why does this drug treat that disease?".

:func:`mechanism_paths` walks the mechanism graph (:mod:`pharmakg.mechanism`) from a drug
to its indications: every path drug → target → mediators → cells or processes → effects →
mechanism → indication, ranked shortest first, then by how well each hop is cited
(:class:`PathsResult`, rendered as text, Markdown or JSON through the format registry).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import URIRef

from .errors import UnknownEntityError
from .formats import Format, Kind, find
from .load import LoadedGraph
from .mechanism import PathNode, mechanism_graph, node_for
from .query import resolve_entity, run_query
from .vocab import PKG_URI, compress

__all__ = [
    "Hop",
    "IndicationPaths",
    "MAX_HOPS",
    "MechanismPath",
    "PathEdge",
    "PathsResult",
    "mechanism_paths",
]

PKG_HAS_MECHANISM = URIRef(PKG_URI + "hasMechanism")


# ---------------------------------------------------------------- mechanism paths

#: The most hops a path may have (drug → target → mediator → process → effect → mechanism →
#: disease is 6; a little room is left for longer chains).
MAX_HOPS = 8
_DRUG, _DISEASE, _MECHANISM = "pkg:Drug", "pkg:Disease", "pkg:MechanismOfAction"
#: Readable wording of the last two hops, which link an effect to the drug's indication.
_READABLE = {
    "pkg:partOfMechanism": "is part of",
    "pkg:makesEffectiveFor": "makes the drug effective for",
}


@dataclass(frozen=True)
class PathEdge:
    """One statement along a hop: the predicate (CURIE), its label and the citation numbers."""

    predicate: str
    label: str
    citations: tuple[int, ...] = ()

    def to_text(self) -> str:
        """``label [1, 3]`` or ``label [uncited]``."""
        cited = ", ".join(str(n) for n in self.citations) or "uncited"
        return f"{_READABLE.get(self.predicate, self.label)} [{cited}]"


@dataclass(frozen=True)
class Hop:
    """A step from ``source`` to ``target``: every statement that links the two."""

    source: PathNode
    target: PathNode
    edges: tuple[PathEdge, ...]

    @property
    def citations(self) -> tuple[int, ...]:
        """Every citation number of the hop's statements, ascending."""
        return tuple(sorted({n for e in self.edges for n in e.citations}))

    @property
    def cited(self) -> bool:
        """Whether any statement of the hop cites a reference."""
        return bool(self.citations)

    def to_text(self) -> str:
        """The statements, joined by ``; ``."""
        return "; ".join(e.to_text() for e in self.edges)


@dataclass(frozen=True)
class MechanismPath:
    """One path from a drug to an indication, hop by hop."""

    hops: tuple[Hop, ...]

    @property
    def nodes(self) -> tuple[PathNode, ...]:
        """The nodes, drug first, indication last."""
        return (self.hops[0].source, *(h.target for h in self.hops))

    @property
    def uncited_hops(self) -> int:
        """How many hops no statement cites."""
        return sum(1 for h in self.hops if not h.cited)

    @property
    def support(self) -> int:
        """The total number of citations over the hops (a citation counts once per hop)."""
        return sum(len(h.citations) for h in self.hops)

    def rank_key(self) -> tuple[int, int, int, tuple[str, ...]]:
        """Shortest first; then fewer uncited hops; then more citations; then by labels."""
        return (
            len(self.hops),
            self.uncited_hops,
            -self.support,
            tuple(n.label.casefold() for n in self.nodes),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "length": len(self.hops),
            "uncitedHops": self.uncited_hops,
            "citations": self.support,
            "nodes": [n.to_dict() for n in self.nodes],
            "hops": [
                {
                    "source": compress(h.source.iri),
                    "target": compress(h.target.iri),
                    "citations": list(h.citations),
                    "statements": [
                        {"predicate": e.predicate, "label": e.label, "citations": list(e.citations)}
                        for e in h.edges
                    ],
                }
                for h in self.hops
            ],
        }


@dataclass(frozen=True)
class IndicationPaths:
    """The ranked paths from a drug to one of its indications."""

    indication: PathNode
    status: str | None
    paths: tuple[MechanismPath, ...]


@dataclass(frozen=True)
class PathsResult:
    """The mechanism paths of a drug, per indication, ranked best first."""

    drug: PathNode
    indications: tuple[IndicationPaths, ...]

    def to_text(self) -> str:
        """Plain text: one block per path, one line per hop."""
        lines: list[str] = []
        for group in self.indications:
            status = f" ({group.status})" if group.status else ""
            lines.append(
                f"{self.drug.label} → {group.indication.label}{status}: "
                f"{len(group.paths)} path{'s' if len(group.paths) != 1 else ''}"
            )
            for number, path in enumerate(group.paths, 1):
                lines.append(
                    f"  {number}. {len(path.hops)} hops, {path.uncited_hops} uncited, "
                    f"{path.support} citations"
                )
                lines.append(f"     {path.nodes[0].to_text()}")
                for hop in path.hops:
                    lines.append(f"       --{hop.to_text()}--> {hop.target.to_text()}")
            lines.append("")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Markdown: a heading per indication and a table per path."""
        lines: list[str] = []
        for group in self.indications:
            status = f" ({group.status})" if group.status else ""
            lines += [f"## {self.drug.label} → {group.indication.label}{status}", ""]
            for number, path in enumerate(group.paths, 1):
                lines += [
                    f"**Path {number}**: {len(path.hops)} hops, {path.uncited_hops} uncited, "
                    f"{path.support} citations",
                    "",
                    "| from | statement [citations] | to |",
                    "|---|---|---|",
                ]
                lines += [
                    f"| {_md(h.source.to_text())} | {_md(h.to_text())} "
                    f"| {_md(h.target.to_text())} |"
                    for h in path.hops
                ]
                lines.append("")
        return "\n".join(lines)

    def to_json(self) -> str:
        """JSON: the drug, and per indication its ranked paths."""
        body = {
            "drug": self.drug.to_dict(),
            "indications": [
                {
                    "indication": g.indication.to_dict(),
                    "status": g.status,
                    "paths": [p.to_dict() for p in g.paths],
                }
                for g in self.indications
            ],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def render(self, fmt: Format | str) -> bytes:
        """The paths as a :attr:`Kind.PATHS` format: ``text``, ``markdown`` or ``json``."""
        writers = {"text": self.to_text, "markdown": self.to_markdown, "json": self.to_json}
        return writers[find(Kind.PATHS, fmt).name]().encode("utf-8")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _hop(graph: nx.MultiDiGraph[str], source: str, target: str) -> Hop:
    edges = sorted(
        (
            PathEdge(
                predicate=str(data["predicate"]),
                label=str(data["predicate_label"]),
                citations=tuple(data["citations"]),
            )
            for data in graph.get_edge_data(source, target).values()
        ),
        key=lambda e: (not e.citations, -len(e.citations), e.predicate),
    )
    return Hop(source=node_for(graph, source), target=node_for(graph, target), edges=tuple(edges))


def _statuses(kg: LoadedGraph, drug: str, engine: str) -> dict[str, str]:
    result = run_query(kg, "indications", {"drug": URIRef(drug)}, engine=engine)
    statuses: dict[str, str] = {}
    for values in result.rows:
        row = dict(zip(result.variables, values, strict=True))
        statuses[str(row["disease"])] = str(row["statusLabel"])
    return statuses


def _resolve_in(
    kg: LoadedGraph, graph: nx.MultiDiGraph[str], value: str, category: str, engine: str
) -> str:
    """Resolve ``value`` and check that it is a node of ``category`` in the mechanism graph."""
    iri = str(resolve_entity(kg, value, engine=engine))
    if iri not in graph or graph.nodes[iri].get("category") != category:
        choices = sorted(
            str(d["label"]) for _, d in graph.nodes(data=True) if d.get("category") == category
        )
        raise UnknownEntityError(
            f"{value!r} is not a {category.removeprefix('pkg:').lower()} of the mechanism graph",
            term=value,
            choices=choices,
        )
    return iri


#: The drug's actions on a molecular target: a mechanism path starts with one of them.
TARGET_ACTIONS = frozenset(
    {"pkg:actsOn", "pkg:activates", "pkg:agonistOf", "pkg:inhibits", "pkg:antagonistOf"}
)


def _starts_at_a_target(graph: nx.MultiDiGraph[str], nodes: list[str]) -> bool:
    """Whether the path's first hop is the drug acting on a molecular target.

    Without this, the shortest "paths" skip the mechanism altogether (drug → has therapeutic
    effect → effect → mechanism → disease) and say nothing about how the drug works.
    """
    return len(nodes) > 1 and bool(TARGET_ACTIONS & set(graph[nodes[0]][nodes[1]]))


def mechanism_paths(
    kg: LoadedGraph,
    drug: str,
    indication: str | None = None,
    *,
    max_hops: int = MAX_HOPS,
    limit: int | None = None,
    engine: str = "oxigraph",
) -> PathsResult:
    """The mechanism paths from ``drug`` to ``indication`` (default: to each of its indications).

    A path runs drug → target → mediators → cells or processes → effects → the drug's mechanism
    of action → the disease, along the monograph's mechanism statements; it starts with the
    drug's action on a molecular target (:data:`TARGET_ACTIONS`). Paths are ranked:
    shortest first, then fewer uncited hops, then more citations. Parallel statements between
    the same two nodes make one hop.

    :param drug: the drug, by label (any case), CURIE or IRI.
    :param indication: a disease the drug's mechanism makes it effective for.
    :param limit: keep at most this many paths per indication.
    :raises UnknownEntityError: a name matches nothing; the error lists the closest names.
    """
    graph = mechanism_graph(kg, engine=engine)
    drug_iri = _resolve_in(kg, graph, drug, _DRUG, engine)
    mechanisms = {str(m) for m in kg.graph.objects(URIRef(drug_iri), PKG_HAS_MECHANISM)}
    keep = [
        node
        for node, data in graph.nodes(data=True)
        if node == drug_iri
        or (data.get("category") not in (_DRUG, _MECHANISM) or node in mechanisms)
    ]
    view: nx.DiGraph[str] = nx.DiGraph(graph.subgraph(keep))
    reachable = sorted(
        target
        for mechanism in mechanisms
        if mechanism in view
        for target in view.successors(mechanism)
        if graph.nodes[target].get("category") == _DISEASE
    )
    if indication is not None:
        target_iri = _resolve_in(kg, graph, indication, _DISEASE, engine)
        if target_iri not in reachable:
            raise UnknownEntityError(
                f"{indication!r} is not an indication of {graph.nodes[drug_iri]['label']}",
                term=indication,
                choices=sorted(str(graph.nodes[t]["label"]) for t in reachable),
            )
        reachable = [target_iri]
    statuses = _statuses(kg, drug_iri, engine)
    groups = []
    for target in reachable:
        others = [t for t in reachable if t != target]
        allowed = view.subgraph([n for n in view if n not in others])
        found = {
            tuple(nodes)
            for nodes in nx.all_simple_paths(allowed, drug_iri, target, cutoff=max_hops)
            if _starts_at_a_target(graph, nodes)
        }
        paths = sorted(
            (
                MechanismPath(tuple(_hop(graph, a, b) for a, b in itertools.pairwise(p)))
                for p in found
            ),
            key=MechanismPath.rank_key,
        )
        groups.append(
            IndicationPaths(
                indication=node_for(graph, target),
                status=statuses.get(target),
                paths=tuple(paths[:limit] if limit is not None else paths),
            )
        )
    groups.sort(key=lambda g: (g.status or "~", g.indication.label.casefold()))
    return PathsResult(drug=node_for(graph, drug_iri), indications=tuple(groups))
