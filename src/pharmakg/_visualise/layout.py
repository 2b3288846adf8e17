"""The layered layout, computed once and drawn by both the SVG/PNG and the HTML page.

This is the Sugiyama scheme with label dummies, as ELK's layered algorithm does it:

1. the columns and the chain of items of each edge (:mod:`.layering`): stages left to right,
   a label column between two node columns, thin dummies where an edge spans columns;
2. the order within each column (:mod:`.layering`): barycentre sweeps, keeping the order with
   fewest crossings;
3. the vertical positions (here): each sweep pulls every item towards the mean of its
   neighbours, under the minimum gaps, by isotonic regression (pool adjacent violators);
4. the routes (here): a horizontal run through each item's column and a cubic S-curve across
   each gap. Gaps hold no node and no label, so no edge crosses a node or another edge's
   label, and no label overlaps another.

Text is measured with the metrics of the pictures' font (:mod:`.fonts`). The result is a
:class:`~pharmakg._visualise.geometry.Layout`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from .geometry import Box, Column, LabelBox, Layout, NodeBox, Point, Route
from .layering import Chain, Item, adjacent_pairs, build_chains, node_columns, order_columns
from .pathway import Pathway

__all__ = [
    "layout_pathway",
]

_NODE_GAP, _ITEM_GAP = 16.0, 7.0
_PORT_SPACING, _PORT_MARGIN = 9.0, 5.0
_LOOP_TURN = 12.0
_MIN_GAP, _MAX_GAP = 22.0, 64.0
_PLACEMENTS = 24
_MARGIN, _HEADING_SPACE = 24.0, 52.0


# ---------------------------------------------------------------- vertical positions


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence nearest ``targets`` (weighted least squares; PAVA)."""
    blocks: list[list[float]] = []  # [mean, weight, length]
    for target, weight in zip(targets, weights, strict=True):
        blocks.append([target, weight, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, w, n = blocks.pop()
            previous = blocks[-1]
            total = previous[1] + w
            previous[0] = (previous[0] * previous[1] + mean * w) / total
            previous[1] = total
            previous[2] += n
    out: list[float] = []
    for mean, _, n in blocks:
        out.extend([mean] * int(n))
    return out


def _gap(upper: Item, lower: Item) -> float:
    both_nodes = upper.node is not None and lower.node is not None
    return (upper.height + lower.height) / 2 + (_NODE_GAP if both_nodes else _ITEM_GAP)


def _place(items: dict[str, Item], ranks: list[list[str]], chains: Sequence[Chain]) -> None:
    """Set each item's ``y``: pulled towards its neighbours' mean, never closer than the gaps."""
    neighbours: dict[str, list[str]] = {k: [] for k in items}
    for left, right in sorted(adjacent_pairs(chains)):  # sorted: the same sums, the same pixels
        neighbours[left].append(right)
        neighbours[right].append(left)
    for rank in ranks:
        y = 0.0
        for upper, lower in itertools.pairwise(rank):
            y += _gap(items[upper], items[lower])
            items[lower].y = y
        shift = y / 2
        for key in rank:
            items[key].y -= shift
    for sweep in range(_PLACEMENTS):
        order = ranks if sweep % 2 == 0 else list(reversed(ranks))
        for rank in order:
            offsets = [0.0] if rank else []
            for upper, lower in itertools.pairwise(rank):
                offsets.append(offsets[-1] + _gap(items[upper], items[lower]))
            targets, weights = [], []
            for key, offset in zip(rank, offsets, strict=True):
                seen = [items[n].y for n in neighbours[key]]
                targets.append((sum(seen) / len(seen) if seen else items[key].y) - offset)
                weights.append(1.0 if seen else 0.05)
            for key, z, offset in zip(rank, _isotonic(targets, weights), offsets, strict=True):
                items[key].y = z + offset
    _straighten(items, ranks)


def _straighten(items: dict[str, Item], ranks: list[list[str]]) -> None:
    """Run each trunk of thin dummies at one height where its columns leave room for it.

    The heights tried are its label's, then those of its own dummies, last (nearest the
    targets) first.
    """
    where = {key: (r, i) for r, rank in enumerate(ranks) for i, key in enumerate(rank)}
    trunks: dict[str, list[str]] = {}
    for key in sorted(items, key=lambda k: (items[k].rank, k)):
        if items[key].node is None and not items[key].lines:  # a thin dummy: d<label>.<rank>
            trunks.setdefault(key.rsplit(".", 1)[0], []).append(key)

    def fits(key: str, y: float) -> bool:
        r, i = where[key]
        rank, item = ranks[r], items[key]
        above = i == 0 or items[rank[i - 1]].y + _gap(items[rank[i - 1]], item) <= y + 1e-6
        below = (
            i == len(rank) - 1 or y + _gap(item, items[rank[i + 1]]) <= items[rank[i + 1]].y + 1e-6
        )
        return above and below

    for _ in range(2):  # a trunk moved may leave room for another
        for name, trunk in trunks.items():
            label = items[name.removeprefix("d")]
            for candidate in [label.y, *(items[k].y for k in reversed(trunk))]:
                if all(fits(k, candidate) for k in trunk):
                    for key in trunk:
                        items[key].y = candidate
                    break


# ---------------------------------------------------------------- routes


def _ports(chains: Sequence[Chain], items: dict[str, Item]) -> dict[tuple[str, str], float]:
    """The y where each (node, neighbour item) pair attaches: spread along the node's side.

    On the right side each bundle has its own port; on the left side the edges that arrive
    with the same words and style share one, so their arrow heads are one.
    """
    sides: dict[tuple[str, str], dict[object, set[str]]] = {}
    for chain in chains:
        first, second, before, last = (chain.items[i] for i in (0, 1, -2, -1))
        sides.setdefault((first.key, "out"), {}).setdefault(second.key, set()).add(second.key)
        if last is not first:  # a loop comes back to its node's right side, by itself
            sides.setdefault((last.key, "in"), {}).setdefault(chain.words, set()).add(before.key)
    ports: dict[tuple[str, str], float] = {}
    for (key, _side), groups in sides.items():
        owner = items[key]
        ordered = sorted(
            groups.values(),
            key=lambda group: (sum(items[k].y for k in group) / len(group), sorted(group)),
        )
        room = max(owner.height - 2 * _PORT_MARGIN, 0.0)
        spacing = min(_PORT_SPACING, room / max(len(ordered) - 1, 1))
        middle = (len(ordered) - 1) / 2
        for index, group in enumerate(ordered):
            for other in group:
                ports[(key, other)] = owner.y + (index - middle) * spacing
    return ports


def _curves(
    chain: Chain,
    span: dict[int, tuple[float, float]],
    ports: dict[tuple[str, str], float],
    boxes: dict[str, Box],
) -> tuple[tuple[Point, Point, Point, Point], ...]:
    """Horizontal runs through the columns, S-curves across the gaps; from left to right."""
    if chain.items[0] is chain.items[-1]:
        return _loop(chain, span, ports, boxes)
    first, second = chain.items[0], chain.items[1]
    last, before = chain.items[-1], chain.items[-2]
    runs: list[tuple[float, float, float]] = []  # (x from, x to, y) per item
    for item in chain.items:
        left, right = span[item.rank]
        if item is first:
            runs.append((boxes[item.key].right, right, ports[(item.key, second.key)]))
        elif item is last:
            runs.append((left, boxes[item.key].left, ports[(item.key, before.key)]))
        else:
            runs.append((left, right, item.y))
    curves: list[tuple[Point, Point, Point, Point]] = []
    for index, (x0, x1, y) in enumerate(runs):
        if index:
            px, py = runs[index - 1][1], runs[index - 1][2]
            bend = (x0 - px) * 0.5
            curves.append(((px, py), (px + bend, py), (x0 - bend, y), (x0, y)))
        if x1 > x0:
            third = (x1 - x0) / 3
            curves.append(((x0, y), (x0 + third, y), (x1 - third, y), (x1, y)))
    return tuple(curves)


def _loop(
    chain: Chain,
    span: dict[int, tuple[float, float]],
    ports: dict[tuple[str, str], float],
    boxes: dict[str, Box],
) -> tuple[tuple[Point, Point, Point, Point], ...]:
    """A loop: out of the node's right side, through its label, round, back along its lane."""
    node, label = chain.items[0], chain.items[1]
    box, text = boxes[node.key], boxes[label.key]
    column_right = span[node.rank][1]
    left, right = span[label.rank]
    out = ports[(node.key, label.key)]
    back = min(out + _PORT_SPACING, box.bottom - _PORT_MARGIN)
    lane = label.y + label.height / 2 - label.lane / 2
    turn = right + _LOOP_TURN

    def line(a: Point, b: Point) -> tuple[Point, Point, Point, Point]:
        return a, (a[0] + (b[0] - a[0]) / 3, a[1]), (b[0] - (b[0] - a[0]) / 3, b[1]), b

    def s_curve(a: Point, b: Point) -> tuple[Point, Point, Point, Point]:
        bend = (b[0] - a[0]) / 2
        return a, (a[0] + bend, a[1]), (b[0] - bend, b[1]), b

    return (
        line((box.right, out), (column_right, out)),
        s_curve((column_right, out), (left, text.y)),
        line((left, text.y), (right, text.y)),
        ((right, text.y), (turn, text.y), (turn, lane), (right, lane)),
        line((right, lane), (left, lane)),
        s_curve((left, lane), (column_right, back)),
        line((column_right, back), (box.right, back)),
    )


def _reverse(
    curves: Iterable[tuple[Point, Point, Point, Point]],
) -> tuple[tuple[Point, Point, Point, Point], ...]:
    return tuple((d, c, b, a) for a, b, c, d in reversed(list(curves)))


def layout_pathway(pathway: Pathway) -> Layout:
    """Lay ``pathway`` out: node and label boxes, edge routes and stage headings."""
    columns = node_columns(pathway)
    items, chains = build_chains(pathway, columns)
    ranks = order_columns(items, chains)
    _place(items, ranks, chains)

    # x: each column as wide as its widest item, gaps as wide as their steepest curve needs
    widths = [max((items[k].width for k in rank), default=0.0) for rank in ranks]
    steep = [0.0] * len(ranks)
    for chain in chains:
        for left, right in zip(chain.items, chain.items[1:], strict=False):
            steep[left.rank] = max(steep[left.rank], abs(left.y - right.y))
    span: dict[int, tuple[float, float]] = {}
    x = _MARGIN
    for rank, width in enumerate(widths):
        span[rank] = (x, x + width)
        x += width + min(max(steep[rank] * 0.2, _MIN_GAP), _MAX_GAP)
    width = x - min(max(steep[-1] * 0.2, _MIN_GAP), _MAX_GAP) + _MARGIN

    top_item = min(item.y - item.height / 2 for item in items.values())
    shift = _MARGIN + _HEADING_SPACE - top_item
    for item in items.values():
        item.y += shift
    height = max(item.y + item.height / 2 for item in items.values()) + _MARGIN

    boxes = {
        key: Box(
            (span[item.rank][0] + span[item.rank][1]) / 2,
            item.y - item.lane / 2,
            item.width,
            item.height - item.lane,
        )
        for key, item in items.items()
        if item.node is not None or item.lines
    }
    ports = _ports(chains, items)
    routes = []
    for chain in chains:
        curves = _curves(chain, span, ports, boxes)
        routes.append(
            Route(chain.edge, _reverse(curves) if chain.reversed else curves, chain.label.key)
        )
    labels: dict[str, list[int]] = {}
    for chain in chains:
        labels.setdefault(chain.label.key, []).append(chain.edge)
    headings = []
    for stage in sorted({n.stage for n in pathway.nodes}):
        node_ranks = [items[n.iri].rank for n in pathway.nodes if n.stage == stage]
        first, last = span[min(node_ranks)][0], span[max(node_ranks)][1]
        headings.append(Column(stage, pathway.heading(stage), first, last))
    return Layout(
        width=width,
        height=height,
        top=_MARGIN + _HEADING_SPACE,
        nodes={n.iri: NodeBox(n.iri, boxes[n.iri], items[n.iri].lines) for n in pathway.nodes},
        labels=tuple(
            LabelBox(key, boxes[key], items[key].lines, tuple(edges))
            for key, edges in sorted(labels.items(), key=lambda kv: int(kv[0][1:]))
        ),
        routes=tuple(routes),
        columns=tuple(headings),
        order=tuple(tuple(k for k in rank if items[k].node is not None) for rank in ranks[::2]),
    )
