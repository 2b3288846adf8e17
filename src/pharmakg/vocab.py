r"""Namespaces and the one prefix map.

* :data:`PKG` is the ontology namespace ``https://w3id.org/pharmakg/ontology/``.
  It is *closed*: ``PKG.Drug`` works only if ``ontology/pharmakg.ttl`` declares
  ``pkg:Drug``, so a typo fails (:class:`~pharmakg.errors.UnknownTermError`).
  The ontology is read lazily, at the first term access, never at import.
* :data:`PKR` (resources) and :data:`PKGSH` (shapes) are open namespaces.
* The prefix map (``ontology/prefixes.json``) is the one prefix authority: URI
  prefixes from the Biolink Model, local-ID patterns from Bioregistry, plus
  pharmakg's own prefixes. It is loaded once, lazily, into a
  :class:`curies.Converter`. Patterns are applied with :func:`re.fullmatch`
  (Bioregistry's NCBITaxon pattern is an unanchored alternation).

>>> expand_curie("CHEBI:36704")
rdflib.term.URIRef('http://purl.obolibrary.org/obo/CHEBI_36704')
>>> compress("http://purl.obolibrary.org/obo/GO_0034154")
'GO:0034154'
>>> check_curie("NCBITaxon:123abc")
"local ID '123abc' does not match the NCBITaxon pattern ^(\\d+)|([a-zA-Z_]+)$"
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import curies
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from . import resources
from .errors import InvalidCurieError, ResourceError, UnknownPrefixError, UnknownTermError
from .rebase import DEFAULT_BASE

__all__ = [
    "BASES",
    "BASIS_TERMS",
    "ClosedNamespace",
    "DEFAULT_BASES",
    "PKG",
    "PKGSH",
    "PKG_ID",
    "PKG_XREF",
    "PKR",
    "PrefixMap",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "bind_prefixes",
    "check_curie",
    "compress",
    "expand_curie",
    "normalize_curie",
    "prefix_map",
    "shorten",
]

PKG_URI = DEFAULT_BASE + "ontology/"
PKR_URI = DEFAULT_BASE + "resource/"
PKGSH_URI = DEFAULT_BASE + "shapes/"

CURIE = re.compile(r"(?P<prefix>[A-Za-z_][A-Za-z0-9._-]*):(?P<local>\S+)")


class ClosedNamespace(Namespace):
    """An rdflib namespace whose terms are checked against a lazily loaded set.

    :param uri: the namespace IRI.
    :param load_terms: returns the local names allowed; called once, at first use.
    """

    _loaders: dict[str, Any] = {}  # noqa: RUF012 - keyed by namespace IRI, set once per namespace

    def __new__(cls, uri: str, load_terms: Any = None) -> ClosedNamespace:  # noqa: D102
        obj: ClosedNamespace = super().__new__(cls, uri)  # type: ignore[assignment]
        cls._loaders[str(uri)] = load_terms
        return obj

    def _allowed(self) -> frozenset[str]:
        return _terms_for(str(self))

    def term(self, name: str) -> URIRef:
        """Return ``<namespace><name>`` if the ontology declares it."""
        allowed = self._allowed()
        if name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), n=5)
            raise UnknownTermError(
                f"pkg:{name} is not declared in the ontology",
                term=name,
                choices=close,
            )
        return URIRef(str(self) + name)

    def __contains__(self, ref: object) -> bool:
        """Whether ``ref`` is a declared term IRI of this namespace."""
        text = str(ref)
        return text.startswith(str(self)) and text[len(str(self)) :] in self._allowed()


@functools.cache
def _terms_for(uri: str) -> frozenset[str]:
    loader = ClosedNamespace._loaders.get(uri)
    if loader is None:
        raise ResourceError(f"no term list for namespace {uri}")
    return frozenset(loader())


def _ontology_terms() -> frozenset[str]:
    """The local names of every ``pkg:`` term the vocabulary files declare."""
    graph = Graph()
    for path in resources.vocabulary_files():
        graph.parse(path, format="turtle")
    return frozenset(
        str(s)[len(PKG_URI) :]
        for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(PKG_URI) and len(str(s)) > len(PKG_URI)
    )


#: The pharmakg ontology namespace; closed over the terms the ontology declares.
PKG = ClosedNamespace(PKG_URI, _ontology_terms)
#: Instances (drugs, targets, …).
PKR = Namespace(PKR_URI)
#: SHACL shapes.
PKGSH = Namespace(PKGSH_URI)

# The two ontology terms the code itself depends on. They are plain constants so
# that loading and CURIE checking work before the ontology is read; a test
# asserts that the ontology declares both (tests/test_vocab.py).
#: The bases of a statement, strongest first (``pkg:basis`` values, by their short names).
BASES = ("stated", "curated", "interpreted", "inferred")
#: The bases queries, paths and pictures use unless asked otherwise.
DEFAULT_BASES = frozenset({"stated", "interpreted"})
#: Each basis's ``pkg:`` individual (a local name of the closed namespace).
BASIS_TERMS = {
    "stated": "StatedBasis",
    "curated": "CuratedDatabaseBasis",
    "interpreted": "InterpretedBasis",
    "inferred": "InferredBasis",
}

PKG_ID = URIRef(PKG_URI + "id")
PKG_XREF = URIRef(PKG_URI + "xref")


@dataclass(frozen=True)
class PrefixEntry:
    """One prefix of the map: where its URI prefix and its pattern came from."""

    prefix: str
    uri_prefix: str
    pattern: str | None
    source: str
    pattern_source: str | None
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class PrefixMap:
    """The loaded prefix map: entries, a curies converter and the synonym index."""

    entries: Mapping[str, PrefixEntry]
    converter: curies.Converter
    synonyms: Mapping[str, str]

    def namespaces(self) -> dict[str, str]:
        """Return ``{prefix: uri_prefix}`` for every prefix."""
        return {p: e.uri_prefix for p, e in self.entries.items()}


@functools.cache
def prefix_map() -> PrefixMap:
    """Load ``ontology/prefixes.json`` once and return it."""
    path = resources.prefixes_file()
    raw = json.loads(path.read_text(encoding="utf-8"))
    entries: dict[str, PrefixEntry] = {}
    for prefix, record in raw.items():
        entries[prefix] = PrefixEntry(
            prefix=prefix,
            uri_prefix=record["uri_prefix"],
            pattern=record.get("pattern"),
            source=record.get("source", ""),
            pattern_source=record.get("pattern_source"),
            synonyms=tuple(record.get("synonyms", ())),
        )
    synonyms: dict[str, str] = {}
    for entry in entries.values():
        for synonym in entry.synonyms:
            if synonym not in entries:
                synonyms.setdefault(synonym, entry.prefix)
    converter = curies.Converter.from_extended_prefix_map(
        [{"prefix": e.prefix, "uri_prefix": e.uri_prefix} for e in entries.values()]
    )
    return PrefixMap(entries=entries, converter=converter, synonyms=synonyms)


def _split(curie: str) -> tuple[str, str]:
    match = CURIE.fullmatch(curie)
    if match is None:
        raise InvalidCurieError(f"not a CURIE (PREFIX:local): {curie!r}", term=curie)
    return match["prefix"], match["local"]


def _unknown_prefix(prefix: str, curie: str) -> UnknownPrefixError:
    pmap = prefix_map()
    canonical = pmap.synonyms.get(prefix)
    if canonical is not None:
        hint = f"write {canonical}: (the prefix map's spelling of {prefix})"
        return UnknownPrefixError(
            f"unknown prefix {prefix!r} in {curie!r}; {hint}", term=curie, choices=[canonical]
        )
    close = difflib.get_close_matches(prefix, list(pmap.entries), n=5, cutoff=0.5)
    folded = [p for p in pmap.entries if p.casefold() == prefix.casefold()]
    return UnknownPrefixError(
        f"unknown prefix {prefix!r} in {curie!r}; it is not in ontology/prefixes.json",
        term=curie,
        choices=sorted(set(folded + close)),
    )


def check_curie(curie: str) -> str | None:
    """Return what is wrong with ``curie`` as one line, or ``None`` if it is valid.

    Valid means: the prefix is in the prefix map (exact spelling) and the local
    ID fully matches the prefix's pattern (when it has one).
    """
    try:
        prefix, local = _split(curie)
    except InvalidCurieError as error:
        return error.message
    entry = prefix_map().entries.get(prefix)
    if entry is None:
        return str(_unknown_prefix(prefix, curie))
    if entry.pattern is not None and re.fullmatch(entry.pattern, local) is None:
        return f"local ID {local!r} does not match the {prefix} pattern {entry.pattern}"
    return None


def normalize_curie(curie: str) -> str:
    """Return ``curie`` with its prefix spelled the map's way (``UniProt:`` → ``UniProtKB:``).

    :raises UnknownPrefixError: the prefix is neither a prefix nor a synonym.
    :raises InvalidCurieError: not a CURIE, or the local ID fails the pattern.
    """
    prefix, local = _split(curie)
    pmap = prefix_map()
    if prefix not in pmap.entries:
        canonical = pmap.synonyms.get(prefix)
        if canonical is None:
            raise _unknown_prefix(prefix, curie)
        prefix = canonical
    normalized = f"{prefix}:{local}"
    problem = check_curie(normalized)
    if problem is not None:
        raise InvalidCurieError(problem, term=curie)
    return normalized


def expand_curie(curie: str) -> URIRef:
    """Expand ``curie`` to an IRI through the prefix map.

    :raises UnknownPrefixError: the prefix is not in the map.
    :raises InvalidCurieError: not a CURIE, or the local ID fails the pattern.
    """
    problem_prefix, _ = _split(curie)
    if problem_prefix not in prefix_map().entries:
        raise _unknown_prefix(problem_prefix, curie)
    problem = check_curie(curie)
    if problem is not None:
        raise InvalidCurieError(problem, term=curie)
    return URIRef(prefix_map().converter.expand(curie, strict=True))


def compress(iri: str) -> str:
    """Compress ``iri`` to a CURIE through the prefix map.

    :raises UnknownPrefixError: no URI prefix of the map matches (use :func:`shorten` to
        display any IRI).
    """
    curie: str | None = prefix_map().converter.compress(str(iri), strict=False)
    if curie is None:
        raise UnknownPrefixError(f"no prefix in the map for {iri}", term=str(iri))
    return curie


def shorten(iri: str) -> str:
    """``iri`` for display: its CURIE, or the IRI in angle brackets when no prefix matches.

    >>> shorten("http://purl.obolibrary.org/obo/CL_0000451")
    'CL:0000451'
    >>> shorten("urn:example:x")
    '<urn:example:x>'
    """
    curie: str | None = prefix_map().converter.compress(str(iri), strict=False)
    return curie if curie is not None else f"<{iri}>"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every prefix of the map to ``graph`` (replacing rdflib's defaults); return it."""
    manager = graph.namespace_manager
    for prefix, uri in prefix_map().namespaces().items():
        manager.bind(prefix, Namespace(uri), override=True, replace=True)
    return graph
