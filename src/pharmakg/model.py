"""Typed, frozen records that the stages return, and the format registries.

* :class:`ValidationReport` / :class:`ValidationResult` / :class:`Severity`
* :class:`QueryResult` (SELECT rows or an ASK boolean) with table/CSV/TSV/JSON writers;
  JSON is `SPARQL 1.1 Query Results JSON <https://www.w3.org/TR/sparql11-results-json/>`_,
  CSV and TSV follow `SPARQL 1.1 CSV and TSV <https://www.w3.org/TR/sparql11-results-csv-tsv/>`_.
* :class:`GraphResult` (the triples of a CONSTRUCT or DESCRIBE), written through pyoxigraph's
  serialisers in any RDF format of the registry (:data:`pharmakg.formats.Kind.RDF`)
* :class:`QueryInfo` / :class:`QueryParam`, :class:`BuildResult`
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from . import vocab
from .errors import UnknownFormatError
from .formats import Format, Kind, find

__all__ = [
    "BuildResult",
    "GraphResult",
    "PublishResult",
    "QueryInfo",
    "QueryParam",
    "QueryResult",
    "Severity",
    "ValidationReport",
    "ValidationResult",
]


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


def _show(term: Node | None) -> str:
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
            return _show(self.severity_iri)
        return self.severity.value

    @property
    def severity_term(self) -> Node:
        """The severity's IRI, as the report graph gives it."""
        return self.severity_iri if self.severity_iri is not None else self.severity.iri

    def to_text(self) -> str:
        """One line: severity, where, what."""
        focus = _show(self.focus_node)
        if self.focus_label:
            focus = f"{focus} ({self.focus_label})"
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        shape = _show(self.source_shape)
        if self.shape_label:
            shape = f"{shape} ({self.shape_label})"
        parts = [f"{where}{self.severity_name}: {focus}"]
        if self.path is not None:
            parts.append(f"path {_show(self.path)}")
        if self.value is not None:
            parts.append(f"value {_show(self.value)}")
        parts.append(f"shape {shape}")
        return " | ".join(parts) + f": {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (terms as CURIEs or lexical forms).

        A literal value keeps its datatype and language beside it, so ``"5"`` and ``5`` differ.
        """

        def term(node: Node | None) -> str | None:
            return None if node is None else _show(node)

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


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        return str(term)
    return term.n3()


@dataclass(frozen=True)
class QueryResult:
    """The answer to a SELECT (``variables`` and ``rows``) or an ASK (``boolean``)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None

    def __len__(self) -> int:
        """The number of rows."""
        return len(self.rows)

    def column(self, name: str) -> list[Node | None]:
        """Every value of one variable, in row order."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        body: dict[str, Any]
        if self.boolean is not None:
            body = {"head": {}, "boolean": self.boolean}
        else:
            bindings = [
                {
                    v: _json_term(t)
                    for v, t in zip(self.variables, row, strict=True)
                    if t is not None
                }
                for row in self.rows
            ]
            body = {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV: plain values, CRLF line ends."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if self.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
            return buffer.getvalue()
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow(["" if t is None else _csv_value(t) for t in row])
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV: terms in Turtle syntax, a ``?var`` header."""
        if self.boolean is not None:
            return f"?boolean\n{'true' if self.boolean else 'false'}\n"
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_table(self, show: Callable[[Node | None], str] = _show) -> str:
        """An aligned text table for people; IRIs compacted to CURIEs through the prefix map."""
        if self.boolean is not None:
            return ("yes" if self.boolean else "no") + "\n"
        header = list(self.variables)
        body = [[show(t).replace("\n", " ") for t in row] for row in self.rows]
        widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = [line(header), line(["-" * w for w in widths])]
        out += [line(r) for r in body]
        out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
        return "\n".join(out) + "\n"

    def render(self, fmt: Format | str) -> str:
        """Render in a :attr:`Kind.RESULT` format of the registry: table, csv, tsv or json.

        :raises UnknownFormatError: not a result format; the error lists them.
        """
        writers: dict[str, Callable[[], str]] = {
            "table": self.to_table,
            "csv": self.to_csv,
            "tsv": self.to_tsv,
            "json": self.to_json,
        }
        return writers[find(Kind.RESULT, fmt).name]()


def _csv_value(term: Node) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


@dataclass(frozen=True)
class GraphResult:
    """The answer to a CONSTRUCT or DESCRIBE: its triples, held as N-Triples.

    :func:`render` writes them through pyoxigraph's serialisers (Turtle with the prefix map's
    prefixes, N-Triples, JSON-LD in expanded form, RDF/XML).
    """

    ntriples: bytes = b""

    def __len__(self) -> int:
        """The number of triples."""
        return sum(1 for line in self.ntriples.splitlines() if line.strip())

    def graph(self) -> Graph:
        """The triples as a new rdflib graph."""
        graph = Graph()
        graph.parse(data=self.ntriples.decode("utf-8"), format="nt")
        return graph

    def render(self, fmt: Format | str) -> bytes:
        """The triples in ``fmt``: a :data:`~pharmakg.formats.Kind.RDF` format or its name."""
        chosen = find(Kind.RDF, fmt)
        if chosen.name == "nt":
            return self.ntriples
        target = ox.RdfFormat.from_media_type(chosen.media_type)
        if target is None:  # every Kind.RDF media type is one pyoxigraph knows
            raise UnknownFormatError(f"pyoxigraph cannot write {chosen.name}", term=chosen.name)
        triples = ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)
        prefixes = vocab.prefix_map().namespaces() if chosen.name == "turtle" else None
        used = None
        if prefixes is not None:
            text = self.ntriples.decode("utf-8")
            used = {p: ns for p, ns in prefixes.items() if p and f"<{ns}" in text}
        return ox.serialize(triples, format=target, prefixes=used) or b""


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter of a named query (``# param: NAME (KIND) description``)."""

    name: str
    kind: str
    description: str = ""


@dataclass(frozen=True)
class QueryInfo:
    """A named query: its header and its file."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...] = ()
    path: Path | None = None

    def param(self, name: str) -> QueryParam | None:
        """The declared parameter called ``name``, or None."""
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class PublishResult:
    """What :func:`pharmakg.publish` wrote: each named graph's IRI and triple count."""

    location: str
    graphs: tuple[tuple[str, int], ...] = ()
    replaced: bool = True


@dataclass(frozen=True)
class BuildResult:
    """What :func:`pharmakg.build` did."""

    conforms: bool
    out_dir: Path
    report: ValidationReport
    files: tuple[Path, ...] = ()
    removed_stale: bool = False
    triples: int = 0
    notes: tuple[str, ...] = field(default=())
