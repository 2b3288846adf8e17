"""RDF serialisations: Turtle, N-Triples, RDF/XML (single graph) and N-Quads, TriG (named graphs).

Every writer takes canonical graphs and a base IRI, moves the graphs under the base, binds the
one prefix map and writes in sorted order, so the same input gives the same bytes.
"""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..errors import UnknownFormatError
from ..formats import Format, Kind, find
from ..store import to_oxigraph_term
from .jsonld import compact_jsonld
from .release import Release, release_prefixes, triple_key

__all__ = ["quads", "serialize", "sorted_lines"]

#: Characters that ``str.splitlines`` (and so some N-Triples readers, pyld's among them) take
#: for line ends. rdflib writes them raw inside literals; they are written as ``\uXXXX``
#: escapes instead, which every N-Triples parser reads back as the same term.
_LINE_SEPARATORS = {c: f"\\u{ord(c):04X}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
_ESCAPE_SEPARATORS = str.maketrans(_LINE_SEPARATORS)


def sorted_lines(text: str) -> str:
    """N-Triples or N-Quads ``text`` with its lines sorted and line separators escaped."""
    text = text.translate(_ESCAPE_SEPARATORS)
    lines = sorted(line for line in text.split("\n") if line.strip())
    return "\n".join(lines) + "\n"


def serialize(graph: Graph, fmt: Format | str, base_iri: str) -> str:
    """Serialise a graph that is already under ``base_iri`` (see :meth:`Release.rebased`).

    N-Triples lines are sorted; JSON-LD is compacted with the release's context.

    :raises UnknownFormatError: ``fmt`` is not a single-graph RDF format.
    """
    chosen = find(Kind.RELEASE, fmt)
    writers = {
        "nt": lambda: sorted_lines(graph.serialize(format="nt")),
        "json-ld": lambda: compact_jsonld(graph, base_iri),
        "turtle": lambda: str(graph.serialize(format="turtle")),
        "xml": lambda: _rdfxml(graph, base_iri),
    }
    if chosen.name not in writers:
        raise UnknownFormatError(
            f"{chosen.name} is not a single-graph RDF format",
            term=chosen.name,
            choices=sorted(writers),
        )
    return writers[chosen.name]()


def _rdfxml(graph: Graph, base_iri: str) -> str:
    """RDF/XML through pyoxigraph's writer, which keeps the (sorted) input order.

    rdflib's RDF/XML writer orders subjects by hash, so its bytes change between runs.
    """
    triples = [
        # An RDF subject is never a literal, and a predicate is always an IRI.
        ox.Triple(
            cast("ox.NamedNode | ox.BlankNode", to_oxigraph_term(s)),
            ox.NamedNode(str(p)),
            to_oxigraph_term(o),
        )
        for s, p, o in sorted(graph, key=triple_key)
    ]
    predicates = {str(p) for p in graph.predicates()} | {
        str(o) for o in graph.objects(None, RDF.type)
    }
    prefixes = {
        prefix: uri
        for prefix, uri in release_prefixes(base_iri).items()
        if any(p.startswith(uri) for p in predicates)
    }
    data = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    return (data or b"").decode("utf-8")


def quads(release: Release, fmt: Format | str) -> str:
    """N-Quads (sorted lines) or TriG of ``release``, one block per named graph.

    Written graph by graph from rdflib's N-Triples and Turtle writers (rdflib's own N-Quads
    and TriG writers use the deprecated ``Dataset.contexts``).
    """
    chosen = find(Kind.RELEASE, fmt)
    parts: list[tuple[URIRef | None, Graph]] = [
        (None if name is None else URIRef(release.rebase_iri(name)), release.rebased(graph))
        for name, graph in release.named_graphs()
    ]
    if chosen.name == "nquads":
        lines = []
        for name, part in parts:
            text = part.serialize(format="nt").translate(_ESCAPE_SEPARATORS)
            for line in text.split("\n"):
                if line.strip():
                    lines.append(line if name is None else f"{line.rstrip()[:-1]}<{name}> .")
        return "\n".join(sorted(lines)) + "\n"
    prefixes: set[str] = set()
    blocks = []
    for name, part in parts:
        text = str(part.serialize(format="turtle"))
        body = [line for line in text.split("\n") if not line.startswith("@prefix")]
        prefixes.update(line for line in text.split("\n") if line.startswith("@prefix"))
        content = "\n".join(body).strip("\n")
        blocks.append(content + "\n" if name is None else f"<{name}> {{\n{content}\n}}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)
