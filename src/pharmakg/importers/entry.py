"""The importers as the public API offers them: merged with a loaded graph (the monograph)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .._load import LoadedGraph, load_graph
from .drugmechdb import DrugMechDBImport
from .drugmechdb import import_drugmechdb as _import_drugmechdb

__all__ = ["import_drugmechdb"]


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
    monograph = (kg if kg is not None else load_graph()).to_rdflib()
    return _import_drugmechdb(path, monograph=monograph, progress=progress)
