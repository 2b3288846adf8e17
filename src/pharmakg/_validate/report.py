"""A SHACL report graph read as :class:`~pharmakg.model.ValidationResult` records.

Both engines' reports go through :func:`report_results` (`SHACL §3.6
<https://www.w3.org/TR/shacl/#validation-report>`_): a complex path is written as SPARQL path
text, a blank property shape named by the fast engine is mapped back to the shapes graph's own
node, and each focus node and shape carries its label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from .. import vocab
from ..errors import ShapesError
from ..model import Severity, ValidationResult
from ..store import Store

__all__ = ["ROOT_SHAPE", "report_results", "sort_key", "store_label"]

#: Links a fast engine's result to the nearest named shape above it (see engines.fast_report).
ROOT_SHAPE = URIRef("urn:pharmakg:rootShape")

#: The label properties, in the order the report prefers them.
_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)
_LABELS = """
SELECT ?focus ?label ?kind WHERE {
  { ?focus <http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(0 AS ?kind) }
  UNION { ?focus <http://www.w3.org/2004/02/skos/core#prefLabel> ?label BIND(1 AS ?kind) }
}
"""


def _preferred(labels: Iterable[tuple[int, str]]) -> str | None:
    """The smallest ``rdfs:label`` (kind 0), else the smallest ``skos:prefLabel`` (kind 1)."""
    found = min(labels, default=None)
    return found[1] if found is not None else None


def _label(graph: Graph, node: Node | None) -> str | None:
    """The label of ``node`` in ``graph`` (:func:`_preferred`)."""
    if node is None:
        return None
    return _preferred(
        (kind, str(value))
        for kind, predicate in enumerate(_LABEL_PROPERTIES)
        for value in graph.objects(node, predicate)
    )


def store_label(store: Store, node: Node | None) -> str | None:
    """As :func:`_label`, read from a store (one query for one node)."""
    if node is None or not isinstance(node, URIRef):
        return None
    rows = store.query(_LABELS, {"focus": node}).rows
    return _preferred((int(str(kind)), str(label)) for _, label, kind in rows)


def _shape_label(shapes: Graph, shape: Node | None) -> str | None:
    """A shape's label; for a blank property shape, its node shape and path."""
    label = _label(shapes, shape)
    if label is not None or not isinstance(shape, BNode):
        return label
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    path = shapes.value(shape, SH.path)
    if parent is None:
        return None
    where = vocab.shorten(str(parent)) if isinstance(parent, URIRef) else "a shape"
    return f"{where}, property {vocab.shorten(str(path))}" if path is not None else where


def _path_text(node: Node, graph: Graph) -> str:
    """Write a SHACL property path in SPARQL's path syntax, with CURIEs."""
    if isinstance(node, URIRef):
        return vocab.shorten(node)
    for keyword, template in (
        (SH.alternativePath, "({})"),
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, keyword)
        if inner is not None:
            if keyword == SH.alternativePath:
                items = Collection(graph, inner)
                return template.format("|".join(_path_text(i, graph) for i in items))
            return template.format(_path_text(inner, graph))
    if graph.value(node, RDF.first) is not None:
        return "/".join(_path_text(i, graph) for i in Collection(graph, node))
    return f"_:{node}"


def _readable_path(path: Node | None, report: Graph, shapes: Graph) -> Node | None:
    """A complex path is a blank node in the report; curators read it as SPARQL path text."""
    if not isinstance(path, BNode):
        return path
    for graph in (report, shapes):
        if (path, None, None) in graph:
            return Literal(_path_text(path, graph))
    return path


def _property_shape(shapes: Graph, report: Graph, node: Node, shape: Node | None) -> Node | None:
    """The shapes graph's own node for a result's source shape.

    The fast engine names a blank property shape by a label of its own; the same shape in
    ``shapes`` is the property of the nearest named shape with the same path.
    """
    if shape is None or not isinstance(shape, BNode) or (shape, None, None) in shapes:
        return shape
    path = report.value(node, SH.resultPath)
    wanted = _path_text(path, report) if path is not None else None
    root = report.value(node, ROOT_SHAPE)
    candidates = [
        prop
        for prop in shapes.objects(root, SH.property)
        if wanted is not None
        and (p := shapes.value(prop, SH.path)) is not None
        and _path_text(p, shapes) == wanted
    ]
    component = report.value(node, SH.sourceConstraintComponent)
    if len(candidates) > 1 and component is not None:
        # keep the property shapes with a constraint of the reported component
        local = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        key = URIRef(str(SH) + local[:1].lower() + local[1:])
        narrowed = [c for c in candidates if (c, key, None) in shapes]
        candidates = narrowed or candidates
    return candidates[0] if len(candidates) == 1 else shape


def report_results(
    report: Graph, shapes: Graph, label: Callable[[Node | None], str | None]
) -> list[ValidationResult]:
    """The results of a SHACL report graph; ``label`` names each focus node."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:
            continue  # §3.6.2.7: a detail explains its parent result; it is not one of its own
        focus = report.value(node, SH.focusNode)
        if focus is None:  # SHACL §3.6.2: every validation result has exactly one focus node
            raise ShapesError(f"the SHACL engine reported a result without sh:focusNode ({node})")
        shape = _property_shape(shapes, report, node, report.value(node, SH.sourceShape))
        messages = [str(m) for m in shapes.objects(shape, SH.message)] if shape is not None else []
        if not messages:
            messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        severity_iri = report.value(node, SH.resultSeverity)
        severity = Severity.from_iri(severity_iri)
        results.append(
            ValidationResult(
                focus_node=focus,
                focus_label=label(focus),
                path=_readable_path(report.value(node, SH.resultPath), report, shapes),
                value=report.value(node, SH.value),
                source_shape=shape,
                shape_label=_shape_label(shapes, shape),
                severity=severity,
                severity_iri=severity_iri if severity is Severity.CUSTOM else None,
                message="; ".join(sorted(messages)) or "constraint not satisfied",
                component=report.value(node, SH.sourceConstraintComponent),
            )
        )
    return results


def sort_key(result: ValidationResult) -> tuple[str, ...]:
    """The report's order: severity, file, line, focus node, path, shape, message."""
    order = list(Severity).index(result.severity)
    return (
        str(order),
        str(result.file or ""),
        f"{result.line or 0:09d}",
        str(result.focus_node),
        str(result.path or ""),
        str(result.source_shape or ""),
        result.message,
    )
