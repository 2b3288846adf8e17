"""What the endpoint says about itself: its SPARQL 1.1 Service Description, and the named queries.

``GET /sparql`` without a query answers the `Service Description
<https://www.w3.org/TR/sparql11-service-description/>`_ (or, for a browser, the query page):
the formats, the dataset and its named graphs with their sizes, and every named query
(``queries/*.rq``) as a SHACL SPARQL executable under ``<base>sparql-examples/NAME``, the way
the SIB examples are published. The named queries are offered with their IRIs moved under
the served base (:func:`pharmakg.rebase.rebase_query`), so each finds in the served data
what the ``.rq`` file finds under the default base.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from .._query import list_queries
from ..rebase import rebase_query
from ..store.text import query_form
from .pages import example_page, query_page
from .pool import Lane
from .protocol import GRAPH_FORMATS, HTML, negotiate, parse_accept, rdf_format
from .state import HTML_POLICY, ServerState, endpoint, prefixes, root, text

__all__ = [
    "EXAMPLES",
    "SD",
    "example",
    "examples",
    "lane_of",
    "service_description",
    "service_page",
]

SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS_NS = "http://www.w3.org/ns/formats/"
#: Where the named queries live as SHACL SPARQL executables (in the service description).
EXAMPLES = "sparql-examples/"
#: What the service description is offered as.
_GRAPH_OFFERS = [f.media_type for f in GRAPH_FORMATS]


@functools.cache
def examples(base_iri: str) -> tuple[dict[str, str], ...]:
    """The named queries as this server offers them: their IRIs under ``base_iri``.

    The same text goes into the service description (SIB examples) and the query page, and
    it finds in the served data what the ``.rq`` file finds under the default base
    (:func:`~pharmakg.rebase.rebase_query`).
    """
    out = []
    for info in list_queries():
        if info.path is None:
            continue
        query = rebase_query(info.path.read_text(encoding="utf-8"), base_iri)
        out.append(
            {
                "name": info.name,
                "title": info.title,
                "description": info.description,
                "query": query,
                "form": query_form(query).lower(),
            }
        )
    return tuple(out)


def service_description(state: ServerState, url: str) -> list[ox.Triple]:
    """The service description of the endpoint at ``url``, the named queries included."""
    n = ox.NamedNode
    rdf_type = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = n(url)
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
    for example in examples(state.options.base_iri):
        node = n(state.options.base_iri + EXAMPLES + example["name"])
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


def lane_of(query: str, state: ServerState) -> Lane:
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
    return frozenset(_trimmed(example["query"]) for example in examples(base_iri))


def service_page(request: HttpRequest, state: ServerState) -> Response:
    """The service description in an RDF format, or for a browser the query page."""
    accept = request.headers.get("accept")
    chosen = negotiate(accept, [*_GRAPH_OFFERS, HTML])
    url = endpoint(request, state.options)
    if chosen == HTML and parse_accept(accept)[0].type != "*":
        page = query_page(examples(state.options.base_iri), endpoint=url, root=root(state.options))
        return Response(
            page,
            headers={"Content-Security-Policy": HTML_POLICY, "Vary": "Accept"},
            media_type=HTML,
        )
    if chosen is None or chosen == HTML:
        chosen = _GRAPH_OFFERS[0] if chosen is None and "*/*" in (accept or "*/*") else chosen
    if chosen is None:
        return text(406, "the service description is offered as " + ", ".join(_GRAPH_OFFERS))
    fmt = rdf_format(chosen)
    body = ox.serialize(
        service_description(state, url), format=fmt, prefixes=prefixes(state.options.base_iri)
    )
    return Response(body, headers={"Vary": "Accept"}, media_type=fmt.media_type)


def example(request: HttpRequest, state: ServerState, iri: str, media_type: str) -> Response:
    """A named query's own IRI: its part of the service description, or a page with its text."""
    name = iri[len(state.options.base_iri + EXAMPLES) :]
    offered = {e["name"]: e for e in examples(state.options.base_iri)}
    if name not in offered:
        return text(404, f"no named query {name!r} on this server")
    url = endpoint(request, state.options)
    if media_type == HTML:
        page = example_page(offered[name], endpoint=url, root=root(state.options))
        headers = {"Vary": "Accept", "Content-Security-Policy": HTML_POLICY}
        return Response(page, headers=headers, media_type=HTML)
    node = ox.NamedNode(iri)
    triples = [t for t in service_description(state, url) if t.subject == node]
    fmt = rdf_format(media_type)
    body = ox.serialize(triples, format=fmt, prefixes=prefixes(state.options.base_iri))
    return Response(body, headers={"Vary": "Accept"}, media_type=fmt.media_type)
