"""The HTML pages: a resource's linked-data page and the query page. Everything is escaped.

A page is built from the triples :mod:`pharmakg.serve.describe` reads about a resource,
never from files: labels, types, identifiers linked to their
resolvers, match kinds, then every outgoing and incoming link with the claims behind it
(basis, quoted words, citations).
"""

from __future__ import annotations

import functools
import html
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .._visualise import resolver_url

__all__ = ["Neighbourhood", "entity_page", "example_page", "query_page"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
_MATCH_KINDS = {
    SKOS + "exactMatch": "exact match",
    SKOS + "closeMatch": "close match",
    SKOS + "broadMatch": "broad match",
    SKOS + "narrowMatch": "narrow match",
    SKOS + "relatedMatch": "related match",
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-size:.9em}.iri{color:#555;word-break:break-all}
blockquote{margin:.2rem 0;color:#444;font-style:italic}nav a{margin-right:1rem}
iframe{width:100%;height:42rem;border:1px solid #ccc}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Neighbourhood:
    """The triples describing one resource, indexed for the page."""

    iri: str
    base: str
    root: str = ""
    outgoing: list[tuple[str, Term]] = field(default_factory=list)
    incoming: list[tuple[Term, str]] = field(default_factory=list)
    labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    facts: dict[str, dict[str, list[Term]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    @classmethod
    def from_triples(
        cls, iri: str, base: str, triples: Iterable[ox.Triple | ox.Quad], *, root: str = ""
    ) -> Neighbourhood:
        """Index ``triples`` (one page, :func:`~pharmakg.serve.describe.read_page`) by ``iri``."""
        hood = cls(iri=iri, base=base, root=root)
        seen: set[tuple[str, str, str]] = set()
        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            key = (str(s), str(p), str(o))
            if key in seen:
                continue
            seen.add(key)
            hood.facts[_key(s)][p.value].append(o)
            if p.value == RDFS + "label" and isinstance(o, ox.Literal):
                hood.labels[_key(s)].append(o.value)
            if p.value == RDF_TYPE:
                hood.types[_key(s)].append(_key(o))
            if isinstance(s, ox.NamedNode) and s.value == iri:
                hood.outgoing.append((p.value, o))
            if isinstance(o, ox.NamedNode) and o.value == iri:
                hood.incoming.append((s, p.value))
        return hood

    @property
    def pkg(self) -> str:
        """The ontology namespace under this server's base."""
        return self.base + "ontology/"

    def label(self, node: Term | str) -> str:
        """The node's label, else a short form of its IRI."""
        key = node if isinstance(node, str) else _key(node)
        labels = sorted(self.labels.get(key, []))
        if labels:
            return labels[0]
        if key.startswith(self.base):
            return key[len(self.base) :]
        return key.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or key

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: this server for its own IRIs, else the IRI itself."""
        if iri.startswith(self.base):
            return self.root + "/" + iri[len(self.base) :]
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    def link(self, node: Term | str) -> str:
        """An ``<a>`` to the node (or its escaped text when it is a literal or blank)."""
        if isinstance(node, ox.Literal):
            return _literal(node)
        key = node if isinstance(node, str) else _key(node)
        target = self.href(key)
        text = _e(self.label(node))
        if target is None:
            return text
        return f'<a href="{_e(target)}" title="{_e(key)}">{text}</a>'

    def claims_for(self, s: str, p: str, o: str) -> list[str]:
        """The claims whose subject, predicate and object are ``s``, ``p``, ``o``."""
        return self._claims_by_link.get((s, p, o), [])

    @functools.cached_property
    def _claims_by_link(self) -> dict[tuple[str, str, str], list[str]]:
        """Every claim under its (subject, predicate, object), read once per page."""
        index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for claim, facts in self.facts.items():
            ends = [
                _values(facts, self.pkg + name)
                for name in ("claimSubject", "claimPredicate", "claimObject")
            ]
            if all(len(values) == 1 for values in ends):
                index[(ends[0][0], ends[1][0], ends[2][0])].append(claim)
        return {link: sorted(claims) for link, claims in index.items()}

    def evidence(self, claims: Sequence[str]) -> str:
        """Basis, quoted words and citations of ``claims``, as table cells."""
        if not claims:
            return "<td></td><td></td><td></td>"
        bases, quotes, citations = [], [], []
        for claim in claims:
            facts = self.facts.get(claim, {})
            for predicate in (self.pkg + "basis", self.pkg + "citationBasis"):
                bases += [self.link(b) for b in facts.get(predicate, [])]
            for reason in facts.get(self.pkg + "interpretationReason", []):
                bases.append(f"<small>{_literal(reason)}</small>")
            quotes += [
                f"<blockquote>{_literal(q)}</blockquote>"
                for q in facts.get(self.pkg + "statementText", [])
            ]
            for ref in facts.get(self.pkg + "citation", []):
                numbers = self.facts.get(_key(ref), {}).get(self.pkg + "citationNumber", [])
                text = ", ".join(sorted(n.value for n in numbers if isinstance(n, ox.Literal)))
                target = self.href(_key(ref))
                title = _e(self.label(ref))
                shown = _e(f"[{text}]" if text else self.label(ref))
                citations.append(
                    f'<a href="{_e(target)}" title="{title}">{shown}</a>' if target else shown
                )
            claim_link = self.href(claim)
            if claim_link:
                citations.append(f'<a href="{_e(claim_link)}">claim</a>')
        return (
            f"<td>{'<br>'.join(dict.fromkeys(bases))}</td><td>{''.join(dict.fromkeys(quotes))}</td>"
            f"<td>{' '.join(dict.fromkeys(citations))}</td>"
        )


def _key(node: Term) -> str:
    if isinstance(node, ox.NamedNode):
        return node.value
    if isinstance(node, ox.BlankNode):
        return "_:" + node.value
    return str(node)


def _values(facts: dict[str, list[Term]], predicate: str) -> list[str]:
    return [_key(v) for v in facts.get(predicate, [])]


def _literal(literal: Term) -> str:
    if not isinstance(literal, ox.Literal):
        return _e(str(literal))
    text = _e(literal.value)
    if literal.language:
        return f'<span lang="{_e(literal.language)}">{text}</span>'
    return text


def _page(title: str, body: str, *, head: str = "", root: str = "") -> str:
    """A whole page; ``root`` is the path the server is reached under (behind a proxy)."""
    r = _e(root)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{_e(title)} · pharmakg</title><style>{_STYLE}</style>{head}</head><body>"
        f'<nav><a href="{r}/">dataset</a><a href="{r}/sparql">SPARQL query</a>'
        f'<a href="{r}/.well-known/void">VoID</a></nav>'
        f"{body}</body></html>\n"
    )


def _curie_link(value: Term) -> str:
    if isinstance(value, ox.Literal):
        url = resolver_url(value.value)
        return f'<a href="{_e(url)}"><code>{_e(value.value)}</code></a>'
    key = _key(value)
    return f'<a href="{_e(key)}"><code>{_e(key)}</code></a>' if key.startswith("http") else _e(key)


def entity_page(
    hood: Neighbourhood,
    *,
    picture: str | None = None,
    alternates: Sequence[tuple[str, str]] = (),
    page: int = 1,
    has_more: bool = False,
    claims_capped: bool = False,
) -> str:
    """The HTML page of ``hood.iri``; ``picture`` is the URL of its pathway picture, if any.

    ``page`` and ``has_more`` place it among the resource's pages of links;
    ``claims_capped`` says that not every claim about it was read to explain the links.
    """
    iri, pkg = hood.iri, hood.pkg
    outgoing_facts = hood.facts.get(iri, {})
    parts = [f"<h1>{_e(hood.label(iri))}</h1>", f'<p class="iri"><code>{_e(iri)}</code></p>']
    types = hood.types.get(iri, [])
    if types:
        parts.append("<p>Type: " + ", ".join(hood.link(t) for t in sorted(types)) + "</p>")
    identity = [(v, "exact match (identity)") for v in outgoing_facts.get(pkg + "id", [])]
    identity += [(v, "cross-reference") for v in outgoing_facts.get(pkg + "xref", [])]
    for predicate, kind in _MATCH_KINDS.items():
        identity += [(v, kind) for v in outgoing_facts.get(predicate, [])]
    if identity:
        rows = "".join(
            f"<tr><td>{_curie_link(v)}</td><td>{_e(kind)}</td></tr>" for v, kind in identity
        )
        header = "<tr><th>identifier</th><th>match kind</th></tr>"
        parts.append(f"<h2>Identifiers</h2><table>{header}{rows}</table>")
    shown = {RDF_TYPE, pkg + "id", pkg + "xref", *_MATCH_KINDS}
    literals = [(p, o) for p, o in hood.outgoing if isinstance(o, ox.Literal) and p not in shown]
    if literals:
        rows = "".join(
            f"<tr><td>{hood.link(p)}</td><td>{_literal(o)}</td></tr>"
            for p, o in sorted(literals, key=lambda x: (x[0], x[1].value))
        )
        parts.append(
            f"<h2>Properties</h2><table><tr><th>property</th><th>value</th></tr>{rows}</table>"
        )
    links = [(p, o) for p, o in hood.outgoing if not isinstance(o, ox.Literal) and p not in shown]
    if links:
        rows = "".join(
            f"<tr><td>{hood.link(p)}</td><td>{hood.link(o)}</td>"
            f"{hood.evidence(hood.claims_for(iri, p, _key(o)))}</tr>"
            for p, o in sorted(links, key=lambda x: (x[0], _key(x[1])))
        )
        parts.append(
            "<h2>Outgoing links</h2><table><tr><th>property</th><th>object</th><th>basis</th>"
            f"<th>statement</th><th>citations</th></tr>{rows}</table>"
        )
    incoming = [(s, p) for s, p in hood.incoming if p != RDF_TYPE]
    if incoming:
        rows = "".join(
            f"<tr><td>{hood.link(s)}</td><td>{hood.link(p)}</td>"
            f"{hood.evidence(hood.claims_for(_key(s), p, iri))}</tr>"
            for s, p in sorted(incoming, key=lambda x: (x[1], _key(x[0])))
        )
        parts.append(
            "<h2>Incoming links</h2><table><tr><th>subject</th><th>property</th><th>basis</th>"
            f"<th>statement</th><th>citations</th></tr>{rows}</table>"
        )
    members = sorted(_key(s) for s, p in hood.incoming if p == RDF_TYPE)
    if members:
        items = "".join(f"<li>{hood.link(m)}</li>" for m in members)
        parts.append(f"<h2>Instances</h2><ul>{items}</ul>")
    parts.append(_pager(page, has_more, claims_capped))
    if picture:
        parts.append(
            f'<h2>Pathway</h2><iframe src="{_e(picture)}" sandbox="allow-scripts allow-downloads" '
            f'title="pathway of {_e(hood.label(iri))}"></iframe>'
        )
    if alternates:
        items = " · ".join(f'<a href="{_e(href)}">{_e(name)}</a>' for name, href in alternates)
        parts.append(f"<p>This page as {items}.</p>")
    head = "".join(
        f'<link rel="alternate" type="{_e(kind)}" href="{_e(href)}">' for kind, href in alternates
    )
    return _page(hood.label(iri), "".join(parts), head=head, root=hood.root)


def _pager(page: int, has_more: bool, claims_capped: bool) -> str:
    """Links to the previous and next pages of links, and a word on capped evidence."""
    links = []
    if page > 1:
        links.append(f'<a rel="prev" href="?page={page - 1}">&lsaquo; page {page - 1}</a>')
    if has_more:
        links.append(f'<a rel="next" href="?page={page + 1}">page {page + 1} &rsaquo;</a>')
    text = f"<nav>{' '.join(links)}</nav>" if links else ""
    if claims_capped:
        text += (
            "<p><small>This resource has more claims than a page reads; the evidence shown "
            "may be incomplete. The SPARQL endpoint has them all.</small></p>"
        )
    return text


def _script_json(data: object) -> str:
    text = json.dumps(data, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def query_page(examples: Sequence[dict[str, str]], *, endpoint: str, root: str = "") -> str:
    """The query page: YASGUI (vendored, offline) with one tab per named query."""
    config = {"endpoint": endpoint, "examples": list(examples)}
    r = _e(root)
    head = (
        f'<link rel="stylesheet" href="{r}/_static/yasgui.min.css">'
        f'<script src="{r}/_static/yasgui.min.js" defer></script>'
        f'<script src="{r}/_static/query.js" defer></script>'
    )
    body = (
        "<h1>SPARQL query</h1><p>The named queries are loaded as tabs; the endpoint is "
        f"<code>{_e(endpoint)}</code>.</p>"
        f'<script type="application/json" id="pharmakg-config">{_script_json(config)}</script>'
        '<div id="yasgui"></div>'
    )
    return _page("SPARQL query", body, head=head, root=root)


def example_page(example: dict[str, str], *, endpoint: str, root: str = "") -> str:
    """A named query's page: its title, what it answers, and its text to copy or run."""
    body = (
        f"<h1>{_e(example['title'])}</h1><p>{_e(example['description'])}</p>"
        f"<pre><code>{_e(example['query'])}</code></pre>"
        f'<p>Run it on <a href="{_e(endpoint)}">the SPARQL endpoint</a>, where it is one of '
        "the query page's tabs.</p>"
    )
    return _page(example["title"], body, root=root)
