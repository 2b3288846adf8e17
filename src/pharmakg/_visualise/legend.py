"""What one pathway picture draws, in its styles: each edge's colour and dash, the legends."""

from __future__ import annotations

from .pathway import Pathway, PathwayEdge
from .styles import (
    BASIS_STYLES,
    INHIBITING_COLOUR,
    NEGATED_DASH,
    NEGATIVE_COLOUR,
    curated_summary,
)

__all__ = ["edge_colour", "edge_dash", "edge_legend", "legend_entries"]


def edge_colour(edge: PathwayEdge) -> str:
    """The stroke colour of ``edge``: red for negatives, brown for lowering, else by basis."""
    if edge.negated:
        return NEGATIVE_COLOUR
    if edge.inhibiting and edge.basis == "stated":
        return INHIBITING_COLOUR
    return edge.basis_style.colour


def edge_dash(edge: PathwayEdge) -> str | None:
    """The SVG dash pattern of ``edge`` (``None``: a solid line)."""
    return NEGATED_DASH if edge.negated else edge.basis_style.dash


def legend_entries(pathway: Pathway) -> list[dict[str, str]]:
    """The legend's node entries: one per category drawn, in stage order."""
    seen: dict[str, dict[str, str]] = {}
    for node in sorted(pathway.nodes, key=lambda n: (n.stage, n.negated)):
        style = node.style
        seen.setdefault(
            style.title, {"title": style.title, "fill": style.fill, "border": style.border}
        )
    return list(seen.values())


def edge_legend(pathway: Pathway) -> list[tuple[str, str, str | None, bool]]:
    """(title, colour, dash, flat head) of each kind of edge drawn."""
    entries: list[tuple[str, str, str | None, bool]] = []
    for basis in pathway.bases:
        style = BASIS_STYLES[basis]
        drawn = [e for e in pathway.edges if e.basis == basis and not e.negated]
        if drawn:
            records = [r for e in drawn for r in e.records]
            title = f"{style.title}: {curated_summary(records)}" if records else style.title
            entries.append((title, style.colour, style.dash, False))
    if any(e.inhibiting and not e.negated and e.basis == "stated" for e in pathway.edges):
        entries.append(("lowers (stated)", INHIBITING_COLOUR, None, True))
    if any(e.negated for e in pathway.edges):
        entries.append(("does not (a negative statement)", NEGATIVE_COLOUR, NEGATED_DASH, True))
    return entries
