"""The one mapping table, ``ontology/drugmechdb-mapping.tsv``: DrugMechDB's words to pharmakg's.

Node labels, link keys and identifier prefixes are mapped through it. A label, key or prefix
the table does not map is imported all the same (as ``pkg:BiomedicalEntity``,
``pkg:curatedRelation`` or an id kept only as ``pkg:sourceIdentifier``) and reported.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from ... import resources, vocab
from ...errors import InputError, ParseError, UnknownTermError
from .terms import BIOLINK, PKG, declared_terms


@dataclass(frozen=True)
class MappingRow:
    """One row of the mapping table."""

    kind: str
    source: str
    target: str | None
    match: str
    external: str
    provenance: str
    note: str


@dataclass(frozen=True)
class Mapping:
    """The mapping table: prefixes, categories and predicates, each to a pharmakg term."""

    rows: tuple[MappingRow, ...]
    file: Path

    def _of(self, kind: str) -> dict[str, str | None]:
        return {r.source: r.target for r in self.rows if r.kind == kind}

    @functools.cached_property
    def prefixes(self) -> dict[str, str | None]:
        """DrugMechDB prefix → prefix-map prefix (``None``: no mapping)."""
        return self._of("prefix")

    @functools.cached_property
    def categories(self) -> dict[str, str | None]:
        """DrugMechDB node label → pharmakg class IRI."""
        return {k: _expand_pkg(v) if v else None for k, v in self._of("category").items()}

    @functools.cached_property
    def predicates(self) -> dict[str, str | None]:
        """DrugMechDB link key → pharmakg property IRI."""
        return {k: _expand_pkg(v) if v else None for k, v in self._of("predicate").items()}

    @functools.cached_property
    def schemes(self) -> dict[str, frozenset[str]]:
        """DrugMechDB node label → the prefix-map prefixes its ids may take (``scheme`` rows)."""
        return {
            r.source: frozenset((r.target or "").split()) for r in self.rows if r.kind == "scheme"
        }

    @functools.cached_property
    def biolink(self) -> dict[str, str]:
        """DrugMechDB node label → Biolink class IRI (where the table gives one)."""
        return {
            r.source: BIOLINK + r.external.removeprefix("biolink:")
            for r in self.rows
            if r.kind == "category" and r.external.startswith("biolink:")
        }


def _expand_pkg(curie: str) -> str:
    if not curie.startswith("pkg:"):
        raise InputError(f"mapping targets must be pkg: terms, not {curie!r}", term=curie)
    return PKG + curie.removeprefix("pkg:")


def mapping_file() -> Path:
    """``ontology/drugmechdb-mapping.tsv``."""
    path = resources.data_root() / "ontology" / "drugmechdb-mapping.tsv"
    if not path.is_file():
        raise InputError(f"the DrugMechDB mapping table is missing: {path}", file=path)
    return path


_COLUMNS = ("kind", "drugmechdb", "pharmakg", "match", "external", "source", "note")
_KINDS = ("prefix", "category", "predicate", "scheme")


def read_mapping(path: str | Path | None = None) -> Mapping:
    """Read the mapping table (default: the packaged one) and check its pkg: terms exist.

    :raises ParseError: a row has the wrong number of columns or an unknown kind.
    :raises UnknownTermError: a row names a pkg: term that neither ontology file declares.
    """
    file = Path(path) if path else mapping_file()
    with file.open(encoding="utf-8", newline="") as stream:
        lines = [(n, line) for n, line in enumerate(stream, 1) if not line.startswith("#")]
    reader = csv.reader((line for _, line in lines), delimiter="\t")
    rows = [
        _row(cells, file, number)
        for (number, _), cells in zip(lines, reader, strict=True)
        if cells and tuple(cells) != _COLUMNS
    ]
    return Mapping(rows=tuple(rows), file=file)


def _row(cells: list[str], file: Path, number: int) -> MappingRow:
    """One row of the table, its kind and its target checked."""
    if len(cells) != len(_COLUMNS):
        raise ParseError(
            f"expected {len(_COLUMNS)} tab-separated columns, found {len(cells)}",
            file=file,
            line=number,
        )
    kind, source, target, match, external, provenance, note = cells
    if kind not in _KINDS:
        raise ParseError(f"unknown kind {kind!r}", file=file, line=number, term=kind)
    if (
        kind in ("category", "predicate")
        and target
        and target.removeprefix("pkg:") not in declared_terms()
    ):
        raise UnknownTermError(
            f"{target} (mapping table line {number}) is declared in neither "
            "ontology/pharmakg.ttl nor ontology/drugmechdb.ttl",
            file=file,
            line=number,
            term=target,
        )
    if kind == "prefix" and target and target not in vocab.prefix_map().entries:
        raise ParseError(
            f"prefix {target!r} is not in ontology/prefixes.json", file=file, line=number
        )
    return MappingRow(kind, source, target or None, match, external, provenance, note)
