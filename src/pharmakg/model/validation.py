"""What validation found: each result, its severity, and the report."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from .. import vocab

__all__ = ["Severity", "ValidationReport", "ValidationResult", "show_term"]


class Severity(enum.Enum):
    """SHACL result severities, most severe first.

    SHACL lets a shape give any IRI as its severity (§2.1.5); such a result is ``CUSTOM`` and
    keeps its IRI in :attr:`ValidationResult.severity_iri`.
    """

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"
    CUSTOM = "Custom"

    @property
    def iri(self) -> URIRef:
        """The ``sh:`` IRI of this severity."""
        return URIRef(str(SH) + self.value)

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        """SHACL's three severity IRIs to theirs, another IRI to CUSTOM, none to Violation."""
        for severity in cls:
            if iri == severity.iri and severity is not cls.CUSTOM:
                return severity
        return cls.VIOLATION if iri is None else cls.CUSTOM


def show_term(term: Node | None) -> str:
    """Render a term for people: CURIEs for IRIs, lexical forms for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return vocab.shorten(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


@dataclass(frozen=True)
class ValidationResult:
    """One problem found by SHACL or by the CURIE check."""

    focus_node: Node
    severity: Severity
    message: str
    source_shape: Node | None = None
    path: Node | None = None
    value: Node | None = None
    focus_label: str | None = None
    shape_label: str | None = None
    component: Node | None = None
    file: str | None = None
    line: int | None = None
    #: The severity's own IRI when it is none of SHACL's three (``Severity.CUSTOM``).
    severity_iri: Node | None = None

    @property
    def severity_name(self) -> str:
        """``Violation``/``Warning``/``Info``, or a custom severity's IRI as a CURIE."""
        if self.severity is Severity.CUSTOM and self.severity_iri is not None:
            return show_term(self.severity_iri)
        return self.severity.value

    @property
    def severity_term(self) -> Node:
        """The severity's IRI, as the report graph gives it."""
        return self.severity_iri if self.severity_iri is not None else self.severity.iri

    def to_text(self) -> str:
        """One line: severity, where, what."""
        focus = show_term(self.focus_node)
        if self.focus_label:
            focus = f"{focus} ({self.focus_label})"
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        shape = show_term(self.source_shape)
        if self.shape_label:
            shape = f"{shape} ({self.shape_label})"
        parts = [f"{where}{self.severity_name}: {focus}"]
        if self.path is not None:
            parts.append(f"path {show_term(self.path)}")
        if self.value is not None:
            parts.append(f"value {show_term(self.value)}")
        parts.append(f"shape {shape}")
        return " | ".join(parts) + f": {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (terms as CURIEs or lexical forms).

        A literal value keeps its datatype and language beside it, so ``"5"`` and ``5`` differ.
        """

        def term(node: Node | None) -> str | None:
            return None if node is None else show_term(node)

        literal = self.value if isinstance(self.value, Literal) else None
        datatype = literal.datatype if literal is not None and not literal.language else None
        if literal is not None and datatype is None and not literal.language:
            datatype = XSD.string  # RDF 1.1: a simple literal is an xsd:string
        custom = self.severity is Severity.CUSTOM and self.severity_iri is not None
        return {
            "severity": str(self.severity_iri) if custom else self.severity.value,
            "focus_node": term(self.focus_node),
            "focus_label": self.focus_label,
            "path": term(self.path),
            "value": term(self.value),
            "value_datatype": str(datatype) if datatype is not None else None,
            "value_language": literal.language if literal is not None else None,
            "source_shape": term(self.source_shape),
            "shape_label": self.shape_label,
            "component": term(self.component),
            "message": self.message,
            "file": self.file,
            "line": self.line,
        }


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`pharmakg.validate` found.

    ``conforms`` follows SHACL (any result breaks it) for a user's shapes; for the packaged
    shapes only a Violation does (the project's rule, see ``validate_graph``).
    """

    conforms: bool
    results: tuple[ValidationResult, ...] = ()

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        """The results of severity Violation."""
        return tuple(r for r in self.results if r.severity is Severity.VIOLATION)

    def to_text(self) -> str:
        """A readable report, one result per line, ending with a summary line."""
        lines = [r.to_text() for r in self.results]
        counts = {s: sum(1 for r in self.results if r.severity is s) for s in Severity}
        if not counts[Severity.CUSTOM]:  # the summary names custom severities only when found
            del counts[Severity.CUSTOM]
        summary = ", ".join(f"{n} {s.value.lower()}(s)" for s, n in counts.items())
        verdict = "Conforms" if self.conforms else "Does not conform"
        lines.append(f"{verdict}: {summary}.")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as a JSON document."""
        body = {"conforms": self.conforms, "results": [r.to_dict() for r in self.results]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def to_graph(self) -> Graph:
        """The report as a SHACL validation-report graph (prefixes bound)."""
        graph = vocab.bind_prefixes(Graph())
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for result in self.results:
            node = BNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, result.focus_node))
            graph.add((node, SH.resultSeverity, result.severity_term))
            graph.add((node, SH.resultMessage, Literal(result.message)))
            for predicate, value in (
                (SH.resultPath, result.path),
                (SH.value, result.value),
                (SH.sourceShape, result.source_shape),
                (SH.sourceConstraintComponent, result.component),
            ):
                if value is not None:
                    graph.add((node, predicate, value))
        return graph
