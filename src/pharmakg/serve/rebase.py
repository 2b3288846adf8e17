r"""Named queries under the served base IRI: their IRIs moved the way the data's are.

``pharmakg build --base-iri`` and ``pharmakg serve --base-iri`` move the data with
:func:`pharmakg.export.release.rebase_term`: every IRI under the default base
(``https://w3id.org/pharmakg/``: ontology, resources, shapes and graph names alike) goes under
the new base, and so does a plain literal that spells such an IRI (``void:uriSpace``). The
named queries (``queries/*.rq``) are written against the default base, so served as they are
they would find nothing in rebased data. :func:`rebase_query` moves a query's IRIs with that
same function, so query and data cannot drift apart.

**Design.** The rewrite works on the query's tokens, the way a SPARQL lexer sees them
(SPARQL 1.1 §19.8), never on a query built from strings: it walks the text past ``#``
comments and, for each token that can hold one of our IRIs, applies :func:`rebase_term`:

* an ``<IRI>`` reference, wherever it is: ``PREFIX`` and ``BASE`` declarations (so every
  prefixed name ``pkg:…``/``pkr:…`` and every relative IRI follows), ``FROM``, ``GRAPH``,
  ``VALUES`` and plain IRIs in patterns;
* a quoted string (short or long, either quote) without escapes, as the plain literal it is
  (or language-tagged when ``@`` follows, which :func:`rebase_term` leaves alone): so
  ``STRSTARTS(STR(?e), "https://w3id.org/pharmakg/resource/")`` asks for the new base.

Everything else (keywords, variables, prefixed names, numbers, comments, the spacing) is
copied byte for byte. ``<`` is also the less-than operator; only a token that reads as an IRI
under the default base is changed, and no less-than expression can read that way
(``https:…`` is not a term). Not rewritten: IRIs spelt with ``\uXXXX`` escapes, strings
with backslash escapes, and IRIs assembled from pieces that are not themselves our IRIs.
The prefixes given to the engine next to the query (:func:`rebase_prefixes`) move the same
way.

>>> text = '''PREFIX pkr: <https://w3id.org/pharmakg/resource/>
... ASK { pkr:x ?p "https://w3id.org/pharmakg/y" } # <https://w3id.org/pharmakg/z>'''
>>> print(rebase_query(text, "https://example.org/kg/"))
PREFIX pkr: <https://example.org/kg/resource/>
ASK { pkr:x ?p "https://example.org/kg/y" } # <https://w3id.org/pharmakg/z>
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Literal, URIRef

from ..errors import InputError
from ..export.release import DEFAULT_BASE, norm_base, rebase_term
from .protocol import IRIREF, skip_comment, skip_string

__all__ = ["rebase_prefixes", "rebase_query"]

_LANGUAGE = re.compile(r"\s*@")


def _checked_base(base_iri: str) -> str:
    base = norm_base(base_iri)
    if not IRIREF.fullmatch(f"<{base}>") or "'" in base:
        raise InputError(f"the base IRI cannot be written in a SPARQL query: {base!r}", term=base)
    return base


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
    base = _checked_base(base_iri)
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
            replacement = "<" + str(rebase_term(URIRef(iri.group()[1:-1]), base)) + ">"
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
    base = _checked_base(base_iri)
    return tuple((prefix, str(rebase_term(URIRef(iri), base))) for prefix, iri in prefixes)
