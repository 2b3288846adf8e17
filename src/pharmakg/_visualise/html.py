"""The interactive page: one self-contained HTML file that works offline.

cytoscape.js (vendored under ``pharmakg/_vendor/``, MIT licence, version
:data:`CYTOSCAPE_VERSION`), the font's glyphs and the data are inlined; the Content Security
Policy allows no network at all. The page draws the layout computed once in Python
(:mod:`.layout`), the same as the SVG and PNG: node positions are preset and each edge is a
cytoscape ``segments`` edge through its route's points, so no edge crosses a node; edge labels
are boxes of their own in the label columns, so none overlaps another. Zoom, pan, click for
evidence (statement, citations, basis, qualifiers), filter by indication, export to PNG.
"""

from __future__ import annotations

import html
import json
from importlib import resources as importlib_resources
from typing import Any

from ..errors import ResourceError
from .fonts import LABEL_FONT, NODE_FONT, font_face_css
from .geometry import Layout, Route
from .layout import layout_pathway
from .legend import edge_colour, edge_legend, legend_entries
from .pathway import Pathway, drug_slug, resolver_url
from .stages import STAGES
from .styles import (
    APPROVED_COLOUR,
    NEGATIVE_COLOUR,
    OFF_LABEL_COLOUR,
)
from .svg import edge_tooltip, glyph_text

__all__ = [
    "CYTOSCAPE_VERSION",
    "to_html",
]

#: The vendored cytoscape.js (``_vendor/cytoscape.min.js``, from the npm package ``cytoscape``).
CYTOSCAPE_VERSION = "3.34.4"


def _package_text(folder: str, name: str) -> str:
    """A text file shipped inside the package (``_vendor/``, ``_templates/``)."""
    path = importlib_resources.files("pharmakg") / folder / name
    if not path.is_file():
        raise ResourceError(f"the packaged file {folder}/{name} is missing", file=str(path))
    return path.read_text(encoding="utf-8")


def _script_safe_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` block: ``<``, ``>``, ``&`` and U+2028/9 escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _segments(
    route: Route, source: tuple[float, float], target: tuple[float, float]
) -> dict[str, Any]:
    """The route as cytoscape ``segments`` relative to the node centres (``node-position``).

    A point's weight is its projection on the source→target line (0 at the source, 1 at the
    target); its distance is how far it lies to the line's left.
    """
    points = route.points()
    sx, sy = source
    vx, vy = target[0] - sx, target[1] - sy
    length2 = vx * vx + vy * vy or 1.0
    length = length2**0.5
    weights, distances = [], []
    for px, py in points[1:-1]:
        dx, dy = px - sx, py - sy
        weights.append(round((dx * vx + dy * vy) / length2, 5))
        distances.append(round((vx * dy - vy * dx) / length, 2))
    start, end = points[0], points[-1]
    return {
        "weights": weights,
        "distances": distances,
        "sourceEnd": f"{start[0] - sx:.2f}px {start[1] - sy:.2f}px",
        "targetEnd": f"{end[0] - target[0]:.2f}px {end[1] - target[1]:.2f}px",
        "points": [[round(x, 2), round(y, 2)] for x, y in points],
    }


def _panel_text(pathway: Pathway) -> str:
    """The words the page's panel and tooltips can show, beyond the picture's own."""
    words = [r.label + (r.title or "") for r in pathway.references]
    words += [(e.statement or "") + (e.reason or "") + "".join(e.qualifiers) for e in pathway.edges]
    words += [n.status or "" for n in pathway.nodes]
    return (
        "".join(words)
        + "\N{EM DASH}\N{RIGHTWARDS ARROW}\N{MIDDLE DOT}"
        + "\N{LEFT DOUBLE QUOTATION MARK}\N{RIGHT DOUBLE QUOTATION MARK}"
    )


def _cy_elements(pathway: Pathway, placed: Layout) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = [
        {
            "group": "nodes",
            "data": {"id": f"stage:{STAGES[c.stage].key}", "label": c.title, "kind": "stage"},
            "position": {"x": (c.left + c.right) / 2, "y": placed.top - 18},
            "classes": "stage",
            "selectable": False,
            "grabbable": False,
        }
        for c in placed.columns
    ]
    for node in pathway.nodes:
        style, box = node.style, placed.nodes[node.iri].box
        identifiers = [c for c in (node.identifier, *node.xrefs) if c]
        classes = ["entity"]
        if node.negated:
            classes.append("negated")
        if node.status is not None:
            classes.append("approved" if node.approved else "off-label")
        elements.append(
            {
                "group": "nodes",
                "data": {
                    "id": node.iri,
                    "kind": "entity",
                    "label": "\n".join(placed.nodes[node.iri].lines),
                    "name": node.label,
                    "category": node.category,
                    "categoryTitle": style.title,
                    "stage": pathway.heading(node.stage),
                    "identifier": node.identifier,
                    "identifiers": [{"curie": c, "url": resolver_url(c)} for c in identifiers],
                    "status": node.status,
                    "negated": node.negated,
                    "fill": style.fill,
                    "border": style.border,
                    "corner": style.corner,
                    "text": NEGATIVE_COLOUR if node.negated else style.text,
                    "weight": "600" if node.category == "pkg:Drug" else "400",
                    "w": box.width,
                    "h": box.height,
                },
                "position": {"x": box.x, "y": box.y},
                "classes": " ".join(classes),
                "grabbable": False,
            }
        )
    for label in placed.labels:
        first = pathway.edges[label.edges[0]]
        elements.append(
            {
                "group": "nodes",
                "data": {
                    "id": f"label:{label.key}",
                    "kind": "label",
                    "label": "\n".join(label.lines),
                    "edges": [f"e{i}" for i in label.edges],
                    "colour": NEGATIVE_COLOUR if first.negated else "#424949",
                    "w": label.box.width,
                    "h": label.box.height,
                },
                "position": {"x": label.box.x, "y": label.box.y},
                "classes": "edge-label",
                "grabbable": False,
            }
        )
    for route in placed.routes:
        edge = pathway.edges[route.edge]
        source, target = placed.nodes[edge.source].box, placed.nodes[edge.target].box
        elements.append(
            {
                "group": "edges",
                "data": {
                    "id": f"e{route.edge}",
                    "source": edge.source,
                    "target": edge.target,
                    "predicate": edge.predicate,
                    "label": edge.label,
                    "labelBox": f"label:{route.label}",
                    "citations": list(edge.citations),
                    "negated": edge.negated,
                    "statement": edge.statement,
                    "basis": edge.basis,
                    "qualifiers": list(edge.qualifiers),
                    "reason": edge.reason,
                    "records": list(edge.records),
                    "tooltip": edge_tooltip(pathway, edge),
                    "colour": edge_colour(edge),
                    "lineStyle": "dashed" if edge.negated else edge.basis_style.line_style,
                    "head": "tee" if edge.negated or edge.inhibiting else "triangle",
                    **_segments(route, (source.x, source.y), (target.x, target.y)),
                },
                "classes": " ".join(
                    c
                    for c, on in (
                        ("negated", edge.negated),
                        ("inhibiting", edge.inhibiting),
                        (edge.basis, True),
                    )
                    if on
                ),
            }
        )
    return elements


def to_html(pathway: Pathway, layout: Layout | None = None) -> str:
    """The interactive page: one self-contained HTML file (cytoscape.js inlined, no network)."""
    placed = layout or layout_pathway(pathway)
    library = _package_text("_vendor", "cytoscape.min.js")
    if "</script" in library.casefold():
        raise ResourceError("the vendored cytoscape.min.js would end its <script> block")
    data = {
        "drug": pathway.drug,
        "drugLabel": pathway.drug_label,
        "slug": drug_slug(pathway.drug_label),
        "elements": _cy_elements(pathway, placed),
        "references": [
            {"number": r.number, "label": r.label, "title": r.title} for r in pathway.references
        ],
        "legend": legend_entries(pathway),
        "edgeLegend": [
            {
                "title": t,
                "colour": c,
                "style": "dotted" if d == "2 3" else ("dashed" if d else "solid"),
            }
            for t, c, d, _ in edge_legend(pathway)
        ],
        "bases": list(pathway.bases),
        "omitted": pathway.omitted,
        "shown": len(pathway.nodes),
        "maxNodes": pathway.max_nodes,
        "cytoscapeVersion": CYTOSCAPE_VERSION,
        "size": {"width": placed.width, "height": placed.height},
        "fonts": {"node": NODE_FONT, "label": LABEL_FONT},
    }
    app = (
        _package_text("_templates", "pathway.js")
        .replace("@APPROVED@", APPROVED_COLOUR)
        .replace("@OFFLABEL@", OFF_LABEL_COLOUR)
        .replace("@NEGATIVE@", NEGATIVE_COLOUR)
    )
    page = (
        _package_text("_templates", "pathway.html")
        .replace("@TITLE@", html.escape(pathway.title))
        .replace("@FONTS@", font_face_css(glyph_text(pathway) + _panel_text(pathway)))
        .replace("@APP@", app)
    )
    page = page.replace("@DATA@", _script_safe_json(data))
    # Last, so that no placeholder text inside the library is ever replaced.
    return page.replace("@CYTOSCAPE@", library)
