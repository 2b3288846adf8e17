"""DrugMechDB's node ids as pharmakg entities: normalised through the one prefix map.

A DrugMechDB prefix goes through the mapping table first, then the prefix map's synonyms
(:mod:`pharmakg.vocab`); the CURIE's local id must match its prefix's pattern. An id that does
not normalise is kept (as ``pkg:sourceIdentifier``) and reported. Each distinct id is one
:class:`Entity`, whose IRI is ``pkr:id/PREFIX/LOCAL`` until it merges with the monograph.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from ... import vocab
from .entries import clean_id
from .report import ProblemKind, Problems
from .table import Mapping
from .terms import ENTITY_BASE


def _counter() -> collections.Counter[str]:
    return collections.Counter()


@dataclass
class Entity:
    """One distinct DrugMechDB id and what the entries say of it."""

    raw: str
    curie: str | None
    node: ox.NamedNode
    names: collections.Counter[str] = field(default_factory=_counter)
    labels: collections.Counter[str] = field(default_factory=_counter)
    alt_names: set[str] = field(default_factory=set)
    xrefs: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    merged: bool = False


class Identifiers:
    """The entities of an import, by their cleaned DrugMechDB id."""

    def __init__(self, mapping: Mapping, problems: Problems) -> None:
        self.mapping = mapping
        self.problems = problems
        self.entities: dict[str, Entity] = {}

    def normalise(self, raw: str, entry: str, line: int) -> str | None:
        """The prefix-map CURIE for a DrugMechDB id, or None (a malformed one is reported)."""
        prefix, sep, local = raw.partition(":")
        if not sep or not prefix or not local:
            self.problems.add(ProblemKind.MALFORMED_ID, raw, "not a CURIE", entry, line)
            return None
        if prefix not in self.mapping.prefixes:
            target: str | None = vocab.prefix_map().synonyms.get(prefix)
            if target is None and prefix in vocab.prefix_map().entries:
                target = prefix
        else:
            target = self.mapping.prefixes[prefix]
        if target is None:
            return None
        curie = f"{target}:{local}"
        problem = vocab.check_curie(curie)
        if problem is not None:
            self.problems.add(ProblemKind.MALFORMED_ID, raw, problem, entry, line)
            return None
        return curie

    def unmapped(self, prefix: str) -> bool:
        """Whether neither the table nor the prefix map maps ``prefix``."""
        if prefix in self.mapping.prefixes:
            return self.mapping.prefixes[prefix] is None
        pmap = vocab.prefix_map()
        return prefix not in pmap.entries and prefix not in pmap.synonyms

    def entity(self, raw_id: object, entry: str, line: int) -> Entity:
        """The entity of the id ``raw_id`` (made on first sight; invisible characters reported)."""
        raw, changed = clean_id(str(raw_id))
        if changed and raw != str(raw_id).strip():
            self.problems.add(
                ProblemKind.INVISIBLE_CHARACTER, repr(str(raw_id)), f"read as {raw}", entry, line
            )
        found = self.entities.get(raw)
        if found is not None:
            return found
        curie = self.normalise(raw, entry, line)
        if curie is not None:
            prefix, _, local = curie.partition(":")
        else:
            prefix, _, local = raw.partition(":") if ":" in raw else ("_", "", raw)
        if curie is None and ":" in raw and self.unmapped(prefix):
            self.problems.add(
                ProblemKind.UNMAPPED_PREFIX,
                raw,
                "no prefix-map entry; the id is kept as pkg:sourceIdentifier only",
                entry,
                line,
            )
        # Percent-encoded, so any id makes a valid IRI.
        iri = f"{ENTITY_BASE}{quote(prefix, safe='')}/{quote(local, safe='-._~')}"
        made = Entity(raw=raw, curie=curie, node=ox.NamedNode(iri))
        self.entities[raw] = made
        return made

    def add_alt_id(self, ent: Entity, alt_id: object, entry: str, line: int) -> None:
        """An ``alt_ids`` item of a node: a ``pkg:xref`` of its entity, or a reported problem."""
        alt = clean_id(str(alt_id))[0]
        alt_curie = self.normalise(alt, entry, line)
        if alt_curie is not None:
            ent.xrefs.add(alt_curie)
        elif self.unmapped(alt.partition(":")[0]):
            self.problems.add(
                ProblemKind.UNMAPPED_PREFIX,
                alt,
                f"an alt_id of {ent.raw}; not imported (no prefix-map entry)",
                entry,
                line,
            )
