"""Stage: pictures of a drug's pathway, layered left to right by mechanism stage.

The package follows the picture's making:

:mod:`~pharmakg._visualise.pathway`
    the drug's part of the mechanism graph, with evidence, approval status and basis;
:mod:`~pharmakg._visualise.stages`
    the mechanism stages, the picture's columns, and their headings;
:mod:`~pharmakg._visualise.styles`
    colours and corners per category, line styles per basis, the legends;
:mod:`~pharmakg._visualise.fonts`
    the font: its metrics, and the subset each picture embeds;
:mod:`~pharmakg._visualise.layering`, :mod:`~pharmakg._visualise.layout`
    the layered layout, computed once: columns by stage and their order, then positions and
    edge routes, as a :class:`~pharmakg._visualise.geometry.Layout`;
:mod:`~pharmakg._visualise.svg`
    the static SVG, and the PNG rasterised from it by resvg (no outside program);
:mod:`~pharmakg._visualise.html`
    the interactive offline page (cytoscape.js) drawing the same layout;
:mod:`~pharmakg._visualise.mermaid`
    Mermaid ``flowchart LR`` text.

The picture formats are those of :attr:`pharmakg.formats.Kind.PICTURE` (``html``, ``svg``,
``png``, ``mermaid``); :mod:`~pharmakg._visualise.render` draws a pathway in one and returns
the file's bytes.
"""

from __future__ import annotations

from .geometry import Layout
from .html import CYTOSCAPE_VERSION, to_html
from .layout import layout_pathway
from .mermaid import to_mermaid
from .pathway import (
    BASES,
    DEFAULT_BASES,
    DEFAULT_MAX_NODES,
    Pathway,
    PathwayEdge,
    PathwayNode,
    Reference,
    build_pathway,
    drug_slug,
    drugs_with_mechanism,
    parse_bases,
    resolver_url,
)
from .render import RENDERERS, render, visualise
from .stages import STAGES, Stage
from .styles import BASIS_STYLES, CATEGORY_STYLES, BasisStyle, CategoryStyle
from .svg import to_png, to_svg

__all__ = [
    "BASES",
    "BASIS_STYLES",
    "BasisStyle",
    "CATEGORY_STYLES",
    "CYTOSCAPE_VERSION",
    "CategoryStyle",
    "DEFAULT_BASES",
    "DEFAULT_MAX_NODES",
    "Layout",
    "Pathway",
    "PathwayEdge",
    "PathwayNode",
    "RENDERERS",
    "Reference",
    "STAGES",
    "Stage",
    "build_pathway",
    "drug_slug",
    "drugs_with_mechanism",
    "layout_pathway",
    "parse_bases",
    "render",
    "resolver_url",
    "to_html",
    "to_mermaid",
    "to_png",
    "to_svg",
    "visualise",
]
