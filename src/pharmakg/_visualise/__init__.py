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
``png``, ``mermaid``); :func:`render` draws a pathway in one and returns the file's bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .._load import LoadedGraph
from ..formats import Format, Kind, find
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


def _encoded(render_text: Callable[[Pathway], str]) -> Callable[[Pathway], bytes]:
    return lambda pathway: render_text(pathway).encode("utf-8")


#: Picture format name (:attr:`Kind.PICTURE`) → renderer; every renderer returns the file's bytes.
RENDERERS: dict[str, Callable[[Pathway], bytes]] = {
    "html": _encoded(to_html),
    "svg": _encoded(to_svg),
    "png": to_png,
    "mermaid": _encoded(to_mermaid),
}


def render(pathway: Pathway, fmt: Format | str) -> bytes:
    """Draw ``pathway`` in ``fmt`` (a picture format or its name, alias, suffix, media type).

    :returns: the bytes of the file (text formats in UTF-8).
    :raises UnknownFormatError: the error lists the picture formats.
    """
    return RENDERERS[find(Kind.PICTURE, fmt).name](pathway)


def visualise(
    kg: LoadedGraph,
    drug: str,
    fmt: Format | str = "html",
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    bases: str | Iterable[str] | None = None,
) -> bytes:
    """Draw the pathway of ``drug`` (label, CURIE or IRI) in ``fmt``; see :func:`render`.

    :param bases: the bases whose edges are drawn (default: stated and interpreted).
    :raises UnknownEntityError: not a drug of ``kg``; the error lists the closest matches.
    :raises UnknownFormatError: the error lists the formats.
    :raises InvalidParameterError: an unknown basis; the error lists the bases.
    """
    chosen = find(Kind.PICTURE, fmt)
    return render(build_pathway(kg, drug, max_nodes=max_nodes, bases=bases), chosen)
