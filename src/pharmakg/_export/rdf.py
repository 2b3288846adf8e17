"""RDF serialisations: Turtle, N-Triples, RDF/XML (single graph) and N-Quads, TriG (named graphs).

pyoxigraph writes every one of them, from the release's triples (:meth:`Release.triples`:
moved under the base, in sorted order), with the one prefix map, so the same input gives the
same bytes; rdflib graphs (the description, a validation report) are written the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from ..errors import UnknownFormatError
from ..formats import Format, Kind, find
from .canonical import to_triples
from .jsonld import compact_jsonld
from .release import Release, release_prefixes

__all__ = ["quads", "serialize", "sorted_lines", "write"]

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
    """Serialise a (small) rdflib graph that is already under ``base_iri``; see :func:`write`."""
    return write(to_triples(graph), fmt, base_iri)


def write(triples: list[ox.Triple], fmt: Format | str, base_iri: str) -> str:
    """Serialise ``triples`` (under ``base_iri``, in the order to write them) in ``fmt``.

    pyoxigraph writes every format; N-Triples lines are sorted; JSON-LD is compacted with
    the release's context.

    :raises UnknownFormatError: ``fmt`` is not a single-graph RDF format.
    """
    chosen = find(Kind.RELEASE, fmt)
    writers = {
        "nt": lambda: sorted_lines(_written(triples, ox.RdfFormat.N_TRIPLES)),
        "json-ld": lambda: compact_jsonld(triples, base_iri),
        "turtle": lambda: _turtle(triples, ox.RdfFormat.TURTLE, base_iri, triples),
        "xml": lambda: _written(triples, ox.RdfFormat.RDF_XML, _xml_prefixes(triples, base_iri)),
    }
    if chosen.name not in writers:
        raise UnknownFormatError(
            f"{chosen.name} is not a single-graph RDF format",
            term=chosen.name,
            choices=sorted(writers),
        )
    return writers[chosen.name]()


def _written(
    statements: Iterable[ox.Triple] | Iterable[ox.Quad],
    fmt: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> str:
    data = ox.serialize(statements, format=fmt, prefixes=prefixes)
    return (data or b"").decode("utf-8")


def _namespaces(triples: Iterable[ox.Triple]) -> set[str]:
    """Every IRI's namespace part (up to its last ``/`` or ``#``): what prefixes can abbreviate."""
    found: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                iri = term.value
                found.add(iri[: max(iri.rfind("/"), iri.rfind("#")) + 1])
    return found


def _used_prefixes(triples: Iterable[ox.Triple], base_iri: str) -> dict[str, str]:
    """The release's prefixes that abbreviate some IRI of ``triples`` (as rdflib writes them)."""
    namespaces = _namespaces(triples)
    return {
        prefix: uri
        for prefix, uri in sorted(release_prefixes(base_iri).items())
        if any(namespace.startswith(uri) for namespace in namespaces)
    }


#: A prefixed name's prefix, where a Turtle token starts (a literal may hold one too: then the
#: prefix is kept, which is harmless).
_PREFIX_USE = re.compile(r"(?:^|[\s;,(\[^])([A-Za-z][\w.-]*)?:", re.MULTILINE)


def _turtle(
    statements: list[ox.Triple] | list[ox.Quad],
    fmt: ox.RdfFormat,
    base_iri: str,
    triples: list[ox.Triple],
) -> str:
    """Turtle or TriG with only the prefixes the text uses, in code-point order.

    pyoxigraph declares every prefix it is given, so it is given those that abbreviate some
    IRI's namespace, and the declarations its text does not use are dropped.
    """
    text = _written(statements, fmt, _used_prefixes(triples, base_iri))
    head: list[str] = []
    body: list[str] = []
    for line in text.split("\n"):
        (head if line.startswith("@prefix ") and not body else body).append(line)
    rest = "\n".join(body)
    used = set(_PREFIX_USE.findall(rest))
    kept = sorted(
        (line for line in head if line.split()[1].rstrip(":") in used),
        key=lambda line: line.split()[1],
    )
    return "\n".join([*kept, rest])


def _xml_prefixes(triples: list[ox.Triple], base_iri: str) -> dict[str, str]:
    """The prefixes of the predicates and classes: RDF/XML uses them as element names."""
    rdf_type = ox.NamedNode(str(RDF.type))
    names = {t.predicate.value for t in triples} | {
        t.object.value
        for t in triples
        if t.predicate == rdf_type and isinstance(t.object, ox.NamedNode)
    }
    return {
        prefix: uri
        for prefix, uri in release_prefixes(base_iri).items()
        if any(name.startswith(uri) for name in names)
    }


def quads(release: Release, fmt: Format | str) -> str:
    """N-Quads (sorted lines) or TriG of ``release``, one block per named graph.

    The default graph holds the description; each named graph is written in sorted order.
    """
    chosen = find(Kind.RELEASE, fmt)
    parts: list[tuple[str | None, list[ox.Triple]]] = [(None, release.triples("description"))]
    parts += [
        (str(release.graph_names[name]), release.triples(name)) for name in release.GRAPH_NAMES
    ]
    statements = [
        ox.Quad(
            t.subject,
            t.predicate,
            t.object,
            ox.DefaultGraph() if name is None else ox.NamedNode(name),
        )
        for name, triples in parts
        for t in triples
    ]
    if chosen.name == "nquads":
        return sorted_lines(_written(statements, ox.RdfFormat.N_QUADS))
    every = [t for _, triples in parts for t in triples]
    return _turtle(statements, ox.RdfFormat.TRIG, release.base_iri, every)
