"""The pathway as Mermaid text: a ``flowchart LR`` with one subgraph per stage.

Node ids are ``n0``, ``n1``, … in the pathway's order; within a stage the nodes are listed in
the layout's order (:mod:`.layout`). Negative statements and a curator's interpretations are
dotted links (``-.->``), coloured by ``linkStyle`` as in the other pictures.
"""

from __future__ import annotations

import re

from .layout import layout_pathway
from .pathway import Pathway, PathwayNode
from .stages import STAGES
from .styles import (
    APPROVED_COLOUR,
    NEGATIVE_COLOUR,
    OFF_LABEL_COLOUR,
    CategoryStyle,
    curated_summary,
)

__all__ = [
    "to_mermaid",
]


def _mermaid_text(text: str) -> str:
    """A Mermaid quoted label: characters with a meaning become ``#code;`` entities."""
    out = []
    for char in " ".join(text.split()):
        if char in '"#<>&`|[](){}':
            out.append(f"#{ord(char)};")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _mermaid_class(node: PathwayNode) -> str:
    if node.negated:
        return "negated"
    if node.status is not None:
        return "approved" if node.approved else "offlabel"
    return "c_" + re.sub(r"[^A-Za-z0-9]", "", (node.category or "other").removeprefix("pkg:"))


def _stage_lines(pathway: Pathway, ids: dict[str, str]) -> list[str]:
    """One subgraph per mechanism stage, its nodes in layout order."""
    placed = layout_pathway(pathway)
    lines = []
    for stage_index, stage in enumerate(STAGES):
        members = sorted(
            (n for n in pathway.nodes if n.stage == stage_index),
            key=lambda n: (placed.nodes[n.iri].box.x, placed.nodes[n.iri].box.y),
        )
        if not members:
            continue
        heading = _mermaid_text(pathway.heading(stage_index))
        lines.append(f"  subgraph stage_{stage.key}[{heading}]")
        lines.append("    direction TB")
        lines += [f"    {ids[node.iri]}[{_mermaid_text(node.text)}]" for node in members]
        lines.append("  end")
    return lines


def _edge_lines(pathway: Pathway, ids: dict[str, str]) -> list[str]:
    """The edges: dotted for negations and any basis but stated."""
    lines = []
    for edge in pathway.edges:
        arrow = "-.->" if edge.negated or edge.basis != "stated" else "-->"
        label = edge.label + (" (interpretation)" if edge.basis == "interpreted" else "")
        if edge.records:
            label += f" (curated: {curated_summary(edge.records)})"
        lines.append(f"  {ids[edge.source]} {arrow}|{_mermaid_text(label)}| {ids[edge.target]}")
    return lines


def _class_lines(pathway: Pathway, ids: dict[str, str]) -> list[str]:
    """A class per category (approved, off-label and negated drawn apart), and its members."""
    classes: dict[str, CategoryStyle] = {}
    for node in pathway.nodes:
        classes.setdefault(_mermaid_class(node), node.style)
    lines = []
    for name, style in sorted(classes.items()):
        border = {"approved": APPROVED_COLOUR, "offlabel": OFF_LABEL_COLOUR}.get(name, style.border)
        extra = ",stroke-dasharray:5 3" if name in ("offlabel", "negated") else ""
        width = "3px" if name == "approved" else "1.5px"
        lines.append(
            f"  classDef {name} fill:{style.fill},stroke:{border},stroke-width:{width}{extra}"
        )
    for name in sorted(classes):
        members_ids = ",".join(ids[n.iri] for n in pathway.nodes if _mermaid_class(n) == name)
        lines.append(f"  class {members_ids} {name}")
    return lines


def _link_style_lines(pathway: Pathway) -> list[str]:
    """Colours for negated edges and for each basis drawn apart from stated statements."""
    lines = []
    negated = [str(i) for i, e in enumerate(pathway.edges) if e.negated]
    if negated:
        lines.append(
            f"  linkStyle {','.join(negated)} stroke:{NEGATIVE_COLOUR},color:{NEGATIVE_COLOUR}"
        )
    for basis in ("interpreted", "inferred", "curated"):
        numbers = [
            str(i) for i, e in enumerate(pathway.edges) if e.basis == basis and not e.negated
        ]
        if numbers:
            colour = pathway.edges[int(numbers[0])].basis_style.colour
            lines.append(f"  linkStyle {','.join(numbers)} stroke:{colour}")
    return lines


def to_mermaid(pathway: Pathway) -> str:
    """A Mermaid ``flowchart LR``: one subgraph per stage; node ids are ``n0``, ``n1``, …."""
    ids = {node.iri: f"n{index}" for index, node in enumerate(pathway.nodes)}
    lines = ["flowchart LR"]
    if pathway.omitted:
        lines.append(f"  %% {pathway.omitted} more steps are not drawn (limit {pathway.max_nodes})")
    lines += _stage_lines(pathway, ids)
    lines += _edge_lines(pathway, ids)
    lines += _class_lines(pathway, ids)
    lines += _link_style_lines(pathway)
    return "\n".join(lines) + "\n"
