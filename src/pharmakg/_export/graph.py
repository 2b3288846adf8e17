"""Exporting a loaded graph: the release prepared from it, with what each format holds.

A format that holds the reasoner's triples (N-Quads, TriG, KGX, ``inferred``) gets them, and
the ``validation`` format gets the report, so an exported file is the one ``build`` writes.
"""

from __future__ import annotations

from rdflib import Graph

from .._load import LoadedGraph
from .._reason import consistent_inferences
from .._validate import validate_graph
from ..formats import Format, Kind, find
from .registry import HOLDS_INFERENCES, HOLDS_REPORT, ExportOutput, export
from .release import ExportOptions, prepare_release

__all__ = ["export_graph"]


def export_graph(
    kg: LoadedGraph,
    fmt: Format | str,
    *,
    inferred: Graph | None = None,
    options: ExportOptions | None = None,
) -> ExportOutput:
    """Export ``kg`` in one release format ``fmt``; nothing is written.

    ``fmt`` is a name, alias, suffix or media type (``turtle``, ``ttl``, ``text/turtle``).
    Write the result with :func:`~pharmakg._export.write_export`.

    :param inferred: the reasoner's triples, if already known (otherwise HermiT is run for the
        formats that hold them).
    :raises UnknownFormatError: the error lists the format names.
    :raises InconsistentGraphError: the format needs inferences and the graph is inconsistent.
    """
    chosen = find(Kind.RELEASE, fmt)
    if inferred is None and chosen.name in HOLDS_INFERENCES:
        inferred = consistent_inferences(kg).graph
    report = validate_graph(kg) if chosen.name in HOLDS_REPORT else None
    return export(prepare_release(kg, inferred, options, report=report), chosen)
