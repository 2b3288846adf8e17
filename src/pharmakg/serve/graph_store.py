"""The SPARQL 1.1 Graph Store Protocol at ``/store``: GET a graph; PUT, POST, DELETE with the token.

``?graph=IRI`` names a graph, ``?default`` the default graph (the dataset description). A
read is a ``CONSTRUCT`` in a worker, through the light lane for a named graph known to be
small; a write is applied to in-memory data only, as an update is
(:meth:`~pharmakg.serve.pool.WorkerPool.write`).
"""

from __future__ import annotations

from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from .pool import Lane
from .protocol import CSV, bare
from .state import (
    ServerState,
    query_params,
    read_body,
    respond,
    run,
    state_of,
    text,
    write_refusal,
)
from .worker import GraphWrite, Request

__all__ = ["LIGHT_GRAPH_TRIPLES", "graph_store"]

#: A named graph of at most this many triples is read through the light lane.
LIGHT_GRAPH_TRIPLES = 10_000


async def _graph_store_write(
    request: HttpRequest, state: ServerState, graph: str | None
) -> Response:
    """PUT, POST or DELETE one graph, with the token only."""
    refusal = write_refusal(request, state, "Graph Store Protocol writes")
    if refusal is not None:
        return refusal
    body = await read_body(request, state.options.max_request_bytes)
    if isinstance(body, Response):
        return body
    media = bare(request.headers.get("content-type", ""))
    method = request.method
    assert state.workdir is not None  # noqa: S101 - set for in-memory data
    async with state.update_lock:
        reply = await state.pool.write(
            lambda dump: GraphWrite(method, graph, body, media, dump), state.workdir
        )
    if reply.status in (200, 201) and graph is not None:
        state.graph_sizes.setdefault(graph, 0)
    if method == "DELETE" and reply.status == 200 and graph is not None:
        state.graph_sizes.pop(graph, None)
    return respond(reply)


async def _graph_exists(state: ServerState, graph: str) -> Response | bool:
    """Whether the store has a named graph ``graph`` (or the Response of a failed check)."""
    check = await run(
        state,
        Request(
            query="ASK { GRAPH ?g { ?s ?p ?o } }",
            substitutions=(("g", graph),),
            accept=CSV,
        ),
        Lane.LIGHT,
    )
    if isinstance(check, Response):
        return check
    return b"true" in check.body


def _graph_lane(state: ServerState, graph: str | None) -> Lane:
    """The light lane for a named graph known to be small, else the general one."""
    size = None if graph is None else state.graph_sizes.get(graph)
    return Lane.LIGHT if size is not None and size <= LIGHT_GRAPH_TRIPLES else Lane.GENERAL


async def graph_store(request: HttpRequest) -> Response:
    """The Graph Store Protocol at ``/store``: GET a graph; PUT, POST, DELETE only with the token.

    ``?graph=IRI`` names a graph, ``?default`` the default graph (the dataset description).
    """
    state = state_of(request)
    params = query_params(request.scope.get("query_string", b"").decode("latin-1"))
    graphs, default = params.get("graph", []), "default" in params
    if len(graphs) + int(default) != 1:
        return text(400, "name one graph: ?graph=IRI or ?default")
    graph = None if default else graphs[0]
    if request.method in ("PUT", "POST", "DELETE"):
        return await _graph_store_write(request, state, graph)
    query = Request(
        query="CONSTRUCT WHERE { ?s ?p ?o }",
        accept=request.headers.get("accept"),
        default_graphs=("" if graph is None else graph,),
        named_graphs=(),
        max_bytes=state.options.max_result_bytes,
    )
    answer = await run(state, query, _graph_lane(state, graph))
    if isinstance(answer, Response):
        return answer
    if graph is not None and graph not in state.graph_sizes and answer.status == 200:
        exists = await _graph_exists(state, graph)
        if isinstance(exists, Response):
            return exists
        if not exists:
            return text(404, f"no graph <{graph}>")
    return respond(answer)
