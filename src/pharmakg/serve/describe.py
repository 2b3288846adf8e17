"""A resource's linked-data page, read and written in a query worker, one page at a time.

A page holds at most ``page_size`` of the resource's outgoing links and as many incoming
ones (``?page=N`` gives the next), with what explains them: the labels and types of the
nodes shown, the blank nodes and sub-resources it names, and the claims behind each link
(basis, quoted words, citations). Everything is read from the store's indexes with bound
patterns (pyoxigraph's ``quads_for_pattern``), lazily, and each read stops at its cap, so
a page costs the same on the monograph and on a graph of a million triples, whatever the
resource (a class with a million instances included). It runs in the worker, under the
server's time limit, never on the server's event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from .pages import Neighbourhood, entity_page
from .protocol import HTML, rdf_format

__all__ = ["PAGE_SIZE", "PageRequest", "read_page", "render_page"]

#: Links per page, each way.
PAGE_SIZE = 200
#: Claims read about the resource, each way (as subject, as object), to explain its links.
CLAIM_CAP = 2000
#: Labels, types or facts read about one node shown on the page.
NODE_CAP = 50

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

Node = ox.NamedNode | ox.BlankNode
Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class PageRequest:
    """One page of a resource, for a worker to read and write.

    :param iri: the resource.
    :param base: the served base IRI (``pkg:`` is ``<base>ontology/``).
    :param media_type: ``text/html`` or an RDF media type pyoxigraph writes.
    :param page: 1-based.
    :param picture: the URL of the pathway picture, shown if the resource is a drug.
    :param alternates: (media type, URL) of this page's other formats, for the HTML.
    :param prefixes: prefixes for the RDF formats.
    :param root: the path the server is reached under, for the page's links.
    """

    iri: str
    base: str
    media_type: str
    page: int = 1
    page_size: int = PAGE_SIZE
    picture: str | None = None
    alternates: tuple[tuple[str, str], ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    root: str = ""


@dataclass(frozen=True)
class Page:
    """The triples of one page, and whether another page follows."""

    triples: tuple[ox.Triple, ...]
    has_more: bool
    claims_capped: bool
    empty: bool = False


class _Reader:
    """Bound, capped reads over the store's public graphs (every graph but ``hidden``)."""

    def __init__(self, store: ox.Store, hidden: frozenset[str]) -> None:
        self.store = store
        self.hidden = hidden
        self.triples: dict[ox.Triple, None] = {}

    def read(
        self,
        s: Node | None,
        p: ox.NamedNode | None,
        o: ox.NamedNode | ox.BlankNode | ox.Literal | None,
    ) -> Iterator[ox.Triple]:
        seen: set[ox.Triple] = set()
        for quad in self.store.quads_for_pattern(s, p, o):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in self.hidden:
                continue
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            if triple not in seen:  # the same triple in several graphs is one triple
                seen.add(triple)
                yield triple

    def keep(self, triples: Iterator[ox.Triple], cap: int) -> list[ox.Triple]:
        kept = list(islice(triples, cap))
        self.triples.update(dict.fromkeys(kept))
        return kept


def read_page(store: ox.Store, request: PageRequest, hidden: frozenset[str]) -> Page:
    """The triples that describe ``request.iri`` on ``request.page``."""
    entity = ox.NamedNode(request.iri)
    reader = _Reader(store, hidden)
    size, offset = request.page_size, (request.page - 1) * request.page_size
    outgoing = list(islice(reader.read(entity, None, None), offset, offset + size + 1))
    incoming = list(islice(reader.read(None, None, entity), offset, offset + size + 1))
    has_more = len(outgoing) > size or len(incoming) > size
    outgoing, incoming = outgoing[:size], incoming[:size]
    reader.triples.update(dict.fromkeys(outgoing + incoming))
    nodes: set[Node] = {entity, *(t.predicate for t in outgoing + incoming)}
    nodes |= {t.object for t in outgoing if isinstance(t.object, ox.NamedNode | ox.BlankNode)}
    nodes |= {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode | ox.BlankNode)}
    for node in nodes:
        reader.keep(reader.read(node, RDFS_LABEL, None), NODE_CAP)
        reader.keep(reader.read(node, RDF_TYPE, None), NODE_CAP)
    for triple in outgoing:  # blank nodes and sub-resources it names: their own facts
        part = triple.object
        if isinstance(part, ox.BlankNode) or (
            isinstance(part, ox.NamedNode) and part.value.startswith(request.iri + "/")
        ):
            reader.keep(reader.read(part, None, None), NODE_CAP)
    before = len(reader.triples)
    more_claims, capped = _read_claims(
        reader, entity, outgoing + incoming, (offset, size), request.base + "ontology/"
    )
    # Past the last page nothing is listed, though the resource's labels were read.
    empty = not outgoing and not incoming and len(reader.triples) == before
    return Page(tuple(reader.triples), has_more or more_claims, capped, empty)


def _read_claims(
    reader: _Reader,
    entity: ox.NamedNode,
    links: list[ox.Triple],
    window: tuple[int, int],
    pkg: str,
) -> tuple[bool, bool]:
    """Read the claims about ``entity``: this page's window of them, and those behind ``links``.

    Returns whether more claims follow the window, and whether the search for the claims
    behind the links stopped at :data:`CLAIM_CAP`.
    """
    offset, size = window
    subject_of, object_of = ox.NamedNode(pkg + "claimSubject"), ox.NamedNode(pkg + "claimObject")
    predicate_of = ox.NamedNode(pkg + "claimPredicate")
    shown = {(t.subject, t.predicate, t.object) for t in links}
    more = capped = False
    kept: set[Node] = set()
    for role, entity_is_subject in ((subject_of, True), (object_of, False)):
        # One read serves the page's window and the search for the claims behind its links.
        about = [
            record.subject
            for record in islice(reader.read(None, role, entity), max(CLAIM_CAP, offset + size) + 1)
            if isinstance(record.subject, ox.NamedNode | ox.BlankNode)
        ]
        windowed = about[offset : offset + size + 1]
        more |= len(windowed) > size
        capped |= len(about) > CLAIM_CAP
        other_role = object_of if entity_is_subject else subject_of
        behind_links = [
            claim
            for claim in about[:CLAIM_CAP]
            if _claim_link_shown(
                reader, claim, (entity, entity_is_subject), (other_role, predicate_of), shown
            )
        ]
        for claim in windowed[:size] + behind_links:
            if claim not in kept:
                kept.add(claim)
                _keep_claim(reader, claim, pkg)
    supported = ox.NamedNode(pkg + "supportedBy")
    for record in islice(reader.read(entity, supported, None), NODE_CAP):
        if isinstance(record.object, ox.NamedNode | ox.BlankNode):
            _keep_claim(reader, record.object, pkg)
    return more, capped


def _claim_link_shown(
    reader: _Reader,
    claim: Node,
    entity: tuple[ox.NamedNode, bool],
    roles: tuple[ox.NamedNode, ox.NamedNode],
    shown: set[tuple[Any, Any, Any]],
) -> bool:
    """Whether ``claim`` is about one of the links shown.

    ``entity``: the resource, and whether it is the claims' subject; ``roles``: the property
    of the claim's other end, and ``pkg:claimPredicate``.
    """
    node, is_subject = entity
    other_role, predicate_of = roles
    others = [t.object for t in islice(reader.read(claim, other_role, None), NODE_CAP)]
    predicates = [t.object for t in islice(reader.read(claim, predicate_of, None), 5)]
    ends = [(node, o) if is_subject else (o, node) for o in others]
    return any((s, p, o) in shown for s, o in ends for p in predicates)


def _keep_claim(reader: _Reader, claim: Node, pkg: str) -> None:
    """A claim's facts, its references' labels and numbers, its bases' labels."""
    facts = reader.keep(reader.read(claim, None, None), NODE_CAP)
    for fact in facts:
        if fact.predicate.value in (pkg + "citation", pkg + "basis", pkg + "citationBasis"):
            target = fact.object
            if isinstance(target, ox.NamedNode | ox.BlankNode):
                reader.keep(reader.read(target, RDFS_LABEL, None), NODE_CAP)
                number = ox.NamedNode(pkg + "citationNumber")
                reader.keep(reader.read(target, number, None), NODE_CAP)


def render_page(request: PageRequest, page: Page) -> tuple[bytes, str]:
    """The page in its media type: the body, and the media type written."""
    if request.media_type != HTML:
        fmt = rdf_format(request.media_type)
        body = ox.serialize(list(page.triples), format=fmt, prefixes=dict(request.prefixes))
        return body or b"", fmt.media_type
    hood = Neighbourhood.from_triples(request.iri, request.base, page.triples, root=request.root)
    drug = request.base + "ontology/Drug"
    picture = request.picture if drug in hood.types.get(request.iri, []) else None
    html = entity_page(
        hood,
        picture=picture,
        alternates=request.alternates,
        page=request.page,
        has_more=page.has_more,
        claims_capped=page.claims_capped,
    )
    return html.encode("utf-8"), HTML
