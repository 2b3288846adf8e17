"""Stage: validate a graph against the SHACL shapes and the prefix map.

* SHACL: pyshacl over *data + ontology* (their union) (so ``sh:targetClass`` follows
  ``rdfs:subClassOf``), shapes from ``ontology/shapes.ttl``, ``advanced=True``
  (SPARQL-based constraints), no inference. The input graph is copied, never changed.
* CURIEs, checked in Python: every ``pkg:id``/``pkg:xref`` literal has a prefix
  in the prefix map and a local ID that fully matches its pattern
  (``pkgsh:KnownCurie``); every ``@prefix`` declared in a Turtle source agrees
  with the prefix map (``pkgsh:KnownPrefix``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from . import resources, vocab
from .errors import ShapesError
from .load import LoadedGraph, load_graph, parse_file
from .model import RdfFormat, Severity, ValidationReport, ValidationResult

__all__ = [
    "KNOWN_CURIE",
    "KNOWN_PREFIX",
    "check_curies",
    "check_prefix_declarations",
    "validate_graph",
]

#: Shape IRI reported for a bad ``pkg:id``/``pkg:xref`` CURIE.
KNOWN_CURIE = vocab.PKGSH.KnownCurie
#: Shape IRI reported for a Turtle ``@prefix`` that disagrees with the prefix map.
KNOWN_PREFIX = vocab.PKGSH.KnownPrefix

_PREFIX_DECL = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+(?P<prefix>[A-Za-z_][A-Za-z0-9._-]*)?:\s*<(?P<uri>[^>]*)>",
    re.IGNORECASE,
)


def _label(graph: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    for predicate in (RDFS.label, SKOS.prefLabel):
        for value in graph.objects(node, predicate):
            return str(value)
    return None


def check_curies(graph: Graph) -> list[ValidationResult]:
    """Check every ``pkg:id`` and ``pkg:xref`` literal against the prefix map."""
    results = []
    for predicate in (vocab.PKG_ID, vocab.PKG_XREF):
        for subject, value in sorted(graph.subject_objects(predicate)):
            if not isinstance(value, Literal):
                problem: str | None = "the value must be a CURIE string literal"
            else:
                problem = vocab.check_curie(str(value))
            if problem is not None:
                results.append(
                    ValidationResult(
                        focus_node=subject,
                        focus_label=_label(graph, subject),
                        path=predicate,
                        value=value,
                        source_shape=KNOWN_CURIE,
                        shape_label="known CURIE",
                        severity=Severity.VIOLATION,
                        message=problem,
                    )
                )
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


def _shape_label(shapes: Graph, shape: Node | None) -> str | None:
    """A shape's label; for a blank property shape, its node shape and path."""
    label = _label(shapes, shape)
    if label is not None or not isinstance(shape, BNode):
        return label
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    path = shapes.value(shape, SH.path)
    if parent is None:
        return None
    where = vocab.compress(str(parent)) if isinstance(parent, URIRef) else "a shape"
    return f"{where}, property {vocab.compress(str(path))}" if path is not None else where


def _shacl_results(
    data: Graph, shapes: Graph, shapes_path: Path
) -> tuple[bool, list[ValidationResult]]:
    conforms, report, text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    if not isinstance(report, Graph):  # pyshacl returns its exception in place of the graph
        reason = str(report).splitlines()[0] if str(report) else str(text)
        raise ShapesError(f"SHACL shapes refused by pyshacl: {reason}", file=shapes_path)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        messages = [str(m) for m in shapes.objects(shape, SH.message)] if shape is not None else []
        if not messages:
            messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        results.append(
            ValidationResult(
                focus_node=focus if focus is not None else URIRef("urn:pharmakg:unknown"),
                focus_label=_label(data, focus),
                path=_readable_path(report.value(node, SH.resultPath), report, shapes),
                value=report.value(node, SH.value),
                source_shape=shape,
                shape_label=_shape_label(shapes, shape),
                severity=Severity.from_iri(report.value(node, SH.resultSeverity)),
                message="; ".join(sorted(messages)) or "constraint not satisfied",
                component=report.value(node, SH.sourceConstraintComponent),
            )
        )
    return bool(conforms), results


def _path_text(node: Node, graph: Graph) -> str:
    """Write a SHACL property path in SPARQL's path syntax, with CURIEs."""
    if isinstance(node, URIRef):
        return vocab.compress(node)
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


def _sort_key(result: ValidationResult) -> tuple[str, ...]:
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


def validate_graph(
    kg: LoadedGraph | Iterable[str | Path],
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
) -> ValidationReport:
    """Validate a loaded graph (or the files ``kg`` names) and return a report.

    :param shapes: a SHACL file (default: the packaged ``ontology/shapes.ttl``).
    :param ontology: the OWL ontology merged into the data (default: the packaged one).
    """
    if not isinstance(kg, LoadedGraph):
        kg = load_graph(*kg)
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    ontology_path = Path(ontology) if ontology is not None else resources.ontology_file()
    shapes_graph = parse_file(shapes_path, RdfFormat.from_path(shapes_path))
    data = Graph()
    for triple in kg.graph:
        data.add(triple)
    if ontology_path.resolve() not in {p.resolve() for p in kg.sources}:
        for triple in parse_file(ontology_path, RdfFormat.from_path(ontology_path)):
            data.add(triple)
    shacl_conforms, results = _shacl_results(data, shapes_graph, shapes_path)
    results += check_curies(kg.graph)
    for source in kg.sources:
        if source.suffix == ".ttl":
            results += check_prefix_declarations(source)
    results.sort(key=_sort_key)
    conforms = shacl_conforms and not any(r.severity is Severity.VIOLATION for r in results)
    return ValidationReport(conforms=conforms, results=tuple(results))
