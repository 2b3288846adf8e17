"""Stage 1: read RDF files into one graph, safely.

Formats are chosen by suffix (``.ttl .nt .jsonld/.json .rdf/.owl/.xml``) or by
``input_format``. Hostile input is refused, never followed:

* **JSON-LD** never fetches a remote document: any ``@context`` given by
  reference (a string, in a list or not) and any ``@import`` is refused
  before rdflib sees the document (rdflib's JSON-LD parser would fetch it).
* **RDF/XML** is pre-checked with defusedxml: external entities, external DTDs
  and parameter entities are refused; internal entities are allowed only if
  they are short and do not refer to other entities (so expansion is linear,
  no billion laughs); element nesting is bounded by :data:`MAX_XML_DEPTH`.
* Malformed input raises :class:`~pharmakg.errors.ParseError` naming the file
  and, when the parser knows it, the line and column.
"""

from __future__ import annotations

import collections
import json
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Self
from xml.etree.ElementTree import ParseError as XmlParseError
from xml.etree.ElementTree import TreeBuilder
from xml.sax import SAXParseException

import pyoxigraph as ox
from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from rdflib import Graph
from rdflib.term import Node

from . import resources
from .errors import InputError, ParseError, UnsafeInputError
from .formats import Format, Kind, find, for_path
from .store import (
    LoadableStore,
    OxigraphStore,
    RdflibStore,
    Store,
    connect,
    open_store,
)

__all__ = [
    "LoadedGraph",
    "MAX_XML_DEPTH",
    "MAX_XML_ENTITIES",
    "default_paths",
    "load_graph",
    "open_graph",
    "parse_file",
]

#: Deepest element nesting accepted in RDF/XML.
MAX_XML_DEPTH = 256
#: Most internal entity declarations accepted in one RDF/XML file.
MAX_XML_ENTITIES = 256
_MAX_ENTITY_LENGTH = 4096


class LoadedGraph:
    """The loaded data: one store (the hub every stage reads) and the files it came from.

    The engine is chosen once, when the graph is loaded or copied (:meth:`with_engine`);
    stages never change the graph. Libraries that need an rdflib graph (pyshacl, owlready2,
    the JSON-LD and KGX writers) get one from :meth:`to_rdflib`, made once and kept.
    """

    def __init__(self, store: Store, sources: Iterable[Path] = ()) -> None:
        self._store = store
        self._rdflib: Graph | None = None
        self.sources = tuple(sources)

    @classmethod
    def from_rdflib(
        cls, graph: Graph, sources: Iterable[Path] = (), *, engine: str = "oxigraph"
    ) -> Self:
        """A graph in a new in-memory store of ``engine`` holding ``graph``'s triples."""
        kg = cls(open_store(engine, graph), sources)
        if engine != "rdflib":  # rdflib's store holds a graph of its own: to_rdflib() gives it
            kg._rdflib = graph
        return kg

    @property
    def store(self) -> Store:
        """The store every stage reads."""
        return self._store

    @property
    def engine(self) -> str:
        """The name of the store's engine (``oxigraph``, ``rdflib`` or ``sparql``)."""
        return self._store.name

    def with_engine(self, engine: str) -> Self:
        """The graph in an in-memory store of ``engine``, copied once (itself if it is one).

        :raises InputError: no such engine; the error lists them.
        """
        if engine == self.engine:
            return self
        if engine == "rdflib":
            return type(self)(RdflibStore(self.to_rdflib()), self.sources)
        store = open_store(engine)
        store.load_rdf(self._store.dump(), "application/n-triples")
        return type(self)(store, self.sources)

    def to_rdflib(self) -> Graph:
        """The triples as an rdflib graph, read from the store once and kept (never change it)."""
        if self._rdflib is None:
            if isinstance(self._store, RdflibStore):
                self._rdflib = self._store.graph
            else:
                graph = Graph()
                graph.parse(data=self._store.dump().decode("utf-8"), format="nt")
                self._rdflib = graph
        return self._rdflib

    def __len__(self) -> int:
        """The number of triples."""
        return len(self._store)


def default_paths() -> list[Path]:
    """The packaged ontology followed by every ``graphs/*.ttl``."""
    return [resources.ontology_file(), *resources.graph_files()]


#: Formats pyoxigraph parses straight into the store (fast); the others go through rdflib,
#: whose parsers are guarded against remote documents and entity expansion.
_NATIVE = ("turtle", "nt")  # RDF formats pyoxigraph loads itself


def load_graph(
    *paths: str | Path,
    input_format: str | None = None,
    store: str | Path | None = None,
    progress: Callable[[Path], None] | None = None,
) -> LoadedGraph:
    """Load ``paths`` (default: :func:`default_paths`) into one store.

    :param store: where: ``memory`` (default), a directory (created, or added to), or
        ``sparql:URL`` (added to the server's default graph).
    :param progress: called with each file once it is loaded.
    """
    files = [Path(p) for p in paths] if paths else default_paths()
    fmt = find(Kind.RDF, input_format) if input_format else None
    hub = connect(store if store is not None else "memory", read_only=False)
    for path in files:
        add_file(hub, path, fmt or for_path(Kind.RDF, path))
        if progress is not None:
            progress(path)
    hub.flush()
    return LoadedGraph(hub, files)


def open_graph(location: str | Path) -> LoadedGraph:
    """The data of an existing store (a directory, read-only, or ``sparql:URL``).

    :raises StoreError: there is no store there.
    """
    return LoadedGraph(connect(location, read_only=True))


def add_file(store: LoadableStore, path: str | Path, fmt: Format) -> None:
    """Parse one file safely and add its triples to ``store``."""
    path = Path(path)
    if fmt.name not in _NATIVE or not isinstance(store, OxigraphStore):
        store.add_graph(parse_file(path, fmt))
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", file=path) from error
    _text(data, path)  # names the line and column of bad UTF-8
    try:
        store.load_rdf(data, fmt.media_type, base_iri=path.resolve().as_uri())
    except SyntaxError as error:
        name = "Turtle" if fmt.name == "turtle" else "N-Triples"
        raise ParseError(
            f"{name} syntax error: {error.msg}", file=path, line=error.lineno, column=error.offset
        ) from error


def parse_file(path: str | Path, fmt: Format | None = None) -> Graph:
    """Parse one file of RDF format ``fmt`` (default: by its suffix) safely into a new graph."""
    path = Path(path)
    fmt = find(Kind.RDF, fmt) if fmt is not None else for_path(Kind.RDF, path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", file=path) from error
    parsers = {
        "turtle": _parse_turtle,
        "nt": _parse_ntriples,
        "json-ld": _parse_jsonld,
        "xml": _parse_rdfxml,
    }
    return parsers[fmt.name](data, path)


def _text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise ParseError("not valid UTF-8", file=path, line=line, column=column) from error


def _position(data: bytes | str, offset: int) -> tuple[int, int]:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1
    column = offset - (data.rfind(newline, 0, offset) + 1) + 1
    return line, column


def _oxigraph_position(text: str, fmt: ox.RdfFormat) -> tuple[int | None, int | None, str | None]:
    """Ask pyoxigraph where the syntax error is (rdflib's N-Triples parser does not say)."""
    try:
        # Parsing to the end is the point: the triples themselves are not needed.
        collections.deque(ox.parse(text.encode("utf-8"), format=fmt, base_iri="file:///"), 0)
    except SyntaxError as error:
        return error.lineno, error.offset, str(error.msg)
    return None, None, None


def _rdflib_parse(text: str, path: Path, fmt: str) -> Graph:
    graph = Graph()
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    return graph


def _parse_turtle(data: bytes, path: Path) -> Graph:
    text = _text(data, path)
    try:
        return _rdflib_parse(text, path, "turtle")
    except Exception as error:  # BadSyntax, and bare Exceptions rdflib raises for some input
        # The position comes from pyoxigraph's parser (a public API), not from rdflib's
        # private BadSyntax attributes.
        where = _oxigraph_position(text, ox.RdfFormat.TURTLE)
        raise ParseError(
            f"Turtle syntax error: {where[2] or error}", file=path, line=where[0], column=where[1]
        ) from error


def _parse_ntriples(data: bytes, path: Path) -> Graph:
    text = _text(data, path)
    try:
        return _rdflib_parse(text, path, "nt")
    except Exception as error:  # rdflib's ParseError names the line's text, not its number
        line: int | None
        line, column, why = _oxigraph_position(text, ox.RdfFormat.N_TRIPLES)
        if line is None:
            line = next(
                (
                    i
                    for i, t in enumerate(text.splitlines(), 1)
                    if t.strip() and t.strip() in str(error)
                ),
                None,
            )
        raise ParseError(
            f"N-Triples syntax error: {why or error}", file=path, line=line, column=column
        ) from error


def _remote_references(node: Any, in_context: bool = False) -> Iterator[str]:
    """Yield every context given by reference (which a JSON-LD processor would fetch)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        yield item
                    else:
                        yield from _remote_references(item, in_context=True)
            elif key == "@import" and in_context:
                yield str(value)
            else:
                yield from _remote_references(value, in_context=in_context)
    elif isinstance(node, list):
        for item in node:
            yield from _remote_references(item, in_context=in_context)


def _parse_jsonld(data: bytes, path: Path) -> Graph:
    text = _text(data, path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"JSON syntax error: {error.msg}", file=path, line=error.lineno, column=error.colno
        ) from error
    except RecursionError as error:
        raise UnsafeInputError("JSON nested too deeply", file=path) from error
    remote = next(_remote_references(document), None)
    if remote is not None:
        raise UnsafeInputError(
            f"JSON-LD context by reference refused ({remote}); pharmakg never fetches remote "
            "documents: inline the context",
            file=path,
            term=remote,
        )
    try:
        return _rdflib_parse(text, path, "json-ld")
    except Exception as error:  # rdflib's JSON-LD parser raises many kinds
        raise ParseError(f"JSON-LD error: {error}", file=path) from error


class _DepthLimit(TreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def start(self, tag: Any, attrs: Any) -> Any:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise UnsafeInputError(f"XML nested deeper than {MAX_XML_DEPTH} elements")
        return super().start(tag, attrs)

    def end(self, tag: Any) -> Any:
        self.depth -= 1
        return super().end(tag)


class _BoundedXMLParser(DefusedXMLParser):  # type: ignore[misc]
    """defusedxml's parser, allowing only short, non-nested internal entities."""

    def __init__(self) -> None:
        super().__init__(
            target=_DepthLimit(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        self.entities = 0
        self.parser.StartDoctypeDeclHandler = self._refuse_external_dtd

    def _refuse_external_dtd(
        self, name: str, sysid: str | None, pubid: str | None, has_internal: bool
    ) -> None:
        if sysid or pubid:
            raise UnsafeInputError(f"external DTD refused ({sysid or pubid})", term=sysid or pubid)

    def defused_entity_decl(
        self,
        name: str,
        is_parameter_entity: bool,
        value: str | None,
        base: str | None,
        sysid: str | None,
        pubid: str | None,
        notation_name: str | None,
    ) -> None:
        self.entities += 1
        if sysid or pubid or value is None:
            raise UnsafeInputError(
                f"external XML entity {name!r} refused ({sysid or pubid})", term=name
            )
        if is_parameter_entity or "&" in value or "%" in value:
            raise UnsafeInputError(
                f"nested XML entity {name!r} refused (entity expansion)", term=name
            )
        if len(value) > _MAX_ENTITY_LENGTH or self.entities > MAX_XML_ENTITIES:
            raise UnsafeInputError(f"XML entity {name!r} refused: too large or too many", term=name)


def _check_xml(data: bytes, path: Path) -> None:
    parser = _BoundedXMLParser()
    try:
        parser.feed(data)
        parser.close()
    except UnsafeInputError as error:
        raise UnsafeInputError(error.message, file=path, term=error.term) from error
    except DefusedXmlException as error:
        raise UnsafeInputError(f"unsafe XML refused: {error}", file=path) from error
    except XmlParseError as error:
        line, column = error.position
        raise ParseError(
            f"XML syntax error: {error.msg}", file=path, line=line, column=column + 1
        ) from error
    except RecursionError as error:
        raise UnsafeInputError("XML nested too deeply", file=path) from error


def _parse_rdfxml(data: bytes, path: Path) -> Graph:
    _check_xml(data, path)
    graph = Graph()
    try:
        graph.parse(data=data, format="xml", publicID=path.resolve().as_uri())
    except SAXParseException as error:
        raise ParseError(
            f"RDF/XML error: {error.getMessage()}",
            file=path,
            line=error.getLineNumber(),
            column=error.getColumnNumber(),
        ) from error
    except Exception as error:  # rdflib's RDF/XML parser raises plain Exceptions
        raise ParseError(f"RDF/XML error: {error}", file=path) from error
    return graph


def triples(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple of ``graph`` (a typed helper for callers)."""
    yield from graph
