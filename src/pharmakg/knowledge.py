"""The knowledge graph users hold: the loaded data with the stages as methods.

:class:`KnowledgeGraph` is :class:`~pharmakg._load.LoadedGraph` (the store and the files it came
from) with ``query``, ``validate`` and ``reason`` as methods; :func:`load` makes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ._load import LoadedGraph, load_graph, open_graph
from ._query import query
from ._reason import reason
from ._validate import validate_graph
from .model import GraphResult, QueryResult, ReasoningResult, ValidationReport

__all__ = ["KnowledgeGraph", "load"]


class KnowledgeGraph(LoadedGraph):
    """A loaded graph with the stages as methods. It is never changed by them."""

    def query(
        self,
        name_or_file: str | Path,
        *,
        inferred: bool = False,
        basis: str | Iterable[str] | None = None,
        timeout: float | None = None,
        allow_service: bool = False,
        **params: object,
    ) -> QueryResult | GraphResult:
        """Run a named query on this graph; see :func:`pharmakg.query`."""
        return query(
            self,
            name_or_file,
            params,
            inferred=inferred,
            basis=basis,
            timeout=timeout,
            allow_service=allow_service,
        )

    def validate(self, **options: Any) -> ValidationReport:
        """Validate this graph; see :func:`pharmakg.validate`."""
        return validate_graph(self, **options)

    def reason(self, **options: Any) -> ReasoningResult:
        """Run the OWL reasoner on this graph; see :func:`pharmakg.reason`."""
        return reason(self, **options)


def load(
    *paths: str | Path,
    input_format: str | None = None,
    store: str | Path | None = None,
    engine: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> KnowledgeGraph:
    """Load RDF files into a :class:`KnowledgeGraph`, or open a store that holds them.

    :param paths: Turtle, N-Triples, JSON-LD or RDF/XML files; none means the packaged
        ontology and every ``graphs/*.ttl`` (or, with a ``store`` and no paths, what the
        store already holds).
    :param input_format: ``turtle``, ``nt``, ``json-ld`` or ``xml``; default: by suffix.
    :param store: ``memory`` (default), a directory (pyoxigraph on disk) or ``sparql:URL``.
        With paths, they are loaded into it; without, it is opened read-only.
    :param engine: copy the data into a new in-memory store of this engine (``oxigraph``,
        or ``rdflib`` to compare): chosen here, once, for every stage. Default: the store's.
    :param progress: called with each file once it is loaded.
    :raises ParseError: a file does not parse (file, line, column).
    :raises UnsafeInputError: a file asks for remote documents or XML entity expansion.
    :raises StoreError: the store cannot be opened.
    """
    if store is not None and str(store) != "memory" and not paths:
        kg = open_graph(store)
    else:
        kg = load_graph(*paths, input_format=input_format, store=store, progress=progress)
    kg = kg if engine is None else kg.with_engine(engine)
    return KnowledgeGraph(kg.store, kg.sources)
