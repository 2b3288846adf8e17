"""Import DrugMechDB's curated drug → disease mechanism paths into pharmakg's ontology.

DrugMechDB (Su Lab, MIT licence) describes how a drug treats a disease as a small directed
multigraph: nodes typed with Biolink classes, links keyed by Biolink-style predicates. Its
``indication_paths.yaml`` is a YAML list of such entries (``../shared/data/drugmechdb/SOURCE.md``
describes the layout and the traps).

Every entry is imported:

* **Mapping.** Node labels, link keys and identifier prefixes are mapped through the one table
  ``ontology/drugmechdb-mapping.tsv`` (:func:`read_mapping`). A label, key or prefix the table
  does not map is imported all the same (as ``pkg:BiomedicalEntity``, ``pkg:curatedRelation`` or
  an id kept only as ``pkg:sourceIdentifier``) and reported with its count.
* **Identifiers** are normalised through the one prefix map (:mod:`pharmakg.vocab`). A node merges
  with an entity of the monograph graph only where one of its identifiers (its id, or the
  entry's DrugBank id for the drug) is exactly that entity's ``pkg:id`` or ``pkg:xref``: TLR7
  by ``UniProtKB:Q9NYK1``, imiquimod by ``DRUGBANK:DB00724`` (DrugMechDB's ``MESH:C056493`` is
  an outdated supplementary record). A merged entity keeps the monograph's types and label;
  the import adds only its DrugMechDB id (``pkg:sourceIdentifier``), names (``skos:altLabel``)
  and Biolink categories.
* **Provenance.** Each entry is a ``pkg:CuratedPath`` (its ``_id``, drug, disease, names,
  references, comment) in ``pkg:inDatabase`` DrugMechDB, which carries the licence, the version
  and the SHA-256 of the file read. Each distinct link of an entry is a ``pkg:Claim``
  (``pkg:basis pkg:CuratedDatabaseBasis``, ``pkg:fromPath`` its entry) and a plain triple.
* **Source problems** (malformed ids, invisible characters, duplicate nodes and links, dangling
  links, self-loops, one id with several names or labels, swapped drug/disease labels) become
  :class:`SourceProblem` records in the :class:`ImportReport`; nothing crashes the import.

The RDF is built as N-Triples text, which pyoxigraph bulk-loads; the terms the import uses are
defined in ``ontology/drugmechdb.ttl`` (:func:`terms_file`), written with it.
"""

from __future__ import annotations

import collections
import csv
import enum
import functools
import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import yaml
from rdflib import Graph, Literal, URIRef

from .. import resources, vocab
from ..errors import InputError, ParseError, UnknownTermError
from ..store import to_oxigraph_term

__all__ = [
    "DRUGMECHDB_IRI",
    "DrugMechDBImport",
    "ImportReport",
    "Mapping",
    "ProblemKind",
    "SourceProblem",
    "import_drugmechdb",
    "read_mapping",
    "terms_file",
]

PKG = vocab.PKG_URI
PKR = vocab.PKR_URI
BIOLINK = "https://w3id.org/biolink/vocab/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
SKOS_EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
DCT = "http://purl.org/dc/terms/"
OWL_VERSION = "http://www.w3.org/2002/07/owl#versionInfo"
XSD_ANYURI = "http://www.w3.org/2001/XMLSchema#anyURI"

#: The IRI of DrugMechDB as a source in pharmakg graphs.
DRUGMECHDB_IRI = PKR + "source-drugmechdb"
_PATH_BASE = PKR + "drugmechdb/"
_ENTITY_BASE = PKR + "id/"

#: Files whose digest we know, and what they are (from ../shared/data/drugmechdb/SOURCE.md).
KNOWN_FILES = {
    "b61293c19acbaea33cb6f565e791b35e716a3417bcb28da808a64655be1df2ec": (
        "DrugMechDB indication paths as kept by SuLab/DrugMechDB-agentic at commit "
        "b83cc5ddb6803ed4fb32a5355150d0469647f904 (kb/paths unchanged since 71a083f1, "
        "2026-06-26), assembled into one indication_paths.yaml; the latest DrugMechDB "
        "release is 2.0.1 (doi:10.5281/zenodo.8139357)"
    ),
}
_CITATION = (
    "Gonzalez-Cavazos, A. C. et al. (2023). DrugMechDB: a curated database of drug "
    "mechanisms. Scientific Data, 10(1), 632. https://doi.org/10.1038/s41597-023-02534-z"
)
#: Entries parsed per YAML call (the unit of the progress callback).
BATCH = 100
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


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


def terms_file() -> Path:
    """``ontology/drugmechdb.ttl``: the terms an import uses beyond ``ontology/pharmakg.ttl``."""
    path = resources.data_root() / "ontology" / "drugmechdb.ttl"
    if not path.is_file():
        raise InputError(f"the curated-import terms are missing: {path}", file=path)
    return path


_COLUMNS = ("kind", "drugmechdb", "pharmakg", "match", "external", "source", "note")


def read_mapping(path: str | Path | None = None) -> Mapping:
    """Read the mapping table (default: the packaged one) and check its pkg: terms exist.

    :raises ParseError: a row has the wrong number of columns or an unknown kind.
    :raises UnknownTermError: a row names a pkg: term that neither ontology file declares.
    """
    file = Path(path) if path else mapping_file()
    rows: list[MappingRow] = []
    known = _declared_terms()
    with file.open(encoding="utf-8", newline="") as stream:
        lines = [(n, line) for n, line in enumerate(stream, 1) if not line.startswith("#")]
    reader = csv.reader((line for _, line in lines), delimiter="\t")
    for (number, _), cells in zip(lines, reader, strict=True):
        if not cells:
            continue
        if tuple(cells) == _COLUMNS:
            continue
        if len(cells) != len(_COLUMNS):
            raise ParseError(
                f"expected {len(_COLUMNS)} tab-separated columns, found {len(cells)}",
                file=file,
                line=number,
            )
        kind, source, target, match, external, provenance, note = cells
        if kind not in ("prefix", "category", "predicate", "scheme"):
            raise ParseError(f"unknown kind {kind!r}", file=file, line=number, term=kind)
        if (
            kind in ("category", "predicate")
            and target
            and target.removeprefix("pkg:") not in known
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
        rows.append(MappingRow(kind, source, target or None, match, external, provenance, note))
    return Mapping(rows=tuple(rows), file=file)


@functools.cache
def _declared_terms() -> frozenset[str]:
    """Local names of every pkg: term ontology/pharmakg.ttl or ontology/drugmechdb.ttl declares."""
    graph = Graph()
    graph.parse(resources.ontology_file(), format="turtle")
    graph.parse(terms_file(), format="turtle")
    return frozenset(
        str(s)[len(PKG) :]
        for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(PKG) and len(str(s)) > len(PKG)
    )


def _term(name: str) -> str:
    """The IRI of a pkg: term, checked against both ontology files (a typo fails)."""
    if name not in _declared_terms():
        raise UnknownTermError(f"pkg:{name} is not declared in the ontology", term=name)
    return PKG + name


# ------------------------------------------------------------------------------- the report


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


# ------------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class DrugMechDBImport:
    """An import: its N-Triples (terms file not included) and its report."""

    ntriples: bytes
    report: ImportReport

    def with_terms(self) -> bytes:
        """The N-Triples plus the definitions of the terms they use (ontology/drugmechdb.ttl)."""
        terms = ox.serialize(
            ox.parse(path=terms_file(), format=ox.RdfFormat.TURTLE),
            format=ox.RdfFormat.N_TRIPLES,
        )
        return (terms or b"") + self.ntriples

    def serialize(self, fmt: str = "nt") -> bytes:
        """The import with its terms as ``nt`` (N-Triples) or ``ttl`` (Turtle)."""
        data = self.with_terms()
        if fmt in ("nt", "ntriples", "n-triples"):
            return data
        if fmt in ("ttl", "turtle"):
            prefixes = {p: e.uri_prefix for p, e in vocab.prefix_map().entries.items()}
            turtle = ox.serialize(
                ox.parse(data, format=ox.RdfFormat.N_TRIPLES),
                format=ox.RdfFormat.TURTLE,
                prefixes=prefixes,
            )
            return turtle or b""
        raise InputError(f"unknown import output format {fmt!r}", term=fmt, choices=["nt", "ttl"])

    def write(self, path: str | Path) -> Path:
        """Write the import to ``path`` (``.nt`` or ``.ttl``) atomically."""
        suffix = Path(path).suffix.lstrip(".") or "nt"
        if suffix not in ("nt", "ttl"):
            raise InputError(
                f"write the import to a .nt or .ttl file, not {path}",
                file=path,
                choices=[".nt", ".ttl"],
            )
        return resources.write_bytes_atomic(path, self.serialize(suffix))

    def load_store(self, directory: str | Path, *, monograph: Graph | None = None) -> ox.Store:
        """Bulk-load the import (and ``monograph``'s triples) into an on-disk pyoxigraph store."""
        Path(directory).mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(directory))
        store.bulk_load(self.with_terms(), format=ox.RdfFormat.N_TRIPLES)
        if monograph is not None:
            store.bulk_extend(
                ox.Quad(
                    to_oxigraph_term(s),  # type: ignore[arg-type]
                    to_oxigraph_term(p),  # type: ignore[arg-type]
                    to_oxigraph_term(o),
                )
                for s, p, o in monograph
            )
        store.flush()
        return store


# ------------------------------------------------------------------------------- N-Triples


def _iri(value: str) -> str:
    return f"<{value}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _lit(value: str, datatype: str | None = None) -> str:
    text = f'"{value.translate(_ESCAPES)}"'
    return f"{text}^^<{datatype}>" if datatype else text


def _clean(value: str) -> tuple[str, bool]:
    """``value`` without invisible characters and outer whitespace; whether any were there."""
    cleaned = value.translate({ord(c): None for c in _INVISIBLE}).replace("\u00a0", " ").strip()
    return cleaned, cleaned != value


def _name(value: object) -> str:
    return re.sub(r"\s+", " ", str(value).replace("\ufeff", "").replace("\u00a0", " ")).strip()


# ------------------------------------------------------------------------------- reading


def _split_entries(text: str, file: Path) -> list[tuple[int, str]]:
    """Cut the top-level YAML list into ``(first line, text)`` per item.

    DrugMechDB's file is a block sequence whose items start with ``- `` in column 0; nothing
    else does (mappings inside are indented), so each item parses on its own, and a YAML
    error is reported at its line in the whole file.
    """
    starts = [m.start() for m in re.finditer(r"(?m)^- ", text)]
    head = text[: starts[0]] if starts else text
    if not starts or any(
        line.strip() and not line.lstrip().startswith("#") for line in head.splitlines()
    ):
        raise ParseError(
            "not a DrugMechDB file: expected a top-level YAML list of entries ('- directed: …')",
            file=file,
            line=1,
        )
    starts.append(len(text))
    chunks = []
    line = text.count("\n", 0, starts[0]) + 1
    for begin, end in itertools.pairwise(starts):
        chunk = text[begin:end]
        chunks.append((line, chunk))
        line += chunk.count("\n")
    return chunks


def _parse_batches(
    chunks: list[tuple[int, str]], file: Path, progress: Callable[[int], None] | None
) -> Iterator[tuple[int, object]]:
    for first in range(0, len(chunks), BATCH):
        batch = chunks[first : first + BATCH]
        text = "".join(c for _, c in batch)
        try:
            items = yaml.load(text, Loader=yaml.CSafeLoader)  # the C *safe* loader
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = batch[0][0] + mark.line if mark is not None else batch[0][0]
            raise ParseError(
                f"YAML error: {getattr(error, 'problem', None) or error}", file=file, line=line
            ) from error
        if not isinstance(items, list) or len(items) != len(batch):
            raise ParseError("expected one YAML list item per entry", file=file, line=batch[0][0])
        yield from zip((n for n, _ in batch), items, strict=True)
        if progress is not None:
            progress(len(batch))


# ------------------------------------------------------------------------------- the import


@dataclass
class _Entity:
    raw: str
    curie: str | None
    iri: str
    names: collections.Counter[str] = field(default_factory=collections.Counter)
    labels: collections.Counter[str] = field(default_factory=collections.Counter)
    alt_names: set[str] = field(default_factory=set)
    xrefs: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    merged: bool = False


@dataclass(frozen=True)
class _Roles:
    """Who is who in one entry: its drug's ids, its disease's id, its DrugBank CURIE."""

    drug_ids: set[str]
    disease: str
    drugbank: str | None


class _Importer:
    def __init__(self, file: Path, mapping: Mapping, monograph: Graph | None) -> None:
        self.file = file
        self.mapping = mapping
        self.problems: list[SourceProblem] = []
        self.entities: dict[str, _Entity] = {}
        self.lines: list[str] = []
        self.index = _identifier_index(monograph) if monograph is not None else {}
        self.counts: dict[str, collections.Counter[str]] = {
            k: collections.Counter()
            for k in ("categories", "predicates", "prefixes", "unmapped_prefixes")
        }
        self.unmapped_categories: collections.Counter[str] = collections.Counter()
        self.unmapped_predicates: collections.Counter[str] = collections.Counter()
        self.renamed: dict[str, str] = {}
        self.entries = self.nodes = self.links = self.claims = self.duplicates = 0
        self.references = 0
        self.drugs: set[str] = set()
        self.diseases: set[str] = set()
        self.t = {
            name: _iri(_term(name))
            for name in (
                "Claim", "CuratedPath", "CuratedDatabase", "CuratedDatabaseBasis", "basis",
                "claimSubject", "claimPredicate", "claimObject", "fromPath", "inDatabase",
                "pathDrug", "pathDisease", "pathNode", "recordId", "drugName", "diseaseName",
                "sourceIdentifier", "sourcePredicate", "id", "xref", "biolinkCategory",
                "identifierSource", "BiomedicalEntity", "curatedRelation", "Drug", "Disease",
                "sha256",
            )
        }  # fmt: skip

    def problem(
        self,
        kind: ProblemKind,
        term: str,
        detail: str = "",
        entry: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problems.append(SourceProblem(kind, term, detail, entry, line))

    # -- identifiers

    def normalise(self, raw: str, entry: str, line: int) -> str | None:
        """The prefix-map CURIE for a DrugMechDB id, or None (reported)."""
        prefix, sep, local = raw.partition(":")
        if not sep or not prefix or not local:
            self.problem(ProblemKind.MALFORMED_ID, raw, "not a CURIE", entry, line)
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
            self.problem(ProblemKind.MALFORMED_ID, raw, problem, entry, line)
            return None
        return curie

    def unmapped(self, prefix: str) -> bool:
        """Whether neither the table nor the prefix map maps ``prefix``."""
        if prefix in self.mapping.prefixes:
            return self.mapping.prefixes[prefix] is None
        pmap = vocab.prefix_map()
        return prefix not in pmap.entries and prefix not in pmap.synonyms

    def entity(self, raw_id: object, entry: str, line: int) -> _Entity:
        raw, changed = _clean(str(raw_id))
        if changed and raw != str(raw_id).strip():
            self.problem(
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
        iri = f"{_ENTITY_BASE}{quote(prefix, safe='')}/{quote(local, safe='-._~')}"
        if curie is None and ":" in raw and self.unmapped(prefix):
            self.problem(
                ProblemKind.UNMAPPED_PREFIX,
                raw,
                "no prefix-map entry; the id is kept as pkg:sourceIdentifier only",
                entry,
                line,
            )
        made = _Entity(raw=raw, curie=curie, iri=iri)
        self.entities[raw] = made
        return made

    # -- one entry

    def add_entry(self, line: int, item: object) -> None:
        read = self._read_entry(line, item)
        if read is None:
            return
        entry_id, graph, nodes, links = read
        assert isinstance(item, dict)  # noqa: S101 - _read_entry checked it
        self.entries += 1
        path = _PATH_BASE + quote(entry_id, safe="-._~")
        p = _iri(path)
        self._path_lines(p, entry_id, graph, item)
        drug_ids = {_clean(str(graph[k]))[0] for k in ("drugbank", "drug_mesh") if graph.get(k)}
        disease_id = _clean(str(graph.get("disease_mesh", "")))[0]
        drugbank = graph.get("drugbank")
        drugbank_curie = (
            self.normalise(_clean(str(drugbank))[0], entry_id, line) if drugbank else None
        )
        roles = _Roles(drug_ids, disease_id, drugbank_curie)
        seen: dict[str, _Entity] = {}
        drug: _Entity | None = None
        for node in nodes:
            found = self._add_node(node, roles, seen, p, entry_id, line)
            drug = found if found is not None else drug
        self._path_ends(p, drug, roles, seen, entry_id, line)
        done: set[tuple[str, str, str]] = set()
        for number, link in enumerate(links, 1):
            self._add_link(number, link, seen, done, (path, p), entry_id, line)

    def _read_entry(
        self, line: int, item: object
    ) -> tuple[str, dict[str, Any], list[Any], list[Any]] | None:
        """The entry's id, graph, nodes and links; None (and a problem) when it is malformed."""
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
            self.problem(ProblemKind.MALFORMED_ENTRY, str(entry_id or line), str(error), None, line)
            return None
        return entry_id, graph, nodes, links

    def _path_lines(
        self, p: str, entry_id: str, graph: dict[str, Any], item: dict[str, Any]
    ) -> None:
        """The curated path's own triples: id, database, names, references, comment."""
        out, t = self.lines, self.t
        out.append(f"{p} <{RDF_TYPE}> {t['CuratedPath']} .")
        out.append(f"{p} {t['recordId']} {_lit(entry_id)} .")
        out.append(f"{p} {t['inDatabase']} <{DRUGMECHDB_IRI}> .")
        drug_name, disease_name = _name(graph.get("drug", "")), _name(graph.get("disease", ""))
        out.append(
            f"{p} <{RDFS_LABEL}> {_lit(f'{drug_name} → {disease_name} (DrugMechDB {entry_id})')} ."
        )
        out.append(f"{p} {t['drugName']} {_lit(drug_name)} .")
        out.append(f"{p} {t['diseaseName']} {_lit(disease_name)} .")
        for reference in item.get("references") or ():
            self.references += 1
            out.append(f"{p} <{DCT}references> {_lit(_name(reference), XSD_ANYURI)} .")
        comment = item.get("comment")
        if comment:
            out.append(f"{p} <{RDFS_COMMENT}> {_lit(str(comment).strip())} .")

    def _node_names(self, ent: _Entity, node: dict[str, Any], entry_id: str, line: int) -> None:
        """A node's name, alternative names and alternative ids, on its entity."""
        if node.get("name") is not None:
            ent.names[_name(node["name"])] += 1
        for alt in node.get("alt_names") or ():
            ent.alt_names.add(_name(alt))
        for alt_id in node.get("alt_ids") or ():
            alt = _clean(str(alt_id))[0]
            alt_curie = self.normalise(alt, entry_id, line)
            if alt_curie is not None:
                ent.xrefs.add(alt_curie)
            elif self.unmapped(alt.partition(":")[0]):
                self.problem(
                    ProblemKind.UNMAPPED_PREFIX,
                    alt,
                    f"an alt_id of {ent.raw}; not imported (no prefix-map entry)",
                    entry_id,
                    line,
                )

    def _node_role(
        self, ent: _Entity, label: str, roles: _Roles, entry_id: str, line: int
    ) -> str | None:
        """The node's role in the entry (drug, disease or none), its label checked against it."""
        role = (
            "drug" if ent.raw in roles.drug_ids else "disease" if ent.raw == roles.disease else None
        )
        if (role == "drug" and label != "Drug") or (role == "disease" and label != "Disease"):
            self.problem(
                ProblemKind.SWAPPED_LABEL,
                ent.raw,
                f"the entry's {role} is labelled {label}",
                entry_id,
                line,
            )
        elif label:
            ent.labels[label] += 1
        if role:
            ent.roles.add(role)
        if role == "drug" and roles.drugbank is not None and roles.drugbank != ent.curie:
            ent.xrefs.add(roles.drugbank)
        return role

    def _add_node(
        self,
        node: object,
        roles: _Roles,
        seen: dict[str, _Entity],
        p: str,
        entry_id: str,
        line: int,
    ) -> _Entity | None:
        """Read one node of an entry; return its entity when it is the entry's drug."""
        self.nodes += 1
        if not isinstance(node, dict) or "id" not in node:
            self.problem(
                ProblemKind.MALFORMED_ENTRY, str(node), "a node without an id", entry_id, line
            )
            return None
        ent = self.entity(node["id"], entry_id, line)
        label = str(node.get("label", ""))
        self.counts["categories"][label] += 1
        prefix = ent.raw.partition(":")[0]
        self.counts["prefixes"][prefix] += 1
        if ent.curie is None and self.unmapped(prefix):
            self.counts["unmapped_prefixes"][prefix] += 1
        if ent.raw in seen:
            self.problem(
                ProblemKind.DUPLICATE_NODE, ent.raw, "listed twice in one entry", entry_id, line
            )
        seen[ent.raw] = ent
        self._node_names(ent, node, entry_id, line)
        role = self._node_role(ent, label, roles, entry_id, line)
        if label and label not in self.mapping.categories:
            self.unmapped_categories[label] += 1
        self.lines.append(f"{p} {self.t['pathNode']} <{ent.iri}> .")
        return ent if role == "drug" else None

    def _path_ends(
        self,
        p: str,
        drug: _Entity | None,
        roles: _Roles,
        seen: dict[str, _Entity],
        entry_id: str,
        line: int,
    ) -> None:
        """The path's drug and disease, or the problem that one of them is missing."""
        out, t = self.lines, self.t
        if drug is None:
            self.problem(
                ProblemKind.MISSING_DRUG_NODE,
                ", ".join(sorted(roles.drug_ids)) or "-",
                "no node has the entry's drug id",
                entry_id,
                line,
            )
        else:
            self.drugs.add(drug.raw)
            out.append(f"{p} {t['pathDrug']} <{drug.iri}> .")
        if roles.disease in seen:
            self.diseases.add(roles.disease)
            out.append(f"{p} {t['pathDisease']} <{seen[roles.disease].iri}> .")
        else:
            self.problem(
                ProblemKind.DANGLING_LINK,
                roles.disease,
                "disease_mesh is no node of the entry",
                entry_id,
                line,
            )

    def _link_problems(
        self,
        number: int,
        key: str,
        ends: tuple[_Entity, _Entity],
        seen: dict[str, _Entity],
        entry_id: str,
        line: int,
    ) -> None:
        """Dangling ends and self-loops of one link, as problems."""
        source, target = ends
        for end in (source, target):
            if end.raw not in seen:
                self.problem(
                    ProblemKind.DANGLING_LINK,
                    end.raw,
                    f"link {number} ({key}) names no node of the entry",
                    entry_id,
                    line,
                )
        if source is target:
            self.problem(
                ProblemKind.SELF_LOOP, f"{source.raw} {key} {target.raw}", "", entry_id, line
            )

    def _add_link(
        self,
        number: int,
        link: object,
        seen: dict[str, _Entity],
        done: set[tuple[str, str, str]],
        where: tuple[str, str],
        entry_id: str,
        line: int,
    ) -> None:
        """One link of an entry: a plain triple and a curated claim, or the problem with it."""
        path, p = where
        self.links += 1
        if not isinstance(link, dict) or not {"key", "source", "target"} <= link.keys():
            self.problem(
                ProblemKind.MALFORMED_ENTRY,
                str(link),
                "a link needs key, source and target",
                entry_id,
                line,
            )
            return
        key = str(link["key"])
        self.counts["predicates"][key] += 1
        source = self.entity(link["source"], entry_id, line)
        target = self.entity(link["target"], entry_id, line)
        self._link_problems(number, key, (source, target), seen, entry_id, line)
        triple = (source.raw, key, target.raw)
        if triple in done:
            self.duplicates += 1
            self.problem(
                ProblemKind.DUPLICATE_LINK,
                f"{source.raw} {key} {target.raw}",
                f"link {number} repeats an earlier link",
                entry_id,
                line,
            )
            return
        done.add(triple)
        self._claim_lines(f"{path}/link/{number}", key, (source, target), p)

    def _claim_lines(
        self, claim_path: str, key: str, ends: tuple[_Entity, _Entity], p: str
    ) -> None:
        """The plain triple of a link and the curated claim behind it."""
        out, t = self.lines, self.t
        predicate = self.mapping.predicates.get(key)
        if predicate is None:
            self.unmapped_predicates[key] += 1
            pred = t["curatedRelation"]
        else:
            pred = _iri(predicate)
        self.claims += 1
        claim = _iri(claim_path)
        s, o = f"<{ends[0].iri}>", f"<{ends[1].iri}>"
        out.append(f"{s} {pred} {o} .")
        out.append(f"{claim} <{RDF_TYPE}> {t['Claim']} .")
        out.append(f"{claim} {t['claimSubject']} {s} .")
        out.append(f"{claim} {t['claimPredicate']} {pred} .")
        out.append(f"{claim} {t['claimObject']} {o} .")
        out.append(f"{claim} {t['basis']} {t['CuratedDatabaseBasis']} .")
        out.append(f"{claim} {t['fromPath']} {p} .")
        out.append(f"{claim} {t['inDatabase']} <{DRUGMECHDB_IRI}> .")
        out.append(f"{claim} {t['sourcePredicate']} {_lit(key)} .")

    # -- entities, once every entry is read

    def merge(self) -> list[tuple[str, str]]:
        merged = []
        for ent in self.entities.values():
            ids = {ent.curie, *ent.xrefs} - {None}
            matches = {self.index[i] for i in ids if i in self.index}
            if len(matches) == 1:
                self.renamed[ent.iri] = ent.iri = matches.pop()
                ent.merged = True
                merged.append((ent.curie or ent.raw, ent.iri))
            elif matches:
                self.problem(
                    ProblemKind.AMBIGUOUS_MERGE, ent.raw, "matches " + ", ".join(sorted(matches))
                )
        return sorted(merged)

    def _own_lines(self, ent: _Entity, names: list[str], labels: set[str]) -> list[str]:
        """What an entity the monograph does not have gets: label, identity, types."""
        e, t = f"<{ent.iri}>", self.t
        out = [f"{e} <{RDFS_LABEL}> {_lit(names[0])} ."] if names else []
        if ent.curie is not None:
            out.append(f"{e} {t['id']} {_lit(ent.curie)} .")
            # The identifier's IRI, so that a monograph entity's close or broad match
            # to the same term can be seen beside it (the cross-check query).
            out.append(f"{e} <{SKOS_EXACT}> <{vocab.expand_curie(ent.curie)}> .")
        out += [f"{e} {t['xref']} {_lit(x)} ." for x in sorted(ent.xrefs - {ent.curie})]
        out.append(f"{e} {t['identifierSource']} <{DRUGMECHDB_IRI}> .")
        classes = {cls for label in labels if (cls := self.mapping.categories.get(label))}
        self._check_schemes(ent, labels)
        out += [f"{e} <{RDF_TYPE}> <{c}> ." for c in sorted(classes or {PKG + "BiomedicalEntity"})]
        return out

    def _check_schemes(self, ent: _Entity, labels: set[str]) -> None:
        """An id whose prefix its type does not take (the table's ``scheme`` rows) is a problem."""
        prefix = (ent.curie or "").partition(":")[0]
        for label in sorted(labels):
            allowed = self.mapping.schemes.get(label)
            if prefix and allowed is not None and prefix not in allowed:
                self.problem(
                    ProblemKind.SCHEME_OUTSIDE_TYPE,
                    ent.raw,
                    f"a {label} identified by {prefix}; Biolink's {label} takes "
                    + ", ".join(sorted(allowed, key=str.casefold)),
                )

    def _names_of(self, ent: _Entity) -> list[str]:
        """The entity's names, most used first; several names or categories are problems."""
        names = [n for n, _ in sorted(ent.names.items(), key=lambda kv: (-kv[1], kv[0]))]
        if len(names) > 1:
            self.problem(ProblemKind.SEVERAL_NAMES, ent.raw, " | ".join(names))
        if len(ent.labels) > 1:
            self.problem(ProblemKind.SEVERAL_CATEGORIES, ent.raw, ", ".join(sorted(ent.labels)))
        return names

    def entity_lines(self) -> list[str]:
        out: list[str] = []
        t = self.t
        for ent in self.entities.values():
            e = f"<{ent.iri}>"
            names = self._names_of(ent)
            out.append(f"{e} {t['sourceIdentifier']} {_lit(ent.raw)} .")
            labels = set(ent.labels)
            labels |= {"Drug"} if "drug" in ent.roles else set()
            labels |= {"Disease"} if "disease" in ent.roles else set()
            biolink = self.mapping.biolink
            out += [
                f"{e} {t['biolinkCategory']} <{biolink[x]}> ."
                for x in sorted(labels & set(biolink))
            ]
            alt = set(ent.alt_names) | set(names[1:])
            if ent.merged:
                alt |= set(names[:1])
            else:
                out += self._own_lines(ent, names, labels)
            for name in sorted(alt - set(names[:1] if not ent.merged else [])):
                out.append(f"{e} <{SKOS_ALT}> {_lit(name)} .")
        return out


def _identifier_index(graph: Graph) -> dict[str, str]:
    """Every ``pkg:id``/``pkg:xref`` CURIE of ``graph`` → its entity's IRI (unique ones only)."""
    found: dict[str, set[str]] = collections.defaultdict(set)
    for predicate in (vocab.PKG_ID, vocab.PKG_XREF):
        for subject, value in graph.subject_objects(predicate):
            if isinstance(value, Literal) and isinstance(subject, URIRef):
                found[str(value)].add(str(subject))
    return {curie: next(iter(iris)) for curie, iris in found.items() if len(iris) == 1}


def _source_lines(sha: str, version: str, file: Path) -> list[str]:
    d = f"<{DRUGMECHDB_IRI}>"
    return [
        f"{d} <{RDF_TYPE}> <{_term('CuratedDatabase')}> .",
        f"{d} <{RDFS_LABEL}> {_lit('DrugMechDB')} .",
        f"{d} <{DCT}title> {_lit('DrugMechDB: curated drug → disease mechanism paths')} .",
        f"{d} <{DCT}identifier> {_lit('infores:drugmechdb')} .",
        f"{d} <{DCT}license> <https://opensource.org/license/mit> .",
        f"{d} <{DCT}rights> {_lit('MIT License, Copyright (c) 2019 Su Lab')} .",
        f"{d} <{DCT}source> <https://github.com/SuLab/DrugMechDB> .",
        f"{d} <{DCT}bibliographicCitation> {_lit(_CITATION)} .",
        f"{d} <{RDFS_SEE_ALSO}> <https://doi.org/10.5281/zenodo.8139357> .",
        f"{d} <{OWL_VERSION}> {_lit(version)} .",
        f"{d} <{_term('sha256')}> {_lit(sha)} .",
        f"{d} <{_term('sourceFile')}> {_lit(file.name)} .",
    ]


def import_drugmechdb(
    path: str | Path,
    *,
    monograph: Graph | None = None,
    mapping: Mapping | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DrugMechDBImport:
    """Import DrugMechDB's ``indication_paths.yaml`` at ``path``.

    :param monograph: merge nodes into this graph's entities on an exact identifier match
        (``pkg:id`` or ``pkg:xref``); ``None``: merge nothing.
    :param mapping: the mapping table (default: the packaged ``ontology/drugmechdb-mapping.tsv``).
    :param progress: called as ``progress(entries_done, entries_total)`` after each batch.
    :raises InputError: the file cannot be read.
    :raises ParseError: the file is not YAML, or not a list of entries (file and line).
    """
    started = time.perf_counter()
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", file=file) from error
    sha = hashlib.sha256(data).hexdigest()
    version = KNOWN_FILES.get(sha, "unknown: a file whose SHA-256 pharmakg does not know")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            "not valid UTF-8", file=file, line=data.count(b"\n", 0, error.start) + 1
        ) from error
    chunks = _split_entries(text, file)
    importer = _Importer(file, mapping or read_mapping(), monograph)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(chunks))

    for line, item in _parse_batches(chunks, file, step):
        importer.add_entry(line, item)
    merged = importer.merge()
    body = "\n".join(importer.lines)
    # Entry lines were written before the merge knew its matches: point them at the merged IRIs.
    for old, new in importer.renamed.items():
        body = body.replace(f"<{old}>", f"<{new}>")
    lines = _source_lines(sha, version, file) + importer.entity_lines()
    text = "\n".join(lines) + "\n" + body + "\n"
    ntriples = text.encode("utf-8")
    counts = importer.counts
    report = ImportReport(
        file=str(file),
        sha256=sha,
        version=version,
        entries=importer.entries,
        nodes=importer.nodes,
        links=importer.links,
        claims=importer.claims,
        duplicate_links=importer.duplicates,
        entities=len(importer.entities),
        drugs=len(importer.drugs),
        diseases=len(importer.diseases),
        references=importer.references,
        categories=dict(counts["categories"].most_common()),
        predicates=dict(counts["predicates"].most_common()),
        prefixes=dict(counts["prefixes"].most_common()),
        unmapped_categories=dict(importer.unmapped_categories.most_common()),
        unmapped_predicates=dict(importer.unmapped_predicates.most_common()),
        unmapped_prefixes=dict(counts["unmapped_prefixes"].most_common()),
        merged=tuple(merged),
        problems=tuple(importer.problems),
        triples=len(set(text.splitlines())),
        seconds=time.perf_counter() - started,
    )
    return DrugMechDBImport(ntriples=ntriples, report=report)
