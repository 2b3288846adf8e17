"""The Starlette app: SPARQL 1.1 Protocol at ``/sparql``, linked data for every IRI under the base.

Routes:

* ``GET|POST /sparql``: queries (GET ``?query=``, POST form, POST ``application/sparql-query``),
  ``default-graph-uri`` / ``named-graph-uri``; without a query, the SPARQL 1.1 Service
  Description (or, for a browser, the query page). Updates only with the token.
* ``GET|PUT|POST|DELETE /store?graph=IRI`` (or ``?default``): the Graph Store Protocol; the
  writes only with the token, on in-memory data.
* ``GET /`` and ``/.well-known/void``: the dataset's VoID/DCAT description.
* ``GET /_static/NAME``: the vendored YASGUI files, from a fixed list.
* ``GET /_pathway/PATH``: a drug's pathway picture (the graph held in memory only).
* ``GET /health``: 200 ``ok`` once ``ASK {}`` ran in a query worker in time, else 503 and why.
* ``GET /PATH``: the resource ``<base>PATH``, by content negotiation; 404 if unknown.

The app only routes, negotiates and enforces limits; pyoxigraph answers every query (in the
workers of :mod:`pharmakg.serve.pool`) and writes every result format.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hmac
import logging
import re
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import InconsistentGraphError, InputError, UnknownEntityError
from ..export import DEFAULT_BASE, ExportOptions, export, prepare_release
from ..export.release import norm_base
from ..load import LoadedGraph, load_graph
from ..query import list_queries
from ..reason import reason
from ..store.text import query_form
from ..visualise import visualise
from .describe import PageRequest
from .pages import example_page, query_page
from .pool import Busy, Lane, PoolLimits, QueryTimeout, WorkerCrashed, WorkerPool
from .protocol import negotiate, parse_accept
from .rebase import rebase_query
from .worker import (
    RDF_FORMATS,
    GraphWrite,
    Reply,
    Request,
    StoreSource,
    UpdateRequest,
    WorkerRules,
)

__all__ = ["ServeOptions", "ServedData", "create_app", "prepare_data"]

_HTML = "text/html"
_RDF_OFFERS = [
    f.media_type for f in RDF_FORMATS if f not in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
]
_FORMAT_PARAM = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "html": _HTML,
}
#: The files /_static serves, and nothing else: name -> (folder in pharmakg, file, media type).
STATIC = {
    "yasgui.min.js": ("_vendor/yasgui", "yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui.min.css": ("_vendor/yasgui", "yasgui.min.css", "text/css; charset=utf-8"),
    "query.js": ("serve", "query.js", "text/javascript; charset=utf-8"),
}
_PATH_CHARS = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")
_HTML_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "script-src 'self'; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "base-uri 'none'; form-action 'self'"
)
_PICTURE_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; base-uri 'none'"
)
SD = "http://www.w3.org/ns/sparql-service-description#"
_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sd": SD,
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "https://schema.org/",
}


def _prefixes(base: str) -> dict[str, str]:
    """The prefixes written into Turtle, TriG and JSON-LD answers, ours under ``base``."""
    return {
        **_PREFIXES,
        "pkg": base + "ontology/",
        "pkr": base + "resource/",
        "pkgsh": base + "shapes/",
    }


_FORMATS_NS = "http://www.w3.org/ns/formats/"
_LOG = logging.getLogger("uvicorn.error")
#: Bytes one query may take beyond the data, by default (``--memory-limit``).
DEFAULT_MEMORY_LIMIT = 2 * 2**30
#: The least memory limit a worker can start and answer with (Python and the parser).
MIN_MEMORY_LIMIT = 256 * 2**20
#: A named graph of at most this many triples is read through the light lane (``/store``).
LIGHT_GRAPH_TRIPLES = 10_000
#: Seconds ``/health`` gives ``ASK {}`` to find a free worker, and as many to answer.
HEALTH_DEADLINE = 2.0


@dataclass(frozen=True)
class ServeOptions:
    """How ``pharmakg serve`` runs.

    :param base_iri: the base of every IRI the server dereferences; the same as
        ``pharmakg build --base-iri`` for the release it serves.
    :param store: a pyoxigraph store directory, opened read-only; default: the packaged
        graphs (or ``graphs``) loaded in memory, with the release's named graphs.
    :param store_on_disk: answer a ``store``'s queries on its RocksDB files. By default its
        quads are read once at start-up into memory (held once, by the process the workers
        are forked from), where pyoxigraph answers the heavy queries 3-8x faster than on
        RocksDB (``bench_serve.py --layers``); a store whose files exceed
        :data:`MEMORY_COPY_LIMIT` is always answered on disk.
    :param graphs: RDF files to serve in memory instead of the packaged ones.
    :param workers: how many queries run at once (one worker process each).
    :param light_workers: more workers, kept for the server's own light requests (resource
        pages, named queries sent as offered, ``/health``), so that heavy client queries
        never make them wait (:mod:`~pharmakg.serve.pool`); 0 for none.
    :param timeout: seconds a query may run before it is stopped (503).
    :param queue_timeout: seconds a query waits for a free worker before a 503.
    :param max_waiting: how many queries may wait at once (more get 503 at once).
    :param max_request_bytes: the largest request body or query (413 above it).
    :param max_result_bytes: the largest result; a larger one is refused (503).
    :param service_allow: endpoint IRI prefixes a SERVICE clause may call (default none).
        Without any, the query workers also run where no network connection can be opened.
    :param memory_limit: bytes one query may take beyond the data (None: no limit); past it
        the query is stopped with a 503.
    :param update_token: enables SPARQL Update for requests with ``Authorization: Bearer TOKEN``
        (in-memory data only; a read-only store refuses updates).
    :param cors_origins: origins allowed by CORS (``*``: any).
    :param inferred: add what HermiT infers as the ``<base>graph/inferred`` named graph
        (in-memory data only; needs Java).
    :param public_url: the URL clients reach the server at (behind a proxy: the proxy's),
        which names the endpoint in the service description and prefixes the pages' links;
        None: the address it listens on. A client's ``Host`` header is never used.
    :param read_timeout: seconds a request may take to arrive, headers and body.
    :param max_connections: open connections; more are closed at once.
    :param query_log: log every query: time, status, size, duration (never its text).
    """

    base_iri: str = "https://w3id.org/pharmakg/"
    store: Path | None = None
    store_on_disk: bool = False
    graphs: tuple[Path, ...] = ()
    workers: int = 2
    light_workers: int = 1
    timeout: float = 30.0
    queue_timeout: float = 10.0
    max_waiting: int = 64
    max_request_bytes: int = 1024 * 1024
    max_result_bytes: int = 64 * 1024 * 1024
    service_allow: tuple[str, ...] = ()
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    update_token: str | None = None
    cors_origins: tuple[str, ...] = ("*",)
    inferred: bool = False
    public_url: str | None = None
    read_timeout: float = 10.0
    max_connections: int = 512
    query_log: bool = True

    def __post_init__(self) -> None:
        base = norm_base(self.base_iri)  # as pharmakg build normalises it
        if base.endswith("#"):
            raise InputError(
                "a served base IRI must end in '/': a '#' fragment never reaches the server",
                term=base,
            )
        rebase_query("", base)  # raises if SPARQL cannot spell the base
        object.__setattr__(self, "base_iri", base)
        if self.workers < 1 or self.timeout <= 0 or self.queue_timeout < 0:
            raise InputError("workers must be at least 1 and the timeouts positive")
        if self.light_workers < 0:
            raise InputError("light workers must be 0 or more", term=str(self.light_workers))
        if self.memory_limit is not None and self.memory_limit < MIN_MEMORY_LIMIT:
            raise InputError(
                f"a query's memory limit must be at least {MIN_MEMORY_LIMIT // 2**20} MiB",
                term=str(self.memory_limit),
            )
        if self.store is not None and not Path(self.store).is_dir():
            raise InputError("not a pyoxigraph store directory", file=self.store)
        if self.public_url is not None:
            if not self.public_url.startswith(("http://", "https://")):
                raise InputError("--public-url must be an http(s) URL", term=self.public_url)
            object.__setattr__(self, "public_url", self.public_url.rstrip("/") + "/")
        if self.read_timeout <= 0 or self.max_connections < 1:
            raise InputError("the read timeout and the connection limit must be positive")
        if self.store is not None and (self.graphs or self.inferred):
            raise InputError("--store serves the store as it is: give no files and no --inferred")


def _endpoint(request: HttpRequest, options: ServeOptions) -> str:
    """The endpoint's public URL: ``--public-url``'s, else the one the request came to."""
    if options.public_url is not None:
        return options.public_url + "sparql"
    return str(request.url.replace(query="", fragment=""))


def _root(options: ServeOptions) -> str:
    """The path prefix of the public URL ("" at the host's root), for the pages' links."""
    return urlsplit(options.public_url).path.rstrip("/") if options.public_url else ""


@dataclass
class _State:
    options: ServeOptions
    pool: WorkerPool
    graph: LoadedGraph | None
    graph_sizes: dict[str, int] = field(default_factory=dict)
    pictures: dict[str, bytes] = field(default_factory=dict)
    picture_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    update_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    workdir: Path | None = None


def _text(status: int, message: str, **headers: str) -> Response:
    return Response(message + "\n", status, headers=headers or None, media_type="text/plain")


@functools.cache
def _examples(base_iri: str) -> tuple[dict[str, str], ...]:
    """The named queries as this server offers them: their IRIs under ``base_iri``.

    The same text goes into the service description (SIB examples) and the query page, and
    it finds in the served data what the ``.rq`` file finds under the default base
    (:func:`~pharmakg.serve.rebase.rebase_query`).
    """
    out = []
    for info in list_queries():
        if info.path is None:
            continue
        text = rebase_query(info.path.read_text(encoding="utf-8"), base_iri)
        out.append(
            {
                "name": info.name,
                "title": info.title,
                "description": info.description,
                "query": text,
                "form": query_form(text).lower(),
            }
        )
    return tuple(out)


def _service_description(state: _State, endpoint: str) -> list[ox.Triple]:
    n = ox.NamedNode
    rdf_type = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = n(endpoint)
    triples = [
        ox.Triple(service, rdf_type, n(SD + "Service")),
        ox.Triple(service, n(SD + "endpoint"), service),
        ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(service, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        ox.Triple(
            service,
            n(SD + "defaultEntailmentRegime"),
            n("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(
            service,
            n("http://purl.org/dc/terms/title"),
            ox.Literal("pharmakg SPARQL endpoint", language="en"),
        ),
    ]
    if state.options.update_token and state.options.store is None:
        triples.append(ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Update")))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "TriG",
        "N-Quads",
    ):
        triples.append(ox.Triple(service, n(SD + "resultFormat"), n(_FORMATS_NS + name)))
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples += [
        ox.Triple(service, n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n(SD + "Dataset")),
        ox.Triple(dataset, n(SD + "defaultGraph"), default),
        ox.Triple(default, rdf_type, n(SD + "Graph")),
        ox.Triple(dataset, n("http://rdfs.org/ns/void#sparqlEndpoint"), service),
    ]
    for name, size in sorted(state.graph_sizes.items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, n(SD + "namedGraph"), named),
            ox.Triple(named, rdf_type, n(SD + "NamedGraph")),
            ox.Triple(named, n(SD + "name"), n(name)),
            ox.Triple(named, n(SD + "graph"), graph),
            ox.Triple(graph, rdf_type, n(SD + "Graph")),
            ox.Triple(
                graph,
                n("http://rdfs.org/ns/void#triples"),
                ox.Literal(str(size), datatype=n("http://www.w3.org/2001/XMLSchema#integer")),
            ),
        ]
    shacl, schema = "http://www.w3.org/ns/shacl#", "https://schema.org/"
    for example in _examples(state.options.base_iri):
        node = n(state.options.base_iri + _EXAMPLES + example["name"])
        form = example["form"]
        kind = {"select": "Select", "ask": "Ask", "construct": "Construct", "describe": "Describe"}
        triples += [
            ox.Triple(node, rdf_type, n(shacl + "SPARQLExecutable")),
            ox.Triple(node, rdf_type, n(shacl + f"SPARQL{kind[form]}Executable")),
            ox.Triple(
                node,
                n("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal(example["title"], language="en"),
            ),
            ox.Triple(
                node,
                n("http://www.w3.org/2000/01/rdf-schema#comment"),
                ox.Literal(example["description"], language="en"),
            ),
            ox.Triple(node, n(shacl + form), ox.Literal(example["query"])),
            ox.Triple(node, n(schema + "target"), service),
            ox.Triple(node, n(schema + "name"), ox.Literal(example["name"])),
        ]
    return triples


async def _body(request: HttpRequest, limit: int) -> bytes | Response:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _text(413, f"the request body is larger than the limit of {limit} bytes")
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return _text(413, f"the request body is larger than the limit of {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _params(raw: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def _reply(reply: Reply) -> Response:
    headers = {"Vary": "Accept", **dict(reply.headers)}
    return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)


async def _run(
    state: _State, request: Request | PageRequest, lane: Lane = Lane.GENERAL
) -> Reply | Response:
    try:
        return await state.pool.run(request, lane=lane)
    except Busy as error:
        return _text(503, error.message, **{"Retry-After": "5"})
    except (QueryTimeout, WorkerCrashed) as error:
        _LOG.warning("%s", error.message)
        return _text(503, error.message, **{"Retry-After": "5"})


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
        return _text(400, "the request body must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return _text(400, "the request body is not valid UTF-8")


async def _posted(
    request: HttpRequest, options: ServeOptions, params: dict[str, list[str]]
) -> Response | None:
    """Add a POST's queries, updates and dataset parameters to ``params`` (or refuse it)."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    body = await _body(request, options.max_request_bytes)
    if isinstance(body, Response):
        return body
    text = _decoded_body(body, content_type)
    if isinstance(text, Response):
        return text
    if media == "application/x-www-form-urlencoded":
        form = _params(text)
        for key in ("query", "update", *_FORM_LISTS):
            params.setdefault(key, []).extend(form.get(key, []))
    elif media in ("application/sparql-query", "application/sparql-update"):
        params.setdefault("query" if media.endswith("query") else "update", []).append(text)
    else:
        return _text(
            415,
            f"unsupported content type {media or '(none)'!r}; send application/sparql-query, "
            "application/sparql-update or application/x-www-form-urlencoded",
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
    state: _State = request.app.state.pharmakg
    options = state.options
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    if len(raw_query) > options.max_request_bytes:
        return _text(
            414, f"the query string is longer than the limit of {options.max_request_bytes} bytes"
        )
    params = _params(raw_query)
    if request.method == "POST":
        refused = await _posted(request, options, params)
        if refused is not None:
            return refused
    elif params.get("update"):
        return _text(400, "SPARQL Update needs POST")
    queries, updates = params.get("query", []), params.get("update", [])
    if queries and updates:
        return _text(400, "send either a query or an update, not both")
    if updates:
        return await _update(request, state, updates)
    if len(queries) > 1:
        return _text(400, "send exactly one query")
    if not queries:
        return _service_page(request, state)
    default, named = _dataset(params)
    reply = await _run(
        state,
        Request(
            query=queries[0],
            accept=request.headers.get("accept"),
            default_graphs=default,
            named_graphs=named,
            max_bytes=options.max_result_bytes,
            service_allow=options.service_allow,
            # Relative IRIs resolve against the endpoint, as Oxigraph and Fuseki do.
            base_iri=_endpoint(request, options),
        ),
        _lane_of(queries[0], state),
    )
    return reply if isinstance(reply, Response) else _reply(reply)


def _lane_of(query: str, state: _State) -> Lane:
    """The light lane for a named query sent as the server offers it, else the general one.

    Only the offered text qualifies (an editor may change its line ends and its trailing
    newline): the named queries' cost on the served data is known, and any other edit makes
    the query the client's own.
    """
    offered = _example_texts(state.options.base_iri)
    return Lane.LIGHT if _trimmed(query) in offered else Lane.GENERAL


def _trimmed(query: str) -> str:
    return query.replace("\r\n", "\n").strip()


@functools.cache
def _example_texts(base_iri: str) -> frozenset[str]:
    return frozenset(_trimmed(example["query"]) for example in _examples(base_iri))


def _write_refusal(request: HttpRequest, state: _State, what: str) -> Response | None:
    """Why a write is refused (403 disabled or read-only, 401 without the token), or None."""
    options = state.options
    if not options.update_token:
        return _text(403, f"{what} is disabled on this server (read-only)")
    if options.store is not None:
        return _text(403, f"{what} is refused: the store is opened read-only")
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), options.update_token):
        return _text(401, f"{what} needs the server's token", **{"WWW-Authenticate": "Bearer"})
    return None


async def _update(request: HttpRequest, state: _State, updates: list[str]) -> Response:
    options = state.options
    refusal = _write_refusal(request, state, "SPARQL Update")
    if refusal is not None:
        return refusal
    if len(updates) != 1:
        return _text(400, "send exactly one update")
    async with state.update_lock:
        assert state.workdir is not None  # noqa: S101 - set for in-memory data
        text = updates[0]
        reply = await state.pool.write(
            lambda dump: UpdateRequest(text, dump, options.service_allow), state.workdir
        )
    return _text(reply.status, reply.body.decode("utf-8").strip())


def _service_page(request: HttpRequest, state: _State) -> Response:
    accept = request.headers.get("accept")
    chosen = negotiate(accept, [*_RDF_OFFERS, _HTML])
    endpoint = _endpoint(request, state.options)
    if chosen == _HTML and parse_accept(accept)[0].type != "*":
        page = query_page(
            _examples(state.options.base_iri), endpoint=endpoint, root=_root(state.options)
        )
        return Response(
            page,
            headers={"Content-Security-Policy": _HTML_POLICY, "Vary": "Accept"},
            media_type="text/html",
        )
    if chosen is None or chosen == _HTML:
        chosen = "text/turtle" if chosen is None and "*/*" in (accept or "*/*") else chosen
    if chosen is None:
        return _text(406, "the service description is offered as " + ", ".join(_RDF_OFFERS))
    fmt = ox.RdfFormat.from_media_type(chosen) or ox.RdfFormat.TURTLE
    body = ox.serialize(
        _service_description(state, endpoint),
        format=fmt,
        prefixes=_prefixes(state.options.base_iri),
    )
    return Response(body, headers={"Vary": "Accept"}, media_type=fmt.media_type)


def _iri_of(request: HttpRequest, state: _State) -> str | None:
    raw: bytes = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
    path = raw.decode("latin-1").split("?", 1)[0]
    if not _PATH_CHARS.fullmatch(path) or "//" in path:
        return None
    if any(segment in (".", "..") for segment in path.split("/")):
        return None
    return state.options.base_iri + path[1:]


def _resource_format(request: HttpRequest, path: str) -> str | Response:
    """The media type to answer in: ``?format=``, else negotiated from ``Accept`` (400, 406)."""
    wanted = request.query_params.get("format")
    if wanted is not None:
        chosen = _FORMAT_PARAM.get(wanted.lower())
        if chosen is None:
            known = ", ".join(sorted(_FORMAT_PARAM))
            return _text(400, f"unknown format {wanted!r}; use one of {known}")
        return chosen
    offers = [_HTML, *_RDF_OFFERS] if path != "/.well-known/void" else [*_RDF_OFFERS, _HTML]
    chosen = negotiate(request.headers.get("accept"), offers)
    if chosen is None:
        return _text(406, "this resource is offered as " + ", ".join([_HTML, *_RDF_OFFERS]))
    return chosen


async def resource(request: HttpRequest) -> Response:
    """Dereference ``<base>PATH`` with content negotiation; 404 when the graph does not know it."""
    state: _State = request.app.state.pharmakg
    path = request.scope["path"]
    if path in ("/", "/.well-known/void"):
        iri: str | None = state.options.base_iri + "dataset"
    else:
        iri = _iri_of(request, state)
    if iri is None:
        return _text(404, "not a resource of this dataset")
    chosen = _resource_format(request, path)
    if isinstance(chosen, Response):
        return chosen
    if path.startswith("/" + _EXAMPLES):
        return _example(request, state, iri, chosen)
    page = _page_number(request)
    if page is None:
        return _text(400, "?page= takes a whole number from 1")
    root = _root(state.options)
    here = root + request.url.path
    page_request = PageRequest(
        iri=iri,
        base=state.options.base_iri,
        media_type=chosen,
        page=page,
        picture=None
        if state.graph is None
        else root + "/_pathway/" + iri[len(state.options.base_iri) :],
        alternates=(
            ("text/turtle", here + "?format=turtle"),
            ("application/ld+json", here + "?format=jsonld"),
            ("application/n-triples", here + "?format=nt"),
        ),
        prefixes=tuple(_prefixes(state.options.base_iri).items()),
        root=root,
    )
    reply = await _run(state, page_request, Lane.LIGHT)  # our own reads, about one resource
    if isinstance(reply, Response):
        return reply
    if reply.status != 200:
        return _reply(reply)
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"', **dict(reply.headers)}
    if "Link" in dict(reply.headers):
        headers["Link"] = f'<{iri}>; rel="canonical", ' + dict(reply.headers)["Link"]
    if chosen == _HTML:
        headers["Content-Security-Policy"] = _HTML_POLICY
    return Response(reply.body, headers=headers, media_type=reply.media_type)


#: Where the named queries live as SHACL SPARQL executables (in the service description).
_EXAMPLES = "sparql-examples/"


def _example(request: HttpRequest, state: _State, iri: str, media_type: str) -> Response:
    """A named query's own IRI: its part of the service description, or a page with its text."""
    name = iri[len(state.options.base_iri + _EXAMPLES) :]
    examples = {e["name"]: e for e in _examples(state.options.base_iri)}
    if name not in examples:
        return _text(404, f"no named query {name!r} on this server")
    endpoint = _endpoint(request, state.options)
    if media_type == _HTML:
        page = example_page(examples[name], endpoint=endpoint, root=_root(state.options))
        headers = {"Vary": "Accept", "Content-Security-Policy": _HTML_POLICY}
        return Response(page, headers=headers, media_type="text/html")
    node = ox.NamedNode(iri)
    triples = [t for t in _service_description(state, endpoint) if t.subject == node]
    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    body = ox.serialize(triples, format=fmt, prefixes=_prefixes(state.options.base_iri))
    return Response(body, headers={"Vary": "Accept"}, media_type=fmt.media_type)


def _page_number(request: HttpRequest) -> int | None:
    """The ``?page=`` asked for (1 when absent), or None when it is not a page number."""
    text = request.query_params.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        return None
    return int(text)


async def pathway(request: HttpRequest) -> Response:
    """A drug's interactive pathway picture (``pharmakg.visualise``), for the drug's page."""
    state: _State = request.app.state.pharmakg
    iri = _iri_of(request, state)
    if state.graph is None or iri is None:
        return _text(404, "no pathway pictures for a store opened from disk")
    relative = iri[len(state.options.base_iri) + len("_pathway/") :]
    default_iri = DEFAULT_BASE + relative  # the graph in memory is not rebased
    async with state.picture_lock:
        if default_iri not in state.pictures:
            graph = state.graph
            try:
                state.pictures[default_iri] = await asyncio.to_thread(
                    visualise, graph, default_iri, "html"
                )
            except (UnknownEntityError, InputError):
                return _text(404, f"<{iri}> is not a drug with a pathway")
    return Response(
        state.pictures[default_iri],
        headers={"Content-Security-Policy": _PICTURE_POLICY},
        media_type="text/html",
    )


async def _graph_store_write(request: HttpRequest, state: _State, graph: str | None) -> Response:
    """PUT, POST or DELETE one graph, with the token only."""
    refusal = _write_refusal(request, state, "Graph Store Protocol writes")
    if refusal is not None:
        return refusal
    body = await _body(request, state.options.max_request_bytes)
    if isinstance(body, Response):
        return body
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
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
    return _reply(reply)


async def _graph_exists(state: _State, graph: str) -> Response | bool:
    """Whether the store has a named graph ``graph`` (or the Response of a failed check)."""
    check = await _run(
        state,
        Request(
            query="ASK { GRAPH ?g { ?s ?p ?o } }",
            substitutions=(("g", graph),),
            accept="text/csv",
        ),
        Lane.LIGHT,
    )
    if isinstance(check, Response):
        return check
    return b"true" in check.body


def _graph_lane(state: _State, graph: str | None) -> Lane:
    """The light lane for a named graph known to be small, else the general one."""
    size = None if graph is None else state.graph_sizes.get(graph)
    return Lane.LIGHT if size is not None and size <= LIGHT_GRAPH_TRIPLES else Lane.GENERAL


async def graph_store(request: HttpRequest) -> Response:
    """The Graph Store Protocol at ``/store``: GET a graph; PUT, POST, DELETE only with the token.

    ``?graph=IRI`` names a graph, ``?default`` the default graph (the dataset description).
    """
    state: _State = request.app.state.pharmakg
    params = _params(request.scope.get("query_string", b"").decode("latin-1"))
    graphs, default = params.get("graph", []), "default" in params
    if len(graphs) + int(default) != 1:
        return _text(400, "name one graph: ?graph=IRI or ?default")
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
    answer = await _run(state, query, _graph_lane(state, graph))
    if isinstance(answer, Response):
        return answer
    if graph is not None and graph not in state.graph_sizes and answer.status == 200:
        exists = await _graph_exists(state, graph)
        if isinstance(exists, Response):
            return exists
        if not exists:
            return _text(404, f"no graph <{graph}>")
    return _reply(answer)


async def health(request: HttpRequest) -> Response:
    """200 ``ok`` once ``ASK {}`` ran in a query worker within :data:`HEALTH_DEADLINE`, else 503.

    The query goes through the light lane, as the server's own pages do; with ``Accept:
    application/json`` the answer also counts the workers by lane, the queries waiting and
    the template's restarts.
    """
    state: _State = request.app.state.pharmakg
    report = await state.pool.health(HEALTH_DEADLINE)
    headers = {"Cache-Control": "no-store", "Vary": "Accept"}
    if not report.ok:
        headers["Retry-After"] = "5"
    status = 200 if report.ok else 503
    wanted = negotiate(request.headers.get("accept"), ["text/plain", "application/json"])
    if wanted == "application/json":
        body = {"status": "ok" if report.ok else "unavailable", **dataclasses.asdict(report)}
        return JSONResponse(body, status, headers=headers)
    return _text(status, "ok" if report.ok else f"unavailable: {report.reason}", **headers)


async def static(request: HttpRequest) -> Response:
    """A vendored front-end file, by name from :data:`STATIC` (nothing else is read)."""
    entry = STATIC.get(request.path_params["name"])
    if entry is None:
        return _text(404, "no such file")
    folder, name, media_type = entry
    location = importlib_resources.files("pharmakg")
    for part in (*folder.split("/"), name):
        location = location / part
    data = location.read_bytes()
    return Response(data, headers={"Cache-Control": "public, max-age=3600"}, media_type=media_type)


@dataclass(frozen=True)
class ServedData:
    """What the workers serve: the store's source, and the graph when it is held in memory.

    :param workdir: where the in-memory data's N-Quads (and the results of updates) live.
    """

    source: StoreSource
    graph: LoadedGraph | None
    workdir: Path


#: The largest store (its files on disk, in bytes) whose quads ``serve --store`` reads into
#: memory; a larger one is answered on its RocksDB files, as with ``--store-on-disk``. In
#: memory pyoxigraph holds about what the store takes on disk.
MEMORY_COPY_LIMIT = 4 * 1024**3


def store_bytes(directory: Path) -> int:
    """The size of a store's files."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def _store_source(options: ServeOptions, workdir: Path) -> StoreSource:
    """The store directory itself, or (by default) its quads as N-Quads for in-memory workers.

    A read-only RocksDB instance sees the store as it was when it was opened, so a copy
    taken at start-up answers exactly what the directory would.
    """
    assert options.store is not None  # noqa: S101 - only called for a store
    try:
        store = ox.Store.read_only(str(options.store))
    except OSError as error:
        raise InputError(
            f"cannot open the pyoxigraph store read-only: {error}", file=options.store
        ) from error
    if options.store_on_disk or store_bytes(options.store) > MEMORY_COPY_LIMIT:
        return StoreSource("disk", Path(options.store))
    target = workdir / "store.nq"
    store.dump(output=str(target), format=ox.RdfFormat.N_QUADS)
    return StoreSource("memory", target)


def prepare_data(options: ServeOptions, workdir: Path) -> ServedData:
    """Check the store, or load the graphs and write their release as N-Quads into ``workdir``.

    :raises InputError: the store directory cannot be opened read-only.
    :raises InconsistentGraphError: ``options.inferred`` on an inconsistent graph.
    :raises JavaNotFoundError: ``options.inferred`` without Java to run HermiT.
    """
    if options.store is not None:
        return ServedData(_store_source(options, workdir), None, workdir)
    graph = load_graph(*options.graphs)
    inferred = None
    if options.inferred:
        result = reason(graph)
        if not result.consistent:
            raise InconsistentGraphError(
                f"the graph is inconsistent, so nothing can be inferred: {result.explanation}"
            )
        inferred = result.graph
    release = prepare_release(graph, inferred, ExportOptions(base_iri=options.base_iri))
    target = workdir / "release.nq"
    target.write_bytes(export(release, "nquads").single())
    return ServedData(StoreSource("memory", target), graph, workdir)


_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _log_network(options: ServeOptions, pool: WorkerPool) -> None:
    """Say at start-up whether a query worker could open a network connection, and why."""
    log = logging.getLogger("uvicorn.error")
    if options.service_allow:
        allowed = ", ".join(options.service_allow)
        log.warning("query workers can reach the network: SERVICE may call %s", allowed)
    elif pool.network_exposure:
        log.warning(
            "query workers can reach the network (%s); SERVICE is still refused by the "
            "query parser",
            pool.network_exposure,
        )
    else:
        log.info("query workers run without network access (a network namespace of their own)")


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
            state = _State(options=options, pool=pool, graph=graph, workdir=workdir)
            reply = await pool.run(Request(query=_GRAPHS, accept="text/tab-separated-values"))
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
            _LOG.info(
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
