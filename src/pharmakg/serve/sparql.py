"""The SPARQL 1.1 Protocol endpoint, ``GET|POST /sparql``: queries, and updates with the token.

A query comes as ``GET ?query=``, a POSTed form, or a POSTed ``application/sparql-query``
body, with the protocol's ``default-graph-uri`` / ``named-graph-uri``; it runs in a worker of
the general lane, unless it is a named query sent as the server offers it
(:func:`~pharmakg.serve.service.lane_of`). Without a query the endpoint answers its service
description (:mod:`~pharmakg.serve.service`). An update needs POST and the server's token,
and is applied to in-memory data only (:meth:`~pharmakg.serve.pool.WorkerPool.write`).
"""

from __future__ import annotations

from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from .options import ServeOptions
from .protocol import bare, web
from .service import lane_of, service_page
from .state import (
    ServerState,
    endpoint,
    query_params,
    read_body,
    respond,
    run,
    state_of,
    text,
    write_refusal,
)
from .worker import Request, UpdateRequest

__all__ = ["sparql"]

_FORM, _QUERY, _UPDATE = web("form"), web("sparql-query"), web("sparql-update")


def _charset_ok(content_type: str) -> bool:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


_FORM_LISTS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")


def _decoded_body(body: bytes, content_type: str) -> str | Response:
    """The request body as text (400 unless it is UTF-8)."""
    if not _charset_ok(content_type):
        return text(400, "the request body must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return text(400, "the request body is not valid UTF-8")


async def _posted(
    request: HttpRequest, options: ServeOptions, params: dict[str, list[str]]
) -> Response | None:
    """Add a POST's queries, updates and dataset parameters to ``params`` (or refuse it)."""
    content_type = request.headers.get("content-type", "")
    media = bare(content_type)
    body = await read_body(request, options.max_request_bytes)
    if isinstance(body, Response):
        return body
    body_text = _decoded_body(body, content_type)
    if isinstance(body_text, Response):
        return body_text
    if media == _FORM:
        form = query_params(body_text)
        for key in ("query", "update", *_FORM_LISTS):
            params.setdefault(key, []).extend(form.get(key, []))
    elif media in (_QUERY, _UPDATE):
        params.setdefault("query" if media == _QUERY else "update", []).append(body_text)
    else:
        return text(
            415,
            f"unsupported content type {media or '(none)'!r}; send {_QUERY}, {_UPDATE} or {_FORM}",
        )
    return None


def _dataset(params: dict[str, list[str]]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The protocol's dataset: ``default-graph-uri`` and ``named-graph-uri`` (None: the store's)."""
    default = tuple(params.get("default-graph-uri", [])) or None
    named = tuple(params.get("named-graph-uri", [])) or None
    if default is not None or named is not None:
        default, named = default or (), named or ()
    return default, named


async def sparql(request: HttpRequest) -> Response:
    """The SPARQL 1.1 Protocol endpoint."""
    state = state_of(request)
    options = state.options
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    if len(raw_query) > options.max_request_bytes:
        return text(
            414, f"the query string is longer than the limit of {options.max_request_bytes} bytes"
        )
    params = query_params(raw_query)
    if request.method == "POST":
        refused = await _posted(request, options, params)
        if refused is not None:
            return refused
    elif params.get("update"):
        return text(400, "SPARQL Update needs POST")
    queries, updates = params.get("query", []), params.get("update", [])
    if queries and updates:
        return text(400, "send either a query or an update, not both")
    if updates:
        return await _update(request, state, updates)
    if len(queries) > 1:
        return text(400, "send exactly one query")
    if not queries:
        return service_page(request, state)
    default, named = _dataset(params)
    reply = await run(
        state,
        Request(
            query=queries[0],
            accept=request.headers.get("accept"),
            default_graphs=default,
            named_graphs=named,
            max_bytes=options.max_result_bytes,
            service_allow=options.service_allow,
            # Relative IRIs resolve against the endpoint, as Oxigraph and Fuseki do.
            base_iri=endpoint(request, options),
        ),
        lane_of(queries[0], state),
    )
    return reply if isinstance(reply, Response) else respond(reply)


async def _update(request: HttpRequest, state: ServerState, updates: list[str]) -> Response:
    """Apply one SPARQL Update (with the token, on in-memory data), then restart the workers."""
    options = state.options
    refusal = write_refusal(request, state, "SPARQL Update")
    if refusal is not None:
        return refusal
    if len(updates) != 1:
        return text(400, "send exactly one update")
    async with state.update_lock:
        assert state.workdir is not None  # noqa: S101 - set for in-memory data
        update = updates[0]
        reply = await state.pool.write(
            lambda dump: UpdateRequest(update, dump, options.service_allow), state.workdir
        )
    return text(reply.status, reply.body.decode("utf-8").strip())
