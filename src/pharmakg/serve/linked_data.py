"""Linked data: every IRI under the base dereferences, by content negotiation, one page at a time.

``GET /PATH`` answers the resource ``<base>PATH``: its page in HTML, or its triples in an RDF
format (``?format=`` or ``Accept``), read and written in a worker of the light lane
(:mod:`~pharmakg.serve.describe`); 404 if the dataset does not know it. ``/`` and
``/.well-known/void`` are the dataset's VoID/DCAT description, and ``<base>sparql-examples/NAME``
a named query (:mod:`~pharmakg.serve.service`).

``GET /_pathway/PATH`` is a drug's pathway picture (:mod:`pharmakg._visualise`), drawn from the
graph held in memory, which is in the default base: its IRIs and links are moved under the
served base (:func:`pharmakg.rebase.rebase_model`), as the pictures of a rebased release are.
"""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from .._visualise import build_pathway, render
from ..errors import InputError, UnknownEntityError
from ..rebase import DEFAULT_BASE, rebase_model
from .describe import PageRequest
from .pool import Lane
from .protocol import GRAPH_FORMATS, HTML, PAGE_FORMATS, negotiate
from .service import EXAMPLES, example
from .state import HTML_POLICY, ServerState, prefixes, respond, root, run, state_of, text

__all__ = ["pathway", "resource"]

_PATH_CHARS = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")
_PICTURE_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; base-uri 'none'"
)
_RDF_OFFERS = [f.media_type for f in GRAPH_FORMATS]
#: The other formats a resource's HTML page links to, by their ``?format=`` name.
_ALTERNATES = ("turtle", "jsonld", "nt")


def _iri_of(request: HttpRequest, state: ServerState) -> str | None:
    """The IRI under the base that the request's path names (None: a path no IRI of ours has)."""
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
        named = PAGE_FORMATS.get(wanted.lower())
        if named is None:
            known = ", ".join(sorted(PAGE_FORMATS))
            return text(400, f"unknown format {wanted!r}; use one of {known}")
        return named.media_type
    offers = [HTML, *_RDF_OFFERS] if path != "/.well-known/void" else [*_RDF_OFFERS, HTML]
    chosen = negotiate(request.headers.get("accept"), offers)
    if chosen is None:
        return text(406, "this resource is offered as " + ", ".join([HTML, *_RDF_OFFERS]))
    return chosen


async def resource(request: HttpRequest) -> Response:
    """Dereference ``<base>PATH`` with content negotiation; 404 when the graph does not know it."""
    state = state_of(request)
    path = request.scope["path"]
    if path in ("/", "/.well-known/void"):
        iri: str | None = state.options.base_iri + "dataset"
    else:
        iri = _iri_of(request, state)
    if iri is None:
        return text(404, "not a resource of this dataset")
    chosen = _resource_format(request, path)
    if isinstance(chosen, Response):
        return chosen
    if path.startswith("/" + EXAMPLES):
        return example(request, state, iri, chosen)
    page = _page_number(request)
    if page is None:
        return text(400, "?page= takes a whole number from 1")
    prefix = root(state.options)
    here = prefix + request.url.path
    page_request = PageRequest(
        iri=iri,
        base=state.options.base_iri,
        media_type=chosen,
        page=page,
        picture=None
        if state.graph is None
        else prefix + "/_pathway/" + iri[len(state.options.base_iri) :],
        alternates=tuple(
            (PAGE_FORMATS[name].media_type, f"{here}?format={name}") for name in _ALTERNATES
        ),
        prefixes=tuple(prefixes(state.options.base_iri).items()),
        root=prefix,
    )
    reply = await run(state, page_request, Lane.LIGHT)  # our own reads, about one resource
    if isinstance(reply, Response):
        return reply
    if reply.status != 200:
        return respond(reply)
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"', **dict(reply.headers)}
    if "Link" in dict(reply.headers):
        headers["Link"] = f'<{iri}>; rel="canonical", ' + dict(reply.headers)["Link"]
    if chosen == HTML:
        headers["Content-Security-Policy"] = HTML_POLICY
    return Response(reply.body, headers=headers, media_type=reply.media_type)


def _page_number(request: HttpRequest) -> int | None:
    """The ``?page=`` asked for (1 when absent), or None when it is not a page number."""
    number = request.query_params.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= 1_000_000:
        return None
    return int(number)


async def pathway(request: HttpRequest) -> Response:
    """A drug's interactive pathway picture (``pharmakg.visualise``), for the drug's page.

    The graph in memory is in the default base; the picture is drawn from it and then moved
    under the served base, so its IRIs and links are the served ones.
    """
    state = state_of(request)
    iri = _iri_of(request, state)
    if state.graph is None or iri is None:
        return text(404, "no pathway pictures for a store opened from disk")
    relative = iri[len(state.options.base_iri) + len("_pathway/") :]
    default_iri = DEFAULT_BASE + relative
    async with state.picture_lock:
        if default_iri not in state.pictures:
            try:
                state.pictures[default_iri] = await asyncio.to_thread(_picture, state, default_iri)
            except (UnknownEntityError, InputError):
                return text(404, f"<{iri}> is not a drug with a pathway")
    return Response(
        state.pictures[default_iri],
        headers={"Content-Security-Policy": _PICTURE_POLICY},
        media_type=HTML,
    )


def _picture(state: ServerState, drug: str) -> bytes:
    """The pathway of ``drug`` (an IRI in the default base) as HTML, under the served base."""
    assert state.graph is not None  # noqa: S101 - pictures need the graph in memory
    drawn = build_pathway(state.graph, drug)
    return render(rebase_model(drawn, state.options.base_iri), "html")
