"""What a query answers: rows (SELECT, ASK) or triples (CONSTRUCT, DESCRIBE), and a query's header.

JSON is `SPARQL 1.1 Query Results JSON <https://www.w3.org/TR/sparql11-results-json/>`_,
CSV and TSV follow `SPARQL 1.1 CSV and TSV <https://www.w3.org/TR/sparql11-results-csv-tsv/>`_;
triples are written through pyoxigraph's serialisers in any RDF format of the registry.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .. import vocab
from ..errors import UnknownFormatError
from ..formats import Format, Kind, find
from .validation import show_term

__all__ = ["GraphResult", "QueryInfo", "QueryParam", "QueryResult"]


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

    def to_table(self, show: Callable[[Node | None], str] = show_term) -> str:
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
