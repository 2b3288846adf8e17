"""Any SPARQL 1.1 server, read through the Protocol and written through the Graph Store Protocol.

* Reading: `SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_, a POST of the
  form ``query=…``; SELECT and ASK answers are read as SPARQL Results JSON, CONSTRUCT and
  DESCRIBE as N-Triples. Parameters are bound by a ``VALUES`` block placed first in the
  query's WHERE group (the Protocol has no bindings of its own).
* Writing: `SPARQL 1.1 Graph Store HTTP Protocol <https://www.w3.org/TR/sparql11-http-rdf-update/>`_,
  ``PUT`` replaces a named graph, ``POST`` adds to it, ``?default`` names the default graph.

The Graph Store endpoint is another URL on most servers. By default it is the query URL with
a last segment ``query`` or ``sparql`` replaced by ``store`` (``oxigraph serve``'s layout);
give it for other servers (Fuseki: ``http://host:3030/DATASET/data``).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.term import Node

from ..errors import InputError, StoreError
from ..model import GraphResult, QueryResult
from .terms import solutions_result, to_oxigraph_term
from .text import where_group_start

__all__ = ["SparqlStore", "graph_store_url"]

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def graph_store_url(query_url: str) -> str:
    """The Graph Store Protocol URL beside ``query_url`` (``…/query`` → ``…/store``)."""
    head, _, last = query_url.rstrip("/").rpartition("/")
    if last in ("query", "sparql") and head:
        return f"{head}/store"
    return query_url


def bind_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """``sparql`` with ``bindings`` as a ``VALUES`` block first in its WHERE group."""
    if not bindings:
        return sparql
    names = sorted(bindings)
    for name in names:
        if isinstance(bindings[name], BNode):
            raise InputError(f"a blank node cannot be sent as parameter {name!r}", term=name)
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(str(to_oxigraph_term(bindings[name])) for name in names)
    at = where_group_start(sparql)
    return f"{sparql[:at]} VALUES ({variables}) {{ ({values}) }} {sparql[at:]}"


class SparqlStore:
    """A SPARQL 1.1 server at ``url`` (its query endpoint)."""

    name = "sparql"

    def __init__(self, url: str, *, graph_store: str | None = None, timeout: float = 300) -> None:
        if not url.startswith(("http://", "https://")):
            raise StoreError(f"not an http(s) URL: {url!r}", term=url)
        self.url = url
        self.location = f"sparql:{url}"
        self.graph_store = graph_store or graph_store_url(url)
        self.timeout = timeout

    def _request(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) checked in __init__
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as error:
            with error:
                detail = error.read().decode("utf-8", "replace").strip().splitlines()
            why = detail[0] if detail else error.reason
            raise StoreError(
                f"{request.get_method()} {request.full_url} answered {error.code}: {why}",
                term=request.full_url,
            ) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(
                f"cannot reach the SPARQL server {request.full_url}: {reason}",
                term=request.full_url,
            ) from error

    def _post_query(self, sparql: str, accept: str) -> bytes:
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - http(s) checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        return self._request(request)

    def __len__(self) -> int:
        result = self.query(_COUNT)
        return int(str(result.rows[0][0]))

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Answer a SELECT or ASK query; ``bindings`` are sent as a ``VALUES`` block."""
        body = self._post_query(bind_values(sparql, bindings or {}), _RESULTS_JSON)
        try:
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreError(f"{self.url} answered no SPARQL JSON results: {error}") from error
        return solutions_result(parsed)

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> GraphResult:
        """Answer a CONSTRUCT or DESCRIBE query with its triples."""
        body = self._post_query(bind_values(sparql, bindings or {}), _NTRIPLES)
        return GraphResult(body)

    def dump(self) -> bytes:
        """Every triple of the default graph, as N-Triples."""
        return self.construct(_ALL).ntriples

    def put_graph(self, graph_iri: str | None, data: bytes, *, replace: bool) -> None:
        """Write N-Triples ``data`` into ``graph_iri`` (None: the default graph).

        ``replace``: PUT (the graph becomes ``data``); otherwise POST (``data`` is added).
        """
        query = "default" if graph_iri is None else urllib.parse.urlencode({"graph": graph_iri})
        request = urllib.request.Request(  # noqa: S310 - http(s) checked in __init__
            f"{self.graph_store}?{query}",
            data=data,
            method="PUT" if replace else "POST",
            headers={"Content-Type": _NTRIPLES},
        )
        self._request(request)

    def load_rdf(self, data: bytes, media_type: str, base_iri: str | None = None) -> None:
        """Add the triples of ``data`` to the server's default graph."""
        if media_type != _NTRIPLES:
            fmt = ox.RdfFormat.from_media_type(media_type)
            if fmt is None:
                raise InputError(f"cannot read {media_type}", term=media_type)
            quads = ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True)
            data = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""
        self.put_graph(None, data, replace=False)

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of ``graph`` to the server's default graph."""
        self.put_graph(None, graph.serialize(format="nt", encoding="utf-8"), replace=False)

    def remove_triples(self, triples: Collection[tuple[Node, Node, Node]]) -> None:
        """Refused: pharmakg changes a server only by whole graphs (``publish``)."""
        raise StoreError(
            "pharmakg does not remove triples from a server; publish the graphs again",
            term=self.location,
        )

    def flush(self) -> None:
        """Nothing to write: every request is already sent."""
