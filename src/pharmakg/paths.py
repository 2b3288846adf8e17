"""Mechanism paths: "why does this drug treat that disease?".

The monograph ties each indication to the drug's mechanism *as a whole* ("Imiquimod's mechanism
makes it effective for: …"); it never says that one effect makes the drug effective for one
disease. So :func:`mechanism_paths` answers in two parts (:class:`PathsResult`):

* the mechanism as a whole: every path of the mechanism graph (:mod:`pharmakg.mechanism`) from
  the drug's action on its target to where the statements end (drug → target → cytokine
  induction → effects), ranked shortest first, then by how well each hop is cited;
* per indication, the one route the text states: drug → has mechanism → the mechanism → makes
  the drug effective for → the disease, with its citations and approval status.

* per record of a curated database (a DrugMechDB entry, when an import is loaded and
  ``curated`` is among the ``bases``): the record's own path from the drug to its disease, each
  link with its basis and the record it comes from (database, ``infores:`` id, entry ``_id``).
  A record is never joined with the monograph's statements (nor with another record) into one
  path: the sources stay apart.

No effect → indication pairing is ever presented. Every hop shows the basis of its statements
(stated, interpreted, curated …) and their qualifiers; by default only stated and interpreted
statements are walked (``bases``). When the bases leave the drug with no statement but others
would not (a drug only DrugMechDB describes, asked for its stated statements), the answer is an
error that names the bases that would match, never an empty result. Rendered as text, Markdown
or JSON through the format registry.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import URIRef

from . import resources
from ._load import LoadedGraph
from ._query import resolve_entity, select
from .errors import UnknownEntityError
from .formats import Format, Kind, find
from .mechanism import (
    DEFAULT_BASES,
    PathNode,
    mechanism_graph,
    no_statements_error,
    node_for,
    record_text,
    with_bases,
)
from .vocab import compress, shorten

__all__ = [
    "CuratedRoute",
    "Hop",
    "IndicationPaths",
    "MAX_HOPS",
    "MechanismPath",
    "PathEdge",
    "PathsResult",
    "mechanism_paths",
]


# ---------------------------------------------------------------- mechanism paths

#: The most hops a path of the mechanism may have (drug → target → mediator → process → effect
#: is 4; a little room is left for longer chains).
MAX_HOPS = 8
#: A drug's mechanisms (``sparql/drug-mechanisms.rq``; the drug is bound by the store).
_MECHANISMS = "drug-mechanisms"
_DRUG, _DISEASE, _MECHANISM = "pkg:Drug", "pkg:Disease", "pkg:MechanismOfAction"
_HAS_MECHANISM, _EFFECTIVE_FOR = "pkg:hasMechanism", "pkg:makesEffectiveFor"
#: Readable wording of the two hops that link the drug, through its mechanism, to an indication.
_READABLE = {
    _HAS_MECHANISM: "has mechanism",
    _EFFECTIVE_FOR: "makes the drug effective for",
}


@dataclass(frozen=True)
class PathEdge:
    """One statement along a hop: predicate (CURIE), label, citations, basis and qualifiers.

    The basis is ``"stated"``, ``"interpreted"``, ``"inferred"`` or ``"curated"``.
    """

    predicate: str
    label: str
    citations: tuple[int, ...] = ()
    basis: str = "stated"
    qualifiers: tuple[str, ...] = ()
    records: tuple[str, ...] = ()

    def to_text(self) -> str:
        """``label [1, 3]`` or ``label [uncited]``, then qualifiers and a basis other than stated.

        A curated database's statement names its records in place of citations:
        ``causes [DrugMechDB (infores:drugmechdb) entry DB00619_MESH_D015464_1] (curated)``.

        For example ``positively regulates [4] (site: treated lesions)``.
        """
        cited = ", ".join(str(n) for n in self.citations) or "uncited"
        if self.records:  # a curated database's statement: its records, not citation numbers
            cited = "; ".join(self.records)
        notes = [*self.qualifiers, *([self.basis] if self.basis != "stated" else [])]
        extra = f" ({'; '.join(notes)})" if notes else ""
        return f"{_READABLE.get(self.predicate, self.label)} [{cited}]{extra}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "predicate": self.predicate,
            "label": self.label,
            "citations": list(self.citations),
            "basis": self.basis,
            "qualifiers": list(self.qualifiers),
            "records": list(self.records),
        }


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
                    "source": shorten(h.source.iri),
                    "target": shorten(h.target.iri),
                    "citations": list(h.citations),
                    "statements": [e.to_dict() for e in h.edges],
                }
                for h in self.hops
            ],
        }


@dataclass(frozen=True)
class IndicationPaths:
    """The route from a drug to one of its indications: through its mechanism as a whole."""

    indication: PathNode
    status: str | None
    paths: tuple[MechanismPath, ...]


@dataclass(frozen=True)
class CuratedRoute:
    """One record of a curated database: its drug → disease path(s), apart from the monograph.

    :param record: the record in words, e.g. ``DrugMechDB (infores:drugmechdb) entry DB00619_…``.
    """

    record: str
    disease: PathNode
    paths: tuple[MechanismPath, ...]


def _text_block(title: str, paths: tuple[MechanismPath, ...]) -> list[str]:
    lines = [f"{title}: {len(paths)} path{'s' if len(paths) != 1 else ''}"]
    for number, path in enumerate(paths, 1):
        lines.append(
            f"  {number}. {len(path.hops)} hops, {path.uncited_hops} uncited, "
            f"{path.support} citations"
        )
        lines.append(f"     {path.nodes[0].to_text()}")
        for hop in path.hops:
            lines.append(f"       --{hop.to_text()}--> {hop.target.to_text()}")
    lines.append("")
    return lines


def _markdown_block(title: str, paths: tuple[MechanismPath, ...]) -> list[str]:
    lines = [f"## {title}", ""]
    for number, path in enumerate(paths, 1):
        lines += [
            f"**Path {number}**: {len(path.hops)} hops, {path.uncited_hops} uncited, "
            f"{path.support} citations",
            "",
            "| from | statement [citations] | to |",
            "|---|---|---|",
        ]
        lines += [
            f"| {_md(h.source.to_text())} | {_md(h.to_text())} | {_md(h.target.to_text())} |"
            for h in path.hops
        ]
        lines.append("")
    return lines


@dataclass(frozen=True)
class PathsResult:
    """A drug's mechanism as a whole, and the route to each indication through it."""

    drug: PathNode
    mechanism: PathNode | None
    mechanism_paths: tuple[MechanismPath, ...]
    indications: tuple[IndicationPaths, ...]
    curated: tuple[CuratedRoute, ...] = ()

    def _mechanism_title(self) -> str:
        name = self.mechanism.label if self.mechanism else "no mechanism"
        return f"{self.drug.label}: {name}, as a whole"

    def _titles(self) -> list[str]:
        return [
            f"{self.drug.label} → {g.indication.label}"
            + (f" ({g.status})" if g.status else "")
            + ", through the mechanism as a whole"
            for g in self.indications
        ]

    def _curated_titles(self) -> list[str]:
        return [
            f"{self.drug.label} → {route.disease.label}, curated: {route.record}"
            for route in self.curated
        ]

    def _blocks(self) -> list[tuple[str, tuple[MechanismPath, ...]]]:
        """(title, paths): the indications, the curated records, then the mechanism."""
        blocks = [
            (title, group.paths)
            for title, group in zip(self._titles(), self.indications, strict=True)
        ]
        blocks += [
            (title, route.paths)
            for title, route in zip(self._curated_titles(), self.curated, strict=True)
        ]
        if self.mechanism is not None or self.mechanism_paths or not self.curated:
            blocks.append((self._mechanism_title(), self.mechanism_paths))
        return blocks

    def to_text(self) -> str:
        """Plain text: the indications, the curated records, then the mechanism; a hop a line."""
        return "\n".join(line for t, p in self._blocks() for line in _text_block(t, p))

    def to_markdown(self) -> str:
        """Markdown: a heading and a table per path, in the order of :meth:`to_text`."""
        return "\n".join(line for t, p in self._blocks() for line in _markdown_block(t, p))

    def to_json(self) -> str:
        """JSON: the drug, its mechanism's paths, and per indication its route."""
        body = {
            "drug": self.drug.to_dict(),
            "mechanism": self.mechanism.to_dict() if self.mechanism else None,
            "mechanismPaths": [p.to_dict() for p in self.mechanism_paths],
            "indications": [
                {
                    "indication": g.indication.to_dict(),
                    "status": g.status,
                    "paths": [p.to_dict() for p in g.paths],
                }
                for g in self.indications
            ],
            "curated": [
                {
                    "record": route.record,
                    "disease": route.disease.to_dict(),
                    "paths": [p.to_dict() for p in route.paths],
                }
                for route in self.curated
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
                basis=str(data.get("basis", "stated")),
                qualifiers=tuple(data.get("qualifiers", ())),
                records=tuple(data.get("records", ())),
            )
            for data in graph.get_edge_data(source, target).values()
        ),
        key=lambda e: (not e.citations, -len(e.citations), e.predicate),
    )
    return Hop(source=node_for(graph, source), target=node_for(graph, target), edges=tuple(edges))


def _statuses(kg: LoadedGraph, drug: str) -> dict[str, str]:
    result = select(kg, "indications", {"drug": URIRef(drug)})
    statuses: dict[str, str] = {}
    for values in result.rows:
        row = dict(zip(result.variables, values, strict=True))
        statuses[str(row["disease"])] = str(row["statusLabel"])
    return statuses


def _walkable(full: nx.MultiDiGraph[str], bases: Collection[str]) -> nx.MultiDiGraph[str]:
    """``full`` with the edges of ``bases`` only; its drugs, diseases and mechanisms all stay."""
    graph = with_bases(full, bases)
    for node, data in full.nodes(data=True):
        if node not in graph and data.get("category") in (_DRUG, _DISEASE, _MECHANISM):
            graph.add_node(node, **data)
    return graph


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


def _through_mechanism(
    graph: nx.MultiDiGraph[str], drug: str, mechanism: str, disease: str
) -> MechanismPath:
    """Drug → has mechanism → the mechanism → makes the drug effective for → disease."""
    has = Hop(
        source=node_for(graph, drug),
        target=node_for(graph, mechanism),
        edges=(PathEdge(predicate=_HAS_MECHANISM, label="has mechanism of action"),),
    )
    return MechanismPath((has, _hop(graph, mechanism, disease)))


#: The links of each curated record of a drug (``sparql/curated-links.rq``; ``?drug`` is bound).
_CURATED_LINKS = "curated-links"


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


def _curated_routes(
    kg: LoadedGraph, graph: nx.MultiDiGraph[str], drug: str, max_hops: int
) -> list[CuratedRoute]:
    """Each curated record of ``drug``: its paths from the drug to its disease, on its links."""
    records: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {}
    answer = kg.store.query(resources.internal_query(_CURATED_LINKS), {"drug": URIRef(drug)})
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
        routes.append(CuratedRoute(text, node_for(graph, disease), tuple(_best_first(own, found))))
    return sorted(routes, key=lambda r: (r.disease.label.casefold(), r.record))


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


def _without_curated(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """``graph`` without the curated records' edges: the monograph's statements alone."""
    kept: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        if d.get("basis") != "curated":
            kept.add_edge(u, v, key=k, **d)
    return kept


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

    The mechanism's paths run drug → target → mediators → cells or processes → effects, along
    the monograph's mechanism statements of the given ``bases``, from the drug's action on a
    molecular target (:data:`TARGET_ACTIONS`) to where the statements end; they are ranked
    shortest first, then fewer uncited hops, then more citations. Parallel statements between
    the same two nodes make one hop. Each indication is reached the way the text says, through
    the mechanism as a whole: drug → has mechanism → mechanism → makes effective for → disease.
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
    graph = _walkable(full, bases)
    whole = functools.cache(lambda: _walkable(mechanism_graph(kg), bases))
    _check_in(graph, whole, drug_iri, drug, _DRUG)
    error = no_statements_error(full, drug_iri, bases)
    if error is not None:
        raise error
    # The drug's mechanisms, asked of the store (not of the rdflib view, which a store of a
    # million triples would have to build first).
    answer = kg.store.query(resources.internal_query(_MECHANISMS), {"drug": URIRef(drug_iri)})
    mechanisms = sorted({str(row[0]) for row in answer.rows} & set(graph))
    reachable = sorted(
        (target, mechanism)
        for mechanism in mechanisms
        for target in graph.successors(mechanism)
        if graph.nodes[target].get("category") == _DISEASE
        and _EFFECTIVE_FOR in graph[mechanism][target]
    )
    curated = _curated_routes(kg, graph, drug_iri, max_hops) if "curated" in bases else []
    if indication is not None:
        target_iri = str(resolve_entity(kg, indication))
        _check_in(graph, whole, target_iri, indication, _DISEASE)
        named = graph if target_iri in graph else whole()  # the disease of another drug
        reachable, curated = _only_the_indication(named, drug_iri, target_iri, reachable, curated)
    statuses = _statuses(kg, drug_iri)
    groups = sorted(
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
    return PathsResult(
        drug=node_for(graph, drug_iri),
        mechanism=node_for(graph, mechanisms[0]) if mechanisms else None,
        mechanism_paths=_ranked(_without_curated(graph), drug_iri, max_hops, limit),
        indications=tuple(groups),
        curated=tuple(curated),
    )


def _ranked(
    graph: nx.MultiDiGraph[str], drug_iri: str, max_hops: int, limit: int | None
) -> tuple[MechanismPath, ...]:
    """The mechanism's paths from the drug's action on a target, best first."""
    inside = [
        node
        for node, data in graph.nodes(data=True)
        if node == drug_iri or data.get("category") not in (_DRUG, _DISEASE, _MECHANISM)
    ]
    view: nx.DiGraph[str] = nx.DiGraph(graph.subgraph(inside))
    ends = [n for n in view if n != drug_iri and view.out_degree(n) == 0]
    found = {
        tuple(nodes)
        for nodes in nx.all_simple_paths(view, drug_iri, ends, cutoff=max_hops)
        if _starts_at_a_target(graph, nodes)
    }
    ranked = _best_first(graph, found)
    return tuple(ranked[:limit] if limit is not None else ranked)


def _best_first(
    graph: nx.MultiDiGraph[str], node_paths: Iterable[Sequence[str]]
) -> list[MechanismPath]:
    """The paths along ``node_paths`` (node lists of ``graph``), ranked best first."""
    return sorted(
        (
            MechanismPath(tuple(_hop(graph, a, b) for a, b in itertools.pairwise(p)))
            for p in node_paths
        ),
        key=MechanismPath.rank_key,
    )
