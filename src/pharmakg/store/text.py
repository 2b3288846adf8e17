r"""What pharmakg reads from the text of a SPARQL query before any engine sees it.

A query is *masked* first: comments, string literals and IRIs are blanked out (same length,
so positions hold), and keywords are then found in what is left. That is enough to tell

* the query form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``), see
  `SPARQL 1.1 §16 <https://www.w3.org/TR/sparql11-query/#QueryForms>`_;
* whether it uses ``SERVICE`` (federation, an outbound request from whoever evaluates it);
* where the ``WHERE`` group opens, so that parameters can be bound by a ``VALUES`` block
  placed first in that group (for engines without pyoxigraph's substitutions: a remote
  endpoint speaks only the Protocol).

>>> query_form("PREFIX ex: <http://ex/#select> # ASK\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
'CONSTRUCT'
>>> uses_service('SELECT * { ?s ?p "SERVICE" }'), uses_service("SELECT * { SERVICE <x> {} }")
(False, True)
"""

from __future__ import annotations

import re

from ..errors import InputError

__all__ = ["FORMS", "mask", "query_form", "uses_service", "where_group_start"]

#: The four query forms.
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_KEYWORD = r"(?<![\w:?$@-]){}(?![\w:-])"
_FORM = re.compile(_KEYWORD.format("(SELECT|ASK|CONSTRUCT|DESCRIBE)"), re.IGNORECASE)
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.IGNORECASE)
_WHERE = re.compile(_KEYWORD.format("WHERE"), re.IGNORECASE)


def mask(sparql: str) -> str:
    """``sparql`` with comments, strings and IRIs replaced by spaces (positions kept)."""
    out: list[str] = []
    i, n = 0, len(sparql)
    while i < n:
        char = sparql[i]
        if char == "#":
            end = sparql.find("\n", i)
            end = n if end < 0 else end
        elif (char == "<" and (match := _IRI.match(sparql, i)) is not None) or (
            char in "'\"" and (match := _STRING.match(sparql, i)) is not None
        ):
            end = match.end()
        else:
            out.append(char)
            i += 1
            continue
        out.append(" " * (end - i))
        i = end
    return "".join(out)


def query_form(sparql: str) -> str:
    """The query form, upper case: one of :data:`FORMS`.

    :raises InputError: no query form keyword (an update, or not SPARQL).
    """
    match = _FORM.search(mask(sparql))
    if match is None:
        raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return match[1].upper()


def uses_service(sparql: str) -> bool:
    """Whether the query calls ``SERVICE`` (a federated, outbound request)."""
    return _SERVICE.search(mask(sparql)) is not None


def where_group_start(sparql: str) -> int:
    """The index just after the ``{`` that opens the query's WHERE group.

    For ``CONSTRUCT { template } WHERE { … }`` the template is skipped; for the short form
    ``CONSTRUCT WHERE { … }`` and for every other form it is the first ``{`` of the query.

    :raises InputError: the query has no group pattern.
    """
    masked = mask(sparql)
    form = _FORM.search(masked)
    start = form.end() if form is not None else 0
    if form is not None and form[1].upper() == "CONSTRUCT":
        where = _WHERE.search(masked, start)
        if where is not None:
            start = where.end()
    brace = masked.find("{", start)
    if brace < 0:
        raise InputError("the query has no WHERE group to bind parameters in")
    return brace + 1
