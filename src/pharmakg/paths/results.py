"""The frozen results of :func:`~pharmakg.paths.mechanism_paths`, and their rendering.

A :class:`PathsResult` holds the drug's mechanism as a whole (its arms), the route to each
indication through it, each curated record's own paths, and the groups on those paths
(:class:`Group`: its members, and whether the list is exhaustive); every path is
:class:`MechanismPath` hops of :class:`PathEdge` statements. It renders as text, Markdown or
JSON through the format registry, each saying the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..formats import Format, Kind, find
from ..mechanism import PathNode
from ..vocab import shorten

#: The two hops that link the drug, through its mechanism, to an indication.
HAS_MECHANISM, EFFECTIVE_FOR = "pkg:hasMechanism", "pkg:makesEffectiveFor"
#: Readable wording of those two hops.
_READABLE = {
    HAS_MECHANISM: "has mechanism",
    EFFECTIVE_FOR: "makes the drug effective for",
}


@dataclass(frozen=True)
class PathEdge:
    """One statement along a hop: predicate (CURIE), label, citations, basis and qualifiers.

    The basis is ``"stated"``, ``"interpreted"``, ``"inferred"`` or ``"curated"``.
    """

    predicate: str
    label: str
    citations: tuple[int, ...] = ()
    basis: str = "stated"
    qualifiers: tuple[str, ...] = ()
    records: tuple[str, ...] = ()

    def to_text(self) -> str:
        """``label [1, 3]`` or ``label [uncited]``, then qualifiers and a basis other than stated.

        A curated database's statement names its records in place of citations:
        ``causes [DrugMechDB (infores:drugmechdb) entry DB00619_MESH_D015464_1] (curated)``.

        For example ``positively regulates [4] (site: treated lesions)``.
        """
        cited = ", ".join(str(n) for n in self.citations) or "uncited"
        if self.records:  # a curated database's statement: its records, not citation numbers
            cited = "; ".join(self.records)
        notes = [*self.qualifiers, *([self.basis] if self.basis != "stated" else [])]
        extra = f" ({'; '.join(notes)})" if notes else ""
        return f"{_READABLE.get(self.predicate, self.label)} [{cited}]{extra}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "predicate": self.predicate,
            "label": self.label,
            "citations": list(self.citations),
            "basis": self.basis,
            "qualifiers": list(self.qualifiers),
            "records": list(self.records),
        }


@dataclass(frozen=True)
class Hop:
    """A step from ``source`` to ``target``: every statement that links the two."""

    source: PathNode
    target: PathNode
    edges: tuple[PathEdge, ...]

    @property
    def citations(self) -> tuple[int, ...]:
        """Every citation number of the hop's statements, ascending."""
        return tuple(sorted({n for e in self.edges for n in e.citations}))

    @property
    def cited(self) -> bool:
        """Whether any statement of the hop cites a reference."""
        return bool(self.citations)

    def to_text(self) -> str:
        """The statements, joined by ``; ``."""
        return "; ".join(e.to_text() for e in self.edges)


@dataclass(frozen=True)
class MechanismPath:
    """One path from a drug to an indication, hop by hop."""

    hops: tuple[Hop, ...]

    @property
    def nodes(self) -> tuple[PathNode, ...]:
        """The nodes, drug first, indication last."""
        return (self.hops[0].source, *(h.target for h in self.hops))

    @property
    def uncited_hops(self) -> int:
        """How many hops no statement cites."""
        return sum(1 for h in self.hops if not h.cited)

    @property
    def support(self) -> int:
        """The total number of citations over the hops (a citation counts once per hop)."""
        return sum(len(h.citations) for h in self.hops)

    def rank_key(self) -> tuple[int, int, int, tuple[str, ...]]:
        """Shortest first; then fewer uncited hops; then more citations; then by labels."""
        return (
            len(self.hops),
            self.uncited_hops,
            -self.support,
            tuple(n.label.casefold() for n in self.nodes),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "length": len(self.hops),
            "uncitedHops": self.uncited_hops,
            "citations": self.support,
            "nodes": [n.to_dict() for n in self.nodes],
            "hops": [
                {
                    "source": shorten(h.source.iri),
                    "target": shorten(h.target.iri),
                    "citations": list(h.citations),
                    "statements": [e.to_dict() for e in h.edges],
                }
                for h in self.hops
            ],
        }


@dataclass(frozen=True)
class IndicationPaths:
    """The route from a drug to one of its indications: through its mechanism as a whole."""

    indication: PathNode
    status: str | None
    paths: tuple[MechanismPath, ...]


@dataclass(frozen=True)
class Group:
    """A node of the paths that stands for a group, such as "cytokine induction".

    What a path says of the group is said of the group, never of each member; the members are
    those the source names, shown as the group's members. ``exhaustive`` is ``False`` when they
    are not all of them ("primarily"), ``None`` when the data does not say.
    """

    node: PathNode
    members: tuple[PathNode, ...]
    exhaustive: bool | None

    def completeness(self) -> str:
        """``not exhaustive``, ``exhaustive`` or ``exhaustiveness not stated``."""
        if self.exhaustive is None:
            return "exhaustiveness not stated"
        return "exhaustive" if self.exhaustive else "not exhaustive"

    def to_text(self) -> str:
        """``cytokine induction: members A, B, C (not exhaustive)``."""
        members = ", ".join(m.to_text() for m in self.members)
        return f"{self.node.to_text()}: members {members} ({self.completeness()})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the group, its members, and whether the list is exhaustive."""
        return {
            "group": self.node.to_dict(),
            "members": [m.to_dict() for m in self.members],
            "exhaustive": self.exhaustive,
        }


#: How a group node is marked where a path passes through it (its members are listed apart).
_GROUP_MARK = " (group)"
#: The heading of the groups' list, in text and in Markdown.
_GROUPS_TITLE = "Groups on these paths (what a path says of a group is not said of each member)"


@dataclass(frozen=True)
class CuratedRoute:
    """One record of a curated database: its drug → disease path(s), apart from the monograph.

    :param record: the record in words, e.g. ``DrugMechDB (infores:drugmechdb) entry DB00619_…``.
    """

    record: str
    disease: PathNode
    paths: tuple[MechanismPath, ...]


def _summary(path: MechanismPath) -> str:
    """``3 hops, 1 uncited, 4 citations``: the path's heading, in text and in Markdown."""
    hops, cited = len(path.hops), path.support
    return (
        f"{hops} hop{'s' if hops != 1 else ''}, {path.uncited_hops} uncited, "
        f"{cited} citation{'s' if cited != 1 else ''}"
    )


def _node_text(node: PathNode, groups: frozenset[str]) -> str:
    """The node's text, marked ``(group)`` when it is one of the groups listed apart."""
    return node.to_text() + (_GROUP_MARK if node.iri in groups else "")


def _text_block(title: str, paths: tuple[MechanismPath, ...], groups: frozenset[str]) -> list[str]:
    lines = [f"{title}: {len(paths)} path{'s' if len(paths) != 1 else ''}"]
    for number, path in enumerate(paths, 1):
        lines.append(f"  {number}. {_summary(path)}")
        lines.append(f"     {_node_text(path.nodes[0], groups)}")
        for hop in path.hops:
            lines.append(f"       --{hop.to_text()}--> {_node_text(hop.target, groups)}")
    lines.append("")
    return lines


def _markdown_block(
    title: str, paths: tuple[MechanismPath, ...], groups: frozenset[str]
) -> list[str]:
    lines = [f"## {title}", ""]
    for number, path in enumerate(paths, 1):
        lines += [
            f"**Path {number}**: {_summary(path)}",
            "",
            "| from | statement [citations] | to |",
            "|---|---|---|",
        ]
        lines += [
            f"| {_md(_node_text(h.source, groups))} | {_md(h.to_text())} "
            f"| {_md(_node_text(h.target, groups))} |"
            for h in path.hops
        ]
        lines.append("")
    return lines


def _groups_text(groups: tuple[Group, ...]) -> list[str]:
    if not groups:
        return []
    return [f"{_GROUPS_TITLE}:", *(f"  {g.to_text()}" for g in groups), ""]


def _groups_markdown(groups: tuple[Group, ...]) -> list[str]:
    if not groups:
        return []
    lines = [f"## {_GROUPS_TITLE}", "", "| group | members | exhaustive |", "|---|---|---|"]
    lines += [
        f"| {_md(g.node.to_text())} | {_md(', '.join(m.to_text() for m in g.members))} "
        f"| {g.completeness()} |"
        for g in groups
    ]
    return [*lines, ""]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass(frozen=True)
class PathsResult:
    """A drug's mechanism as a whole, and the route to each indication through it."""

    drug: PathNode
    mechanism: PathNode | None
    mechanism_paths: tuple[MechanismPath, ...]
    indications: tuple[IndicationPaths, ...]
    curated: tuple[CuratedRoute, ...] = ()
    groups: tuple[Group, ...] = ()

    def _group_iris(self) -> frozenset[str]:
        return frozenset(g.node.iri for g in self.groups)

    def _mechanism_title(self) -> str:
        name = self.mechanism.label if self.mechanism else "no mechanism"
        return f"{self.drug.label}: {name}, as a whole"

    def _titles(self) -> list[str]:
        return [
            f"{self.drug.label} → {g.indication.label}"
            + (f" ({g.status})" if g.status else "")
            + ", through the mechanism as a whole"
            for g in self.indications
        ]

    def _curated_titles(self) -> list[str]:
        return [
            f"{self.drug.label} → {route.disease.label}, curated: {route.record}"
            for route in self.curated
        ]

    def _blocks(self) -> list[tuple[str, tuple[MechanismPath, ...]]]:
        """(title, paths): the indications, the curated records, then the mechanism."""
        blocks = [
            (title, group.paths)
            for title, group in zip(self._titles(), self.indications, strict=True)
        ]
        blocks += [
            (title, route.paths)
            for title, route in zip(self._curated_titles(), self.curated, strict=True)
        ]
        if self.mechanism is not None or self.mechanism_paths or not self.curated:
            blocks.append((self._mechanism_title(), self.mechanism_paths))
        return blocks

    def to_text(self) -> str:
        """Plain text: the indications, the curated records, the mechanism, then the groups.

        A hop a line; a group node is marked ``(group)`` and its members are listed at the end.
        """
        groups = self._group_iris()
        lines = [line for t, p in self._blocks() for line in _text_block(t, p, groups)]
        return "\n".join(lines + _groups_text(self.groups))

    def to_markdown(self) -> str:
        """Markdown: a heading and a table per path, then the groups, in :meth:`to_text` order."""
        groups = self._group_iris()
        lines = [line for t, p in self._blocks() for line in _markdown_block(t, p, groups)]
        return "\n".join(lines + _groups_markdown(self.groups))

    def to_json(self) -> str:
        """JSON: the drug, its mechanism's paths, per indication its route, and the groups."""
        body = {
            "drug": self.drug.to_dict(),
            "mechanism": self.mechanism.to_dict() if self.mechanism else None,
            "mechanismPaths": [p.to_dict() for p in self.mechanism_paths],
            "indications": [
                {
                    "indication": g.indication.to_dict(),
                    "status": g.status,
                    "paths": [p.to_dict() for p in g.paths],
                }
                for g in self.indications
            ],
            "curated": [
                {
                    "record": route.record,
                    "disease": route.disease.to_dict(),
                    "paths": [p.to_dict() for p in route.paths],
                }
                for route in self.curated
            ],
            "groups": [g.to_dict() for g in self.groups],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def render(self, fmt: Format | str) -> bytes:
        """The paths as a :attr:`Kind.PATHS` format: ``text``, ``markdown`` or ``json``."""
        writers = {"text": self.to_text, "markdown": self.to_markdown, "json": self.to_json}
        return writers[find(Kind.PATHS, fmt).name]().encode("utf-8")
