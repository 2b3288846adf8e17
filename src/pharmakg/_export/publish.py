"""Publishing: the release's named graphs written to a SPARQL server (Graph Store Protocol)."""

from __future__ import annotations

from .._load import LoadedGraph
from ..errors import StoreError
from ..model import PublishResult
from ..store import SPARQL_PREFIX, SparqlStore
from .rdf import write as write_triples
from .release import ExportOptions, prepare_release

__all__ = ["publish"]


def publish(
    kg: LoadedGraph,
    location: str,
    *,
    graph_store: str | None = None,
    replace: bool = True,
    options: ExportOptions | None = None,
) -> PublishResult:
    """Write ``kg`` to a SPARQL server as the release's named graphs.

    :param location: ``sparql:URL``, the server's query endpoint.
    :param graph_store: its Graph Store Protocol endpoint (default: the query URL with its
        last segment ``query`` or ``sparql`` replaced by ``store``, as ``oxigraph serve`` has it).
    :param replace: replace each named graph (PUT); otherwise add to it (POST).
    :raises StoreError: not a ``sparql:`` location, or the server refused.
    """
    if not location.startswith(SPARQL_PREFIX):
        raise StoreError(f"publish writes to a server, sparql:URL, not {location!r}", term=location)
    server = SparqlStore(location.removeprefix(SPARQL_PREFIX), graph_store=graph_store)
    release = prepare_release(kg, None, options)
    written = []
    for name in release.DATA_GRAPHS:
        if release.size(name) == 0:
            continue
        iri = release.graph_names[name]
        data = write_triples(release.triples(name), "nt", release.base_iri).encode("utf-8")
        server.put_graph(str(iri), data, replace=replace)
        written.append((str(iri), release.size(name)))
    return PublishResult(location=location, graphs=tuple(written), replaced=replace)
