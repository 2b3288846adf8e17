"""The Starlette app: the routes of :mod:`pharmakg.serve`, its middleware, and its lifespan.

Routes:

* ``GET|POST /sparql``: the SPARQL 1.1 Protocol (:mod:`~pharmakg.serve.sparql`); without a
  query, the service description (:mod:`~pharmakg.serve.service`).
* ``GET|PUT|POST|DELETE /store?graph=IRI`` (or ``?default``): the Graph Store Protocol
  (:mod:`~pharmakg.serve.graph_store`).
* ``GET /PATH``, ``/`` and ``/.well-known/void``: linked data, and ``GET /_pathway/PATH``: a
  drug's pathway picture (:mod:`~pharmakg.serve.linked_data`).
* ``GET /_static/NAME``: the vendored YASGUI files, from a fixed list.
* ``GET /health``: 200 ``ok`` once ``ASK {}`` ran in a query worker in time, else 503 and why.

The app only routes, negotiates and enforces limits; pyoxigraph answers every query (in the
workers of :mod:`pharmakg.serve.pool`) and writes every result format. What it serves is
prepared by :mod:`~pharmakg.serve.data`; how it runs is
:class:`~pharmakg.serve.options.ServeOptions`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .data import ServedData, prepare_data
from .graph_store import graph_store
from .linked_data import pathway, resource
from .options import ServeOptions
from .pool import PoolLimits, WorkerPool
from .protocol import JSON, TEXT, TSV, negotiate, web
from .sparql import sparql
from .state import LOG, ServerState, state_of, text
from .template import WorkerRules
from .worker import Request

__all__ = ["HEALTH_DEADLINE", "STATIC", "create_app"]

#: The files /_static serves, and nothing else: name -> (folder in pharmakg, file, media type).
STATIC = {
    "yasgui.min.js": ("_vendor/yasgui", "yasgui.min.js", web("javascript")),
    "yasgui.min.css": ("_vendor/yasgui", "yasgui.min.css", web("css")),
    "query.js": ("serve", "query.js", web("javascript")),
}
#: Seconds ``/health`` gives ``ASK {}`` to find a free worker, and as many to answer.
HEALTH_DEADLINE = 2.0


async def health(request: HttpRequest) -> Response:
    """200 ``ok`` once ``ASK {}`` ran in a query worker within :data:`HEALTH_DEADLINE`, else 503.

    The query goes through the light lane, as the server's own pages do; with ``Accept:
    application/json`` the answer also counts the workers by lane, the queries waiting and
    the template's restarts.
    """
    state = state_of(request)
    report = await state.pool.health(HEALTH_DEADLINE)
    headers = {"Cache-Control": "no-store", "Vary": "Accept"}
    if not report.ok:
        headers["Retry-After"] = "5"
    status = 200 if report.ok else 503
    wanted = negotiate(request.headers.get("accept"), [TEXT, JSON])
    if wanted == JSON:
        body = {"status": "ok" if report.ok else "unavailable", **dataclasses.asdict(report)}
        return JSONResponse(body, status, headers=headers)
    return text(status, "ok" if report.ok else f"unavailable: {report.reason}", **headers)


async def static(request: HttpRequest) -> Response:
    """A vendored front-end file, by name from :data:`STATIC` (nothing else is read)."""
    entry = STATIC.get(request.path_params["name"])
    if entry is None:
        return text(404, "no such file")
    folder, name, media_type = entry
    location = importlib_resources.files("pharmakg")
    for part in (*folder.split("/"), name):
        location = location / part
    data = location.read_bytes()
    return Response(data, headers={"Cache-Control": "public, max-age=3600"}, media_type=media_type)


_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _log_network(options: ServeOptions, pool: WorkerPool) -> None:
    """Say at start-up whether a query worker could open a network connection, and why."""
    if options.service_allow:
        allowed = ", ".join(options.service_allow)
        LOG.warning("query workers can reach the network: SERVICE may call %s", allowed)
    elif pool.network_exposure:
        LOG.warning(
            "query workers can reach the network (%s); SERVICE is still refused by the "
            "query parser",
            pool.network_exposure,
        )
    else:
        LOG.info("query workers run without network access (a network namespace of their own)")


def create_app(options: ServeOptions, data: ServedData | None = None) -> Starlette:
    """The ASGI app for ``options``; its lifespan starts the workers.

    :param data: the data prepared by :func:`prepare_data`; by default the lifespan
        prepares it in a temporary directory.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with tempfile.TemporaryDirectory(prefix="pharmakg-serve-") as temporary:
            served = data
            if served is None:
                served = await asyncio.to_thread(prepare_data, options, Path(temporary))
            source, graph, workdir = served.source, served.graph, served.workdir
            limits = PoolLimits(
                size=options.workers,
                timeout=options.timeout,
                queue_timeout=options.queue_timeout,
                max_waiting=options.max_waiting,
                light_size=options.light_workers,
                rules=WorkerRules(
                    isolate_network=not options.service_allow,
                    memory_limit=options.memory_limit,
                ),
            )
            pool = WorkerPool(source, limits)
            await pool.start()
            _log_network(options, pool)
            state = ServerState(options=options, pool=pool, graph=graph, workdir=workdir)
            reply = await pool.run(Request(query=_GRAPHS, accept=TSV))
            for line in reply.body.decode("utf-8").splitlines()[1:]:
                name, _, count = line.partition("\t")
                state.graph_sizes[name.strip("<>")] = int(count.split("^^")[0].strip('"'))
            app.state.pharmakg = state
            try:
                yield
            finally:
                await pool.close()

    routes = [
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        Route("/store", graph_store, methods=["GET", "PUT", "POST", "DELETE"]),
        Route("/_static/{name}", static, methods=["GET"]),
        Route("/_pathway/{path:path}", pathway, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/{path:path}", resource, methods=["GET"]),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(options.cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            max_age=600,
        ),
        Middleware(_SecurityHeaders),
        Middleware(GZipMiddleware, minimum_size=4096),
    ]
    if options.query_log:
        middleware.insert(0, Middleware(_QueryLog))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


class _QueryLog:
    """One log line per query or Graph Store request: method, path, status, size, duration.

    Never the query's text or the body: a log is read by more people than the queries are.
    """

    _PATHS = ("/sparql", "/store")

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] not in self._PATHS:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status, size = 500, 0

        async def observe(message: Any) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            LOG.info(
                "query %s %s %d %d bytes %.1f ms",
                scope["method"],
                scope["path"],
                status,
                size,
                elapsed,
            )


class _SecurityHeaders:
    """``X-Content-Type-Options: nosniff`` and a referrer policy on every response."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add_headers)
