"""One DrugMechDB entry, checked: its id, graph fields, nodes and links, and who is who.

The source's text is cleaned here: ids lose invisible characters (U+FEFF and friends, which
DrugMechDB has), names their runs of whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def clean_id(value: str) -> tuple[str, bool]:
    """``value`` without invisible characters and outer whitespace; whether any were there."""
    cleaned = value.translate({ord(c): None for c in _INVISIBLE}).replace("\u00a0", " ").strip()
    return cleaned, cleaned != value


def clean_name(value: object) -> str:
    """A name or a reference as one line of single spaces."""
    return re.sub(r"\s+", " ", str(value).replace("\ufeff", "").replace("\u00a0", " ")).strip()


@dataclass(frozen=True)
class Entry:
    """One well-formed entry: its ``_id``, its ``graph`` mapping, nodes and links as listed."""

    line: int
    id: str
    graph: dict[str, Any]
    nodes: list[Any]
    links: list[Any]
    references: list[Any]
    comment: str | None

    @property
    def drug_name(self) -> str:
        """The entry's ``graph.drug``, cleaned."""
        return clean_name(self.graph.get("drug", ""))

    @property
    def disease_name(self) -> str:
        """The entry's ``graph.disease``, cleaned."""
        return clean_name(self.graph.get("disease", ""))


@dataclass(frozen=True)
class Malformed:
    """Why an item is no entry: what names it (its ``_id``, else its line) and the error."""

    term: str
    detail: str


def read_entry(line: int, item: object) -> Entry | Malformed:
    """The entry in ``item`` (a list item of the file, first line ``line``), or why it is none."""
    entry_id = None
    try:
        if not isinstance(item, dict):
            raise TypeError("an entry is a mapping")
        graph = item["graph"]
        entry_id = str(graph["_id"])
        nodes = item["nodes"]
        links = item["links"]
        if not isinstance(nodes, list) or not isinstance(links, list):
            raise TypeError("nodes and links are lists")
    except (KeyError, TypeError) as error:
        return Malformed(str(entry_id or line), str(error))
    comment = item.get("comment")
    return Entry(
        line=line,
        id=entry_id,
        graph=graph,
        nodes=nodes,
        links=links,
        references=list(item.get("references") or ()),
        comment=str(comment).strip() if comment else None,
    )


@dataclass(frozen=True)
class Roles:
    """Who is who in one entry: its drug's ids, its disease's id, its DrugBank CURIE."""

    drug_ids: frozenset[str]
    disease: str
    drugbank: str | None

    def of(self, raw_id: str) -> str | None:
        """The role of the node ``raw_id`` in the entry: ``drug``, ``disease`` or none."""
        if raw_id in self.drug_ids:
            return "drug"
        return "disease" if raw_id == self.disease else None
