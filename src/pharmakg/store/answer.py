"""Answering one query with the limits a user asks for: SERVICE refused, a time limit."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib.term import Node

from ..model import GraphResult, QueryResult
from .limits import run_with_timeout
from .protocol import Store
from .text import parse_sparql, refuse_service

__all__ = ["answer"]


def answer(
    store: Store,
    sparql: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    timeout: float | None = None,
    allow_service: bool = False,
) -> QueryResult | GraphResult:
    """Answer any query: rows for SELECT/ASK, triples for CONSTRUCT/DESCRIBE.

    :param timeout: seconds; the query runs in a child process killed at the limit.
    :param allow_service: let ``SERVICE`` make its outbound requests (refused by default).
    :raises ServiceRefusedError: the query uses ``SERVICE`` and it is not allowed.
    :raises QuerySyntaxError: the SPARQL 1.1 grammar refuses the query.
    :raises QueryTimeoutError: the query ran past ``timeout``.
    """
    # The form and the SERVICE check come from one real parse of the text.
    parsed = parse_sparql(sparql) if allow_service else refuse_service(sparql)
    form = parsed.form

    def run() -> QueryResult | GraphResult:
        if form in ("CONSTRUCT", "DESCRIBE"):
            return store.construct(sparql, bindings)
        return store.query(sparql, bindings)

    return run() if timeout is None else run_with_timeout(run, timeout)
