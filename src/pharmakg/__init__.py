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
from dataclasses import dataclass
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
    ReasonerError,
    ResourceError,
    ShapesError,
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
from .formats import Format, Kind, find
from .importers import DrugMechDBImport, ImportReport
from .importers import import_drugmechdb as _import_drugmechdb
from .load import LoadedGraph, default_paths, load_graph
from .mechanism import GraphStats, graph_stats, graph_text, mechanism_graph
from .model import (
    BuildResult,
    QueryInfo,
    QueryParam,
    QueryResult,
    RdfFormat,
    ResultFormat,
    Severity,
    ValidationReport,
    ValidationResult,
)
from .paths import PathsResult, mechanism_paths
from .query import list_queries as _list_queries
from .query import run_query
from .reason import ReasoningResult
from .reason import reason as _reason
from .validate import validate_graph
from .visualise import DEFAULT_MAX_NODES, Pathway, build_pathway, render
from .visualise import visualise as _visualise
from .vocab import check_curie, compress, expand_curie

__all__ = [
    "AmbiguousEntityError",
    "BuildResult",
    "DEFAULT_BASE",
    "DrugMechDBImport",
    "ExportOptions",
    "ExportOutput",
    "Format",
    "GraphStats",
    "HOLDS_INFERENCES",
    "HOLDS_REPORT",
    "ImportReport",
    "InconsistentGraphError",
    "InputError",
    "InvalidCurieError",
    "InvalidParameterError",
    "JavaNotFoundError",
    "Kind",
    "KnowledgeGraph",
    "MissingParameterError",
    "MissingToolError",
    "OutputError",
    "ParseError",
    "PathsResult",
    "Pathway",
    "PharmakgError",
    "QueryInfo",
    "QueryParam",
    "QueryResult",
    "RdfFormat",
    "ReasonerError",
    "ReasoningResult",
    "Release",
    "ResourceError",
    "ResultFormat",
    "Severity",
    "ShapesError",
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
    "compress",
    "default_paths",
    "expand_curie",
    "export",
    "graph_stats",
    "graph_text",
    "import_drugmechdb",
    "list_queries",
    "load",
    "mechanism_graph",
    "mechanism_paths",
    "parse_date",
    "prepare_release",
    "query",
    "reason",
    "release_formats",
    "render",
    "validate",
    "visualise",
    "with_inferences",
    "write_export",
]

__version__ = "0.1.0"


@dataclass(frozen=True)
class KnowledgeGraph(LoadedGraph):
    """A loaded graph with the stages as methods. It is never changed by them."""

    def query(
        self,
        name_or_file: str | Path,
        *,
        engine: str = "oxigraph",
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


def load(*paths: str | Path, input_format: str | None = None) -> KnowledgeGraph:
    """Load RDF files into a :class:`KnowledgeGraph`.

    :param paths: Turtle, N-Triples, JSON-LD or RDF/XML files; none means the packaged
        ontology and every ``graphs/*.ttl``.
    :param input_format: ``turtle``, ``nt``, ``json-ld`` or ``xml``; default: by suffix.
    :raises ParseError: a file does not parse (file, line, column).
    :raises UnsafeInputError: a file asks for remote documents or XML entity expansion.
    """
    loaded = load_graph(*paths, input_format=input_format)
    return KnowledgeGraph(graph=loaded.graph, sources=loaded.sources)


def validate(
    graph_or_paths: LoadedGraph | str | Path | list[str | Path] | tuple[str | Path, ...],
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
) -> ValidationReport:
    """Validate a graph (or the files named) with SHACL and the CURIE checks.

    The ontology is merged into the data first, so ``sh:targetClass`` follows
    ``rdfs:subClassOf``; see :mod:`pharmakg.validate`.
    """
    if isinstance(graph_or_paths, str | Path):
        graph_or_paths = [graph_or_paths]
    return validate_graph(graph_or_paths, shapes=shapes, ontology=ontology)


def query(
    kg: LoadedGraph,
    name_or_file: str | Path,
    *,
    engine: str = "oxigraph",
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


def _consistent_inferences(kg: LoadedGraph) -> ReasoningResult:
    """HermiT's inferences on ``kg``.

    :raises InconsistentGraphError: the graph is inconsistent, so everything would follow.
    """
    result = _reason(kg)
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


def list_queries() -> list[QueryInfo]:
    """Every named query in the packaged ``queries/``, sorted by name."""
    return _list_queries()


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


def visualise(
    kg: LoadedGraph,
    drug: str,
    fmt: Format | str = "html",
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    bases: str | Iterable[str] | None = None,
) -> bytes:
    """Draw the pathway of ``drug`` (label, CURIE or IRI) as a file's bytes.

    Formats: ``html``, ``svg``, ``png`` or ``mermaid`` (:attr:`pharmakg.formats.Kind.PICTURE`);
    ``bases`` chooses the edges drawn (default: stated and interpreted); see
    :mod:`pharmakg.visualise`.

    :raises UnknownEntityError: not a drug; the error lists the closest matches.
    :raises UnknownFormatError: the error lists the picture formats.
    """
    return _visualise(kg, drug, fmt, max_nodes=max_nodes, bases=bases)


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
