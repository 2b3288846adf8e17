"""pharmakg: drug mechanism-of-action monographs as a linked-data knowledge graph.

>>> import pharmakg
>>> kg = pharmakg.load()                       # the packaged ontology + graphs/*.ttl
>>> report = pharmakg.validate(kg)             # SHACL + CURIE checks
>>> [q.name for q in pharmakg.list_queries()]  # doctest: +SKIP
>>> kg.query("mechanism", drug="imiquimod")    # doctest: +SKIP

The stages live in their own modules (``load``, ``validate``, ``query``,
``reason``, ``paths``, ``build``); this module is the public face, with a sorted ``__all__``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from .build import build_release
from .errors import (
    AmbiguousEntityError,
    InconsistentGraphError,
    InputError,
    InvalidCurieError,
    InvalidParameterError,
    JavaNotFoundError,
    MissingParameterError,
    MissingToolError,
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
    ExportFormat,
    ExportOptions,
    ExportOutput,
    Release,
    prepare_release,
    write_export,
)
from .export import export as _export
from .load import LoadedGraph, load_graph, open_graph
from .model import (
    BuildResult,
    GraphResult,
    PublishResult,
    QueryInfo,
    QueryParam,
    QueryResult,
    RdfFormat,
    ResultFormat,
    Severity,
    ValidationReport,
    ValidationResult,
)
from .paths import (
    GraphStats,
    PathsResult,
    export_graph,
    graph_stats,
    mechanism_graph,
    mechanism_paths,
)
from .query import list_queries as _list_queries
from .query import run_query
from .reason import ReasoningResult
from .reason import reason as _reason
from .store import SparqlStore
from .validate import validate_graph
from .visualise import DEFAULT_MAX_NODES, Pathway, VisualFormat, build_pathway, render
from .visualise import visualise as _visualise
from .vocab import check_curie, compress, expand_curie

__all__ = [
    "AmbiguousEntityError",
    "BuildResult",
    "DEFAULT_BASE",
    "ExportFormat",
    "ExportOptions",
    "ExportOutput",
    "GraphResult",
    "GraphStats",
    "InconsistentGraphError",
    "InputError",
    "InvalidCurieError",
    "InvalidParameterError",
    "JavaNotFoundError",
    "KnowledgeGraph",
    "MissingParameterError",
    "MissingToolError",
    "ParseError",
    "PathsResult",
    "Pathway",
    "PharmakgError",
    "PublishResult",
    "QueryInfo",
    "QueryParam",
    "QueryResult",
    "QueryTimeoutError",
    "RdfFormat",
    "ReasonerError",
    "ReasoningResult",
    "Release",
    "ResourceError",
    "ResultFormat",
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
    "VisualFormat",
    "build",
    "build_pathway",
    "check_curie",
    "compress",
    "expand_curie",
    "export",
    "export_graph",
    "graph_stats",
    "list_queries",
    "load",
    "mechanism_graph",
    "mechanism_paths",
    "prepare_release",
    "publish",
    "query",
    "reason",
    "render",
    "validate",
    "visualise",
    "with_inferences",
    "write_export",
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
        **params: object,
    ) -> QueryResult:
        """Run a named query on this graph; see :func:`pharmakg.query`."""
        return query(self, name_or_file, engine=engine, inferred=inferred, **params)

    def reason(self) -> ReasoningResult:
        """Run the OWL reasoner on this graph; see :func:`pharmakg.reason`."""
        return _reason(self)

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
) -> ValidationReport:
    """Validate a graph (or the files named) with SHACL and the CURIE checks.

    The ontology is merged into the data first, so ``sh:targetClass`` follows
    ``rdfs:subClassOf``; see :mod:`pharmakg.validate`.

    :param engine: ``pyshacl`` (the reference), ``fast`` (the ``shacl`` package), or
        ``auto`` (``fast`` on large graphs); both give the same report.
    """
    if isinstance(graph_or_paths, str | Path):
        graph_or_paths = [graph_or_paths]
    return validate_graph(graph_or_paths, shapes=shapes, ontology=ontology, engine=engine)


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
    for name, iri in release.graph_names.items():
        graph = {"asserted": release.asserted, "provenance": release.provenance}.get(name)
        if graph is None or len(graph) == 0:
            continue
        server.put_graph(str(iri), graph.serialize(format="nt", encoding="utf-8"), replace=replace)
        written.append((str(iri), len(graph)))
    return PublishResult(location=location, graphs=tuple(written), replaced=replace)


def query(
    kg: LoadedGraph,
    name_or_file: str | Path,
    *,
    engine: str | None = None,
    inferred: bool = False,
    **params: object,
) -> QueryResult:
    """Run the named query ``name_or_file`` (or a ``.rq`` file) with ``params`` bound.

    :param inferred: ask the asserted triples plus those HermiT infers (see :func:`reason`);
        by default only the asserted ones.
    :raises UnknownQueryError: the error lists the valid names.
    :raises UnknownParameterError: the error lists the declared parameters.
    :raises UnknownEntityError: an entity value matches nothing; it names the closest labels.
    :raises InconsistentGraphError: ``inferred`` and the graph is inconsistent.
    """
    if inferred:
        kg = with_inferences(kg)
    return run_query(kg, name_or_file, params, engine=engine)


def reason(kg: LoadedGraph, *, ontology: str | Path | None = None) -> ReasoningResult:
    """Run HermiT on ``kg`` and return what it infers, apart from the asserted triples.

    ``kg`` is never changed. See :mod:`pharmakg.reason`.

    :raises JavaNotFoundError: no ``java`` to run HermiT; the message says how to install it.
    """
    return _reason(kg, ontology=ontology)


def with_inferences(kg: LoadedGraph) -> KnowledgeGraph:
    """A new graph: ``kg``'s triples plus the inferred ones (``kg`` is not changed).

    :raises InconsistentGraphError: the graph is inconsistent, so everything would follow.
    """
    result = _reason(kg)
    if not result.consistent:
        raise InconsistentGraphError(
            f"the graph is inconsistent, so nothing can be inferred: {result.explanation}"
        )
    merged = Graph()
    for triple in kg.graph:
        merged.add(triple)
    for triple in result.graph:
        merged.add(triple)
    return KnowledgeGraph(graph=merged, sources=kg.sources)


def list_queries() -> list[QueryInfo]:
    """Every named query in the packaged ``queries/``, sorted by name."""
    return _list_queries()


def build(out_dir: str | Path = "dist", *, options: ExportOptions | None = None) -> BuildResult:
    """Load, validate and, if it conforms, write a release into ``out_dir`` atomically.

    :param options: base IRI, creation date and SPARQL endpoint of the exports.
    """
    return build_release(out_dir, options=options)


def export(
    kg: LoadedGraph,
    fmt: ExportFormat | str,
    *,
    inferred: Graph | None = None,
    options: ExportOptions | None = None,
) -> ExportOutput:
    """Export ``kg`` (and the reasoner's ``inferred`` triples) in ``fmt``; nothing is written.

    ``fmt`` is a name, alias, suffix or media type (``turtle``, ``ttl``, ``text/turtle``).
    Write the result with :func:`write_export`.

    :raises UnknownFormatError: the error lists the format names.
    """
    fmt = fmt if isinstance(fmt, ExportFormat) else ExportFormat.from_name(fmt)
    return _export(prepare_release(kg, inferred, options), fmt)


def visualise(
    kg: LoadedGraph,
    drug: str,
    fmt: VisualFormat | str = VisualFormat.HTML,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> bytes:
    """Draw the pathway of ``drug`` (label, CURIE or IRI) as a file's bytes.

    Formats: ``html``, ``svg``, ``png`` or ``mermaid``; see :mod:`pharmakg.visualise`.

    :raises UnknownEntityError: not a drug; the error lists the closest matches.
    :raises MissingToolError: ``svg``/``png`` without Graphviz's ``dot``.
    """
    return _visualise(kg, drug, fmt, max_nodes=max_nodes)
