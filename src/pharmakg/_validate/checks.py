"""The project's checks beyond SHACL: the prefix map, CURIEs and ill-typed literals.

* every ``pkg:id``/``pkg:xref`` literal has a prefix in the prefix map and a local ID that
  fully matches its pattern (:data:`KNOWN_CURIE`);
* every ``@prefix`` declared in a Turtle source agrees with the prefix map
  (:data:`KNOWN_PREFIX`);
* every XSD-typed literal is in its datatype's lexical space (:data:`WELL_TYPED_LITERAL`).

Each problem is a :class:`~pharmakg.model.ValidationResult` with the shape IRI above.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .. import vocab
from .._load import LoadedGraph
from ..model import Severity, ValidationResult
from ..store import Store
from .report import store_label

__all__ = [
    "IllTypedLiteralLog",
    "KNOWN_CURIE",
    "KNOWN_PREFIX",
    "WELL_TYPED_LITERAL",
    "check_curies",
    "check_literals",
    "check_prefix_declarations",
    "run_project_checks",
]

#: Shape IRI reported for a bad ``pkg:id``/``pkg:xref`` CURIE.
KNOWN_CURIE = vocab.PKGSH.KnownCurie
#: Shape IRI reported for a Turtle ``@prefix`` that disagrees with the prefix map.
KNOWN_PREFIX = vocab.PKGSH.KnownPrefix
#: The source shape of an ill-typed literal (``"abc"^^xsd:integer``).
WELL_TYPED_LITERAL = vocab.PKGSH.WellTypedLiteral

_PREFIX_DECL = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+(?P<prefix>[A-Za-z_][A-Za-z0-9._-]*)?:\s*<(?P<uri>[^>]*)>",
    re.IGNORECASE,
)
# Every literal of an XSD datatype but xsd:string, whose lexical space is every string (most
# literals are strings: turning them into rdflib terms was most of this check's time).
_TYPED_LITERALS = """
SELECT ?focus ?predicate ?value WHERE {
  ?focus ?predicate ?value
  FILTER (isLiteral(?value)
          && STRSTARTS(STR(DATATYPE(?value)), "http://www.w3.org/2001/XMLSchema#")
          && DATATYPE(?value) != <http://www.w3.org/2001/XMLSchema#string>)
}
"""
_CURIES = """
SELECT ?focus ?predicate ?value WHERE {
  VALUES ?predicate { <https://w3id.org/pharmakg/ontology/id>
                      <https://w3id.org/pharmakg/ontology/xref> }
  ?focus ?predicate ?value
}
"""


def _in_order(rows: Iterable[tuple[Node | None, ...]]) -> list[tuple[Node | None, ...]]:
    """Rows sorted by their text, so that the results come in the same order every time."""
    return sorted(rows, key=lambda row: tuple(map(str, row)))


def _violation(
    store: Store, triple: tuple[Node, Node, Node], shape: URIRef, label: str, message: str
) -> ValidationResult:
    """A violation found beside the shapes, on the triple's subject, property and value."""
    subject, predicate, value = triple
    return ValidationResult(
        focus_node=subject,
        focus_label=store_label(store, subject),
        path=predicate,
        value=value,
        source_shape=shape,
        shape_label=label,
        severity=Severity.VIOLATION,
        message=message,
    )


def check_curies(data: Graph | Store) -> list[ValidationResult]:
    """Check every ``pkg:id`` and ``pkg:xref`` literal (of a graph or a store) on the prefix map."""
    store = data if isinstance(data, Store) else LoadedGraph.from_rdflib(data).store
    results = []
    for subject, predicate, value in _in_order(store.query(_CURIES).rows):
        if subject is None or predicate is None or value is None:
            continue
        if not isinstance(value, Literal):
            problem: str | None = "the value must be a CURIE string literal"
        else:
            problem = vocab.check_curie(str(value))
        if problem is None:
            continue
        results.append(
            _violation(store, (subject, predicate, value), KNOWN_CURIE, "known CURIE", problem)
        )
    return results


class IllTypedLiteralLog(logging.Filter):
    """Drops rdflib's warning and traceback on an ill-typed literal (``"abc"^^xsd:integer``).

    The validation report names each such literal instead (``pkgsh:WellTypedLiteral``), so the
    command line installs this filter on the ``rdflib.term`` logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but rdflib's ill-typed-literal warning."""
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


def check_literals(store: Store) -> list[ValidationResult]:
    """Every XSD-typed literal outside its datatype's lexical space (RDF 1.1: ill-typed)."""
    rdflib_terms = logging.getLogger("rdflib.term")
    quiet = IllTypedLiteralLog()
    rdflib_terms.addFilter(quiet)
    try:
        rows = store.query(_TYPED_LITERALS).rows
    finally:
        rdflib_terms.removeFilter(quiet)
    results = []
    for subject, predicate, value in _in_order(rows):
        if subject is None or predicate is None or not isinstance(value, Literal):
            continue
        if not value.ill_typed:
            continue
        datatype = vocab.shorten(str(value.datatype))
        message = f"ill-typed literal: {str(value)!r} is not a valid {datatype}"
        triple = (subject, predicate, value)
        results.append(_violation(store, triple, WELL_TYPED_LITERAL, "well-typed literal", message))
    return results


def check_prefix_declarations(path: Path) -> list[ValidationResult]:
    """Check the ``@prefix``/``PREFIX`` lines of one Turtle file against the prefix map."""
    namespaces = vocab.prefix_map().namespaces()
    by_uri = {uri: prefix for prefix, uri in namespaces.items()}
    results = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _PREFIX_DECL.match(line)
        if match is None:
            continue
        prefix, uri = match["prefix"] or "", match["uri"]
        expected = namespaces.get(prefix)
        if expected == uri or (prefix == "" and uri not in by_uri):
            continue
        if expected is not None:
            problem = f"@prefix {prefix}: is <{uri}> here but <{expected}> in the prefix map"
        elif uri in by_uri:
            problem = f"@prefix {prefix}: names <{uri}>, which the prefix map calls {by_uri[uri]}:"
        else:
            problem = f"@prefix {prefix}: is not in the prefix map (ontology/prefixes.json)"
        results.append(
            ValidationResult(
                focus_node=URIRef(path.resolve().as_uri()),
                value=Literal(f"{prefix}:"),
                source_shape=KNOWN_PREFIX,
                shape_label="known prefix",
                severity=Severity.VIOLATION,
                message=problem,
                file=str(path),
                line=number,
            )
        )
    return results


def run_project_checks(
    kg: LoadedGraph, checked: Store, step: Callable[[], None]
) -> list[ValidationResult]:
    """The checks beyond SHACL: CURIEs, ill-typed literals, the Turtle files' prefixes."""
    results = check_curies(checked)
    step()
    results += check_literals(checked)
    step()
    for source in kg.sources:
        if source.suffix == ".ttl":
            results += check_prefix_declarations(source)
    return results
