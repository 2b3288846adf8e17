"""Stage: pictures of a drug's pathway, layered left to right by mechanism stage.

One :class:`Pathway` is built from the shared mechanism graph
(:func:`pharmakg.mechanism.mechanism_graph`): the drug and everything downstream of it, plus the
monograph's negative statements (named query ``negatives``) as negated nodes, the approval
status of each indication (``indications``), the reference titles (``references``) and the
cross-references (``identifiers``). It is then drawn in one of four formats
(:class:`VisualFormat`):

``html``
    One self-contained page that works offline: cytoscape.js (vendored under
    ``pharmakg/_vendor/``, MIT licence, version :data:`CYTOSCAPE_VERSION`) and the data are
    inlined. Zoom, pan, click for evidence, filter by indication, export to PNG.
``svg`` / ``png``
    Graphviz ``dot`` (``rankdir=LR``, one rank per stage). Needs the ``dot`` program
    (Debian: ``apt-get install graphviz``); :class:`MissingToolError` says so otherwise.
``mermaid``
    ``flowchart LR`` text with one subgraph per stage.

The stages, left to right: drug → targets and cells → cytokines → immune processes → effects
→ mechanism → indications (:data:`STAGES`).
"""

from __future__ import annotations

import enum
import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Any

import networkx as nx
from rdflib import URIRef

from .errors import InvalidCurieError, MissingToolError, UnknownEntityError, UnknownFormatError
from .load import LoadedGraph
from .mechanism import mechanism_graph
from .query import resolve_entity, run_query
from .vocab import compress, expand_curie

__all__ = [
    "CATEGORY_STYLES",
    "CYTOSCAPE_VERSION",
    "CategoryStyle",
    "DEFAULT_MAX_NODES",
    "Pathway",
    "PathwayEdge",
    "PathwayNode",
    "RENDERERS",
    "Reference",
    "STAGES",
    "Stage",
    "VisualFormat",
    "build_pathway",
    "drug_slug",
    "drugs_with_mechanism",
    "layered_positions",
    "render",
    "resolver_url",
    "to_dot",
    "to_html",
    "to_mermaid",
    "to_png",
    "to_svg",
    "visualise",
]

#: The vendored cytoscape.js (``_vendor/cytoscape.min.js``, from the npm package ``cytoscape``).
CYTOSCAPE_VERSION = "3.34.4"

#: More nodes than this and the pathway keeps the ones nearest the drug, saying so visibly.
DEFAULT_MAX_NODES = 150


@dataclass(frozen=True)
class Stage:
    """One column of the layered layout."""

    key: str
    title: str
    categories: tuple[str, ...]


#: The mechanism stages, left to right. A category not listed goes to ``processes``.
STAGES: tuple[Stage, ...] = (
    Stage("drug", "Drug", ("pkg:Drug",)),
    Stage(
        "targets",
        "Targets and cells",
        ("pkg:MolecularTarget", "pkg:Receptor", "pkg:TollLikeReceptor", "pkg:ImmuneCellType"),
    ),
    Stage("cytokines", "Cytokines", ("pkg:Cytokine",)),
    Stage("processes", "Immune processes", ("pkg:ImmuneResponse", "pkg:BiologicalProcess")),
    Stage("effects", "Effects", ("pkg:TherapeuticEffect", "pkg:ViralProduct", "pkg:Activity")),
    Stage("mechanism", "Mechanism", ("pkg:MechanismOfAction",)),
    Stage("diseases", "Indications", ("pkg:Disease",)),
)
_STAGE_OF = {category: index for index, stage in enumerate(STAGES) for category in stage.categories}
_DEFAULT_STAGE = 3
_EFFECTS_STAGE = 4


@dataclass(frozen=True)
class CategoryStyle:
    """How one category is drawn: fill and border colour, cytoscape and Graphviz shapes."""

    title: str
    fill: str
    border: str
    shape: str
    dot_shape: str
    dot_style: str = "filled"
    text: str = "#1c2833"


#: Colours and shapes by category (``None``: a category the table does not know).
CATEGORY_STYLES: dict[str | None, CategoryStyle] = {
    "pkg:Drug": CategoryStyle(
        "Drug", "#1f4e79", "#0b2540", "round-rectangle", "box", "filled,rounded,bold", "#ffffff"
    ),
    "pkg:Receptor": CategoryStyle("Receptor", "#d6eaf8", "#2874a6", "hexagon", "hexagon"),
    "pkg:TollLikeReceptor": CategoryStyle("Receptor", "#d6eaf8", "#2874a6", "hexagon", "hexagon"),
    "pkg:MolecularTarget": CategoryStyle("Target", "#d6eaf8", "#2874a6", "hexagon", "hexagon"),
    "pkg:ImmuneCellType": CategoryStyle(
        "Immune cell type", "#d1f2eb", "#117a65", "ellipse", "ellipse"
    ),
    "pkg:Cytokine": CategoryStyle("Cytokine", "#fcf3cf", "#9a7d0a", "rhomboid", "parallelogram"),
    "pkg:ImmuneResponse": CategoryStyle(
        "Immune process", "#e8daef", "#6c3483", "round-rectangle", "box", "filled,rounded"
    ),
    "pkg:BiologicalProcess": CategoryStyle(
        "Biological process", "#e8daef", "#6c3483", "round-rectangle", "box", "filled,rounded"
    ),
    "pkg:TherapeuticEffect": CategoryStyle(
        "Therapeutic effect", "#d5f5e3", "#1e8449", "cut-rectangle", "octagon"
    ),
    "pkg:ViralProduct": CategoryStyle("Viral product", "#f6ddcc", "#a04000", "tag", "cds"),
    "pkg:MechanismOfAction": CategoryStyle(
        "Mechanism of action", "#eaeded", "#283747", "octagon", "doubleoctagon"
    ),
    "pkg:Disease": CategoryStyle(
        "Disease (indication)", "#fadbd8", "#922b21", "round-rectangle", "box", "filled"
    ),
    None: CategoryStyle("Other", "#f2f3f4", "#566573", "ellipse", "ellipse"),
}
_NEGATED_STYLE = CategoryStyle("Not done (negative)", "#ffffff", "#c0392b", "ellipse", "ellipse")
_APPROVED_COLOUR, _OFF_LABEL_COLOUR, _NEGATIVE_COLOUR = "#1e8449", "#d35400", "#c0392b"
_INHIBITING = ("decrease", "negatively", "inhibit", "antagonist", "block")


@dataclass(frozen=True)
class PathwayNode:
    """One entity on the pathway.

    :param status: for a disease, its approval status label (``FDA-approved``, ``off-label``).
    :param negated: a node reached only by a negative statement (the drug does NOT do it).
    """

    iri: str
    label: str
    category: str | None
    identifier: str | None
    stage: int
    xrefs: tuple[str, ...] = ()
    status: str | None = None
    negated: bool = False

    @property
    def style(self) -> CategoryStyle:
        """The category's style (negated nodes have their own)."""
        if self.negated:
            return _NEGATED_STYLE
        return CATEGORY_STYLES.get(self.category, CATEGORY_STYLES[None])

    @property
    def approved(self) -> bool:
        """Whether the indication is FDA-approved."""
        return (self.status or "").casefold().startswith("fda")


@dataclass(frozen=True)
class PathwayEdge:
    """One statement: ``source`` ``predicate`` ``target``, with its citation numbers."""

    source: str
    target: str
    predicate: str
    label: str
    citations: tuple[int, ...] = ()
    negated: bool = False
    statement: str | None = None

    @property
    def inhibiting(self) -> bool:
        """Whether the predicate lowers its object (drawn with a flat arrow head)."""
        return any(word in self.label.casefold() for word in _INHIBITING)


@dataclass(frozen=True)
class Reference:
    """A reference of the drug's monograph, by its citation number."""

    number: int
    label: str
    title: str | None = None


@dataclass(frozen=True)
class Pathway:
    """A drug's pathway: nodes by stage, edges, references; ``omitted`` nodes over the limit."""

    drug: str
    drug_label: str
    nodes: tuple[PathwayNode, ...]
    edges: tuple[PathwayEdge, ...]
    references: tuple[Reference, ...] = ()
    omitted: int = 0
    max_nodes: int = DEFAULT_MAX_NODES
    _index: dict[str, PathwayNode] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update((node.iri, node) for node in self.nodes)

    def node(self, iri: str) -> PathwayNode:
        """The node with IRI ``iri``."""
        return self._index[iri]

    @property
    def title(self) -> str:
        """A one-line title for the picture."""
        return f"Mechanism of action of {self.drug_label}"


def _stage_of(category: str | None) -> int:
    return _STAGE_OF.get(category or "", _DEFAULT_STAGE)


def _drug_choices(graph: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(str(d["label"]) for _, d in graph.nodes(data=True) if d["category"] == "pkg:Drug")


def _keep_nearest(graph: nx.MultiDiGraph[str], drug: str, limit: int) -> list[str]:
    """The drug's downstream nodes, nearest first (by hops, then stage, then label)."""
    hops = nx.single_source_shortest_path_length(graph, drug)
    ordered = sorted(
        hops,
        key=lambda n: (hops[n], _stage_of(graph.nodes[n]["category"]), graph.nodes[n]["label"], n),
    )
    return ordered[:limit]


def build_pathway(
    kg: LoadedGraph, drug: str, *, max_nodes: int = DEFAULT_MAX_NODES, engine: str = "oxigraph"
) -> Pathway:
    """Build the pathway of ``drug`` (a label, CURIE or IRI) from ``kg`` (which is not changed).

    :param max_nodes: keep at most this many nodes (nearest the drug first); the pathway's
        ``omitted`` says how many were left out.
    :raises UnknownEntityError: ``drug`` names nothing, or no drug; the error lists drugs or
        the closest labels.
    """
    graph = mechanism_graph(kg, engine=engine)
    iri = str(resolve_entity(kg, drug, engine=engine))
    if iri not in graph or graph.nodes[iri]["category"] != "pkg:Drug":
        raise UnknownEntityError(
            f"{drug!r} is not a drug with mechanism statements",
            term=drug,
            choices=_drug_choices(graph),
        )
    reachable = _keep_nearest(graph, iri, len(graph))
    kept = reachable[:max_nodes]
    omitted = len(reachable) - len(kept)
    keep = set(kept)

    xrefs: dict[str, list[str]] = {}
    for entity, kind, curie in run_query(kg, "identifiers", engine=engine).rows:
        if str(entity) in keep and str(kind) == "xref":
            xrefs.setdefault(str(entity), []).append(str(curie))
    status: dict[str, str] = {}
    indications = run_query(kg, "indications", {"drug": URIRef(iri)}, engine=engine)
    for row in indications.rows:
        indication = dict(zip(indications.variables, row, strict=True))
        status[str(indication["disease"])] = str(indication["statusLabel"])

    nodes = [
        PathwayNode(
            iri=n,
            label=str(graph.nodes[n]["label"]),
            category=graph.nodes[n]["category"],
            identifier=graph.nodes[n]["identifier"],
            stage=_stage_of(graph.nodes[n]["category"]),
            xrefs=tuple(xrefs.get(n, ())),
            status=status.get(n),
        )
        for n in kept
    ]
    # The monograph's words behind each edge, shown when the edge is clicked.
    quotes: dict[tuple[str, str, str], list[str]] = {}
    for _, subject, predicate, obj, text in run_query(
        kg, "statements", {"drug": URIRef(iri)}, engine=engine
    ).rows:
        quotes.setdefault((str(subject), compress(str(predicate)), str(obj)), []).append(str(text))
    edges = [
        PathwayEdge(
            source=u,
            target=v,
            predicate=str(data["predicate"]),
            label=str(data["predicate_label"]),
            citations=tuple(data["citations"]),
            statement=" / ".join(quotes.get((u, str(data["predicate"]), v), [])) or None,
        )
        for u, v, data in sorted(graph.subgraph(kept).edges(data=True), key=_edge_key)
    ]
    negatives = run_query(kg, "negatives", {"drug": URIRef(iri)}, engine=engine)
    for values in negatives.rows:
        negative = dict(zip(negatives.variables, values, strict=True))
        target = str(negative["object"])
        if target not in keep:
            keep.add(target)
            nodes.append(
                PathwayNode(
                    iri=target,
                    label=str(negative["objectLabel"]),
                    category=None,
                    identifier=None,
                    stage=_EFFECTS_STAGE,
                    negated=True,
                )
            )
        context = f" ({negative['context']})" if negative["context"] is not None else ""
        edges.append(
            PathwayEdge(
                source=iri,
                target=target,
                predicate="not " + str(negative["predicateLabel"]),
                label=f"does not: {negative['predicateLabel']}{context}",
                citations=tuple(
                    int(p) for p in str(negative["citations"] or "").split(",") if p.strip()
                ),
                negated=True,
                statement=str(negative["statement"]),
            )
        )
    references = tuple(
        Reference(int(str(number)), str(label), None if title is None else str(title))
        for _, _, number, _, label, title in run_query(
            kg, "references", {"drug": URIRef(iri)}, engine=engine
        ).rows
    )
    return Pathway(
        drug=iri,
        drug_label=str(graph.nodes[iri]["label"]),
        nodes=tuple(nodes),
        edges=tuple(edges),
        references=references,
        omitted=omitted,
        max_nodes=max_nodes,
    )


def _edge_key(edge: tuple[str, str, dict[str, Any]]) -> tuple[str, str, str]:
    return edge[0], str(edge[2]["predicate"]), edge[1]


# ---------------------------------------------------------------- layout


def _status_rank(node: PathwayNode) -> int:
    if node.status is None:
        return 0
    return 1 if node.approved else 2


def _category_rank(node: PathwayNode) -> int:
    categories = STAGES[node.stage].categories
    return categories.index(node.category) if node.category in categories else len(categories)


def layered_positions(
    pathway: Pathway, *, column: float = 300.0, row: float = 84.0
) -> dict[str, tuple[float, float]]:
    """Positions: x by stage, y by a barycentre ordering within each stage (centred on 0).

    Each stage is ordered by the mean row of its nodes' predecessors in earlier stages, so
    edges cross less; indications put FDA-approved before off-label.
    """
    neighbours: dict[str, list[str]] = {n.iri: [] for n in pathway.nodes}
    for edge in pathway.edges:
        neighbours[edge.target].append(edge.source)
        neighbours[edge.source].append(edge.target)
    order: dict[str, float] = {}
    columns = [[n for n in pathway.nodes if n.stage == s] for s in range(len(STAGES))]

    def place(members: list[PathwayNode]) -> None:
        def barycentre(node: PathwayNode) -> float:
            rows = [order[p] for p in neighbours[node.iri] if p in order]
            return sum(rows) / len(rows) if rows else order.get(node.iri, 0.0)

        keys = {
            n.iri: (
                _status_rank(n),
                n.negated,
                _category_rank(n),
                barycentre(n),
                n.label.casefold(),
            )
            for n in members
        }
        members.sort(key=lambda n: keys[n.iri])
        middle = (len(members) - 1) / 2
        for index, node in enumerate(members):
            order[node.iri] = index - middle

    for members in columns:  # a first pass, left to right
        place(members)
    for _ in range(4):  # then sweeps that look at neighbours on both sides
        for members in [*reversed(columns), *columns]:
            place(members)
    positions: dict[str, tuple[float, float]] = {}
    for stage, members in enumerate(columns):
        for node in members:
            positions[node.iri] = (stage * column, order[node.iri] * row)
    return positions


# ---------------------------------------------------------------- identifiers


def resolver_url(curie: str) -> str:
    """A resolver link for ``curie``: its IRI from the prefix map, else identifiers.org."""
    try:
        return str(expand_curie(curie))
    except (InvalidCurieError, UnknownEntityError, ValueError):
        return f"https://identifiers.org/{curie}"


def drug_slug(label: str) -> str:
    """A file-name stem for a drug label (``imiquimod`` → ``imiquimod``)."""
    return re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-") or "drug"


# ---------------------------------------------------------------- HTML (cytoscape.js)


def _package_text(folder: str, name: str) -> str:
    """A text file shipped inside the package (``_vendor/``, ``_templates/``)."""
    return (importlib_resources.files("pharmakg") / folder / name).read_text(encoding="utf-8")


def _script_safe_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` block: ``<``, ``>``, ``&`` and U+2028/9 escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _cy_elements(pathway: Pathway) -> list[dict[str, Any]]:
    positions = layered_positions(pathway)
    top = min((y for _, y in positions.values()), default=0.0)
    used = sorted({n.stage for n in pathway.nodes})
    elements: list[dict[str, Any]] = [
        {
            "group": "nodes",
            "data": {"id": f"stage:{STAGES[s].key}", "label": STAGES[s].title, "kind": "stage"},
            "position": {"x": s * 300.0, "y": top - 90.0},
            "classes": "stage",
            "selectable": False,
            "grabbable": False,
        }
        for s in used
    ]
    for node in pathway.nodes:
        style = node.style
        identifiers = [c for c in (node.identifier, *node.xrefs) if c]
        classes = ["entity"]
        if node.negated:
            classes.append("negated")
        if node.status is not None:
            classes.append("approved" if node.approved else "off-label")
        x, y = positions[node.iri]
        elements.append(
            {
                "group": "nodes",
                "data": {
                    "id": node.iri,
                    "kind": "entity",
                    "label": ("NOT: " if node.negated else "") + node.label,
                    "name": node.label,
                    "category": node.category,
                    "categoryTitle": style.title,
                    "stage": STAGES[node.stage].title,
                    "identifier": node.identifier,
                    "identifiers": [{"curie": c, "url": resolver_url(c)} for c in identifiers],
                    "status": node.status,
                    "negated": node.negated,
                    "fill": style.fill,
                    "border": style.border,
                    "shape": style.shape,
                    "text": style.text,
                },
                "position": {"x": x, "y": y},
                "classes": " ".join(classes),
            }
        )
    for number, edge in enumerate(pathway.edges):
        elements.append(
            {
                "group": "edges",
                "data": {
                    "id": f"e{number}",
                    "source": edge.source,
                    "target": edge.target,
                    "predicate": edge.predicate,
                    "label": edge.label,
                    "citations": list(edge.citations),
                    "negated": edge.negated,
                    "statement": edge.statement,
                },
                "classes": " ".join(
                    c
                    for c, on in (("negated", edge.negated), ("inhibiting", edge.inhibiting))
                    if on
                ),
            }
        )
    return elements


def _legend(pathway: Pathway) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for node in sorted(pathway.nodes, key=lambda n: (n.stage, n.negated)):
        style = node.style
        seen.setdefault(
            style.title, {"title": style.title, "fill": style.fill, "border": style.border}
        )
    return list(seen.values())


def to_html(pathway: Pathway) -> str:
    """The interactive page: one self-contained HTML file (cytoscape.js inlined, no network)."""
    library = _package_text("_vendor", "cytoscape.min.js")
    if "</script" in library.casefold():
        raise MissingToolError("the vendored cytoscape.min.js would end its <script> block")
    data = {
        "drug": pathway.drug,
        "drugLabel": pathway.drug_label,
        "slug": drug_slug(pathway.drug_label),
        "elements": _cy_elements(pathway),
        "references": [
            {"number": r.number, "label": r.label, "title": r.title} for r in pathway.references
        ],
        "legend": _legend(pathway),
        "omitted": pathway.omitted,
        "shown": len(pathway.nodes),
        "maxNodes": pathway.max_nodes,
        "cytoscapeVersion": CYTOSCAPE_VERSION,
    }
    app = (
        _package_text("_templates", "pathway.js")
        .replace("@APPROVED@", _APPROVED_COLOUR)
        .replace("@OFFLABEL@", _OFF_LABEL_COLOUR)
        .replace("@NEGATIVE@", _NEGATIVE_COLOUR)
    )
    page = (
        _package_text("_templates", "pathway.html")
        .replace("@TITLE@", html.escape(pathway.title))
        .replace("@APP@", app)
    )
    page = page.replace("@DATA@", _script_safe_json(data))
    # Last, so that no placeholder text inside the library is ever replaced.
    return page.replace("@CYTOSCAPE@", library)


# ---------------------------------------------------------------- Graphviz (SVG, PNG)


def _wrap(text: str, width: int = 24) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _dot_label(text: str, width: int = 24) -> str:
    """A quoted dot label, wrapped at ``width`` characters into centred lines."""
    lines = [line.replace("\\", "\\\\").replace('"', '\\"') for line in _wrap(text, width)]
    return '"' + "\\n".join(lines) + '"'


def _html_text(text: str) -> str:
    return html.escape(text, quote=True)


def _dot_legend(pathway: Pathway) -> str:
    rows = [
        f'<TR><TD BGCOLOR="{item["fill"]}" COLOR="{item["border"]}" BORDER="2" WIDTH="22"> </TD>'
        f'<TD ALIGN="LEFT">{_html_text(item["title"])}</TD></TR>'
        for item in _legend(pathway)
    ]
    rows.append(
        f'<TR><TD COLOR="{_APPROVED_COLOUR}" BORDER="3" BGCOLOR="#fadbd8"> </TD>'
        '<TD ALIGN="LEFT">FDA-approved indication (bold border)</TD></TR>'
    )
    rows.append(
        f'<TR><TD COLOR="{_OFF_LABEL_COLOUR}" BORDER="1" BGCOLOR="#fadbd8" STYLE="dashed"> </TD>'
        '<TD ALIGN="LEFT">off-label indication (dashed border)</TD></TR>'
    )
    rows.append(
        f'<TR><TD><FONT COLOR="{_NEGATIVE_COLOUR}">- - -|</FONT></TD>'
        '<TD ALIGN="LEFT">does not (a negative statement)</TD></TR>'
    )
    note = ""
    if pathway.omitted:
        note = (
            f'<TR><TD COLSPAN="2">{pathway.omitted} more steps are not drawn '
            f"(limit {pathway.max_nodes})</TD></TR>"
        )
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">'
        f'<TR><TD COLSPAN="2"><B>{_html_text(pathway.title)}</B></TD></TR>'
        + "".join(rows)
        + note
        + "</TABLE>>"
    )


def to_dot(pathway: Pathway) -> str:
    """Graphviz ``dot`` source: left to right, one rank per stage, styled by category."""
    ids = {node.iri: f"n{index}" for index, node in enumerate(pathway.nodes)}
    positions = layered_positions(pathway)
    lines = [
        "digraph pathway {",
        '  graph [rankdir=LR, ranksep=0.9, nodesep=0.25, fontname="Helvetica", '
        'labelloc=b, labeljust=l, newrank=true, bgcolor="white", pad=0.3, '
        f"label={_dot_legend(pathway)}];",
        '  node [fontname="Helvetica", fontsize=12, margin="0.12,0.06", penwidth=1.6];',
        '  edge [fontname="Helvetica", fontsize=9, color="#7f8c8d", fontcolor="#424949", '
        "arrowsize=0.7];",
    ]
    for stage_index, stage in enumerate(STAGES):
        members = [n for n in pathway.nodes if n.stage == stage_index]
        if not members:
            continue
        lines.append(f"  subgraph stage_{stage.key} {{")
        lines.append("    rank=same;")
        for node in members:
            style = node.style
            attrs = {
                "label": _dot_label(("NOT: " if node.negated else "") + node.label),
                "shape": style.dot_shape,
                "style": _dot_string(style.dot_style),
                "fillcolor": _dot_string(style.fill),
                "color": _dot_string(style.border),
                "fontcolor": _dot_string(style.text),
            }
            if node.negated:
                attrs["style"] = _dot_string("dashed")
                attrs["fontcolor"] = _dot_string(_NEGATIVE_COLOUR)
            elif node.status is not None and node.approved:
                attrs["color"] = _dot_string(_APPROVED_COLOUR)
                attrs["penwidth"] = "3.2"
            elif node.status is not None:
                attrs["color"] = _dot_string(_OFF_LABEL_COLOUR)
                attrs["style"] = _dot_string("filled,dashed")
                attrs["penwidth"] = "2.2"
            attrs["tooltip"] = _dot_string(f"{node.label} ({node.identifier or 'no identifier'})")
            if node.identifier:
                attrs["URL"] = _dot_string(resolver_url(node.identifier))
            text = ", ".join(f"{k}={v}" for k, v in attrs.items())
            lines.append(f"    {ids[node.iri]} [{text}];")
        if stage.key == "diseases":  # keep FDA-approved above off-label: dot keeps this order
            ranked = sorted(members, key=lambda n: positions[n.iri][1])
            chain = " -> ".join(ids[n.iri] for n in ranked)
            if len(ranked) > 1:
                lines.append(f"    {chain} [style=invis];")
        lines.append("  }")
    for edge in pathway.edges:
        attrs = {"label": _dot_label(edge.label, 22)}
        if edge.negated:
            attrs.update(
                style='"dashed"',
                color=_dot_string(_NEGATIVE_COLOUR),
                fontcolor=_dot_string(_NEGATIVE_COLOUR),
                arrowhead="tee",
                penwidth="1.6",
            )
        elif edge.inhibiting:
            attrs.update(color='"#a04000"', arrowhead="tee")
        text = ", ".join(f"{k}={v}" for k, v in attrs.items())
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [{text}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _run_dot(source: str, fmt: str) -> bytes:
    dot = shutil.which("dot")
    if dot is None:
        raise MissingToolError(
            "Graphviz 'dot' is not installed; install it (Debian: apt-get install graphviz) "
            "or use --format html or mermaid",
            term="dot",
        )
    done = subprocess.run(  # noqa: S603 - a fixed program and arguments, our own input
        [dot, f"-T{fmt}", "-Gdpi=96" if fmt == "png" else "-Gcharset=UTF-8"],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MissingToolError(f"dot failed: {message[-1] if message else done.returncode}")
    return done.stdout


def to_svg(pathway: Pathway) -> str:
    """The static picture as SVG (Graphviz ``dot``)."""
    return _run_dot(to_dot(pathway), "svg").decode("utf-8")


def to_png(pathway: Pathway) -> bytes:
    """The static picture as PNG (Graphviz ``dot``)."""
    return _run_dot(to_dot(pathway), "png")


# ---------------------------------------------------------------- Mermaid


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


def to_mermaid(pathway: Pathway) -> str:
    """A Mermaid ``flowchart LR``: one subgraph per stage; node ids are ``n0``, ``n1``, …."""
    ids = {node.iri: f"n{index}" for index, node in enumerate(pathway.nodes)}
    positions = layered_positions(pathway)
    lines = ["flowchart LR"]
    if pathway.omitted:
        lines.append(f"  %% {pathway.omitted} more steps are not drawn (limit {pathway.max_nodes})")
    for stage_index, stage in enumerate(STAGES):
        members = sorted(
            (n for n in pathway.nodes if n.stage == stage_index), key=lambda n: positions[n.iri][1]
        )
        if not members:
            continue
        lines.append(f"  subgraph stage_{stage.key}[{_mermaid_text(stage.title)}]")
        lines.append("    direction TB")
        for node in members:
            label = ("NOT: " if node.negated else "") + node.label
            lines.append(f"    {ids[node.iri]}[{_mermaid_text(label)}]")
        lines.append("  end")
    for edge in pathway.edges:
        arrow = "-.->" if edge.negated else "-->"
        lines.append(
            f"  {ids[edge.source]} {arrow}|{_mermaid_text(edge.label)}| {ids[edge.target]}"
        )
    classes: dict[str, CategoryStyle] = {}
    for node in pathway.nodes:
        classes.setdefault(_mermaid_class(node), node.style)
    for name, style in sorted(classes.items()):
        border = {"approved": _APPROVED_COLOUR, "offlabel": _OFF_LABEL_COLOUR}.get(
            name, style.border
        )
        extra = ",stroke-dasharray:5 3" if name in ("offlabel", "negated") else ""
        width = "3px" if name == "approved" else "1.5px"
        lines.append(
            f"  classDef {name} fill:{style.fill},stroke:{border},stroke-width:{width}{extra}"
        )
    for name in sorted(classes):
        members_ids = ",".join(ids[n.iri] for n in pathway.nodes if _mermaid_class(n) == name)
        lines.append(f"  class {members_ids} {name}")
    negated = [str(i) for i, e in enumerate(pathway.edges) if e.negated]
    if negated:
        lines.append(
            f"  linkStyle {','.join(negated)} stroke:{_NEGATIVE_COLOUR},color:{_NEGATIVE_COLOUR}"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the format registry


class VisualFormat(enum.Enum):
    """The picture formats, with their file suffix and media type."""

    HTML = "html"
    SVG = "svg"
    PNG = "png"
    MERMAID = "mermaid"

    @property
    def suffix(self) -> str:
        """The file suffix, with its dot."""
        return {"html": ".html", "svg": ".svg", "png": ".png", "mermaid": ".mmd"}[self.value]

    @property
    def media_type(self) -> str:
        """The IANA media type."""
        return {
            "html": "text/html",
            "svg": "image/svg+xml",
            "png": "image/png",
            "mermaid": "text/vnd.mermaid",
        }[self.value]

    @property
    def needs_dot(self) -> bool:
        """Whether drawing needs Graphviz's ``dot``."""
        return self in (VisualFormat.SVG, VisualFormat.PNG)

    @classmethod
    def names(cls) -> list[str]:
        """The format names, for a command-line choice."""
        return [f.value for f in cls]

    @classmethod
    def from_name(cls, name: str) -> VisualFormat:
        """The format called ``name``.

        :raises UnknownFormatError: the error lists the formats.
        """
        for fmt in cls:
            if fmt.value == name.casefold():
                return fmt
        raise UnknownFormatError(f"unknown picture format {name!r}", term=name, choices=cls.names())


def _encoded(render_text: Callable[[Pathway], str]) -> Callable[[Pathway], bytes]:
    return lambda pathway: render_text(pathway).encode("utf-8")


#: Format → renderer; every renderer returns the file's bytes.
RENDERERS: dict[VisualFormat, Callable[[Pathway], bytes]] = {
    VisualFormat.HTML: _encoded(to_html),
    VisualFormat.SVG: _encoded(to_svg),
    VisualFormat.PNG: to_png,
    VisualFormat.MERMAID: _encoded(to_mermaid),
}


def render(pathway: Pathway, fmt: VisualFormat | str) -> bytes:
    """Draw ``pathway`` in ``fmt``; the bytes of the file (text formats in UTF-8)."""
    chosen = fmt if isinstance(fmt, VisualFormat) else VisualFormat.from_name(fmt)
    return RENDERERS[chosen](pathway)


def visualise(
    kg: LoadedGraph,
    drug: str,
    fmt: VisualFormat | str = VisualFormat.HTML,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> bytes:
    """Draw the pathway of ``drug`` (label, CURIE or IRI) in ``fmt``; see :func:`render`.

    :raises UnknownEntityError: not a drug of ``kg``; the error lists the closest matches.
    :raises UnknownFormatError: the error lists the formats.
    :raises MissingToolError: SVG or PNG without Graphviz's ``dot``.
    """
    chosen = fmt if isinstance(fmt, VisualFormat) else VisualFormat.from_name(fmt)
    return render(build_pathway(kg, drug, max_nodes=max_nodes), chosen)


def drugs_with_mechanism(kg: LoadedGraph) -> Iterable[tuple[str, str]]:
    """(IRI, label) of every drug with mechanism statements, by label."""
    graph = mechanism_graph(kg)
    found = [(n, str(d["label"])) for n, d in graph.nodes(data=True) if d["category"] == "pkg:Drug"]
    return sorted(found, key=lambda item: (item[1].casefold(), item[0]))
