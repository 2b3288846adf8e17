"""pyoxigraph's store, in memory (the default) or on disk (a directory, RocksDB).

An on-disk store is written once (``pharmakg load FILE... --store DIR``) and then opened
read-only, in milliseconds, by every command given ``--store DIR``; a read-only store can be
opened by many processes at once.

**Derived integer datatypes.** pyoxigraph 0.5 stores a literal of a type derived from
``xsd:integer`` (``xsd:positiveInteger``, ``xsd:int``, ``xsd:nonNegativeInteger``, …) as an
``xsd:integer``: SPARQL sees ``"7"^^xsd:integer`` where the file says
``"7"^^xsd:positiveInteger``. The value is the same, but the datatype is part of what the
source says (and ``sh:datatype`` checks it), so the loader keeps each such triple's original
form in the store's named graph :data:`LITERALS`, and :meth:`OxigraphStore.dump` writes
the original back. Queries still see ``xsd:integer`` (cast before comparing datatypes).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ..errors import InputError, StoreError
from ..model import GraphResult, QueryResult
from .terms import OxTerm, solutions_result, to_oxigraph_term

__all__ = ["DERIVED_INTEGER_TYPES", "LITERALS", "OxigraphStore"]

#: A file pyoxigraph's RocksDB store always writes into its directory.
_MARKER = "CURRENT"

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes pyoxigraph 0.5 stores as ``xsd:integer``.
DERIVED_INTEGER_TYPES = frozenset(
    _XSD + name
    for name in [
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "int",
        "long",
        "short",
        "byte",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ]
)
#: The named graph where the original form of each such literal's triple is kept.
LITERALS = ox.NamedNode("urn:pharmakg:store:literals")
_ORIGINAL = ox.NamedNode("urn:pharmakg:store:original")
_STORED = ox.NamedNode("urn:pharmakg:store:stored")
#: Quick test on the raw bytes: could the data hold a derived integer datatype at all?
_MAY_HOLD_DERIVED = re.compile(rb"Integer|unsigned|[#:](?:int|long|short|byte)\b")
_BATCH = 100_000
_OVERRIDES = """
SELECT ?original ?stored WHERE {
  GRAPH <urn:pharmakg:store:literals> {
    ?r <urn:pharmakg:store:original> ?original ; <urn:pharmakg:store:stored> ?stored
  }
}
"""


def _derived(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in DERIVED_INTEGER_TYPES


class OxigraphStore:
    """pyoxigraph's store: in memory, or a directory on disk (see engines.md)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store | None = None, *, location: str = "memory") -> None:
        self.store = store if store is not None else ox.Store()
        self.location = location

    @classmethod
    def memory(cls) -> OxigraphStore:
        """A new, empty in-memory store."""
        return cls()

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = True) -> OxigraphStore:
        """The on-disk store in directory ``path``: read-only, or for loading (created if new).

        :raises StoreError: the directory is not a pharmakg store, or it is locked or damaged.
        """
        path = Path(path)
        if read_only and not (path / _MARKER).is_file():
            raise StoreError(
                "not a store directory; create it with 'pharmakg load FILE... --store DIR'",
                file=path,
            )
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as error:
            raise StoreError(f"cannot open the store: {error}", file=path) from error
        return cls(store, location=str(path))

    @classmethod
    def from_dump(cls, data: bytes) -> OxigraphStore:
        """A new in-memory store of N-Triples ``data`` (a store's :meth:`dump`), labels kept.

        Its blank nodes keep their labels, so its answers name the same nodes as the store
        that wrote the dump does, and its literals are stored as that store stores them.
        """
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        return cls(store)

    @classmethod
    def from_quads(cls, path: str | Path) -> OxigraphStore:
        """A new in-memory store of the N-Quads file ``path`` (:meth:`write_quads`), all graphs."""
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def write_quads(self, path: str | Path) -> None:
        """Write every quad of every graph (:data:`LITERALS` too) to ``path``, as N-Quads."""
        self.store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)

    @property
    def in_memory(self) -> bool:
        """Whether the store is held in memory (not a directory on disk)."""
        return self.location == "memory"

    def __len__(self) -> int:
        kept = sum(1 for _ in self.store.quads_for_pattern(None, None, None, LITERALS))
        return len(self.store) - kept

    def _run(
        self, sparql: str, bindings: Mapping[str, Node] | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        subs: dict[ox.Variable, OxTerm | ox.Triple] = {
            ox.Variable(k): to_oxigraph_term(v) for k, v in (bindings or {}).items()
        }
        try:
            return self.store.query(sparql, substitutions=subs)
        except SyntaxError as error:
            raise InputError(f"SPARQL syntax error (oxigraph): {error}") from error
        except (RuntimeError, OSError) as error:  # e.g. a substituted variable not projected
            hint = " (a parameter must appear in the SELECT clause)" if subs else ""
            raise InputError(f"SPARQL error (oxigraph): {error}{hint}") from error

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Answer a SELECT or ASK query; ``bindings`` pre-bind variables by name."""
        result = self._run(sparql, bindings)
        if isinstance(result, ox.QueryTriples):
            raise InputError("a CONSTRUCT or DESCRIBE query answers triples: use construct()")
        try:  # solutions are computed as they are read
            return solutions_result(result)
        except (RuntimeError, OSError) as error:
            raise InputError(f"SPARQL error (oxigraph): {error}") from error

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> GraphResult:
        """Answer a CONSTRUCT or DESCRIBE query with its triples."""
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("a SELECT or ASK query answers rows: use query()")
        try:  # triples are computed as they are written
            return GraphResult(result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
        except (RuntimeError, OSError) as error:
            raise InputError(f"SPARQL error (oxigraph): {error}") from error

    def dump(self) -> bytes:
        """Every triple of the default graph, as N-Triples, with literals as loaded."""
        data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
        originals: dict[bytes, list[bytes]] = {}
        overrides = self.store.query(_OVERRIDES)
        assert isinstance(overrides, ox.QuerySolutions)  # noqa: S101 - a SELECT
        for solution in overrides:
            stored, original = solution["stored"], solution["original"]
            if isinstance(stored, ox.Literal) and isinstance(original, ox.Literal):
                key = stored.value.encode("utf-8")
                originals.setdefault(key, []).append(original.value.encode("utf-8"))
        if not originals:
            return data
        lines = []
        for line in data.splitlines():
            lines.extend(originals.get(line, [line]))
        return b"\n".join(lines) + b"\n"

    def load_rdf(self, data: bytes, media_type: str, base_iri: str | None = None) -> None:
        """Add the triples of ``data`` (``media_type``: Turtle, N-Triples, …).

        Blank nodes are new ones for each call, as rdflib makes them for each parse.

        :raises SyntaxError: the data do not parse (``lineno`` and ``offset`` say where).
        """
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise InputError(f"pyoxigraph cannot read {media_type}", term=media_type)
        if _MAY_HOLD_DERIVED.search(data) is None:
            self.store.bulk_load(data, format=fmt, base_iri=base_iri)
            return
        kept: list[ox.Triple] = []
        quads = ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True)
        while batch := list(itertools.islice(quads, _BATCH)):
            self.store.bulk_extend(batch)
            kept.extend(q.triple for q in batch if _derived(q.object))
        self._keep_originals(kept)

    def _keep_originals(self, triples: list[ox.Triple]) -> None:
        """Record the original form of triples whose literal the store changes."""
        if not triples:
            return
        scratch = ox.Store()
        keys = [ox.NamedNode(f"urn:pharmakg:row:{i}") for i in range(len(triples))]
        scratch.bulk_extend(
            ox.Quad(key, ox.NamedNode("urn:pharmakg:o"), t.object)
            for key, t in zip(keys, triples, strict=True)
        )
        stored_objects = {q.subject: q.object for q in scratch}
        records = []
        for key, triple in zip(keys, triples, strict=True):
            stored = ox.Triple(triple.subject, triple.predicate, stored_objects[key])
            if str(stored) == str(triple):
                continue
            record = ox.BlankNode()
            records.append(ox.Quad(record, _ORIGINAL, ox.Literal(f"{triple} ."), LITERALS))
            records.append(ox.Quad(record, _STORED, ox.Literal(f"{stored} ."), LITERALS))
        self.store.bulk_extend(records)

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of an rdflib ``graph``."""
        self.load_rdf(graph.serialize(format="nt", encoding="utf-8"), "application/n-triples")

    def remove_triples(self, triples: Collection[tuple[Node, Node, Node]]) -> None:
        """Remove these triples from the default graph (those absent are ignored)."""
        for subject, predicate, obj in triples:
            quad = ox.Quad(
                to_oxigraph_term(subject),  # type: ignore[arg-type]
                to_oxigraph_term(predicate),  # type: ignore[arg-type]
                to_oxigraph_term(obj),
                ox.DefaultGraph(),
            )
            self.store.remove(quad)

    def flush(self) -> None:
        """Write what was loaded to disk, compacted (nothing to do in memory).

        A bulk load leaves RocksDB many overlapping files, which every later read merges:
        compacting them once makes every later read two to three times faster
        (benchmarks/RESULTS.md).
        """
        if self.in_memory:
            return
        self.store.flush()
        self.store.optimize()
