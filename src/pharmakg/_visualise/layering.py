"""The layering: which column each node, label and dummy stands in, and their order there.

The first two steps of the layered (Sugiyama) layout of :mod:`.layout`. Stages run left to
right (:data:`~pharmakg._visualise.stages.STAGES`); a stage whose nodes point at each other is
split into sub-columns, so that every edge runs left to right (an edge against the stages is
laid out reversed and drawn back). Between two node columns lies a label column. Each edge
becomes a :class:`Chain` of items (:class:`Item`), one per column it passes: its source node, its
label box (shared by the edges that leave one node with the same words and style: a bundle),
thin dummies through the columns it spans, and its target node.

The order within each column comes from barycentre sweeps, keeping the order with fewest
crossings (indications keep FDA-approved above off-label, negated nodes go last).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from .fonts import LABEL_FONT, NODE_FONT, text_width, wrap_text
from .pathway import Pathway, PathwayEdge, PathwayNode
from .stages import STAGES

__all__ = [
    "Chain",
    "Item",
    "adjacent_pairs",
    "build_chains",
    "node_columns",
    "order_columns",
]

_NODE_TEXT_WIDTH, _LABEL_TEXT_WIDTH = 150.0, 124.0
_NODE_PAD_X, _NODE_PAD_Y, _LABEL_PAD_X, _LABEL_PAD_Y = 10.0, 7.0, 4.0, 2.0
_LINE_HEIGHT = 1.25
_LOOP_LANE = 12.0
_SWEEPS = 12


# ---------------------------------------------------------------- columns and chains


def node_columns(pathway: Pathway) -> dict[str, int]:
    """The column of each node: stages in order, split where a stage's nodes point at each other."""
    columns: dict[str, int] = {}
    next_column = 0
    for stage in range(len(STAGES)):
        members = [n.iri for n in pathway.nodes if n.stage == stage]
        if not members:
            continue
        inner: nx.DiGraph[str] = nx.DiGraph()
        inner.add_nodes_from(members)
        for edge in pathway.edges:
            same = edge.source != edge.target and {edge.source, edge.target} <= set(members)
            if same and not nx.has_path(inner, edge.target, edge.source):
                inner.add_edge(edge.source, edge.target)
        depth: dict[str, int] = {}
        for iri in nx.topological_sort(inner):
            depth[iri] = max((depth[p] + 1 for p in inner.predecessors(iri)), default=0)
        for iri in members:
            columns[iri] = next_column + depth[iri]
        next_column += max(depth.values()) + 1
    return columns


@dataclass
class Item:
    """One thing in a column: a node, a label box or a thin dummy."""

    key: str
    rank: int
    height: float
    width: float = 0.0
    node: PathwayNode | None = None
    lines: tuple[str, ...] = ()
    y: float = 0.0
    lane: float = 0.0  # a loop's label keeps a lane below its text for the way back


@dataclass
class Chain:
    """The items one edge passes, in column order; ``reversed`` when drawn right to left."""

    edge: int
    items: list[Item]
    reversed: bool
    label: Item
    words: tuple[object, ...] = ()


def _style_key(edge: PathwayEdge) -> tuple[str, bool, bool]:
    return edge.basis, edge.negated, edge.inhibiting


def _label_item(key: str, rank: int, text: str) -> Item:
    lines = wrap_text(text, _LABEL_TEXT_WIDTH, LABEL_FONT)
    width = max(text_width(line, LABEL_FONT) for line in lines) + 2 * _LABEL_PAD_X
    height = len(lines) * LABEL_FONT * _LINE_HEIGHT + 2 * _LABEL_PAD_Y
    return Item(key, rank, height, width, lines=lines)


def _node_item(node: PathwayNode, rank: int) -> Item:
    bold = node.category == "pkg:Drug"
    lines = wrap_text(node.text, _NODE_TEXT_WIDTH, NODE_FONT, bold=bold)
    width = max(text_width(line, NODE_FONT, bold=bold) for line in lines) + 2 * _NODE_PAD_X
    height = len(lines) * NODE_FONT * _LINE_HEIGHT + 2 * _NODE_PAD_Y
    return Item(node.iri, rank, height, max(width, 64.0), node=node, lines=lines)


def build_chains(pathway: Pathway, columns: dict[str, int]) -> tuple[dict[str, Item], list[Chain]]:
    """Every item and every edge's chain; edges with one source, words and style share labels."""
    items = {n.iri: _node_item(n, 2 * columns[n.iri]) for n in pathway.nodes}
    bundles: dict[tuple[object, ...], Item] = {}
    chains: list[Chain] = []
    for index, edge in enumerate(pathway.edges):
        first, last = items[edge.source], items[edge.target]
        backwards = last.rank < first.rank
        if backwards:
            first, last = last, first
        bundle: tuple[object, ...] = (first.key, edge.label, _style_key(edge))
        if backwards or first is last:  # drawn right to left, or a loop: a label of its own
            bundle = ("alone", index)
        label = bundles.get(bundle)
        if label is None:
            label = _label_item(f"l{len(bundles)}", first.rank + 1, edge.label)
            if first is last:
                label.lane = _LOOP_LANE
                label.height += _LOOP_LANE
            bundles[bundle] = label
            items[label.key] = label
        chain = [first, label]
        for rank in range(first.rank + 2, last.rank):  # a bundle runs as one trunk
            key = f"d{label.key}.{rank}"
            chain.append(items.setdefault(key, Item(key, rank, 0.0)))
        chain.append(last)  # a loop (last is first) goes out through its label and back
        chains.append(Chain(index, chain, backwards, label, (edge.label, _style_key(edge))))
    return items, chains


# ---------------------------------------------------------------- order within columns


def _group(item: Item) -> tuple[int, ...]:
    node = item.node
    if node is None:
        return ()
    status = 0 if node.status is None else (1 if node.approved else 2)
    categories = STAGES[node.stage].members
    category = categories.index(node.category) if node.category in categories else len(categories)
    return status, int(node.negated), category


def adjacent_pairs(chains: Sequence[Chain]) -> set[tuple[str, str]]:
    """The distinct (left item, right item) pairs of adjacent columns."""
    return {
        (left.key, right.key)
        for chain in chains
        for left, right in zip(chain.items, chain.items[1:], strict=False)
        if left.rank + 1 == right.rank
    }


def _crossings(ranks: list[list[str]], links: set[tuple[str, str]], rank_of: dict[str, int]) -> int:
    position = {key: i for rank in ranks for i, key in enumerate(rank)}
    by_rank: dict[int, list[tuple[int, int]]] = {}
    for left, right in links:
        by_rank.setdefault(rank_of[left], []).append((position[left], position[right]))
    total = 0
    for pairs in by_rank.values():
        pairs.sort()
        tops = [b for _, b in pairs]
        total += _inversions(tops)
    return total


def _inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j] (merge sort)."""
    if len(values) < 2:
        return 0
    middle = len(values) // 2
    left, right = values[:middle], values[middle:]
    count = _inversions(left) + _inversions(right)
    left.sort()
    right.sort()
    j = 0
    for value in left:
        while j < len(right) and right[j] < value:
            j += 1
        count += j
    return count


def _merge_by_barycentre(
    nodes: list[tuple[float, str]], dummies: list[tuple[float, str]]
) -> list[str]:
    """Merge two lists already in their order, each step taking the lower barycentre."""
    merged: list[str] = []
    i = j = 0
    while i < len(nodes) or j < len(dummies):
        if j >= len(dummies) or (i < len(nodes) and nodes[i][0] <= dummies[j][0]):
            merged.append(nodes[i][1])
            i += 1
        else:
            merged.append(dummies[j][1])
            j += 1
    return merged


def order_columns(items: dict[str, Item], chains: Sequence[Chain]) -> list[list[str]]:
    """Order each column by barycentre sweeps; keep the order with fewest crossings."""
    count = max(item.rank for item in items.values()) + 1
    ranks: list[list[str]] = [[] for _ in range(count)]
    for key in sorted(items, key=lambda k: (_group(items[k]), _sort_label(items[k]), k)):
        ranks[items[key].rank].append(key)
    links = adjacent_pairs(chains)
    left_of: dict[str, list[str]] = {k: [] for k in items}
    right_of: dict[str, list[str]] = {k: [] for k in items}
    for left, right in sorted(links):
        right_of[left].append(right)
        left_of[right].append(left)
    rank_of = {k: item.rank for k, item in items.items()}
    best = [list(r) for r in ranks]
    fewest = _crossings(ranks, links, rank_of)
    for sweep in range(_SWEEPS):
        downward = sweep % 2 == 0
        sequence = range(1, count) if downward else range(count - 2, -1, -1)
        for rank in sequence:
            fixed = {k: i for i, k in enumerate(ranks[rank - 1 if downward else rank + 1])}
            neighbours = left_of if downward else right_of
            ranks[rank] = _sorted_rank(ranks[rank], items, neighbours, fixed)
        crossings = _crossings(ranks, links, rank_of)
        if crossings < fewest:
            fewest, best = crossings, [list(r) for r in ranks]
    return best


def _sort_label(item: Item) -> str:
    return item.node.label.casefold() if item.node is not None else ""


def _sorted_rank(
    rank: list[str],
    items: dict[str, Item],
    neighbours: dict[str, list[str]],
    fixed: dict[str, int],
) -> list[str]:
    def barycentre(index: int, key: str) -> float:
        seen = [fixed[k] for k in neighbours[key] if k in fixed]
        return sum(seen) / len(seen) if seen else float(index) * len(fixed) / max(len(rank), 1)

    scored = [(barycentre(i, k), k) for i, k in enumerate(rank)]
    nodes = sorted(
        ((b, k) for b, k in scored if items[k].node is not None),
        key=lambda bk: (_group(items[bk[1]]), bk[0]),
    )
    dummies = sorted((bk for bk in scored if items[bk[1]].node is None), key=lambda bk: bk[0])
    return _merge_by_barycentre(nodes, dummies)
