"""Drawing a pathway in one picture format, and the stage's entry point, :func:`visualise`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .._load import LoadedGraph
from ..formats import Format, Kind, find
from .html import to_html
from .mermaid import to_mermaid
from .pathway import DEFAULT_MAX_NODES, Pathway, build_pathway
from .svg import to_png, to_svg

__all__ = ["RENDERERS", "render", "visualise"]


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
