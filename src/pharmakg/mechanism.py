"""The mechanism graph: the monograph's mechanism statements as a networkx MultiDiGraph.

Nodes are entity IRIs (strings) with attributes ``label``, ``category`` (the pharmakg class
as a CURIE, e.g. ``pkg:Cytokine``) and ``identifier`` (the entity's standard CURIE, or
``None``). Edges are keyed by the predicate CURIE and carry ``predicate``, ``predicate_label``,
``citations`` (a tuple of citation numbers, ascending; empty when the monograph prints none),
``basis`` (where the statement comes from: ``"stated"``, ``"interpreted"``, ``"inferred"`` or
``"curated"``; with several claims behind one edge, the strongest in that order of
:data:`BASES`, curated before interpreted), ``qualifiers`` (a sorted tuple of readable strings
such as ``"site: application site"`` or ``"emphasis: primarily"``; empty when none) and
``records`` (for a curated database's edge, the records behind it, each as
``"DrugMechDB (infores:drugmechdb) entry DB00619_MESH_D015464_1"``; empty for the monograph's).

The edges come from the named query ``mechanism-edges`` (every triple whose predicate is a
sub-property of ``pkg:mechanismRelation``), so the graph, the SPARQL answers, the paths
(:mod:`pharmakg.paths`) and the pictures (:mod:`pharmakg._visualise`) all show the same
statements. :func:`with_bases` keeps the edges of some bases only (by default, paths and
pictures show the stated and interpreted ones). :func:`graph_stats` counts it;
:func:`graphml_text` and :func:`node_link_text` write it for Cytoscape desktop, Gephi and D3.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.term import Node

from . import resources, vocab
from ._load import LoadedGraph
from ._query import select
from .errors import InvalidParameterError
from .formats import Format, Kind, find
from .vocab import compress, shorten

__all__ = [
    "BASES",
    "CURATED_LINKS",
    "CURATED_RECORDS",
    "DEFAULT_BASES",
    "DRUG_MECHANISMS",
    "GraphStats",
    "PathNode",
    "bases_of",
    "curated_records",
    "graph_stats",
    "graph_text",
    "graphml_text",
    "mechanism_graph",
    "no_statements_error",
    "node_for",
    "node_link_text",
    "record_text",
    "with_bases",
]

#: The bases of a statement, strongest first: the ``basis`` edge attribute's values.
BASES = vocab.BASES
#: The bases paths and pictures show unless asked otherwise.
DEFAULT_BASES = vocab.DEFAULT_BASES
_BASIS_OF = {local: name for name, local in vocab.BASIS_TERMS.items()}


def _curie(term: Node | None) -> str | None:
    return None if term is None else compress(str(term))


def _citations(term: Node | None) -> tuple[int, ...]:
    text = "" if term is None else str(term)
    return tuple(sorted(int(part) for part in text.split(",") if part.strip()))


def _basis(term: Node | None) -> str:
    """The strongest basis of the claims behind an edge; an edge no claim backs is inferred."""
    found = {_BASIS_OF[name] for name in ("" if term is None else str(term)).split() if name}
    return next((basis for basis in BASES if basis in found), "inferred")


def _qualifiers(term: Node | None) -> tuple[str, ...]:
    text = "" if term is None else str(term)
    return tuple(sorted({part.strip() for part in text.split(" | ") if part.strip()}))


#: The records behind every curated database's claim (``sparql/curated-records.rq``).
CURATED_RECORDS = "curated-records"


def record_text(database: object, source: object, record: object) -> str:
    """One curated record in words: ``DrugMechDB (infores:drugmechdb) entry DB00619_…``.

    >>> record_text("DrugMechDB", "infores:drugmechdb", "DB00619_MESH_D015464_1")
    'DrugMechDB (infores:drugmechdb) entry DB00619_MESH_D015464_1'
    """
    name = str(database) if database is not None else "a curated database"
    where = f" ({source})" if source is not None else ""
    return f"{name}{where} entry {record if record is not None else '(no id)'}"


#: The mechanism edges that start at one node (``sparql/mechanism-edges-from.rq``).
_EDGES_FROM = "mechanism-edges-from"
#: The curated records behind the claims whose subject is one node.
_RECORDS_FROM = "curated-records-from"
#: What the claims of one node say of its statements (``sparql/claims-from.rq``).
_CLAIMS_FROM = "claims-from"
#: A drug's mechanisms (``sparql/drug-mechanisms.rq``; the drug is bound by the store).
DRUG_MECHANISMS = "drug-mechanisms"
#: The links of each curated record of a drug (``sparql/curated-links.rq``; ``?drug`` is bound).
CURATED_LINKS = "curated-links"
_CURATED = vocab.BASIS_TERMS["curated"]


def _records_of(
    rows: Iterable[Sequence[Node | None]],
) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(subject, predicate CURIE, object) → the records of ``rows`` (curated-records columns)."""
    found: dict[tuple[str, str, str], set[str]] = {}
    for subject, predicate, obj, record, database, source in rows:
        key = (str(subject), str(_curie(predicate)), str(obj))
        found.setdefault(key, set()).add(record_text(database, source, record))
    return {key: tuple(sorted(texts)) for key, texts in found.items()}


def curated_records(kg: LoadedGraph) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(subject, predicate CURIE, object) → the curated records behind it, sorted."""
    return _records_of(kg.store.query(resources.internal_query(CURATED_RECORDS)).rows)


def _add_row(
    graph: nx.MultiDiGraph[str],
    row: dict[str, Node | None],
    records: dict[tuple[str, str, str], tuple[str, ...]],
) -> None:
    """Add one row of ``mechanism-edges`` (its two ends, then the edge) to ``graph``."""
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
    ends = (str(row["subject"]), str(predicate), str(row["object"]))
    graph.add_edge(
        str(row["subject"]),
        str(row["object"]),
        key=predicate,
        predicate=predicate,
        predicate_label=str(row["predicateLabel"] or predicate),
        citations=_citations(row["citations"]),
        basis=_basis(row["bases"]),
        qualifiers=_qualifiers(row["qualifiers"]),
        reason="; ".join(_qualifiers(row["reasons"])) or None,
        records=records.get(ends, ()),
    )


def mechanism_graph(kg: LoadedGraph, *, drug: str | None = None) -> nx.MultiDiGraph[str]:
    """Build the mechanism MultiDiGraph of every drug in ``kg``, or of one ``drug`` (its IRI).

    With ``drug``, the graph holds what the drug reaches: the mechanism edges that start at the
    drug, at its mechanisms (``pkg:hasMechanism``) and at the nodes of its curated records, then
    those that start at each node so reached, breadth first; every node keeps all its outgoing
    edges, with the attributes the whole graph gives it. The edges are read node by node with
    bound queries, so the cost follows the drug's part, not the size of ``kg``. A drug no
    mechanism edge starts at (and with no mechanism or record) gives an empty graph.
    ``kg`` is not changed.
    """
    if drug is not None:
        return _drug_graph(kg, drug)
    result = select(kg, "mechanism-edges")
    records = curated_records(kg)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for values in result.rows:
        _add_row(graph, dict(zip(result.variables, values, strict=True)), records)
    return graph


def _seeds(kg: LoadedGraph, drug: str) -> tuple[list[str], set[str]]:
    """Where the walk starts, and the drug's own curated records.

    The walk starts at the drug, its mechanisms and the subjects of its curated links.
    """
    store = kg.store
    bound = {"drug": URIRef(drug)}
    mechanisms = store.query(resources.internal_query(DRUG_MECHANISMS), bound).column("mechanism")
    links = store.query(resources.internal_query(CURATED_LINKS), bound)
    subjects = [str(row[5]) for row in links.rows]
    own = {record_text(row[3], row[4], row[1]) for row in links.rows}
    return list(dict.fromkeys([drug, *sorted(map(str, mechanisms)), *sorted(subjects)])), own


def _claims_of(kg: LoadedGraph, node: str) -> dict[tuple[str, str], dict[str, set[str]]]:
    """(predicate, object) → what the claims of ``node`` say of it (citations, bases …)."""
    bound = {"subject": URIRef(node)}
    result = kg.store.query(resources.internal_query(_CLAIMS_FROM), bound)
    found: dict[tuple[str, str], dict[str, set[str]]] = {}
    for _, predicate, obj, number, basis, qualifier, value, reason in result.rows:
        said = found.setdefault((str(predicate), str(obj)), {k: set() for k in _SAID})
        if number is not None:
            said["citations"].add(str(number))
        if basis is not None:
            said["bases"].add(_local(basis))
        if qualifier is not None and value is not None:
            said["qualifiers"].add(f"{qualifier}: {value}")
        if reason is not None:
            said["reasons"].add(str(reason))
    return found


def _local(term: Node) -> str:
    """A pkg: term's local name, ``""`` for any other (``STRAFTER(STR(?b), STR(pkg:))``)."""
    text, namespace = str(term), str(vocab.PKG)
    return text.removeprefix(namespace) if text.startswith(namespace) else ""


#: What the claims behind an edge say, and how ``mechanism-edges`` joins each into one value.
_SAID = {"citations": ", ", "bases": " ", "qualifiers": " | ", "reasons": " | "}


def _edges_from(kg: LoadedGraph, node: str) -> list[dict[str, Node | None]]:
    """The rows of ``mechanism-edges`` whose subject is ``node``, read with bound queries."""
    bound = {"subject": URIRef(node)}
    result = kg.store.query(resources.internal_query(_EDGES_FROM), bound)
    rows = [dict(zip(result.variables, values, strict=True)) for values in result.rows]
    claims = _claims_of(kg, node) if rows else {}
    for row in rows:
        said = claims.get((str(row["predicate"]), str(row["object"])), {})
        for name, separator in _SAID.items():
            row[name] = Literal(separator.join(sorted(said.get(name, ()))))
    return rows


def _drug_graph(kg: LoadedGraph, drug: str) -> nx.MultiDiGraph[str]:
    """The part of the mechanism graph ``drug`` reaches, read one node at a time.

    A curated edge is the drug's only when one of its records is (a DrugMechDB node such as a
    kinase is shared by the entries of many drugs, whose links are not this drug's mechanism).
    """
    store = kg.store
    records_from = resources.internal_query(_RECORDS_FROM)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    seeds, own = _seeds(kg, drug)
    queue = deque(seeds)
    seen = set(queue)
    while queue:
        node = queue.popleft()
        rows = _edges_from(kg, node)
        curated = any(_CURATED in str(row["bases"]).split() for row in rows)
        bound = {"subject": URIRef(node)}
        records = _records_of(store.query(records_from, bound).rows) if curated else {}
        for row in rows:
            if not _of_the_drug(row, records, own):
                continue
            _add_row(graph, row, records)
            target = str(row["object"])
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return graph


def _of_the_drug(
    row: dict[str, Node | None],
    records: dict[tuple[str, str, str], tuple[str, ...]],
    own: set[str],
) -> bool:
    """Whether an edge belongs to the drug's part: any edge but a curated one of other records."""
    if str(row["bases"]).split() != [_CURATED]:
        return True
    ends = (str(row["subject"]), str(_curie(row["predicate"])), str(row["object"]))
    return bool(own & set(records.get(ends, ())))


def bases_of(graph: nx.MultiDiGraph[str], node: str) -> tuple[str, ...]:
    """The bases of the statements ``node`` starts, in :data:`BASES` order (``()``: none)."""
    found = {str(d.get("basis", "stated")) for _, _, d in graph.out_edges(node, data=True)}
    return tuple(b for b in BASES if b in found)


def no_statements_error(
    graph: nx.MultiDiGraph[str], node: str, bases: Collection[str]
) -> InvalidParameterError | None:
    """The error to raise when ``bases`` leave ``node`` (a drug) no statement but others would.

    ``graph`` is the whole mechanism graph; ``None`` when ``node`` has statements of ``bases``
    or none at all. The error names the bases that would have matched.
    """
    have = bases_of(graph, node) if node in graph else ()
    if not have or set(have) & set(bases):
        return None
    label = graph.nodes[node].get("label") or node
    asked = " or ".join(b for b in BASES if b in bases)
    return InvalidParameterError(
        f"{label} has no {asked} statements; its statements are {', '.join(have)}: "
        f"ask with --basis {','.join(have)}",
        term=",".join(b for b in BASES if b in bases),
        choices=have,
    )


def with_bases(graph: nx.MultiDiGraph[str], bases: Collection[str]) -> nx.MultiDiGraph[str]:
    """A copy of ``graph`` with only the edges whose ``basis`` is in ``bases``.

    Nodes left without an edge are dropped. ``graph`` is not changed.

    :raises InvalidParameterError: a basis is not one of :data:`BASES`; the error lists them.
    """
    unknown = sorted(set(bases) - set(BASES))
    if unknown:
        raise InvalidParameterError(f"unknown basis {unknown[0]!r}", term=unknown[0], choices=BASES)
    kept: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for source, target, key, data in graph.edges(keys=True, data=True):
        if data.get("basis") in bases:
            for node in (source, target):
                if node not in kept:
                    kept.add_node(node, **graph.nodes[node])
            kept.add_edge(source, target, key=key, **data)
    return kept


@dataclass(frozen=True)
class PathNode:
    """A node of a path: its IRI, label, pharmakg class (CURIE) and standard identifier."""

    iri: str
    label: str
    category: str | None = None
    identifier: str | None = None

    def to_text(self) -> str:
        """``label [CURIE]`` (the identifier, when it has one)."""
        return f"{self.label} [{self.identifier}]" if self.identifier else self.label

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the IRI is compacted to a CURIE."""
        return {
            "id": shorten(self.iri),
            "label": self.label,
            "category": self.category,
            "identifier": self.identifier,
        }


def node_for(graph: nx.MultiDiGraph[str], iri: str) -> PathNode:
    """The :class:`PathNode` of ``iri`` in ``graph``."""
    data = graph.nodes[iri]
    return PathNode(
        iri=iri,
        label=str(data.get("label") or iri),
        category=data.get("category"),
        identifier=data.get("identifier"),
    )


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class GraphStats:
    """Node and edge counts of the mechanism graph, and its most connected entities."""

    nodes: int
    edges: int
    nodes_by_category: tuple[tuple[str, int], ...]
    edges_by_predicate: tuple[tuple[str, int], ...]
    most_connected: tuple[tuple[PathNode, int], ...]

    def to_text(self) -> str:
        """Aligned text tables."""
        lines = [f"{self.nodes} nodes, {self.edges} edges", "", "Nodes by category:"]
        width = max((len(c) for c, _ in self.nodes_by_category), default=0)
        lines += [f"  {c.ljust(width)}  {n:>4}" for c, n in self.nodes_by_category]
        lines += ["", "Edges by predicate:"]
        width = max((len(p) for p, _ in self.edges_by_predicate), default=0)
        lines += [f"  {p.ljust(width)}  {n:>4}" for p, n in self.edges_by_predicate]
        lines += ["", "Most connected (in + out degree):"]
        lines += [f"  {d:>4}  {node.to_text()}" for node, d in self.most_connected]
        return "\n".join(lines) + "\n"

    def render(self, fmt: Format | str) -> bytes:
        """The counts as a :attr:`Kind.REPORT` format: ``text`` or ``json``."""
        chosen = find(Kind.REPORT, fmt)
        return (self.to_json() if chosen.name == "json" else self.to_text()).encode("utf-8")

    def to_json(self) -> str:
        """The same as JSON."""
        body = {
            "nodes": self.nodes,
            "edges": self.edges,
            "nodesByCategory": dict(self.nodes_by_category),
            "edgesByPredicate": dict(self.edges_by_predicate),
            "mostConnected": [
                {**node.to_dict(), "degree": degree} for node, degree in self.most_connected
            ],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def graph_stats(graph: nx.MultiDiGraph[str], *, top: int = 10) -> GraphStats:
    """Count the nodes by category and the edges by predicate; list the ``top`` hubs."""
    categories = Counter(str(d.get("category")) for _, d in graph.nodes(data=True))
    predicates = Counter(str(k) for _, _, k in graph.edges(keys=True))
    degrees = sorted(
        ((int(d), str(n)) for n, d in graph.degree()),
        key=lambda pair: (-pair[0], str(graph.nodes[pair[1]].get("label", "")).casefold()),
    )
    return GraphStats(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        nodes_by_category=tuple(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        edges_by_predicate=tuple(sorted(predicates.items(), key=lambda kv: (-kv[1], kv[0]))),
        most_connected=tuple((node_for(graph, n), d) for d, n in degrees[:top]),
    )


# ---------------------------------------------------------------- exports


def _legal(value: object) -> str | int | float | bool:
    """A GraphML-legal attribute value: tuples become ``"1, 3"``, ``None`` becomes ``""``."""
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _plain(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A copy with GraphML-legal attributes (``graph`` is not changed)."""
    plain: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: _legal(v) for k, v in data.items()})
    for source, target, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(source, target, key=key, **{k: _legal(v) for k, v in data.items()})
    return plain


def graphml_text(graph: nx.MultiDiGraph[str]) -> str:
    """The graph as GraphML (for Cytoscape desktop, Gephi, yEd); citations as ``"1, 3"``."""
    return "\n".join(nx.generate_graphml(_plain(graph))) + "\n"


def node_link_text(graph: nx.MultiDiGraph[str]) -> str:
    """The graph as node-link JSON (for D3 and Cytoscape.js); citations as lists."""
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, indent=2, ensure_ascii=False, default=list) + "\n"


def graph_text(graph: nx.MultiDiGraph[str], fmt: Format | str) -> str:
    """``graph`` in a mechanism-graph format of the registry: GraphML or node-link JSON.

    :raises UnknownFormatError: ``fmt`` is not a :attr:`Kind.GRAPH` format; the error lists them.
    """
    writers = {"graphml": graphml_text, "node-link": node_link_text}
    return writers[find(Kind.GRAPH, fmt).name](graph)
