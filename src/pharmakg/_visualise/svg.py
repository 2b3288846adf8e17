"""The static picture: SVG drawn from the layout, PNG rasterised from it by resvg.

No outside program is needed: the layout is ours (:mod:`.layout`), the SVG is written here,
and the PNG comes from resvg through the ``resvg-py`` wheel, with the font files of the
``font-source-sans-pro`` wheel (system fonts are not used, so every machine draws the same
pixels). The SVG embeds the glyphs it uses, so browsers show the font the layout measured.

Edges are drawn by basis (stated: solid; a curator's interpretation: dotted and lighter;
inferred: dashed), negative statements as dashed red "does not" edges with a flat head;
hovering an edge in a browser shows its statement, citations, basis and qualifiers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator

from .fonts import (
    FONT_FAMILY,
    HEADING_FONT,
    LABEL_FONT,
    NODE_FONT,
    font_face_css,
    font_file,
    text_width,
)
from .geometry import Layout
from .layout import layout_pathway
from .legend import edge_colour, edge_dash, edge_legend, legend_entries
from .pathway import Pathway, PathwayEdge, PathwayNode, resolver_url
from .stages import STAGES
from .styles import (
    APPROVED_COLOUR,
    NEGATIVE_COLOUR,
    OFF_LABEL_COLOUR,
)

__all__ = [
    "edge_tooltip",
    "glyph_text",
    "to_png",
    "to_svg",
]

_TITLE_FONT = 18.0
_LEGEND_FONT = 12.0
_FAMILY = f"pharmakg-sans, '{FONT_FAMILY}', sans-serif"


def edge_tooltip(pathway: Pathway, edge: PathwayEdge) -> str:
    """One edge in words: the statement, its citations, basis, qualifiers and quote."""
    source, target = pathway.node(edge.source).label, pathway.node(edge.target).label
    lines = [f"{source} \N{EM DASH} {edge.label} \N{RIGHTWARDS ARROW} {target}"]
    if edge.citations:
        lines.append("cited: [" + ", ".join(str(c) for c in edge.citations) + "]")
    basis = {"interpreted": "interpretation", "curated": "curated database"}.get(
        edge.basis, edge.basis
    )
    lines.append(f"basis: {basis}" + (f" \N{EM DASH} {edge.reason}" if edge.reason else ""))
    if edge.records:
        lines.append("from: " + "; ".join(edge.records))
    if edge.qualifiers:
        lines.append("qualifiers: " + "; ".join(edge.qualifiers))
    if edge.statement:
        lines.append(
            f"\N{LEFT DOUBLE QUOTATION MARK}{edge.statement}\N{RIGHT DOUBLE QUOTATION MARK}"
        )
    return "\n".join(lines)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _markers(pathway: Pathway) -> Iterator[str]:
    """One arrow head per colour in use (a flat head for negatives and lowering)."""
    seen: set[tuple[str, bool]] = set()
    for edge in pathway.edges:
        key = (edge_colour(edge), edge.negated or edge.inhibiting)
        if key in seen:
            continue
        seen.add(key)
        colour, flat = key
        shape = (
            f'<path d="M1,0 V10" stroke="{colour}" stroke-width="2.4"/>'
            if flat
            else f'<path d="M0,1 L10,5 L0,9 z" fill="{colour}"/>'
        )
        yield (
            f'<marker id="{_marker_id(key)}" viewBox="0 0 10 10" refX="{2 if flat else 10}" '
            'refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
            f'orient="auto">{shape}</marker>'
        )


def _marker_id(key: tuple[str, bool]) -> str:
    return ("tee-" if key[1] else "arrow-") + key[0].lstrip("#")


def _lines(lines: tuple[str, ...], x: float, y: float, size: float, **attrs: str) -> str:
    """Centred lines of text around ``y``."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    first = y - (len(lines) - 1) * size * 1.25 / 2 + size * 0.35
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first + i * size * 1.25)}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="middle" font-size="{_n(size)}"{extra}>{spans}</text>'


def _node_svg(node: PathwayNode, layout: Layout) -> str:
    placed = layout.nodes[node.iri]
    box, style = placed.box, node.style
    stroke, width, dash = style.border, 1.6, ""
    if node.negated:
        dash = ' stroke-dasharray="5 3"'
    elif node.status is not None and node.approved:
        stroke, width = APPROVED_COLOUR, 3.2
    elif node.status is not None:
        stroke, width, dash = OFF_LABEL_COLOUR, 2.2, ' stroke-dasharray="6 3"'
    identifier = node.identifier or "no standard identifier"
    tip = f"{node.label} ({identifier})" + (f", {node.status}" if node.status else "")
    text = _lines(
        placed.lines,
        box.x,
        box.y,
        NODE_FONT,
        fill=NEGATIVE_COLOUR if node.negated else style.text,
        font_weight="600" if node.category == "pkg:Drug" else "400",
    )
    shape = (
        f'<rect x="{_n(box.left)}" y="{_n(box.top)}" width="{_n(box.width)}" '
        f'height="{_n(box.height)}" rx="{_n(style.corner)}" fill="{style.fill}" '
        f'stroke="{stroke}" stroke-width="{_n(width)}"{dash}/>'
    )
    body = shape + text
    if node.identifier:
        body = f'<a href="{_e(resolver_url(node.identifier))}">{body}</a>'
    return f'<g class="node" id="{_e(node.iri)}"><title>{_e(tip)}</title>{body}</g>'


def _legend(pathway: Pathway, top: float, width: float) -> tuple[list[str], float, float]:
    """The legend's SVG, flowing left to right from ``top``; its height and its right edge."""
    parts: list[str] = []
    right = 0.0
    x, y, row = 24.0, top + 14.0, 22.0
    cells: list[tuple[str, str]] = []
    for item in legend_entries(pathway):
        swatch = (
            f'<rect x="0" y="-7" width="22" height="14" rx="3" fill="{item["fill"]}" '
            f'stroke="{item["border"]}" stroke-width="1.6"/>'
        )
        cells.append((swatch, item["title"]))
    if any(n.status is not None for n in pathway.nodes):
        cells.append(
            (
                f'<rect x="0" y="-7" width="22" height="14" rx="3" fill="#fadbd8" '
                f'stroke="{APPROVED_COLOUR}" stroke-width="3"/>',
                "FDA-approved (bold border)",
            )
        )
        cells.append(
            (
                f'<rect x="0" y="-7" width="22" height="14" rx="3" fill="#fadbd8" '
                f'stroke="{OFF_LABEL_COLOUR}" stroke-width="2" stroke-dasharray="5 2"/>',
                "off-label (dashed border)",
            )
        )
    for title, colour, dash, flat in edge_legend(pathway):
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        head = _marker_id((colour, flat))
        cells.append(
            (
                f'<path d="M0,0 H26" stroke="{colour}" stroke-width="1.6"{pattern} '
                f'fill="none" marker-end="url(#{head})"/>',
                title,
            )
        )
    for swatch, title in cells:
        cell = 36 + text_width(title, _LEGEND_FONT) + 18
        if x + cell > width - 24 and x > 24:
            x, y = 24.0, y + row
        parts.append(
            f'<g transform="translate({_n(x)},{_n(y)})">{swatch}'
            f'<text x="34" y="4" font-size="{_n(_LEGEND_FONT)}" fill="#1c2833">{_e(title)}</text>'
            "</g>"
        )
        x += cell
        right = max(right, x)
    note = []
    if pathway.omitted:
        y += row
        note.append(
            f'<text x="24" y="{_n(y + 4)}" font-size="{_n(_LEGEND_FONT)}" fill="#7b241c">'
            f"{pathway.omitted} more steps are not drawn (limit {pathway.max_nodes})</text>"
        )
    return parts + note, y - top + 20, right


def glyph_text(pathway: Pathway) -> str:
    """Every character the picture of ``pathway`` can show (for the embedded font)."""
    words = [pathway.title, "0123456789 more steps are not drawn (limit)"]
    words += [n.text for n in pathway.nodes] + [e.label for e in pathway.edges]
    words += [c["title"] for c in legend_entries(pathway)]
    words += [t for t, *_ in edge_legend(pathway)]
    words += ["FDA-approved (bold border)", "off-label (dashed border)"]
    words += [s.title for s in STAGES]
    words += [pathway.heading(stage) for stage in {n.stage for n in pathway.nodes}]
    return "".join(words)


def to_svg(pathway: Pathway, layout: Layout | None = None) -> str:
    """The static picture as SVG: headings, edges with their labels, nodes, a legend."""
    placed = layout or layout_pathway(pathway)
    legend, legend_height, right = _legend(pathway, placed.height, placed.width)
    # A legend cell wider than the picture (a curated record's name) widens the picture.
    width = math.ceil(max(placed.width, right + 6))
    height = math.ceil(placed.height + legend_height)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{_e(_FAMILY)}">',
        f"<title>{_e(pathway.title)}</title>",
        f"<defs><style>{font_face_css(glyph_text(pathway))}</style>",
        *_markers(pathway),
        "</defs>",
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        f'<text x="24" y="30" font-size="{_n(_TITLE_FONT)}" font-weight="600" '
        f'fill="#1c2833">{_e(pathway.title)}</text>',
    ]
    for column in placed.columns:
        middle = (column.left + column.right) / 2
        out.append(
            f'<text class="heading" x="{_n(middle)}" y="{_n(placed.top - 14)}" '
            f'text-anchor="middle" font-size="{_n(HEADING_FONT)}" font-weight="600" '
            f'fill="#566573">{_e(column.title)}</text>'
        )
    for route in placed.routes:
        edge = pathway.edges[route.edge]
        colour = edge_colour(edge)
        dash = edge_dash(edge)
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        head = _marker_id((colour, edge.negated or edge.inhibiting))
        out.append(
            f'<g class="edge" data-basis="{_e(edge.basis)}">'
            f"<title>{_e(edge_tooltip(pathway, edge))}</title>"
            f'<path d="{route.svg_path()}" fill="none" stroke="{colour}" '
            f'stroke-width="1.5"{pattern} marker-end="url(#{head})"/></g>'
        )
    for label in placed.labels:
        edge = pathway.edges[label.edges[0]]
        box = label.box
        out.append(
            f'<g class="edge-label"><rect x="{_n(box.left)}" y="{_n(box.top)}" '
            f'width="{_n(box.width)}" height="{_n(box.height)}" rx="3" fill="#ffffff"/>'
            + _lines(
                label.lines,
                box.x,
                box.y,
                LABEL_FONT,
                fill=NEGATIVE_COLOUR if edge.negated else "#424949",
            )
            + "</g>"
        )
    out += [_node_svg(node, placed) for node in pathway.nodes]
    out += legend
    out.append("</svg>")
    return "\n".join(out) + "\n"


def to_png(pathway: Pathway, *, zoom: float = 1.5) -> bytes:
    """The static picture as PNG: the SVG rasterised by resvg, with the packaged font only."""
    import resvg_py

    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=to_svg(pathway),
            background="#ffffff",
            skip_system_fonts=True,
            font_files=[str(font_file(False)), str(font_file(True))],
            font_family=FONT_FAMILY,
            sans_serif_family=FONT_FAMILY,
            zoom=zoom,
        )
    )
