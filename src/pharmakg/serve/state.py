"""What every route shares: the server's state, and the small steps of answering a request.

The routes (:mod:`~pharmakg.serve.sparql`, :mod:`~pharmakg.serve.graph_store`,
:mod:`~pharmakg.serve.linked_data`, :mod:`~pharmakg.serve.app`) read the state the app's
lifespan made, run their work in the pool's workers (:func:`run`), and answer errors as one
line of plain text (:func:`text`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from .._load import LoadedGraph
from ..rebase import rebase_prefixes
from ..vocab import PKG_URI, PKGSH_URI, PKR_URI
from .describe import PageRequest
from .options import ServeOptions
from .pool import Busy, Lane, QueryTimeout, WorkerPool
from .protocol import TEXT
from .template import WorkerCrashed
from .worker import Reply, Request

__all__ = [
    "HTML_POLICY",
    "LOG",
    "ServerState",
    "endpoint",
    "prefixes",
    "query_params",
    "read_body",
    "respond",
    "root",
    "run",
    "state_of",
    "text",
    "write_refusal",
]

LOG = logging.getLogger("uvicorn.error")
#: The Content-Security-Policy of the server's own HTML pages.
HTML_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "script-src 'self'; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "base-uri 'none'; form-action 'self'"
)
_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "https://schema.org/",
}
_OWN_PREFIXES = (("pkg", PKG_URI), ("pkr", PKR_URI), ("pkgsh", PKGSH_URI))


def prefixes(base: str) -> dict[str, str]:
    """The prefixes written into Turtle, TriG and JSON-LD answers, ours under ``base``."""
    return {**_PREFIXES, **dict(rebase_prefixes(_OWN_PREFIXES, base))}


@dataclass
class ServerState:
    """What the app's lifespan made: the options, the pool, and the graph held in memory.

    :param graph: the graph as loaded (default base), for the pathway pictures; None for a
        store opened from disk.
    :param graph_sizes: the named graphs' sizes, for the service description and the lanes.
    :param pictures: the pathway pictures drawn so far, by the drug's IRI in the default base.
    """

    options: ServeOptions
    pool: WorkerPool
    graph: LoadedGraph | None
    graph_sizes: dict[str, int] = field(default_factory=dict)
    pictures: dict[str, bytes] = field(default_factory=dict)
    picture_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    update_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    workdir: Path | None = None


def state_of(request: HttpRequest) -> ServerState:
    """The state of the app ``request`` came to."""
    state: ServerState = request.app.state.pharmakg
    return state


def text(status: int, message: str, **headers: str) -> Response:
    """A one-line plain-text answer."""
    return Response(message + "\n", status, headers=headers or None, media_type=TEXT)


def respond(answer: Reply) -> Response:
    """A worker's reply as the HTTP response, which varies with ``Accept``."""
    headers = {"Vary": "Accept", **dict(answer.headers)}
    return Response(answer.body, answer.status, headers=headers, media_type=answer.media_type)


async def run(
    state: ServerState, request: Request | PageRequest, lane: Lane = Lane.GENERAL
) -> Reply | Response:
    """``request``'s reply from a worker of ``lane``, or the 503 that says why there is none."""
    try:
        return await state.pool.run(request, lane=lane)
    except Busy as error:
        return text(503, error.message, **{"Retry-After": "5"})
    except (QueryTimeout, WorkerCrashed) as error:
        LOG.warning("%s", error.message)
        return text(503, error.message, **{"Retry-After": "5"})


async def read_body(request: HttpRequest, limit: int) -> bytes | Response:
    """The request's body, or a 413 once it passes ``limit`` bytes (declared or sent)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return text(413, f"the request body is larger than the limit of {limit} bytes")
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return text(413, f"the request body is larger than the limit of {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def query_params(raw: str) -> dict[str, list[str]]:
    """The parameters of a query string or form, each with every value given."""
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def endpoint(request: HttpRequest, options: ServeOptions) -> str:
    """The endpoint's public URL: ``--public-url``'s, else the one the request came to."""
    if options.public_url is not None:
        return options.public_url + "sparql"
    return str(request.url.replace(query="", fragment=""))


def root(options: ServeOptions) -> str:
    """The path prefix of the public URL ("" at the host's root), for the pages' links."""
    return urlsplit(options.public_url).path.rstrip("/") if options.public_url else ""


def write_refusal(request: HttpRequest, state: ServerState, what: str) -> Response | None:
    """Why a write is refused (403 disabled or read-only, 401 without the token), or None."""
    options = state.options
    if not options.update_token:
        return text(403, f"{what} is disabled on this server (read-only)")
    if options.store is not None:
        return text(403, f"{what} is refused: the store is opened read-only")
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), options.update_token):
        return text(401, f"{what} needs the server's token", **{"WWW-Authenticate": "Bearer"})
    return None
