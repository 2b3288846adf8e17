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

This module is the public face only: each name comes from the stage that owns it (``load``,
``validate``, ``query``, ``reason``, ``paths``, ``visualise``, ``export``, ``build``,
``serve``, ``importers``); the error tree is :mod:`pharmakg.errors`.
"""

from __future__ import annotations

from ._build import build_release as build
from ._export import ExportOptions, ExportOutput, write_export
from ._export.graph import export_graph as export
from ._export.publish import publish
from ._query import list_queries, query, with_bases
from ._reason import reason, with_inferences
from ._validate import validate_graph as validate
from ._visualise import Pathway, visualise
from .errors import PharmakgError
from .formats import Format
from .importers import DrugMechDBImport, ImportReport
from .importers.entry import import_drugmechdb
from .knowledge import KnowledgeGraph, load
from .model import (
    BuildResult,
    GraphResult,
    PublishResult,
    QueryInfo,
    QueryResult,
    ReasoningResult,
    Severity,
    ValidationReport,
    ValidationResult,
)
from .paths import PathsResult, mechanism_paths
from .serve import ServeOptions
from .serve import serve as serve_endpoint

__all__ = [
    "BuildResult",
    "DrugMechDBImport",
    "ExportOptions",
    "ExportOutput",
    "Format",
    "GraphResult",
    "ImportReport",
    "KnowledgeGraph",
    "PathsResult",
    "Pathway",
    "PharmakgError",
    "PublishResult",
    "QueryInfo",
    "QueryResult",
    "ReasoningResult",
    "ServeOptions",
    "Severity",
    "ValidationReport",
    "ValidationResult",
    "build",
    "export",
    "import_drugmechdb",
    "list_queries",
    "load",
    "mechanism_paths",
    "publish",
    "query",
    "reason",
    "serve_endpoint",
    "validate",
    "visualise",
    "with_bases",
    "with_inferences",
    "write_export",
]

__version__ = "0.1.0"
