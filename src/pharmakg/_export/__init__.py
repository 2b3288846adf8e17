"""Stage: the release files, in every format a linked-data portal or a KG project reads.

The graph is prepared for publication once (:func:`prepare_release` →
:class:`Release`, in :mod:`.release`), then written by one exporter per release format of the
format registry (:data:`EXPORTERS`, in :mod:`.registry`). The modules of this package:

* :mod:`.release`: the release, its named graphs, the base IRI, the creation date;
* :mod:`.dataset`: the VoID + DCAT and schema.org descriptions;
* :mod:`.rdf`: Turtle, N-Triples, RDF/XML, N-Quads, TriG;
* :mod:`.jsonld`: the context, compacted JSON-LD, one framed document per drug;
* :mod:`.kgx`: KGX TSV in Biolink Model terms;
* :mod:`.sssom`: the SSSOM mapping set of every mapping with its predicate;
* :mod:`.registry`: the exporters, and writing them atomically.
"""

from __future__ import annotations

from ..rebase import DEFAULT_BASE, rebase, rebase_term
from .jsonld import context_document, jsonld_context
from .kgx import biolink_category, biolink_predicate
from .registry import (
    EXPORTERS,
    HOLDS_INFERENCES,
    HOLDS_REPORT,
    ExportOutput,
    export,
    release_formats,
    write_export,
    write_release_files,
)
from .release import ExportOptions, Release, parse_date, prepare_release

__all__ = [
    "DEFAULT_BASE",
    "EXPORTERS",
    "ExportOptions",
    "ExportOutput",
    "HOLDS_INFERENCES",
    "HOLDS_REPORT",
    "Release",
    "biolink_category",
    "biolink_predicate",
    "context_document",
    "export",
    "jsonld_context",
    "parse_date",
    "prepare_release",
    "rebase",
    "rebase_term",
    "release_formats",
    "write_export",
    "write_release_files",
]
