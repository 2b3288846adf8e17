"""The SHACL engines: which one runs (``auto``, ``fast``, ``pyshacl``), and running it.

SHACL runs over *data + ontology* (their union, so ``sh:targetClass`` follows
``rdfs:subClassOf``), with SHACL-SPARQL constraints on and no inference. The input graph is
never changed. Two engines give the same report:

* ``pyshacl``, the reference, on an rdflib copy of the data (``advanced=True``);
* ``fast``: the ``shacl`` package (a Rust engine), fed the store's N-Triples dump, for SHACL
  Core. Its results are read back through its report graph, so both engines' results go
  through the same conversion (:mod:`.report`). The SPARQL-based targets and the node shapes'
  SHACL-SPARQL constraints run on the store instead (:mod:`.targets`, :mod:`.sparql`), because
  the ``shacl`` engine runs them per focus node and grows quadratically here
  (benchmarks/RESULTS.md).

``engine="auto"`` (the default) picks ``fast`` above :data:`FAST_ABOVE` triples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from .. import vocab
from .._load import LoadedGraph, parse_file
from ..errors import InputError, MissingToolError, ShapesError
from ..model import ValidationResult
from ..store import OxigraphStore, Store
from .report import ROOT_SHAPE, report_results, store_label
from .shapes import deactivated, with_imported_prefixes
from .sparql import sparql_report, sparql_report_per_focus, split_sparql
from .targets import targets_on_store, with_target_nodes

__all__ = [
    "ENGINES",
    "FAST_ABOVE",
    "MEMORY_COPY_LIMIT",
    "choose_engine",
    "engine_notes",
    "shacl_results",
]

#: SHACL engines: the reference and the fast one (``auto`` chooses by size).
ENGINES = ("auto", "fast", "pyshacl")
#: ``auto`` uses the fast engine above this many triples, where pyshacl's time grows past a
#: few seconds (benchmarks/RESULTS.md).
FAST_ABOVE = 5_000
#: Up to this much N-Triples, the SPARQL of a fast validation runs on a copy in memory.
MEMORY_COPY_LIMIT = 2 * 1024**3

#: The reasoner's test for the ontology being in the data already.
_HAS_ONTOLOGY = (
    "ASK { <https://w3id.org/pharmakg/ontology/Drug> a <http://www.w3.org/2002/07/owl#Class> }"
)


def choose_engine(engine: str, triples: int, blockers: Sequence[str] = ()) -> str:
    """The engine ``auto`` means for a graph of ``triples`` triples (others stay as they are).

    ``blockers`` (from :func:`~pharmakg._validate.shapes.fast_blockers`) are shape features
    the fast path does not run as SHACL says: ``auto`` then picks pyshacl, and ``fast`` is
    refused.

    :raises InputError: an unknown engine (the error lists them), or ``fast`` with blockers.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine {engine!r}", term=engine, choices=ENGINES)
    if engine == "fast" and blockers:
        raise InputError(
            f"the fast SHACL engine cannot run these shapes ({blockers[0]}); "
            "use --engine auto or --engine pyshacl"
        )
    if engine == "auto":
        return "fast" if triples > FAST_ABOVE and not blockers else "pyshacl"
    return engine


class _ParsedOnceGraph(Graph):
    """A graph that parses each SPARQL text once, then reuses the parsed query.

    pyshacl runs a SPARQL constraint once per focus node with only ``$this`` bound
    differently, and rdflib parses the text again each time, which was most of pyshacl's
    time on the monograph. A parsed query evaluated with
    the same bindings and namespaces is the same query, so the report cannot change.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parsed: dict[tuple[str, tuple[tuple[str, str], ...]], Query] = {}

    def query(  # rdflib's own signature
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """Evaluate ``query_object`` as :meth:`rdflib.Graph.query`, parsing a text once."""
        if isinstance(query_object, str):
            namespaces = dict(initNs or self.namespaces())  # what rdflib would resolve with
            key = (query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())))
            if key not in self._parsed:
                self._parsed[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = self._parsed[key]
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _pyshacl_report(data: Graph, shapes: Graph, shapes_path: Path) -> tuple[bool, Graph]:
    """The conformance and report graph pyshacl gives for ``data`` (a scratch copy it changes)."""
    # Imported here, as the fast engine is: only `validate` pays for an engine (about 0.3 s).
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ConstraintLoadError, ShapeLoadError

    try:
        conforms, report, text = shacl_validate(
            data,
            shacl_graph=with_imported_prefixes(shapes),
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            do_owl_imports=False,  # never fetch: local imports are merged by the caller
            inplace=True,  # ``data`` is the caller's scratch copy; a clone keeps no query cache
        )
    except (ConstraintLoadError, ShapeLoadError) as error:
        reason = " ".join(str(error).split())
        raise ShapesError(f"SHACL shapes refused by pyshacl: {reason}", file=shapes_path) from None
    except Exception as error:  # the engine's own failure, whatever its class: one line, exit 3
        reason = " ".join(str(error).split()) or type(error).__name__
        raise MissingToolError(f"pyshacl failed on {shapes_path}: {reason}") from None
    if not isinstance(report, Graph):  # pyshacl returns its exception in place of the graph
        reason = str(report).splitlines()[0] if str(report) else str(text)
        raise ShapesError(f"SHACL shapes refused by pyshacl: {reason}", file=shapes_path)
    return bool(conforms), report


def _fast_report(data: bytes, shapes: Graph, shapes_path: Path) -> tuple[bool, Graph]:
    """The ``shacl`` engine's report graph for N-Triples ``data`` and the ``shapes`` graph."""
    import shacl

    try:
        compiled = shacl.Shapes.from_text(
            shapes.serialize(format="nt", encoding="utf-8").decode("utf-8"),
            format="ntriples",
            base=shapes_path.resolve().as_uri(),
        )
    except (ValueError, SyntaxError, RuntimeError) as error:
        raise ShapesError(
            f"SHACL shapes refused by the fast engine: {error}", file=shapes_path
        ) from error
    try:
        report = compiled.validate_text(
            data.decode("utf-8"), format="ntriples", allow_warnings=True
        )
    except (ValueError, SyntaxError, RuntimeError) as error:
        raise InputError(f"the fast SHACL engine failed: {error}") from error
    # Result i is the report's blank node _:r{i+1}; name its nearest named shape beside it.
    roots = "".join(
        f"_:r{i} <{ROOT_SHAPE}> {result.root_shape} .\n"
        for i, result in enumerate(report.results, 1)
        if result.root_shape and result.root_shape.startswith("<")
    )
    graph = Graph()
    graph.parse(data=report.serialize("ntriples") + roots, format="nt")
    return bool(report.conforms), graph


def _store_for_constraints(store: Store, data: bytes, *, copy: bool) -> Store:
    """Where the SPARQL-based targets and constraints run: ``store``, or ``data`` in memory.

    ``data`` is the store's dump as the fast engine reads it (with the ontology when ``copy``
    says it was added). An on-disk or remote store is copied into memory too, below
    :data:`MEMORY_COPY_LIMIT`: the dump is in hand already and loading it is quick. That
    repays itself on a remote store (a request per query) and on a directory that a bulk load
    left uncompacted; on a directory compacted by ``pharmakg load`` it costs what it saves
    (benchmarks/RESULTS.md). The copy
    keeps the dump's blank node labels, so both name the same nodes.
    """
    in_memory = isinstance(store, OxigraphStore) and store.in_memory
    if copy or (not in_memory and len(data) <= MEMORY_COPY_LIMIT):
        return OxigraphStore.from_dump(data)
    return store


def _fast_validation(
    store: Store,
    shapes: Graph,
    shapes_path: Path,
    ontology_text: bytes | None,
    step: Callable[[], None],
    *,
    per_focus: bool,
) -> tuple[bool, Graph, Store]:
    """The fast engine's SHACL Core report plus the SHACL-SPARQL results, and their store.

    ``ontology_text`` (N-Triples) is added to the data first when it is not in the store.
    """
    core, pairs = split_sparql(shapes)
    data = store.dump() + (ontology_text or b"")
    merged_store = _store_for_constraints(store, data, copy=ontology_text is not None)
    answered = targets_on_store(merged_store, core)
    conforms, report = _fast_report(data, with_target_nodes(core, answered), shapes_path)
    run_sparql = sparql_report_per_focus if per_focus else sparql_report
    report += run_sparql(merged_store, shapes, pairs, step)
    return conforms, report, merged_store


def engine_notes(shapes: Graph, chosen: str, per_focus: bool) -> list[str]:
    """One line per shape: which engine checks it (``pharmakg validate --verbose``)."""
    notes = []
    named = sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)})
    for shape in named:
        where = "pyshacl"
        if chosen == "fast":
            where = "the shacl engine (SHACL Core)"
            if any(True for _ in shapes.objects(shape, SH.sparql)):
                how = "once per focus node" if per_focus else "once for all focus nodes"
                where += f" + pyoxigraph (SHACL-SPARQL, {how})"
        if deactivated(shapes, shape):
            where = "nobody (sh:deactivated)"
        notes.append(f"shape {vocab.shorten(shape)}: {where}")
    return notes


def shacl_results(
    kg: LoadedGraph,
    shapes: tuple[Graph, Path],
    ontology_path: Path,
    chosen: str,
    step: Callable[[], None],
    *,
    packaged: bool,
) -> tuple[bool, list[ValidationResult], Store]:
    """The chosen engine's SHACL results, and the store the labels and checks read."""
    shapes_graph, shapes_path = shapes
    store = kg.store
    add_ontology = ontology_path.resolve() not in {p.resolve() for p in kg.sources} and (
        not store.query(_HAS_ONTOLOGY).boolean
    )
    checked = store  # the data alone, for the labels and the checks beyond SHACL
    if chosen == "fast":
        ontology_text = (
            parse_file(ontology_path).serialize(format="nt", encoding="utf-8")
            if add_ontology
            else None
        )
        shacl_conforms, report, merged_store = _fast_validation(
            store, shapes_graph, shapes_path, ontology_text, step, per_focus=not packaged
        )
        if not add_ontology:
            checked = merged_store  # the same data, faster to read
    else:
        merged = _ParsedOnceGraph()
        merged += kg.to_rdflib()
        if add_ontology:
            merged += parse_file(ontology_path)
        shacl_conforms, report = _pyshacl_report(merged, shapes_graph, shapes_path)
    step()
    results = report_results(report, shapes_graph, lambda node: store_label(checked, node))
    return shacl_conforms, results, checked
