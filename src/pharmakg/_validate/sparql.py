"""SHACL-SPARQL constraints run on the store, and the SPARQL that shapes may not contain.

`SHACL §5 <https://www.w3.org/TR/shacl/#sparql-constraints>`_: a node shape's ``sh:sparql``
SELECT constraint reports one result per solution. The fast path takes these constraints out
of the shapes the ``shacl`` engine gets (:func:`split_sparql`) and runs them with pyoxigraph:

* the packaged shapes' constraints once each for all focus nodes (:func:`sparql_report`);
* a user's once per focus node, with ``$this`` and ``$currentShape`` pre-bound as
  `§5.3 <https://www.w3.org/TR/shacl/#sparql-constraints-validation>`_ says
  (:func:`sparql_report_per_focus`).

Before either engine runs a user's shapes, their SPARQL is checked: no SERVICE anywhere
(:func:`refuse_service_in_shapes`), nothing that §5.2.1 forbids in a pre-bound query
(:func:`refuse_unsupported_sparql`, which reads :mod:`.prebinding`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..errors import QuerySyntaxError, ShapesError
from ..model import QueryResult
from ..store import Store
from ..store.text import parse_sparql
from .prebinding import read_select
from .shapes import active_sparql_texts, deactivated, prologue
from .targets import focus_nodes

__all__ = [
    "refuse_service_in_shapes",
    "refuse_unsupported_sparql",
    "sparql_report",
    "sparql_report_per_focus",
    "split_sparql",
]

#: The SHACL-SPARQL properties that hold query text (constraints, targets, validators).
_SPARQL_TEXTS = (SH.select, SH.ask, SH.construct, SH.update)
_MESSAGE_VARIABLE = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")


def refuse_service_in_shapes(shapes: Graph, shapes_path: Path) -> None:
    """Refuse shapes whose SPARQL calls ``SERVICE``: validating must not send requests.

    Both engines would run it (pyoxigraph and rdflib evaluate SERVICE). Each text is parsed
    by the SPARQL 1.1 grammar with its ``sh:prefixes``, as the engines read it.

    :raises ShapesError: a text calls SERVICE, or is not SPARQL 1.1.
    """
    for prop in _SPARQL_TEXTS:
        for holder, text in shapes.subject_objects(prop):
            sparql = prologue(shapes, holder) + str(text)
            try:
                parsed = parse_sparql(sparql, update=prop == SH.update)
            except QuerySyntaxError as error:
                raise ShapesError(
                    f"the SPARQL of {holder.n3()} does not parse: {error}",
                    file=shapes_path,
                    term=str(holder),
                ) from None
            if parsed.services:
                raise ShapesError(
                    f"the SPARQL of {holder.n3()} calls SERVICE <{parsed.services[0]}>: shapes "
                    "may not send requests to other servers",
                    file=shapes_path,
                    term=str(holder),
                )


def refuse_unsupported_sparql(shapes: Graph, shapes_path: Path) -> None:
    """Refuse the SHACL-SPARQL queries that SHACL §5.2.1 forbids, before either engine runs.

    `SHACL §5.2.1 <https://www.w3.org/TR/shacl/#pre-binding>`_: no MINUS, VALUES or SERVICE,
    no ``AS $this`` (or another pre-bound variable), every sub-select returns ``$this``. Run
    anyway, such a query answers as if the shape held (W3C tests pre-binding-*).

    :raises ShapesError: naming the shape and the reason.
    """
    for owner, _holder, sparql in active_sparql_texts(shapes):
        refusal = read_select(sparql).refusal
        if refusal is not None:
            raise ShapesError(
                f"the SPARQL of shape {owner.n3()} is not allowed by SHACL §5.2.1: {refusal}",
                file=shapes_path,
                term=str(owner),
            )


def split_sparql(shapes: Graph) -> tuple[Graph, list[tuple[Node, Node]]]:
    """The shapes without their node shapes' ``sh:sparql``, and those (shape, constraint)."""
    core = Graph()
    core += shapes
    pairs = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if (shape, SH.path, None) in shapes:  # property shapes keep theirs in the engine
            continue
        if deactivated(shapes, constraint) or deactivated(shapes, shape):
            continue
        core.remove((shape, SH.sparql, constraint))
        pairs.append((shape, constraint))
    return core, pairs


def _fill(values: dict[str, Node | None], match: re.Match[str]) -> str:
    """A message's ``{?var}`` replaced by the variable's value (as pyshacl does: its string)."""
    value = values.get(match[1])
    return str(value) if value is not None else match[0]


def _add_sparql_result(
    report: Graph,
    shapes: Graph,
    shape_and_constraint: tuple[Node, Node],
    this: Node,
    values: dict[str, Node | None],
) -> None:
    """One solution of a SHACL-SPARQL constraint for focus node ``this`` as a result (§5.3.2)."""
    shape, constraint = shape_and_constraint
    path, value = values.get("path"), values.get("value")
    node = BNode()
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, this))
    report.add((node, SH.value, value if value is not None else this))
    report.add((node, SH.resultSeverity, shapes.value(shape, SH.severity) or SH.Violation))
    report.add((node, SH.sourceShape, shape))
    report.add((node, SH.sourceConstraint, constraint))
    report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    if path is not None:
        report.add((node, SH.resultPath, path))
    for message in shapes.objects(constraint, SH.message):
        text = _MESSAGE_VARIABLE.sub(partial(_fill, values), str(message))
        lang = message.language if isinstance(message, Literal) else None
        report.add((node, SH.resultMessage, Literal(text, lang=lang)))


def _selects(
    shapes: Graph, pairs: list[tuple[Node, Node]], step: Callable[[], None]
) -> Iterator[tuple[Node, Node, str]]:
    """(shape, constraint, SELECT text with its prologue) of each pair; ``step`` for each pair."""
    for shape, constraint in pairs:
        step()
        select = shapes.value(constraint, SH.select)
        if select is not None:
            yield shape, constraint, prologue(shapes, constraint) + str(select)


def _solutions(result: QueryResult) -> Iterator[dict[str, Node | None]]:
    """Each row of ``result`` as a dict from variable name to value."""
    for row in result.rows:
        yield dict(zip(result.variables, row, strict=True))


def sparql_report(
    store: Store,
    shapes: Graph,
    pairs: list[tuple[Node, Node]],
    step: Callable[[], None] = lambda: None,
) -> Graph:
    """A report graph of the packaged shapes' SHACL-SPARQL constraints, each run once.

    Each query runs with ``$this`` unbound and its rows are kept for the shape's focus nodes:
    right for the packaged queries, each of which binds ``$this`` in a triple pattern and
    projects it (``tests/test_validate_engines.py`` holds them to pyshacl's answers), and one
    query instead of one per focus node keeps a million triples fast. A user's shapes run
    per focus node instead (:func:`sparql_report_per_focus`). ``step`` is called after each.
    """
    report = Graph()
    for shape, constraint, sparql in _selects(shapes, pairs, step):
        result = store.query(sparql)
        if not result.rows:
            continue  # nothing to report: the focus nodes are not needed
        focus = focus_nodes(store, shapes, shape)
        seen = set()
        for values in _solutions(result):
            this = values.get("this")
            if this is None or this not in focus:
                continue
            key = tuple(sorted((k, str(v)) for k, v in values.items()))
            if key not in seen:
                seen.add(key)
                _add_sparql_result(report, shapes, (shape, constraint), this, values)
    return report


def sparql_report_per_focus(
    store: Store,
    shapes: Graph,
    pairs: list[tuple[Node, Node]],
    step: Callable[[], None] = lambda: None,
) -> Graph:
    """A report graph of a user's SHACL-SPARQL constraints, run once per focus node.

    `SHACL §5.3 <https://www.w3.org/TR/shacl/#sparql-constraints-validation>`_: ``$this`` is
    pre-bound to the focus node and ``$currentShape`` to the shape (§5.2.2), as pyoxigraph's
    ``substitutions`` do; :func:`.shapes.fast_blockers` sent every other query to pyshacl.
    """
    report = Graph()
    for shape, constraint, sparql in _selects(shapes, pairs, step):
        wants_shape = "currentShape" in read_select(sparql).mentions
        for this in sorted(focus_nodes(store, shapes, shape), key=str):
            bound: dict[str, Node] = {"this": this}
            if wants_shape:
                bound["currentShape"] = shape
            for values in _solutions(store.query(sparql, bound)):
                values["this"] = this
                _add_sparql_result(report, shapes, (shape, constraint), this, values)
    return report
