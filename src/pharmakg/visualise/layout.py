"""The layered layout, computed once and drawn by both the SVG/PNG and the HTML page.

Stages run left to right (:data:`~pharmakg.visualise.pathway.STAGES`); a stage whose nodes
point at each other is split into sub-columns, so that every edge runs left to right (an edge
against the stages is laid out reversed and drawn back). Between two node columns lies a label
column. Each edge becomes a chain of items, one per column it passes: its source node, its
label box (shared by the edges that leave one node with the same words and style: a bundle),
thin dummies through the columns it spans, and its target node. This is the Sugiyama scheme
with label dummies, as ELK's layered algorithm does it:

1. the order within each column: barycentre sweeps, keeping the order with fewest crossings
   (indications keep FDA-approved above off-label, negated nodes go last);
2. the vertical positions: each sweep pulls every item towards the mean of its neighbours,
   under the minimum gaps, by isotonic regression (pool adjacent violators);
3. the routes: a horizontal run through each item's column and a cubic S-curve across each
   gap. Gaps hold no node and no label, so no edge crosses a node or another edge's label, and
   no label overlaps another.

Text is measured with the metrics of the font the pictures use, Source Sans Pro (SIL OFL,
from the PyPI package ``font-source-sans-pro``), read with fontTools.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path

import networkx as nx

from .pathway import STAGES, Pathway, PathwayEdge, PathwayNode

__all__ = [
    "Box",
    "Column",
    "FONT_FAMILY",
    "HEADING_FONT",
    "LABEL_FONT",
    "LabelBox",
    "Layout",
    "NODE_FONT",
    "NodeBox",
    "Point",
    "Route",
    "font_face_css",
    "font_file",
    "layout_pathway",
    "text_width",
    "wrap_text",
]

#: The font family the pictures are drawn and measured in.
FONT_FAMILY = "Source Sans Pro"
_FONT_FILES = {False: "SourceSansPro-Regular.ttf", True: "SourceSansPro-Semibold.ttf"}

#: Font sizes in pixels: node text, edge labels, stage headings.
NODE_FONT, LABEL_FONT, HEADING_FONT = 13.0, 11.0, 15.0
_NODE_TEXT_WIDTH, _LABEL_TEXT_WIDTH = 150.0, 124.0
_NODE_PAD_X, _NODE_PAD_Y, _LABEL_PAD_X, _LABEL_PAD_Y = 10.0, 7.0, 4.0, 2.0
_LINE_HEIGHT = 1.25
_NODE_GAP, _ITEM_GAP = 16.0, 7.0
_PORT_SPACING, _PORT_MARGIN = 9.0, 5.0
_LOOP_LANE, _LOOP_TURN = 12.0, 12.0
_MIN_GAP, _MAX_GAP = 22.0, 64.0
_SWEEPS, _PLACEMENTS = 12, 24
_MARGIN, _HEADING_SPACE = 24.0, 52.0

Point = tuple[float, float]


def font_file(bold: bool = False) -> Path:
    """The TrueType file of the pictures' font (semibold for ``bold``)."""
    files = importlib_resources.files("font_source_sans_pro") / "files" / _FONT_FILES[bold]
    return Path(str(files))


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths by code point, in em, and the fallback width for unknown characters."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font_file(bold)), lazy=True) as font:
        units = float(font["head"].unitsPerEm)
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, widths.get(ord("n"), 0.5)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` in pixels at font size ``size`` (no kerning)."""
    widths, fallback = _advances(bold)
    return size * sum(widths.get(ord(char), fallback) for char in text)


def wrap_text(text: str, width: float, size: float, *, bold: bool = False) -> tuple[str, ...]:
    """``text`` broken at spaces into lines at most ``width`` pixels wide (long words stay)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size, bold=bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


_ASCII = "".join(chr(code) for code in range(32, 127))


def font_face_css(text: str, family: str = "pharmakg-sans") -> str:
    """``@font-face`` rules embedding the font, cut to printable ASCII and ``text``'s characters.

    Pictures and pages then show the very glyphs the layout measured, with no font installed.
    """
    return _font_face_css("".join(sorted(set(text) | set(_ASCII))), family)


@functools.lru_cache(maxsize=16)
def _font_face_css(characters: str, family: str) -> str:
    """The rules for exactly ``characters``, cut once per character set.

    Cutting takes about a second, and the pictures of a build share their characters.
    """
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.otBase import USE_HARFBUZZ_REPACKER

    rules = []
    for bold, weight in ((False, 400), (True, 600)):
        options = subset.Options()
        for name, value in _SUBSET_OPTIONS.items():
            setattr(options, name, value)  # one by one: a fontTools without one ignores it
        font = TTFont(str(font_file(bold)), recalcTimestamp=False)
        # GSUB and GPOS packed by fontTools itself, not by uharfbuzz wherever that is installed.
        font.cfg[USE_HARFBUZZ_REPACKER] = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        # Plain TrueType, as cut: WOFF would add only zlib's bytes, which vary with the zlib.
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: '{family}'; font-weight: {weight}; "
            f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
        )
    return "\n".join(rules)


#: The subsetter's options, every one that decides what the embedded font holds, set here rather
#: than left to fontTools' defaults: those change between releases (up to 4.60 they dropped the
#: BASE table, from 4.61 they keep it; up to 4.68 they kept ``name`` IDs 0-6, 4.69 keeps them
#: all), and each change rewrites the fonts inside every SVG and HTML page we publish. With these,
#: 4.61 to 4.69 write the same bytes; what no option pins (4.60 and earlier write GSUB and GPOS
#: differently) the lock does: requirements.lock.
_SUBSET_OPTIONS: dict[str, object] = {
    # Names: family, style, version and PostScript name (IDs 1-6), with the copyright (0) and the
    # SIL OFL's text and address (13, 14), which the licence asks every copy to carry.
    "name_IDs": [0, 1, 2, 3, 4, 5, 6, 13, 14],
    "name_languages": [0x0409],  # English (United States), the font's only language
    "name_legacy": False,
    # Tables: the ones no browser needs for drawing horizontal Latin text (baselines,
    # justification, bitmaps, Graphite, the signature).
    "drop_tables": [
        "BASE",
        "JSTF",
        "DSIG",
        "EBDT",
        "EBLC",
        "EBSC",
        "PCLT",
        "LTSH",
        "Feat",
        "Glat",
        "Gloc",
        "Silf",
        "Sill",
    ],
    "passthrough_tables": False,
    # OpenType features: the font's that browsers apply to Latin text by default (composition,
    # localised forms, ligatures, kerning, marks) and its fraction forms, in all its scripts.
    "layout_features": ["ccmp", "dnom", "frac", "kern", "liga", "locl", "mark", "mkmk", "numr"],
    "layout_scripts": ["*"],
    "layout_closure": True,
    "bidi_closure": True,
    # Glyphs: the ones for the text, a blank .notdef, TrueType hinting kept, no glyph names.
    "notdef_glyph": True,
    "notdef_outline": False,
    "recommended_glyphs": False,
    "glyph_names": False,
    "hinting": True,
    "desubroutinize": False,
    "retain_gids": False,
    "ignore_missing_glyphs": False,
    "ignore_missing_unicodes": True,
    "retain_all_variation_sequences": False,
    # OS/2's Unicode and code-page ranges cut to what the subset holds; bounds, widths, context
    # and timestamp as the font has them, none recomputed.
    "legacy_cmap": False,
    "symbol_cmap": False,
    "prune_unicode_ranges": True,
    "prune_codepage_ranges": True,
    "recalc_bounds": False,
    "recalc_timestamp": False,
    "recalc_average_width": False,
    "recalc_max_context": False,
}


@dataclass(frozen=True)
class Box:
    """A rectangle by its centre and size."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        """The left edge."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        """The top edge."""
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.height / 2

    def crosses(self, start: Point, end: Point, margin: float = 0.0) -> bool:
        """Whether the segment ``start`` to ``end`` enters the box shrunk by ``margin`` each side.

        Liang-Barsky clipping; touching the shrunk box's border does not count.
        """
        left, right = self.left + margin, self.right - margin
        top, bottom = self.top + margin, self.bottom - margin
        if left >= right or top >= bottom:
            return False
        dx, dy = end[0] - start[0], end[1] - start[1]
        low, high = 0.0, 1.0
        for p, q in (
            (-dx, start[0] - left),
            (dx, right - start[0]),
            (-dy, start[1] - top),
            (dy, bottom - start[1]),
        ):
            if p == 0:
                if q <= 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low >= high:
                return False
        return True

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """Whether the two boxes share more than ``margin`` pixels each way."""
        return (
            self.left + margin < other.right
            and other.left + margin < self.right
            and self.top + margin < other.bottom
            and other.top + margin < self.bottom
        )


@dataclass(frozen=True)
class NodeBox:
    """A node's box and its wrapped lines of text."""

    iri: str
    box: Box
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LabelBox:
    """An edge label's box, its lines, and the edges (indices in ``pathway.edges``) it names."""

    key: str
    box: Box
    lines: tuple[str, ...]
    edges: tuple[int, ...]


@dataclass(frozen=True)
class Route:
    """The drawn path of one edge (index ``edge`` in ``pathway.edges``).

    :param curves: cubic Bézier pieces ``(start, control, control, end)``, from the source to
        the target; straight runs have their controls on the line.
    :param label: the key of the edge's :class:`LabelBox`.
    """

    edge: int
    curves: tuple[tuple[Point, Point, Point, Point], ...]
    label: str

    @property
    def start(self) -> Point:
        """Where the edge leaves its source."""
        return self.curves[0][0]

    @property
    def end(self) -> Point:
        """Where the edge meets its target (the arrow's tip)."""
        return self.curves[-1][3]

    def svg_path(self) -> str:
        """The SVG path data."""
        parts = [f"M{_num(self.start[0])},{_num(self.start[1])}"]
        for _, c1, c2, end in self.curves:
            if _straight(c1, c2, end, parts):
                continue
            parts.append(
                f"C{_num(c1[0])},{_num(c1[1])} {_num(c2[0])},{_num(c2[1])} "
                f"{_num(end[0])},{_num(end[1])}"
            )
        return " ".join(parts)

    def points(self, steps: int = 8) -> tuple[Point, ...]:
        """The path as a polyline: straight runs by their ends, curves by ``steps`` pieces."""
        out: list[Point] = [self.start]
        for start, c1, c2, end in self.curves:
            if start[1] == end[1]:
                out.append(end)
                continue
            for step in range(1, steps + 1):
                out.append(_bezier(start, c1, c2, end, step / steps))
        return tuple(out)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _straight(c1: Point, c2: Point, end: Point, parts: list[str]) -> bool:
    """Write a horizontal run as ``H`` (and say so); curves are written by the caller."""
    if c1[1] == c2[1] == end[1]:
        parts.append(f"H{_num(end[0])}")
        return True
    return False


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    return (
        u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
    )


@dataclass(frozen=True)
class Column:
    """A stage's heading over the columns of its nodes."""

    stage: int
    title: str
    left: float
    right: float


@dataclass(frozen=True)
class Layout:
    """Where everything of a pathway is drawn, in pixels from the top left.

    :param order: the node IRIs of each node column, top to bottom.
    :param top: the y of the first row (headings sit above it).
    """

    width: float
    height: float
    top: float
    nodes: dict[str, NodeBox]
    labels: tuple[LabelBox, ...]
    routes: tuple[Route, ...]
    columns: tuple[Column, ...]
    order: tuple[tuple[str, ...], ...]


# ---------------------------------------------------------------- columns and chains


def _node_columns(pathway: Pathway) -> dict[str, int]:
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
class _Item:
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
class _Chain:
    """The items one edge passes, in column order; ``reversed`` when drawn right to left."""

    edge: int
    items: list[_Item]
    reversed: bool
    label: _Item
    words: tuple[object, ...] = ()


def _style_key(edge: PathwayEdge) -> tuple[str, bool, bool]:
    return edge.basis, edge.negated, edge.inhibiting


def _label_item(key: str, rank: int, text: str) -> _Item:
    lines = wrap_text(text, _LABEL_TEXT_WIDTH, LABEL_FONT)
    width = max(text_width(line, LABEL_FONT) for line in lines) + 2 * _LABEL_PAD_X
    height = len(lines) * LABEL_FONT * _LINE_HEIGHT + 2 * _LABEL_PAD_Y
    return _Item(key, rank, height, width, lines=lines)


def _node_item(node: PathwayNode, rank: int) -> _Item:
    bold = node.category == "pkg:Drug"
    lines = wrap_text(node.text, _NODE_TEXT_WIDTH, NODE_FONT, bold=bold)
    width = max(text_width(line, NODE_FONT, bold=bold) for line in lines) + 2 * _NODE_PAD_X
    height = len(lines) * NODE_FONT * _LINE_HEIGHT + 2 * _NODE_PAD_Y
    return _Item(node.iri, rank, height, max(width, 64.0), node=node, lines=lines)


def _chains(pathway: Pathway, columns: dict[str, int]) -> tuple[dict[str, _Item], list[_Chain]]:
    """Every item and every edge's chain; edges with one source, words and style share labels."""
    items = {n.iri: _node_item(n, 2 * columns[n.iri]) for n in pathway.nodes}
    bundles: dict[tuple[object, ...], _Item] = {}
    chains: list[_Chain] = []
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
            chain.append(items.setdefault(key, _Item(key, rank, 0.0)))
        chain.append(last)  # a loop (last is first) goes out through its label and back
        chains.append(_Chain(index, chain, backwards, label, (edge.label, _style_key(edge))))
    return items, chains


# ---------------------------------------------------------------- order within columns


def _group(item: _Item) -> tuple[int, ...]:
    node = item.node
    if node is None:
        return ()
    status = 0 if node.status is None else (1 if node.approved else 2)
    categories = STAGES[node.stage].members
    category = categories.index(node.category) if node.category in categories else len(categories)
    return status, int(node.negated), category


def _links(chains: Sequence[_Chain]) -> set[tuple[str, str]]:
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


def _order(items: dict[str, _Item], chains: Sequence[_Chain]) -> list[list[str]]:
    """Order each column by barycentre sweeps; keep the order with fewest crossings."""
    count = max(item.rank for item in items.values()) + 1
    ranks: list[list[str]] = [[] for _ in range(count)]
    for key in sorted(items, key=lambda k: (_group(items[k]), _sort_label(items[k]), k)):
        ranks[items[key].rank].append(key)
    links = _links(chains)
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


def _sort_label(item: _Item) -> str:
    return item.node.label.casefold() if item.node is not None else ""


def _sorted_rank(
    rank: list[str],
    items: dict[str, _Item],
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


def _gap(upper: _Item, lower: _Item) -> float:
    both_nodes = upper.node is not None and lower.node is not None
    return (upper.height + lower.height) / 2 + (_NODE_GAP if both_nodes else _ITEM_GAP)


def _place(items: dict[str, _Item], ranks: list[list[str]], chains: Sequence[_Chain]) -> None:
    """Set each item's ``y``: pulled towards its neighbours' mean, never closer than the gaps."""
    neighbours: dict[str, list[str]] = {k: [] for k in items}
    for left, right in sorted(_links(chains)):  # sorted: the same sums, the same pixels
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


def _straighten(items: dict[str, _Item], ranks: list[list[str]]) -> None:
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


def _ports(chains: Sequence[_Chain], items: dict[str, _Item]) -> dict[tuple[str, str], float]:
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
    chain: _Chain,
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
    chain: _Chain,
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
    columns = _node_columns(pathway)
    items, chains = _chains(pathway, columns)
    ranks = _order(items, chains)
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
