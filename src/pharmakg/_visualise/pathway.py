"""The pathway: a drug's part of the mechanism graph, by stage, with its evidence.

One :class:`Pathway` is built from the shared mechanism graph
(:func:`pharmakg.mechanism.mechanism_graph`): the drug, its mechanisms and what the edges of
the chosen bases say is part of them, and everything downstream of these through those edges
(:func:`build_pathway`), plus the monograph's negative statements (named query
``negatives``) as negated nodes, the approval status of each indication (``indications``), the
reference titles (``references``), the quoted words behind each edge (``statements``) and the
cross-references (``identifiers``).

Every edge has a basis (:data:`BASES`): stated by the monograph, a curator's interpretation
(with its reason), inferred by the reasoner, or imported from a curated database. The pictures
draw each basis in its own line style (:data:`~.styles.BASIS_STYLES`) and say so in their legend.
The mechanism graph's edges carry it as ``basis`` (absent means ``stated``), with
``qualifiers`` (strings) and, for an interpretation, ``reason``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import URIRef

from .. import resources
from .._load import LoadedGraph
from .._query import resolve_entity, select
from ..errors import InvalidCurieError, InvalidParameterError, UnknownEntityError
from ..mechanism import mechanism_graph, no_statements_error
from ..vocab import compress, expand_curie
from .stages import EFFECTS_STAGE, STAGES, stage_of
from .styles import BASIS_STYLES, CATEGORY_STYLES, NEGATED_STYLE, BasisStyle, CategoryStyle

__all__ = [
    "BASES",
    "DEFAULT_BASES",
    "DEFAULT_MAX_NODES",
    "Pathway",
    "PathwayEdge",
    "PathwayNode",
    "Reference",
    "build_pathway",
    "drug_slug",
    "drugs_with_mechanism",
    "parse_bases",
    "resolver_url",
]

#: More nodes than this and the pathway keeps the ones nearest the drug, saying so visibly.
DEFAULT_MAX_NODES = 150

#: The bases an edge can have, as the mechanism graph's ``basis`` edge attribute names them.
BASES: tuple[str, ...] = ("stated", "interpreted", "inferred", "curated")
#: What the pictures draw unless asked otherwise: the monograph's statements and their readings.
DEFAULT_BASES: tuple[str, ...] = ("stated", "interpreted")
#: Words of a predicate's label that say it lowers its object.
_INHIBITING = ("decrease", "negatively", "inhibit", "antagonist", "block")


def parse_bases(bases: str | Iterable[str] | None) -> tuple[str, ...]:
    """The bases named in ``bases`` (``"stated,interpreted"`` or an iterable), in BASES order.

    :raises InvalidParameterError: an unknown basis; the error lists the bases.
    """
    if bases is None:
        return DEFAULT_BASES
    names = bases.split(",") if isinstance(bases, str) else list(bases)
    wanted = {name.strip().casefold() for name in names if name.strip()}
    for name in sorted(wanted - set(BASES)):
        raise InvalidParameterError(f"unknown basis {name!r}", term=name, choices=BASES)
    if not wanted:
        raise InvalidParameterError("no basis chosen", term="", choices=BASES)
    return tuple(b for b in BASES if b in wanted)


@dataclass(frozen=True)
class PathwayNode:
    """One entity on the pathway.

    :param status: for a disease, its approval status label (``FDA-approved``, ``off-label``).
    :param negated: a node reached only by a negative statement (the drug does NOT do it).
    """

    iri: str
    label: str
    category: str | None
    identifier: str | None
    stage: int
    xrefs: tuple[str, ...] = ()
    status: str | None = None
    negated: bool = False

    @property
    def style(self) -> CategoryStyle:
        """The category's style (negated nodes have their own)."""
        if self.negated:
            return NEGATED_STYLE
        return CATEGORY_STYLES.get(self.category, CATEGORY_STYLES[None])

    @property
    def approved(self) -> bool:
        """Whether the indication is FDA-approved."""
        return (self.status or "").casefold().startswith("fda")

    @property
    def text(self) -> str:
        """The words drawn in the node (negated nodes start with ``NOT:``)."""
        return ("NOT: " if self.negated else "") + self.label


@dataclass(frozen=True)
class PathwayEdge:
    """One statement: ``source`` ``predicate`` ``target``, with its citations and basis.

    :param basis: one of :data:`BASES`.
    :param qualifiers: the statement's qualifiers ("at the application site", "particularly").
    :param reason: for an interpretation, the curator's reason, when the graph gives one.
    :param records: for a curated database's edge, the records behind it
        (``"DrugMechDB (infores:drugmechdb) entry DB00619_MESH_D015464_1"``).
    """

    source: str
    target: str
    predicate: str
    label: str
    citations: tuple[int, ...] = ()
    negated: bool = False
    statement: str | None = None
    basis: str = "stated"
    qualifiers: tuple[str, ...] = ()
    reason: str | None = None
    records: tuple[str, ...] = ()

    @property
    def inhibiting(self) -> bool:
        """Whether the predicate lowers its object (drawn with a flat arrow head)."""
        return any(word in self.label.casefold() for word in _INHIBITING)

    @property
    def basis_style(self) -> BasisStyle:
        """The line style of the edge's basis."""
        return BASIS_STYLES.get(self.basis, BASIS_STYLES["stated"])


@dataclass(frozen=True)
class Reference:
    """A reference of the drug's monograph, by its citation number."""

    number: int
    label: str
    title: str | None = None


@dataclass(frozen=True)
class Pathway:
    """A drug's pathway: nodes by stage, edges, references; ``omitted`` nodes over the limit.

    :param bases: the bases whose edges were kept (:data:`BASES`).
    """

    drug: str
    drug_label: str
    nodes: tuple[PathwayNode, ...]
    edges: tuple[PathwayEdge, ...]
    references: tuple[Reference, ...] = ()
    omitted: int = 0
    max_nodes: int = DEFAULT_MAX_NODES
    bases: tuple[str, ...] = DEFAULT_BASES
    _index: dict[str, PathwayNode] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update((node.iri, node) for node in self.nodes)

    def node(self, iri: str) -> PathwayNode:
        """The node with IRI ``iri``."""
        return self._index[iri]

    @property
    def title(self) -> str:
        """A one-line title for the picture."""
        return f"Mechanism of action of {self.drug_label}"

    def heading(self, stage: int) -> str:
        """The heading of stage ``stage``'s column: it names the categories drawn there.

        Negated nodes are left out: they stand where their statement puts them.
        """
        drawn = (n.category for n in self.nodes if n.stage == stage and not n.negated)
        return STAGES[stage].heading(drawn)


def _drug_choices(graph: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(str(d["label"]) for _, d in graph.nodes(data=True) if d["category"] == "pkg:Drug")


#: A drug's mechanisms (``sparql/drug-mechanisms.rq``; ``?drug`` is bound).
_MECHANISMS = "drug-mechanisms"


def _anchors(kg: LoadedGraph, drug: str, graph: nx.MultiDiGraph[str]) -> list[str]:
    """Where the pathway starts: the drug, its mechanisms, and what ``graph`` says is part of them.

    An edge of the chosen bases that ends at a mechanism of the drug is about the drug even when
    no edge of those bases leads to it from the drug: a curator's reading that an effect is
    part of the mechanism is drawn when the interpreted basis alone is chosen, the mechanism's
    stated indications when the stated basis alone is. Those edges' own subjects are added,
    not what leads to them: the picture draws what the chosen statements say, nothing composed
    from them or passed on from a group to its members.
    """
    found = kg.store.query(resources.internal_query(_MECHANISMS), {"drug": URIRef(drug)})
    mechanisms = sorted(m for m in map(str, found.column("mechanism")) if m in graph)
    parts = sorted({source for m in mechanisms for source, _ in graph.in_edges(m)})
    return list(dict.fromkeys([drug, *mechanisms, *parts]))


def _nearest(graph: nx.MultiDiGraph[str], drug: str, anchors: Sequence[str]) -> list[str]:
    """The nodes downstream of ``anchors``, nearest the drug first.

    First what the drug reaches (by hops from it), then what only the other anchors reach (by
    hops from them); within each, by stage, then label.
    """
    from_drug = nx.single_source_shortest_path_length(graph, drug)
    from_anchors = nx.multi_source_dijkstra_path_length(graph, set(anchors))

    def nearness(node: str) -> tuple[int, int, int, str, str]:
        hops = (0, from_drug[node]) if node in from_drug else (1, int(from_anchors[node]))
        data = graph.nodes[node]
        return (*hops, stage_of(data["category"]), data["label"], node)

    return sorted(from_anchors, key=nearness)


def _drug_part(
    kg: LoadedGraph, drug: str, chosen: Sequence[str]
) -> tuple[str, nx.MultiDiGraph[str], list[str]]:
    """The drug's IRI, its part of the mechanism graph with the edges of ``chosen``, the nodes.

    The nodes are those of :func:`_anchors` and what they reach, nearest the drug first.

    :raises UnknownEntityError: ``drug`` names nothing, or no drug.
    :raises InvalidParameterError: ``chosen`` leaves the drug no statement but other bases would.
    """
    iri = str(resolve_entity(kg, drug))
    full = mechanism_graph(kg, drug=iri)
    if iri not in full:  # no mechanism edge starts at it: the whole graph says what it is
        full = mechanism_graph(kg)
    graph = _of_bases(full, chosen)
    nodes = _nearest(graph, iri, _anchors(kg, iri, graph)) if iri in graph else []
    if not graph.subgraph(nodes).number_of_edges():
        error = no_statements_error(full, iri, chosen)
        if error is not None:  # a drug only a curated database describes, drawn as stated
            raise error
    if iri not in graph or graph.nodes[iri]["category"] != "pkg:Drug":
        raise UnknownEntityError(
            f"{drug!r} is not a drug with mechanism statements",
            term=drug,
            choices=_drug_choices(mechanism_graph(kg)),
        )
    return iri, graph, nodes


def _of_bases(graph: nx.MultiDiGraph[str], bases: Sequence[str]) -> nx.MultiDiGraph[str]:
    """A copy of ``graph`` with only the edges of ``bases`` (edges without one are stated)."""
    kept: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        if str(d.get("basis", "stated")) in bases:
            kept.add_edge(u, v, key=k, **d)
    return kept


def _edge_key(edge: tuple[str, str, dict[str, Any]]) -> tuple[str, str, str]:
    return edge[0], str(edge[2]["predicate"]), edge[1]


def _qualifiers(value: object) -> tuple[str, ...]:
    """The edge's qualifiers: a tuple of strings (one string counts as one qualifier)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(q) for q in value)
    return (str(value),)


def _reason(data: dict[str, Any]) -> str | None:
    reason = data.get("reason", data.get("interpretation_reason"))
    return None if reason is None else str(reason)


#: An entity's cross-references (``sparql/entity-xrefs.rq``; ``?entity`` is bound).
_XREFS = "entity-xrefs"


def _xrefs(kg: LoadedGraph, iri: str) -> tuple[str, ...]:
    """The ``pkg:xref`` CURIEs of ``iri``, in the order of the named query ``identifiers``."""
    found = kg.store.query(resources.internal_query(_XREFS), {"entity": URIRef(iri)})
    return tuple(str(curie) for curie in found.column("curie"))


def _negatives(
    kg: LoadedGraph, iri: str, keep: set[str]
) -> tuple[list[PathwayNode], list[PathwayEdge]]:
    """The monograph's negative statements about the drug: NOT nodes and "does not" edges."""
    nodes: list[PathwayNode] = []
    edges: list[PathwayEdge] = []
    negatives = select(kg, "negatives", {"drug": URIRef(iri)})
    for values in negatives.rows:
        negative = dict(zip(negatives.variables, values, strict=True))
        target = str(negative["object"])
        if target not in keep:
            keep.add(target)
            nodes.append(
                PathwayNode(
                    iri=target,
                    label=str(negative["objectLabel"]),
                    category=None,
                    identifier=None,
                    stage=EFFECTS_STAGE,
                    negated=True,
                )
            )
        context = f" ({negative['context']})" if negative["context"] is not None else ""
        edges.append(
            PathwayEdge(
                source=iri,
                target=target,
                predicate="not " + str(negative["predicateLabel"]),
                label=f"does not: {negative['predicateLabel']}{context}",
                citations=tuple(
                    int(p) for p in str(negative["citations"] or "").split(",") if p.strip()
                ),
                negated=True,
                statement=str(negative["statement"]),
                qualifiers=() if negative["context"] is None else (str(negative["context"]),),
            )
        )
    return nodes, edges


def build_pathway(
    kg: LoadedGraph,
    drug: str,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    bases: str | Iterable[str] | None = None,
) -> Pathway:
    """Build the pathway of ``drug`` (a label, CURIE or IRI) from ``kg`` (which is not changed).

    The pathway holds the drug, its mechanisms and the subjects of the edges (of ``bases``)
    that end at those mechanisms, with everything these reach through the edges of ``bases``.
    Every edge keeps its own basis.

    :param max_nodes: keep at most this many nodes (nearest the drug first); the pathway's
        ``omitted`` says how many were left out.
    :param bases: the bases whose edges are drawn (default :data:`DEFAULT_BASES`); the
        monograph's negative statements are stated, so they are drawn when ``stated`` is.
    :raises UnknownEntityError: ``drug`` names nothing, or no drug; the error lists drugs or
        the closest labels.
    :raises InvalidParameterError: an unknown basis, or ``bases`` leave the drug no edge but
        others would; the error lists the bases.
    """
    chosen = parse_bases(bases)
    iri, graph, reachable = _drug_part(kg, drug, chosen)
    kept = reachable[:max_nodes]
    omitted = len(reachable) - len(kept)
    keep = set(kept)

    xrefs = {n: _xrefs(kg, n) for n in kept}
    status: dict[str, str] = {}
    indications = select(kg, "indications", {"drug": URIRef(iri)})
    for row in indications.rows:
        indication = dict(zip(indications.variables, row, strict=True))
        status[str(indication["disease"])] = str(indication["statusLabel"])

    nodes = [
        PathwayNode(
            iri=n,
            label=str(graph.nodes[n]["label"]),
            category=graph.nodes[n]["category"],
            identifier=graph.nodes[n]["identifier"],
            stage=stage_of(graph.nodes[n]["category"]),
            xrefs=xrefs[n],
            status=status.get(n),
        )
        for n in kept
    ]
    # The monograph's words behind each edge, shown when the edge is clicked.
    quotes: dict[tuple[str, str, str], list[str]] = {}
    for _, subject, predicate, obj, text in select(kg, "statements", {"drug": URIRef(iri)}).rows:
        quotes.setdefault((str(subject), compress(str(predicate)), str(obj)), []).append(str(text))
    edges = [
        PathwayEdge(
            source=u,
            target=v,
            predicate=str(data["predicate"]),
            label=str(data["predicate_label"]),
            citations=tuple(data["citations"]),
            statement=" / ".join(quotes.get((u, str(data["predicate"]), v), [])) or None,
            basis=str(data.get("basis", "stated")),
            qualifiers=_qualifiers(data.get("qualifiers", ())),
            reason=_reason(data),
            records=tuple(data.get("records", ())),
        )
        for u, v, data in sorted(graph.subgraph(kept).edges(data=True), key=_edge_key)
    ]
    if "stated" in chosen:
        negated_nodes, negated_edges = _negatives(kg, iri, keep)
        nodes += negated_nodes
        edges += negated_edges
    listed = select(kg, "references", {"drug": URIRef(iri)})
    references = tuple(
        Reference(int(str(row["number"])), str(row["label"]), _text(row["title"]))
        for row in (dict(zip(listed.variables, values, strict=True)) for values in listed.rows)
    )
    return Pathway(
        drug=iri,
        drug_label=str(graph.nodes[iri]["label"]),
        nodes=tuple(nodes),
        edges=tuple(edges),
        references=references,
        omitted=omitted,
        max_nodes=max_nodes,
        bases=chosen,
    )


def _text(term: object) -> str | None:
    """An optional query value as text (``None`` when unbound)."""
    return None if term is None else str(term)


def resolver_url(curie: str) -> str:
    """A resolver link for ``curie``: its IRI from the prefix map, else identifiers.org."""
    try:
        return str(expand_curie(curie))
    except (InvalidCurieError, UnknownEntityError, ValueError):
        return f"https://identifiers.org/{curie}"


def drug_slug(label: str) -> str:
    """A file-name stem for a drug label (``imiquimod`` → ``imiquimod``)."""
    return re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-") or "drug"


#: The drugs of the mechanism graph and their labels (``sparql/drugs-with-mechanism.rq``).
_DRUGS = "drugs-with-mechanism"


def drugs_with_mechanism(kg: LoadedGraph) -> list[tuple[str, str]]:
    """(IRI, label) of every drug with mechanism statements, by label.

    The drugs are the mechanism graph's (:func:`~pharmakg.mechanism.mechanism_graph`), asked of
    the store with one query rather than by building the graph.
    """
    found: dict[str, str] = {}
    for drug, label in kg.store.query(resources.internal_query(_DRUGS)).rows:
        found.setdefault(str(drug), str(label if label is not None else drug))
    return sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))
