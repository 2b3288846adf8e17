r"""What pharmakg reads from the text of a SPARQL request before any engine runs it.

Every decision that matters (the query form, and above all whether it calls ``SERVICE``,
an outbound request from whoever evaluates it) is taken from a **real parse** by rdflib's
SPARQL 1.1 grammar (:func:`parse_sparql`), with the same base IRI and prefixes the engine
is given: the ``\uXXXX`` escapes of `§19.2 <https://www.w3.org/TR/sparql11-query/#codepointEscape>`_,
``PN_LOCAL_ESC`` in prefixed names, ``BASE``-relative IRIs, sub-selects and ``EXISTS`` are
all read as the grammar reads them, never by a scanner of our own. A request the grammar
refuses is refused (:class:`~pharmakg.errors.QuerySyntaxError`), so an engine never runs a
text whose SERVICE clauses were not seen. The parse runs in a thread of its own with a deep
stack, and a request nested deeper than the parser's recursion allows is refused as such
(pyoxigraph's own parser overflows the process stack a few thousand levels down).

>>> parse_sparql("PREFIX ex: <http://ex/> SELECT * { ex:a\\# ?p ?o }").services
()
>>> parse_sparql("SELECT * { \\u0053ERVICE <http://ex/sparql> { ?s ?p ?o } }").services
('http://ex/sparql',)
>>> parse_sparql("BASE <http://ex/> ASK { SERVICE <q> {} }").form, query_form("DESCRIBE <x:y>")
('ASK', 'DESCRIBE')

:func:`where_group_start` still finds the WHERE group's ``{`` by position (the parse tree has
no positions), to bind a remote query's parameters with a ``VALUES`` block. It decides
nothing about safety, and the text it returns is parsed again by whoever runs it.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import InputError, QuerySyntaxError, ServiceRefusedError

__all__ = [
    "FORMS",
    "ParsedSparql",
    "mask",
    "parse_sparql",
    "query_form",
    "refuse_service",
    "service_refusal",
    "walk_tree",
    "where_group_start",
]

#: The four query forms.
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

#: Python frames the parser may use (rdflib's grammar takes about 15-50 per nesting level).
PARSE_RECURSION_LIMIT = 10_000
#: The parsing thread's stack, ample for :data:`PARSE_RECURSION_LIMIT` frames.
_PARSE_STACK_BYTES = 64 * 1024 * 1024
#: Requests longer than this are parsed afresh each time instead of being cached.
_CACHED_TEXT_LIMIT = 64 * 1024

_T = TypeVar("_T")


@dataclass(frozen=True)
class ParsedSparql:
    """What a real parse of a request says.

    :param form: ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``UPDATE``.
    :param services: the endpoint of every ``SERVICE`` clause, in order, as the engine
        resolves it (prefixes and ``BASE`` applied); None where the endpoint is a variable.
    """

    form: str
    services: tuple[str | None, ...] = ()


def parse_sparql(
    text: str,
    *,
    base_iri: str | None = None,
    prefixes: Mapping[str, str] | None = None,
    update: bool = False,
) -> ParsedSparql:
    """Parse ``text`` as a SPARQL 1.1 query (or update) with the grammar of the standard.

    :param base_iri: the base the engine resolves relative IRIs against.
    :param prefixes: prefixes the engine knows beyond the ones the text declares.
    :raises QuerySyntaxError: the text is not SPARQL 1.1 (its line and column), or it is
        nested too deeply to parse.
    """
    key = (text, base_iri, tuple(sorted((prefixes or {}).items())), update)
    if len(text) <= _CACHED_TEXT_LIMIT:
        return _parse_cached(*key)
    return _parse(*key)


@functools.lru_cache(maxsize=256)
def _parse_cached(
    text: str, base_iri: str | None, prefixes: tuple[tuple[str, str], ...], update: bool
) -> ParsedSparql:
    return _parse(text, base_iri, prefixes, update)


def _parse(
    text: str, base_iri: str | None, prefixes: tuple[tuple[str, str], ...], update: bool
) -> ParsedSparql:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import algebra, parser

    what = "update" if update else "query"

    def translate() -> Any:
        if update:
            return algebra.translateUpdate(parser.parseUpdate(text), base_iri, dict(prefixes))
        return algebra.translateQuery(parser.parseQuery(text), base_iri, dict(prefixes))

    try:
        tree = _on_a_deep_stack(translate)
    except ParseException as error:
        raise QuerySyntaxError(
            f"the {what} is not SPARQL 1.1: {error.msg}", line=error.lineno, column=error.col
        ) from None
    except RecursionError:
        raise QuerySyntaxError(
            f"the {what} is nested too deeply to parse (brackets, groups or expressions)"
        ) from None
    except Exception as error:  # rdflib's translation: an undefined prefix, a bad IRI, …
        raise QuerySyntaxError(f"the {what} is not SPARQL 1.1: {error}") from None
    form = "UPDATE" if update else _form_of(tree.algebra.name)
    return ParsedSparql(form, tuple(_service_endpoints(tree)))


def _on_a_deep_stack(work: Callable[[], _T]) -> _T:
    """``work()`` in a thread whose stack and recursion limit fit a deeply nested text.

    The recursion limit is global to the interpreter: it is raised for the parse and put
    back afterwards, under a lock so that two parses do not undo each other.
    """
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as error:  # handed to the caller's thread below
            outcome.append((False, error))

    with _RECURSION_LOCK:
        previous_limit, previous_stack = sys.getrecursionlimit(), threading.stack_size()
        sys.setrecursionlimit(max(previous_limit, PARSE_RECURSION_LIMIT))
        threading.stack_size(_PARSE_STACK_BYTES)
        try:
            thread = threading.Thread(target=run, name="pharmakg-sparql-parse")
            thread.start()
        finally:
            threading.stack_size(previous_stack)
        thread.join()
        sys.setrecursionlimit(previous_limit)
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


_RECURSION_LOCK = threading.Lock()

_ALGEBRA_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def _form_of(name: str) -> str:
    return _ALGEBRA_FORMS[name]


def walk_tree(node: Any, *, into: Callable[[Any], bool] = lambda _: True) -> Iterator[Any]:
    """Every value of an rdflib SPARQL parse tree or algebra, in document order, unrecursed.

    ``into(item)`` False: ``item`` is yielded but not entered. A node's values are read as a
    plain dict's (rdflib's ``CompValue.get`` would resolve variables).
    """
    from pyparsing import ParseResults

    todo = [node]
    while todo:
        item = todo.pop()
        yield item
        if not into(item):
            continue
        if isinstance(item, dict):
            todo.extend(reversed(list(dict.values(item))))
        elif isinstance(item, list | tuple | ParseResults):
            todo.extend(reversed(list(item)))


def _service_endpoints(tree: Any) -> list[str | None]:
    """Every ``ServiceGraphPattern``'s endpoint in rdflib's algebra, in order."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    found: list[str | None] = []
    for node in walk_tree(tree.algebra):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = dict.get(node, "term")
            found.append(str(term) if isinstance(term, URIRef) else None)
            if not isinstance(term, URIRef | Variable):
                raise QuerySyntaxError(f"a SERVICE endpoint the parser left as {term!r}")
    return found


def service_refusal(parsed: ParsedSparql, allowed: Sequence[str] | None) -> str | None:
    """Why ``parsed`` may not run for its SERVICE clauses, or None if it may.

    :param allowed: endpoint IRI prefixes a SERVICE may call; None allows every endpoint,
        an empty sequence none.
    """
    if not parsed.services or allowed is None:
        return None
    if not allowed:
        return (
            "SERVICE (federated query) is refused: this server makes no outbound requests "
            "unless started with --allow-service PREFIX"
        )
    for endpoint in parsed.services:
        if endpoint is None:
            return "SERVICE is allowed only to an endpoint written as an IRI, not a variable"
        if not endpoint.startswith(tuple(allowed)):
            return f"SERVICE <{endpoint}> is refused: it is not on this server's allow-list"
    return None


def refuse_service(
    text: str, *, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None
) -> ParsedSparql:
    """Parse ``text``; :class:`~pharmakg.errors.ServiceRefusedError` if it calls SERVICE."""
    parsed = parse_sparql(text, base_iri=base_iri, prefixes=prefixes)
    if parsed.services:
        raise ServiceRefusedError(
            "the query calls SERVICE, which sends requests to other servers; "
            "refused unless allowed (--allow-service)",
            term="SERVICE",
        )
    return parsed


def query_form(sparql: str) -> str:
    """The query form, upper case: one of :data:`FORMS`.

    :raises QuerySyntaxError: not a SPARQL 1.1 query (an update, or not SPARQL).
    """
    return parse_sparql(sparql).form


# ---------------------------------------------------------------- positions, for VALUES binding

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_KEYWORD = r"(?<![\w:?$@\\-]){}(?![\w:-])"
_FORM = re.compile(_KEYWORD.format("(SELECT|ASK|CONSTRUCT|DESCRIBE)"), re.IGNORECASE)
_WHERE = re.compile(_KEYWORD.format("WHERE"), re.IGNORECASE)


def mask(sparql: str) -> str:
    r"""``sparql`` with comments, strings and IRIs blanked out (positions kept).

    A backslash outside a string escapes the next character (``PN_LOCAL_ESC``: ``ex:a\#``),
    so that character never opens a comment or a string.
    """
    out: list[str] = []
    i, n = 0, len(sparql)
    while i < n:
        char = sparql[i]
        if char == "\\":
            out.append(sparql[i : i + 2])
            i += 2
            continue
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
