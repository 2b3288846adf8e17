"""What the server serves, and how it is opened: a store ``pharmakg load`` wrote, or a release.

With ``--store DIR`` the server reads what ``pharmakg load FILE... --store DIR`` wrote, through
:class:`pharmakg.store.OxigraphStore`, as every command does: by default its quads are copied
once, at start-up, into an N-Quads file that the query workers load in memory; a large store
(or ``--store-on-disk``) is answered on its RocksDB files. Otherwise the graphs are loaded
(:func:`pharmakg._load.load_graph`), prepared as a release under the served base
(:func:`pharmakg._export.prepare_release`) and written as N-Quads for the workers, and the
graph itself is kept for the pathway pictures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .._export import ExportOptions, export, prepare_release
from .._load import LoadedGraph, load_graph
from .._reason import consistent_inferences
from ..store.local import LITERALS, OxigraphStore
from .options import ServeOptions

__all__ = [
    "HIDDEN_GRAPHS",
    "MEMORY_COPY_LIMIT",
    "ServedData",
    "StoreSource",
    "prepare_data",
    "store_bytes",
]

#: Graphs a store keeps for pharmakg itself (the literals' spellings), never served.
HIDDEN_GRAPHS = frozenset({LITERALS.value})

#: The largest store (its files on disk, in bytes) whose quads ``serve --store`` reads into
#: memory; a larger one is answered on its RocksDB files, as with ``--store-on-disk``. In
#: memory pyoxigraph holds about what the store takes on disk.
MEMORY_COPY_LIMIT = 4 * 1024**3


@dataclass(frozen=True)
class StoreSource:
    """Where a worker's store comes from: an N-Quads file loaded in memory, or a directory.

    :param kind: ``memory`` (``path`` is an N-Quads file) or ``disk`` (``path`` is a
        pyoxigraph store directory, opened read-only).
    """

    kind: str
    path: Path

    def open(self) -> ox.Store:
        """Open the store this source names (pyoxigraph's, whose SPARQL protocol serves it).

        :raises StoreError: the directory is not a store, or cannot be opened.
        """
        if self.kind == "disk":
            return OxigraphStore.open(self.path).store
        store = OxigraphStore.from_quads(self.path).store
        for hidden in HIDDEN_GRAPHS:  # in memory they can go: queries then read the union
            if store.contains_named_graph(ox.NamedNode(hidden)):
                store.remove_graph(ox.NamedNode(hidden))
        return store


@dataclass(frozen=True)
class ServedData:
    """What the workers serve: the store's source, and the graph when it is held in memory.

    :param workdir: where the in-memory data's N-Quads (and the results of updates) live.
    """

    source: StoreSource
    graph: LoadedGraph | None
    workdir: Path


def store_bytes(directory: Path) -> int:
    """The size of a store's files."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def _store_source(options: ServeOptions, workdir: Path) -> StoreSource:
    """The store directory itself, or (by default) its quads as N-Quads for in-memory workers.

    A read-only RocksDB instance sees the store as it was when it was opened, so a copy
    taken at start-up answers exactly what the directory would.

    :raises StoreError: the directory is not a store, or cannot be opened read-only.
    """
    assert options.store is not None  # noqa: S101 - only called for a store
    store = OxigraphStore.open(options.store)
    if options.store_on_disk or store_bytes(options.store) > MEMORY_COPY_LIMIT:
        return StoreSource("disk", Path(options.store))
    target = workdir / "store.nq"
    store.write_quads(target)
    return StoreSource("memory", target)


def prepare_data(
    options: ServeOptions, workdir: Path, progress: Callable[[str], None] = lambda step: None
) -> ServedData:
    """Check the store, or load the graphs and write their release as N-Quads into ``workdir``.

    ``progress`` is called with each step as it starts (loading, reasoning, the release).

    :raises StoreError: the store directory cannot be opened read-only.
    :raises InconsistentGraphError: ``options.inferred`` on an inconsistent graph.
    :raises JavaNotFoundError: ``options.inferred`` without Java to run HermiT.
    """
    if options.store is not None:
        progress(f"opening the store {options.store}")
        return ServedData(_store_source(options, workdir), None, workdir)
    progress(f"loading {len(options.graphs) or 'the packaged'} graph files")
    graph = load_graph(*options.graphs)
    if options.inferred:
        progress("reasoning with HermiT")
    inferred = consistent_inferences(graph).graph if options.inferred else None
    progress("preparing the release's named graphs")
    release = prepare_release(graph, inferred, ExportOptions(base_iri=options.base_iri))
    target = workdir / "release.nq"
    target.write_bytes(export(release, "nquads").single())
    return ServedData(StoreSource("memory", target), graph, workdir)
