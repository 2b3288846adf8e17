r"""The default base IRI, and the one rule that moves pharmakg's IRIs under another base.

pharmakg mints every IRI of its own (ontology, resources, shapes, graph names) under
:data:`DEFAULT_BASE`. ``pharmakg build --base-iri`` and ``pharmakg serve --base-iri`` publish
them under another base: every IRI under the default base moves, the whole namespace (not
only ``resource/``), and so do a datatype IRI of ours and a plain literal that spells one of
our IRIs (``void:uriSpace "…/resource/"``). Nothing else changes. This module holds that rule
once (:func:`rebase_text`), and applies it to everything that carries our IRIs:

* a term, rdflib's (:func:`rebase_term`) or pyoxigraph's (:class:`Rebaser`), and an IRI
  (:func:`rebase_iri`);
* an rdflib graph (:func:`rebase`) and a frozen model of dataclasses, tuples, lists, dicts
  and strings (:func:`rebase_model`: a pathway picture, the mechanism graph's nodes);
* a SPARQL text (:func:`rebase_query`) and the prefixes given to the engine next to it
  (:func:`rebase_prefixes`), so the named queries, written against the default base, find
  in rebased data what they find in the canonical data.

>>> rebase_iri(DEFAULT_BASE + "ontology/Drug", "https://example.org/kg")
'https://example.org/kg/ontology/Drug'

**Query text.** The rewrite works on the query's tokens, the way a SPARQL lexer sees them
(SPARQL 1.1 §19.8), never on a query built from strings: it walks the text past ``#``
comments and, for each token that can hold one of our IRIs, applies the rule:

* an ``<IRI>`` reference, wherever it is: ``PREFIX`` and ``BASE`` declarations (so every
  prefixed name ``pkg:…``/``pkr:…`` and every relative IRI follows), ``FROM``, ``GRAPH``,
  ``VALUES`` and plain IRIs in patterns;
* a quoted string (short or long, either quote) without escapes, as the plain literal it is
  (or language-tagged when ``@`` follows, which the rule leaves alone): so
  ``STRSTARTS(STR(?e), "https://w3id.org/pharmakg/resource/")`` asks for the new base.

Everything else (keywords, variables, prefixed names, numbers, comments, the spacing) is
copied byte for byte. ``<`` is also the less-than operator; only a token that reads as an IRI
under the default base is changed, and no less-than expression can read that way
(``https:…`` is not a term). Not rewritten: IRIs spelt with ``\uXXXX`` escapes, strings
with backslash escapes, and IRIs assembled from pieces that are not themselves our IRIs.

>>> text = '''PREFIX pkr: <https://w3id.org/pharmakg/resource/>
... ASK { pkr:x ?p "https://w3id.org/pharmakg/y" } # <https://w3id.org/pharmakg/z>'''
>>> print(rebase_query(text, "https://example.org/kg/"))
PREFIX pkr: <https://example.org/kg/resource/>
ASK { pkr:x ?p "https://example.org/kg/y" } # <https://w3id.org/pharmakg/z>
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import InputError

__all__ = [
    "DEFAULT_BASE",
    "IRIREF",
    "Rebaser",
    "norm_base",
    "rebase",
    "rebase_iri",
    "rebase_model",
    "rebase_prefixes",
    "rebase_query",
    "rebase_term",
    "rebase_text",
    "skip_comment",
    "skip_string",
    "sparql_base",
]

#: The base under which pharmakg mints every IRI of its own (a release may move them).
DEFAULT_BASE = "https://w3id.org/pharmakg/"

#: An IRI reference as a SPARQL lexer reads it (§19.8 IRIREF), the angle brackets included.
IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: The datatypes of a literal that may spell one of our IRIs (with no language tag).
_PLAIN_DATATYPES = frozenset({_XSD + "string", _XSD + "anyURI"})
_LANGUAGE = re.compile(r"\s*@")

T = TypeVar("T")
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


# ---------------------------------------------------------------- the base


def norm_base(base_iri: str) -> str:
    """``base_iri`` ending in ``/`` or ``#``.

    :raises InputError: it is not an http(s) IRI.
    """
    base = base_iri.strip()
    if not base.startswith(("http://", "https://")):
        raise InputError(f"the base IRI must be an http(s) IRI: {base_iri!r}", term=base)
    return base if base.endswith(("/", "#")) else base + "/"


def sparql_base(base_iri: str) -> str:
    """``base_iri`` normalised (:func:`norm_base`), checked to be spellable in a SPARQL query.

    :raises InputError: it is not an http(s) IRI, or SPARQL cannot write it as ``<IRI>``.
    """
    base = norm_base(base_iri)
    if not IRIREF.fullmatch(f"<{base}>") or "'" in base:
        raise InputError(f"the base IRI cannot be written in a SPARQL query: {base!r}", term=base)
    return base


# ---------------------------------------------------------------- the rule


def rebase_text(text: str, base: str) -> str:
    """``text`` with the default base at its start replaced by ``base`` (normalised)."""
    return base + text[len(DEFAULT_BASE) :] if text.startswith(DEFAULT_BASE) else text


def _spells_our_iri(text: str) -> bool:
    """A literal's text that spells one of our IRIs (``void:uriSpace "…/resource/"``)."""
    return text.startswith(DEFAULT_BASE) and not any(c.isspace() for c in text)


def rebase_iri(iri: str, base: str) -> str:
    """``iri`` moved under ``base`` (unchanged when it is not ours)."""
    return rebase_text(iri, norm_base(base))


def rebase_term(term: Node, base: str) -> Node:
    """``term`` (rdflib) with our IRIs under ``base`` (normalised, see :func:`norm_base`).

    Every IRI under :data:`DEFAULT_BASE`, datatype IRIs, and plain literals that spell such
    an IRI move; blank nodes, other IRIs and other literals stay.

    >>> str(rebase_term(URIRef(DEFAULT_BASE + "ontology/Drug"), "https://example.org/kg/"))
    'https://example.org/kg/ontology/Drug'
    """
    if isinstance(term, URIRef):
        return URIRef(rebase_text(str(term), base))
    if not isinstance(term, Literal):
        return term
    if term.datatype is not None and str(term.datatype).startswith(DEFAULT_BASE):
        return Literal(str(term), datatype=rebase_text(str(term.datatype), base))
    plain = term.datatype in (None, XSD.string, XSD.anyURI) and not term.language
    if plain and _spells_our_iri(str(term)):
        return Literal(rebase_text(str(term), base), datatype=term.datatype)
    return term


class Rebaser:
    """The rule on pyoxigraph terms, each distinct term moved once (the release's writers).

    ``tests/test_export.py`` holds it to :func:`rebase_term`'s answers.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.identity = base == DEFAULT_BASE
        self._moved: dict[OxTerm, OxTerm] = {}

    def _term(self, term: OxTerm) -> OxTerm:
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(rebase_text(term.value, self.base))
        if not isinstance(term, ox.Literal):
            return term
        datatype = term.datatype.value
        if datatype.startswith(DEFAULT_BASE):
            return ox.Literal(term.value, datatype=ox.NamedNode(rebase_text(datatype, self.base)))
        plain = datatype in _PLAIN_DATATYPES and term.language is None
        if plain and _spells_our_iri(term.value):
            return ox.Literal(rebase_text(term.value, self.base), datatype=term.datatype)
        return term

    def term(self, term: OxTerm) -> OxTerm:
        """``term`` under the base."""
        if self.identity:
            return term
        moved = self._moved.get(term)
        if moved is None:
            moved = self._moved[term] = self._term(term)
        return moved

    def triples(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """``triples`` under the base, in the same order."""
        if self.identity:
            yield from triples
            return
        term = self.term
        for s, p, o in triples:
            yield ox.Triple(term(s), term(p), term(o))  # type: ignore[arg-type]


# ---------------------------------------------------------------- graphs and models


def rebase(graph: Graph, base_iri: str) -> Graph:
    """A copy of ``graph`` with every IRI under :data:`DEFAULT_BASE` moved under ``base_iri``."""
    base = norm_base(base_iri)
    out = Graph()
    for s, p, o in graph:
        out.add((rebase_term(s, base), rebase_term(p, base), rebase_term(o, base)))
    return out


def rebase_model(value: T, base_iri: str) -> T:
    """A frozen model (dataclasses, tuples, lists, dicts, strings) with our IRIs under the base.

    Every string that starts with :data:`DEFAULT_BASE` is taken for one of our IRIs.
    """
    base = norm_base(base_iri)
    if base == DEFAULT_BASE:
        return value
    return _moved_model(value, base)


def _moved_model(value: T, base: str) -> T:
    if isinstance(value, str):
        return rebase_text(value, base)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _moved_model(getattr(value, f.name), base) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return type(value)(_moved_model(v, base) for v in value)
    if isinstance(value, list):
        return [_moved_model(v, base) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {_moved_model(k, base): _moved_model(v, base) for k, v in value.items()}  # type: ignore[return-value]
    return value


# ---------------------------------------------------------------- SPARQL text


def skip_comment(text: str, start: int) -> int:
    """The index of the line end that closes the ``#`` comment at ``start`` (or len(text))."""
    ends = (p for p in (text.find("\n", start), text.find("\r", start)) if p >= 0)
    return min(ends, default=len(text))


def skip_string(text: str, start: int) -> int:
    """The index just past the string that opens at ``start`` (or len(text) if unclosed)."""
    quote = text[start]
    long = text.startswith(quote * 3, start)
    end_mark = quote * 3 if long else quote
    i = start + (3 if long else 1)
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if not long and char in "\n\r":
            return i  # a short string cannot span lines: the parser stops here too
        if text.startswith(end_mark, i):
            return i + len(end_mark)
        i += 1
    return len(text)


def _string(text: str, start: int, end: int, base: str) -> str:
    """The string token ``text[start:end]``, its value rebased when it spells one of our IRIs."""
    token = text[start:end]
    quote = token[0] * (3 if text.startswith(token[0] * 3, start) else 1)
    if len(token) < 2 * len(quote) or not token.endswith(quote) or "\\" in token:
        return token  # unclosed, or with escapes: left as written
    value = token[len(quote) : -len(quote)]
    language = "x" if _LANGUAGE.match(text, end) else None
    moved = rebase_term(Literal(value, lang=language), base)
    return token if str(moved) == value else quote + str(moved) + quote


def rebase_query(text: str, base_iri: str) -> str:
    """``text`` (SPARQL) with its IRIs under the default base moved under ``base_iri``.

    See the module's docstring for what is moved and why.

    :raises InputError: ``base_iri`` is not an http(s) IRI that SPARQL can spell.
    """
    base = sparql_base(base_iri)
    if base == DEFAULT_BASE or DEFAULT_BASE not in text:
        return text
    parts: list[str] = []
    done = i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "#":
            i = skip_comment(text, i)
            continue
        if char == "\\":  # an escaped character of a prefixed name (PN_LOCAL_ESC)
            i += 2
            continue
        if char in "\"'":
            end = skip_string(text, i)
            replacement = _string(text, i, end, base)
        elif char == "<" and (iri := IRIREF.match(text, i)) is not None:
            end = iri.end()
            replacement = "<" + rebase_text(iri.group()[1:-1], base) + ">"
        else:
            i += 1
            continue
        if replacement != text[i:end]:
            parts += [text[done:i], replacement]
            done = end
        i = end
    return "".join(parts) + text[done:]


def rebase_prefixes(
    prefixes: Iterable[tuple[str, str]], base_iri: str
) -> tuple[tuple[str, str], ...]:
    """``(prefix, namespace IRI)`` pairs with the namespaces moved as :func:`rebase_query` does."""
    base = sparql_base(base_iri)
    return tuple((prefix, rebase_text(iri, base)) for prefix, iri in prefixes)
