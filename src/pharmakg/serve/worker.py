"""The query worker: one process that owns a pyoxigraph store and answers one request at a time.

pyoxigraph cannot interrupt a query inside the process (``engines.md``: an aggregate ignores
signals until it finishes), so every query runs in a worker that the server can kill. Workers
are forked from one template process (:mod:`pharmakg.serve.template`), which holds the
in-memory store. The server (:mod:`pharmakg.serve.pool`) talks to a worker over a socket pair
with :mod:`multiprocessing`'s framing; requests and replies are the frozen dataclasses below.

The worker chooses the response format itself, once it knows the query's form (SELECT and
ASK: SPARQL results; CONSTRUCT and DESCRIBE: RDF), among the registry's formats
(:mod:`pharmakg.serve.protocol`), and lets pyoxigraph write it. It stops writing once the
reply passes its byte cap.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..errors import QuerySyntaxError
from ..store.text import ParsedSparql, parse_sparql, service_refusal
from .data import HIDDEN_GRAPHS
from .describe import PageRequest, read_page, render_page
from .protocol import RDF_FORMATS, RESULT_FORMATS, TEXT, bare, pick, rdf_format, results_format

__all__ = [
    "GraphWrite",
    "Reply",
    "Request",
    "UpdateRequest",
    "answer",
    "apply_update",
    "describe_page",
    "public_graphs",
    "serve_requests",
    "write_graph",
]


@dataclass(frozen=True)
class Request:
    """One query for a worker.

    :param default_graphs: the ``default-graph-uri`` values (``""`` is the store's own default
        graph); with ``named_graphs`` both None, the default graph is the union of every graph.
    :param substitutions: variable name -> IRI, bound with pyoxigraph's ``substitutions``.
    :param accept: the client's ``Accept`` header.
    :param max_bytes: the reply's size cap.
    :param service_allow: endpoint IRI prefixes a SERVICE clause may call (none by default).
    """

    query: str
    accept: str | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    substitutions: tuple[tuple[str, str], ...] = ()
    max_bytes: int = 64 * 1024 * 1024
    base_iri: str | None = None
    prefixes: tuple[tuple[str, str], ...] = ()
    service_allow: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphWrite:
    """A Graph Store Protocol write on an in-memory store, then a dump as for an update.

    :param method: ``PUT`` (replace the graph), ``POST`` (add to it) or ``DELETE``.
    :param graph: the graph's IRI; None for the default graph.
    :param media_type: the body's RDF format.
    """

    method: str
    graph: str | None
    data: bytes
    media_type: str
    dump: Path


@dataclass(frozen=True)
class UpdateRequest:
    """A SPARQL Update for an in-memory store; the worker then writes the store to ``dump``."""

    update: str
    dump: Path
    service_allow: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """A worker's answer: an HTTP status, a media type, the body, and headers to add."""

    status: int
    media_type: str
    body: bytes = field(repr=False)
    headers: tuple[tuple[str, str], ...] = ()


class _ReplyTooLarge(Exception):
    """A result grew past the server's result cap while it was being written."""


class _CappedBuffer:
    """A write-only buffer that raises once more than ``limit`` bytes are written."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _ReplyTooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts stay in memory."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _text(status: int, message: str) -> Reply:
    return Reply(status, TEXT, message.encode("utf-8") + b"\n")


def _checked(
    text: str,
    allowed: tuple[str, ...],
    *,
    base_iri: str | None = None,
    prefixes: tuple[tuple[str, str], ...] = (),
    update: bool = False,
) -> ParsedSparql | Reply:
    """The real parse of ``text``, or the reply that refuses it (400 syntax, 403 SERVICE).

    Here, in the worker and under the time limit, never on the server's event loop: a large
    request takes the grammar about a second per MiB.
    """
    try:
        parsed = parse_sparql(text, base_iri=base_iri, prefixes=dict(prefixes), update=update)
    except QuerySyntaxError as error:
        return _text(400, f"malformed {'update' if update else 'query'}: {error}")
    refusal = service_refusal(parsed, allowed)
    return _text(403, refusal) if refusal else parsed


def _dataset_options(request: Request, public: list[ox.NamedNode] | None) -> dict[str, object]:
    """The dataset options pyoxigraph takes for the protocol's default and named graphs.

    ``public`` lists the named graphs to serve when the store also has hidden ones (None:
    every graph is public).
    """
    if request.default_graphs is None and request.named_graphs is None:
        if public is None:
            return {"use_default_graph_as_union": True}
        return {"default_graph": [ox.DefaultGraph(), *public], "named_graphs": public}
    hidden = {*(request.default_graphs or ()), *(request.named_graphs or ())} & HIDDEN_GRAPHS
    if hidden:
        raise ValueError(f"<{sorted(hidden)[0]}> is not a graph of this dataset")
    return {
        "default_graph": [
            ox.NamedNode(g) if g else ox.DefaultGraph() for g in request.default_graphs or ()
        ],
        "named_graphs": [ox.NamedNode(g) for g in request.named_graphs or ()],
    }


def public_graphs(store: ox.Store) -> list[ox.NamedNode] | None:
    """The named graphs to serve if ``store`` has a hidden one, else None (serve all)."""
    graphs = list(store.named_graphs())
    if not any(isinstance(g, ox.NamedNode) and g.value in HIDDEN_GRAPHS for g in graphs):
        return None
    return [g for g in graphs if isinstance(g, ox.NamedNode) and g.value not in HIDDEN_GRAPHS]


def answer(store: ox.Store, request: Request, public: list[ox.NamedNode] | None = None) -> Reply:
    """Parse ``request``'s query, run it on ``store`` and serialise the negotiated format.

    :param public: the named graphs to serve (see :func:`public_graphs`).
    """
    checked = _checked(
        request.query,
        request.service_allow,
        base_iri=request.base_iri,
        prefixes=request.prefixes,
    )
    if isinstance(checked, Reply):
        return checked
    try:
        options = _dataset_options(request, public)
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): ox.NamedNode(v) for k, v in request.substitutions
        }
    except ValueError as error:  # pyoxigraph's IRI check: a client's graph or resource IRI
        return _text(400, f"not a valid IRI: {error}")
    try:
        result = store.query(
            request.query,
            base_iri=request.base_iri,
            prefixes=dict(request.prefixes) or None,
            substitutions=substitutions or None,
            **options,  # type: ignore[arg-type]
        )
    except SyntaxError as error:
        return _text(400, f"malformed query: {error}")
    except (ValueError, OSError, RuntimeError) as error:
        return _text(400, f"query refused: {error}")
    graph = isinstance(result, ox.QueryTriples)
    formats = RDF_FORMATS if graph else RESULT_FORMATS
    chosen = pick(request.accept, formats)
    if chosen is None:
        offered = ", ".join(bare(f.media_type) for f in formats)
        kind = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
        return _text(406, f"no acceptable format for a {kind} result; offered: {offered}")
    writer = rdf_format(chosen) if graph else results_format(chosen)
    buffer = _CappedBuffer(request.max_bytes)
    try:
        result.serialize(buffer, format=writer)  # type: ignore[arg-type]
    except _ReplyTooLarge:
        return _text(
            503,
            f"the result is larger than the server's cap of {request.max_bytes} bytes; "
            "narrow the query or add a LIMIT",
        )
    except (ValueError, OSError, RuntimeError) as error:
        return _text(500, f"query failed during evaluation: {error}")
    return Reply(200, chosen.media_type, buffer.getvalue())


def apply_update(store: ox.Store, request: UpdateRequest) -> Reply:
    """Apply ``request`` to ``store`` and write the whole store as N-Quads to its dump file."""
    checked = _checked(request.update, request.service_allow, update=True)
    if isinstance(checked, Reply):
        return checked
    try:
        store.update(request.update)
    except SyntaxError as error:
        return _text(400, f"malformed update: {error}")
    except (ValueError, OSError, RuntimeError) as error:
        return _text(400, f"update refused: {error}")
    store.dump(output=str(request.dump), format=ox.RdfFormat.N_QUADS)
    return _text(200, f"update applied; the store holds {len(store)} quads")


def write_graph(store: ox.Store, request: GraphWrite) -> Reply:
    """Apply a Graph Store Protocol write to ``store`` and dump the store as for an update."""
    try:
        target: ox.NamedNode | ox.DefaultGraph = (
            ox.DefaultGraph() if request.graph is None else ox.NamedNode(request.graph)
        )
    except ValueError as error:
        return _text(400, f"not a valid graph IRI: {error}")
    exists = isinstance(target, ox.DefaultGraph) or store.contains_named_graph(target)
    fmt = None
    if request.method != "DELETE":
        fmt = ox.RdfFormat.from_media_type(request.media_type)
        if fmt is None or fmt.supports_datasets:
            return _text(415, f"unsupported RDF graph format {request.media_type!r}")
    if request.method == "DELETE" and not exists:
        return _text(404, f"no graph <{request.graph}>")
    if request.method in ("PUT", "DELETE"):
        if isinstance(target, ox.DefaultGraph):
            store.clear_graph(target)
        elif exists:
            store.remove_graph(target)
    if fmt is not None:
        try:
            store.load(request.data, format=fmt, to_graph=target)
        except SyntaxError as error:
            return _text(400, f"the body does not parse: {error}")
    store.dump(output=str(request.dump), format=ox.RdfFormat.N_QUADS)
    status = 201 if request.method != "DELETE" and not exists else 200
    return _text(status, f"done; the store holds {len(store)} quads")


def describe_page(store: ox.Store, request: PageRequest) -> Reply:
    """One page of a resource's linked data (404 if the dataset does not know it)."""
    try:
        page = read_page(store, request, HIDDEN_GRAPHS)
    except ValueError as error:
        return _text(400, f"not a valid IRI: {error}")
    if page.empty:
        return _text(404, f"<{request.iri}> is not in this dataset (page {request.page})")
    body, media_type = render_page(request, page)
    links = []
    if page.has_more:
        links.append(f'<?page={request.page + 1}>; rel="next"')
    if request.page > 1:
        links.append(f'<?page={request.page - 1}>; rel="prev"')
    headers = (("Link", ", ".join(links)),) if links else ()
    return Reply(200, media_type, body, headers)


def _answer_one(store: ox.Store, request: object, public: list[ox.NamedNode] | None) -> Reply:
    try:
        if isinstance(request, PageRequest):
            return describe_page(store, request)
        if isinstance(request, UpdateRequest):
            return apply_update(store, request)
        if isinstance(request, GraphWrite):
            return write_graph(store, request)
        if isinstance(request, Request):
            return answer(store, request, public)
        return _text(500, f"the query worker got a {type(request).__name__}")
    except MemoryError:
        return _text(503, "the query needed more memory than this server allows a query")
    except Exception as error:  # a bug must not take the worker down silently
        return _text(500, f"internal error in the query worker: {error!r}")


def serve_requests(connection: Connection, store: ox.Store) -> None:
    """The worker's loop: say ``ready``, then answer requests until EOF."""
    public = public_graphs(store)
    connection.send_bytes(b"ready")
    while True:
        try:
            data = connection.recv_bytes()
        except (EOFError, OSError):
            break
        request = pickle.loads(data)  # noqa: S301 - only the server that forked us writes here
        reply = _answer_one(store, request, public)
        try:
            connection.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, OSError):
            break
