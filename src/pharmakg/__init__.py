"""pharmakg: drug mechanism-of-action monographs as a linked-data knowledge graph.

>>> import pharmakg
>>> kg = pharmakg.load()                       # the packaged ontology + graphs/*.ttl
>>> pharmakg.validate(kg).conforms             # SHACL + CURIE checks
True
>>> "mechanism" in {q.name for q in pharmakg.list_queries()}
True
>>> result = kg.query("mechanism", drug="imiquimod")
>>> sorted({str(t) for t in result.column("target")})
['https://w3id.org/pharmakg/resource/tlr7']

The stages live in their own modules (``load``, ``validate``, ``query``,
``reason``, ``paths``, ``build``); this module is the public face, with a sorted ``__all__``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph

from .build import build_release as build
from .errors import (
    AmbiguousEntityError,
    InconsistentGraphError,
    InputError,
    InvalidCurieError,
    InvalidParameterError,
    JavaNotFoundError,
    MissingParameterError,
    MissingToolError,
    OutputError,
    ParseError,
    PharmakgError,
    QueryTimeoutError,
    ReasonerError,
    ResourceError,
    ServiceRefusedError,
    ShapesError,
    StoreError,
    UnknownEntityError,
    UnknownFormatError,
    UnknownParameterError,
    UnknownPrefixError,
    UnknownQueryError,
    UnknownTermError,
    UnsafeInputError,
)
from .export import (
    DEFAULT_BASE,
    HOLDS_INFERENCES,
    HOLDS_REPORT,
    ExportOptions,
    ExportOutput,
    Release,
    parse_date,
    prepare_release,
    release_formats,
    write_export,
)
from .export import export as _export
from .export.rdf import write as export_triples
from .formats import Format, Kind, choices, find
from .importers import DrugMechDBImport, ImportReport
from .importers import import_drugmechdb as _import_drugmechdb
from .load import LoadedGraph, default_paths, load_graph, open_graph
from .mechanism import GraphStats, graph_stats, graph_text, mechanism_graph
from .model import (
    BuildResult,
    GraphResult,
    PublishResult,
    QueryInfo,
    QueryParam,
    QueryResult,
    Severity,
    ValidationReport,
    ValidationResult,
)
from .paths import MAX_HOPS, PathsResult, mechanism_paths
from .query import execute, list_queries, parse_assignments, parse_bases, run_query, with_bases
from .reason import ReasoningResult, reason
from .resources import write_bytes_atomic, write_text_atomic
from .serve import ServeOptions
from .serve import serve as serve_endpoint
from .store import ENGINES as QUERY_ENGINES
from .store import SparqlStore
from .validate import ENGINES as SHACL_ENGINES
from .validate import IllTypedLiteralLog, validate_graph
from .visualise import DEFAULT_MAX_NODES, Pathway, build_pathway, render, visualise
from .vocab import BASES, DEFAULT_BASES, check_curie, compress, expand_curie, shorten

__all__ = [
    "AmbiguousEntityError",
    "BASES",
    "BuildResult",
    "DEFAULT_BASE",
    "DEFAULT_BASES",
    "DEFAULT_MAX_NODES",
    "DrugMechDBImport",
    "ExportOptions",
    "ExportOutput",
    "Format",
    "GraphResult",
    "GraphStats",
    "HOLDS_INFERENCES",
    "HOLDS_REPORT",
    "IllTypedLiteralLog",
    "ImportReport",
    "InconsistentGraphError",
    "InputError",
    "InvalidCurieError",
    "InvalidParameterError",
    "JavaNotFoundError",
    "Kind",
    "KnowledgeGraph",
    "MAX_HOPS",
    "MissingParameterError",
    "MissingToolError",
    "OutputError",
    "ParseError",
    "PathsResult",
    "Pathway",
    "PharmakgError",
    "PublishResult",
    "QUERY_ENGINES",
    "QueryInfo",
    "QueryParam",
    "QueryResult",
    "QueryTimeoutError",
    "ReasonerError",
    "ReasoningResult",
    "Release",
    "ResourceError",
    "SHACL_ENGINES",
    "ServeOptions",
    "ServiceRefusedError",
    "Severity",
    "ShapesError",
    "StoreError",
    "UnknownEntityError",
    "UnknownFormatError",
    "UnknownParameterError",
    "UnknownPrefixError",
    "UnknownQueryError",
    "UnknownTermError",
    "UnsafeInputError",
    "ValidationReport",
    "ValidationResult",
    "build",
    "build_pathway",
    "check_curie",
    "choices",
    "compress",
    "default_paths",
    "execute",
    "expand_curie",
    "export",
    "graph_stats",
    "graph_text",
    "import_drugmechdb",
    "list_queries",
    "load",
    "mechanism_graph",
    "mechanism_paths",
    "parse_assignments",
    "parse_bases",
    "parse_date",
    "prepare_release",
    "publish",
    "query",
    "reason",
    "release_formats",
    "render",
    "serve_endpoint",
    "shorten",
    "validate",
    "visualise",
    "with_bases",
    "with_inferences",
    "write_bytes_atomic",
    "write_export",
    "write_text_atomic",
]

__version__ = "0.1.0"


class KnowledgeGraph(LoadedGraph):
    """A loaded graph with the stages as methods. It is never changed by them."""

    def query(
        self,
        name_or_file: str | Path,
        *,
        engine: str | None = None,
        inferred: bool = False,
        basis: str | Iterable[str] | None = None,
        **params: object,
    ) -> QueryResult:
        """Run a named query on this graph; see :func:`pharmakg.query`."""
        return query(self, name_or_file, engine=engine, inferred=inferred, basis=basis, **params)

    def reason(self) -> ReasoningResult:
        """Run the OWL reasoner on this graph; see :func:`pharmakg.reason`."""
        return reason(self)

    def validate(self) -> ValidationReport:
        """Validate this graph; see :func:`pharmakg.validate`."""
        return validate_graph(self)


def load(
    *paths: str | Path,
    input_format: str | None = None,
    store: str | Path | None = None,
    progress: Callable[[Path], None] | None = None,
) -> KnowledgeGraph:
    """Load RDF files into a :class:`KnowledgeGraph`, or open a store that holds them.

    :param paths: Turtle, N-Triples, JSON-LD or RDF/XML files; none means the packaged
        ontology and every ``graphs/*.ttl`` (or, with a ``store`` and no paths, what the
        store already holds).
    :param input_format: ``turtle``, ``nt``, ``json-ld`` or ``xml``; default: by suffix.
    :param store: ``memory`` (default), a directory (pyoxigraph on disk) or ``sparql:URL``.
        With paths, they are loaded into it; without, it is opened read-only.
    :param progress: called with each file once it is loaded.
    :raises ParseError: a file does not parse (file, line, column).
    :raises UnsafeInputError: a file asks for remote documents or XML entity expansion.
    :raises StoreError: the store cannot be opened.
    """
    if store is not None and str(store) != "memory" and not paths:
        opened = open_graph(store)
        return KnowledgeGraph(sources=opened.sources, hub=opened.hub)
    loaded = load_graph(*paths, input_format=input_format, store=store, progress=progress)
    return KnowledgeGraph(sources=loaded.sources, hub=loaded.hub)


def validate(
    graph_or_paths: LoadedGraph | str | Path | list[str | Path] | tuple[str | Path, ...],
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    project_checks: bool | None = None,
    notes: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate a graph (or the files named) with SHACL and the CURIE checks.

    The ontology is merged into the data first, so ``sh:targetClass`` follows
    ``rdfs:subClassOf``; see :mod:`pharmakg.validate`.

    :param engine: ``pyshacl`` (the reference), ``fast`` (the ``shacl`` package), or
        ``auto`` (``fast`` on large graphs); both give the same report.
    :param progress: called as ``progress(steps_done, steps_total)``.
    :param project_checks: run the prefix-map, CURIE and literal checks (default: only with
        the packaged shapes; a user's shapes get SHACL alone).
    :param notes: called with one line per shape naming the engine that checked it.
    """
    if isinstance(graph_or_paths, str | Path):
        graph_or_paths = [graph_or_paths]
    return validate_graph(
        graph_or_paths,
        shapes=shapes,
        ontology=ontology,
        engine=engine,
        progress=progress,
        project_checks=project_checks,
        notes=notes,
    )


def publish(
    kg: LoadedGraph,
    location: str,
    *,
    graph_store: str | None = None,
    replace: bool = True,
    options: ExportOptions | None = None,
) -> PublishResult:
    """Write ``kg`` to a SPARQL server as the release's named graphs (Graph Store Protocol).

    :param location: ``sparql:URL``, the server's query endpoint.
    :param graph_store: its Graph Store Protocol endpoint (default: the query URL with its
        last segment ``query`` or ``sparql`` replaced by ``store``, as ``oxigraph serve`` has it).
    :param replace: replace each named graph (PUT); otherwise add to it (POST).
    :raises StoreError: not a ``sparql:`` location, or the server refused.
    """
    if not location.startswith("sparql:"):
        raise StoreError(f"publish writes to a server, sparql:URL, not {location!r}", term=location)
    server = SparqlStore(location.removeprefix("sparql:"), graph_store=graph_store)
    release = prepare_release(kg, None, options)
    written = []
    for name in release.DATA_GRAPHS:
        if release.size(name) == 0:
            continue
        iri = release.graph_names[name]
        data = export_triples(release.triples(name), "nt", release.base_iri).encode("utf-8")
        server.put_graph(str(iri), data, replace=replace)
        written.append((str(iri), release.size(name)))
    return PublishResult(location=location, graphs=tuple(written), replaced=replace)


def query(
    kg: LoadedGraph,
    name_or_file: str | Path,
    *,
    engine: str | None = None,
    inferred: bool = False,
    basis: str | Iterable[str] | None = None,
    **params: object,
) -> QueryResult:
    """Run the named query ``name_or_file`` (or a ``.rq`` file) with ``params`` bound.

    :param inferred: ask the asserted triples plus those HermiT infers (see :func:`reason`);
        by default only the asserted ones.
    :param basis: ask only the plain triples that claims of these bases back (``"stated"``,
        ``"interpreted"``, ``"curated"``, ``"inferred"``; a comma-separated string or names);
        by default every triple loaded. See :func:`pharmakg.query.with_bases`.
    :raises UnknownQueryError: the error lists the valid names.
    :raises UnknownParameterError: the error lists the declared parameters.
    :raises UnknownEntityError: an entity value matches nothing; it names the closest labels.
    :raises InconsistentGraphError: ``inferred`` and the graph is inconsistent.
    """
    if inferred:
        kg = with_inferences(kg)
    if basis is not None:
        kg = with_bases(kg, basis)
    return run_query(kg, name_or_file, params, engine=engine)


def _consistent_inferences(kg: LoadedGraph) -> ReasoningResult:
    """HermiT's inferences on ``kg``.

    :raises InconsistentGraphError: the graph is inconsistent, so everything would follow.
    """
    result = reason(kg)
    if not result.consistent:
        raise InconsistentGraphError(
            f"the graph is inconsistent, so nothing can be inferred: {result.explanation}"
        )
    return result


def with_inferences(kg: LoadedGraph) -> KnowledgeGraph:
    """A new graph: ``kg``'s triples plus the inferred ones (``kg`` is not changed).

    :raises InconsistentGraphError: the graph is inconsistent, so everything would follow.
    """
    result = _consistent_inferences(kg)
    merged = Graph()
    for triple in kg.graph:
        merged.add(triple)
    for triple in result.graph:
        merged.add(triple)
    return KnowledgeGraph(graph=merged, sources=kg.sources)


def export(
    kg: LoadedGraph,
    fmt: Format | str,
    *,
    inferred: Graph | None = None,
    options: ExportOptions | None = None,
) -> ExportOutput:
    """Export ``kg`` in one release format ``fmt``; nothing is written.

    ``fmt`` is a name, alias, suffix or media type (``turtle``, ``ttl``, ``text/turtle``).
    A format that holds the reasoner's triples (N-Quads, TriG, KGX, ``inferred``) gets
    ``inferred``, or HermiT is run for it; the ``validation`` format validates ``kg``. So
    the file is the same as the one ``build`` writes. Write it with :func:`write_export`.

    :raises UnknownFormatError: the error lists the format names.
    :raises InconsistentGraphError: the format needs inferences and the graph is inconsistent.
    """
    chosen = find(Kind.RELEASE, fmt)
    if inferred is None and chosen.name in HOLDS_INFERENCES:
        inferred = _consistent_inferences(kg).graph
    report = validate_graph(kg) if chosen.name in HOLDS_REPORT else None
    return _export(prepare_release(kg, inferred, options, report=report), chosen)


def import_drugmechdb(
    path: str | Path,
    *,
    kg: LoadedGraph | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DrugMechDBImport:
    """Import DrugMechDB's ``indication_paths.yaml``; see :mod:`pharmakg.importers.drugmechdb`.

    :param kg: merge nodes into this graph's entities on an exact identifier match
        (default: the packaged ontology and graphs, i.e. the monograph).
    :param progress: called as ``progress(entries_done, entries_total)``.
    :raises ParseError: the file is not YAML, or not a list of entries (file and line).
    """
    monograph = (kg if kg is not None else load()).graph
    return _import_drugmechdb(path, monograph=monograph, progress=progress)
