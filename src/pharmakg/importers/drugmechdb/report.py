"""The import report: what an import read and wrote, and every problem found in the source.

Source problems (malformed ids, invisible characters, duplicate nodes and links, dangling links,
self-loops, one id with several names or labels, swapped drug/disease labels) are
:class:`SourceProblem` records; nothing in the source crashes the import.
"""

from __future__ import annotations

import collections
import enum
import json
from dataclasses import dataclass, field
from typing import Any

from .terms import PKG, PKR


class ProblemKind(enum.Enum):
    """The kinds of source problem an import reports."""

    MALFORMED_ENTRY = "malformed entry"
    MALFORMED_ID = "malformed id"
    UNMAPPED_PREFIX = "unmapped prefix"
    UNMAPPED_CATEGORY = "unmapped category"
    UNMAPPED_PREDICATE = "unmapped predicate"
    INVISIBLE_CHARACTER = "invisible character"
    DUPLICATE_NODE = "duplicate node"
    DUPLICATE_LINK = "duplicate link"
    DANGLING_LINK = "dangling link"
    SELF_LOOP = "self-loop"
    SEVERAL_NAMES = "one id, several names"
    SEVERAL_CATEGORIES = "one id, several categories"
    SWAPPED_LABEL = "swapped label"
    MISSING_DRUG_NODE = "no drug node"
    AMBIGUOUS_MERGE = "ambiguous merge"
    SCHEME_OUTSIDE_TYPE = "id outside its type's schemes"


@dataclass(frozen=True)
class SourceProblem:
    """One problem found in the source: its kind, the entry (``_id``) and line, the term."""

    kind: ProblemKind
    term: str
    detail: str
    entry: str | None = None
    line: int | None = None

    def to_text(self) -> str:
        """One line: ``line N, entry ID: kind: term (detail)``."""
        where = ", ".join(
            part
            for part in (
                f"line {self.line}" if self.line else "",
                f"entry {self.entry}" if self.entry else "",
            )
            if part
        )
        text = f"{self.kind.value}: {self.term}"
        if self.detail:
            text += f" ({self.detail})"
        return f"{where}: {text}" if where else text


class Problems:
    """The source problems an import finds, in the order it finds them."""

    def __init__(self) -> None:
        self.found: list[SourceProblem] = []

    def add(
        self,
        kind: ProblemKind,
        term: str,
        detail: str = "",
        entry: str | None = None,
        line: int | None = None,
    ) -> None:
        """Record one problem."""
        self.found.append(SourceProblem(kind, term, detail, entry, line))


def _counter() -> collections.Counter[str]:
    return collections.Counter()


@dataclass
class Tally:
    """What an import counts while it reads the entries (the report's figures)."""

    entries: int = 0
    nodes: int = 0
    links: int = 0
    claims: int = 0
    duplicates: int = 0
    references: int = 0
    drugs: set[str] = field(default_factory=set)
    diseases: set[str] = field(default_factory=set)
    categories: collections.Counter[str] = field(default_factory=_counter)
    predicates: collections.Counter[str] = field(default_factory=_counter)
    prefixes: collections.Counter[str] = field(default_factory=_counter)
    unmapped_categories: collections.Counter[str] = field(default_factory=_counter)
    unmapped_predicates: collections.Counter[str] = field(default_factory=_counter)
    unmapped_prefixes: collections.Counter[str] = field(default_factory=_counter)


@dataclass(frozen=True)
class ImportReport:
    """What an import read and wrote, and every problem it found in the source.

    Counts of *records* are as the file lists them (a node listed twice in one entry counts
    twice); ``claims`` counts each entry's distinct links, so ``links - duplicate_links``.
    """

    file: str
    sha256: str
    version: str
    entries: int
    nodes: int
    links: int
    claims: int
    duplicate_links: int
    entities: int
    drugs: int
    diseases: int
    references: int
    categories: dict[str, int]
    predicates: dict[str, int]
    prefixes: dict[str, int]
    unmapped_categories: dict[str, int]
    unmapped_predicates: dict[str, int]
    unmapped_prefixes: dict[str, int]
    merged: tuple[tuple[str, str], ...]
    problems: tuple[SourceProblem, ...]
    triples: int
    seconds: float

    def problem_counts(self) -> dict[str, int]:
        """Problems per kind, in the order of :class:`ProblemKind`."""
        counts = collections.Counter(p.kind for p in self.problems)
        return {kind.value: counts[kind] for kind in ProblemKind if counts[kind]}

    def to_text(self) -> str:
        """A readable report: counts, mappings, merges, problems by kind with examples."""
        lines = [
            f"DrugMechDB import of {self.file}",
            f"  version: {self.version}",
            f"  sha256: {self.sha256}",
            f"  {self.entries} entries, {self.nodes} node records, {self.links} link records",
            f"  {self.entities} distinct nodes, {self.drugs} drugs, {self.diseases} diseases, "
            f"{self.references} references",
            f"  {self.claims} claims ({self.duplicate_links} duplicate links folded)",
            f"  {self.triples} triples in {self.seconds:.1f} s",
            "  unmapped categories: " + _counts(self.unmapped_categories),
            "  unmapped predicates: " + _counts(self.unmapped_predicates),
            "  unmapped prefixes (node records): " + _counts(self.unmapped_prefixes),
            f"  merged with the monograph ({len(self.merged)}):",
        ]
        lines += [f"    {curie} = {compact(iri)}" for curie, iri in self.merged]
        lines.append("  problems: " + _counts(self.problem_counts()))
        by_kind: dict[ProblemKind, list[SourceProblem]] = collections.defaultdict(list)
        for problem in self.problems:
            by_kind[problem.kind].append(problem)
        for kind, problems in by_kind.items():
            lines.append(f"  {kind.value} ({len(problems)}):")
            lines += [f"    {p.to_text()}" for p in problems[:5]]
            if len(problems) > 5:
                lines.append(f"    … ({len(problems) - 5} more; --format json lists all)")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Every field, problems as mappings (JSON-ready)."""
        data = {
            k: v for k, v in self.__dict__.items() if k not in ("problems", "merged", "seconds")
        }
        data["merged"] = [{"curie": c, "iri": i} for c, i in self.merged]
        data["problem_counts"] = self.problem_counts()
        data["problems"] = [
            {"kind": p.kind.value, "entry": p.entry, "line": p.line, "term": p.term}
            | {"detail": p.detail}
            for p in self.problems
        ]
        data["seconds"] = round(self.seconds, 2)
        return data

    def to_json(self) -> str:
        """The report as JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def compact(iri: str) -> str:
    """``pkr:…``/``pkg:…`` for our IRIs, else the IRI."""
    for prefix, base in (("pkr", PKR), ("pkg", PKG)):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri
