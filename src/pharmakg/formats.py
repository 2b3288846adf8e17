"""The one format registry: every format pharmakg reads or writes, keyed by (kind, name).

A format has a name, file suffixes, a media type and aliases. The same name can mean
different things for different kinds (``json`` is SPARQL Results JSON for a query result
and plain JSON for paths), so a format is looked up by kind, as rdflib looks up its plugins:

>>> from pharmakg.formats import Kind, find
>>> find(Kind.RDF, "ttl").name
'turtle'
>>> find(Kind.RESULT, "application/sparql-results+json").name
'json'
>>> find(Kind.PICTURE, ".mmd").media_type
'text/vnd.mermaid'

An unknown name raises :class:`~pharmakg.errors.UnknownFormatError`, which lists the
choices of that kind. Results that can be written in several formats follow one
rendering protocol, :class:`Renderable`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from .errors import UnknownFormatError

__all__ = ["FORMATS", "Format", "Kind", "Renderable", "choices", "find", "for_path", "of_kind"]


class Kind(enum.Enum):
    """What a format is for; a name is unique within its kind."""

    RDF = "RDF serialisation"  # read by load, written by query CONSTRUCT/DESCRIBE
    RELEASE = "release file"  # written by export and build
    RESULT = "query result"  # SELECT / ASK answers
    REPORT = "report"  # validation and reasoning reports
    PATHS = "paths"  # ranked mechanism paths
    GRAPH = "mechanism graph"  # the networkx mechanism graph
    PICTURE = "picture"  # pathway pictures
    DATASET = "RDF dataset serialisation"  # quads: how serve may write a CONSTRUCT answer
    SPARQL_RESULT = "SPARQL result"  # SELECT / ASK answers over the SPARQL 1.1 Protocol (serve)
    WEB = "web"  # serve's own pages, requests and plain answers


@dataclass(frozen=True)
class Format:
    """One format of one kind.

    :param release_file: where a release writes this format: the file name, or for a
        multi-file format the folder its files go in (``""`` for the release's top level);
        ``None`` when the release does not hold it.
    :param rdflib_name: the name rdflib's parser/serializer registry uses, for RDF formats.
    :param multi_file: the format is several files (``-o`` names a directory).
    """

    kind: Kind
    name: str
    media_type: str
    suffixes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    release_file: str | None = None
    rdflib_name: str | None = None
    binary: bool = False
    multi_file: bool = False

    @property
    def suffix(self) -> str:
        """The preferred file suffix, with its dot ('' when the format has none)."""
        return self.suffixes[0] if self.suffixes else ""

    def matches(self, wanted: str) -> bool:
        """Whether ``wanted`` (name, alias, suffix, or media type) names this format."""
        text = wanted.strip().lower()
        if text in (self.name, *self.aliases):
            return True
        if text.startswith(".") and text in self.suffixes:
            return True
        return "." + text in self.suffixes


def _media_matches(fmt: Format, wanted: str) -> bool:
    text = wanted.strip().lower()
    return text == fmt.media_type or text == fmt.media_type.split(";")[0]


R, P, G = Kind.RELEASE, Kind.PICTURE, Kind.GRAPH
S, W = Kind.SPARQL_RESULT, Kind.WEB

#: Every format, in the order choices are listed. Release files are written in this order.
FORMATS: tuple[Format, ...] = (
    # RDF serialisations pharmakg reads and query CONSTRUCT/DESCRIBE writes
    Format(Kind.RDF, "turtle", "text/turtle", (".ttl",), ("ttl",), rdflib_name="turtle"),
    Format(
        Kind.RDF,
        "nt",
        "application/n-triples",
        (".nt",),
        ("ntriples", "n-triples"),
        rdflib_name="nt",
    ),
    Format(
        Kind.RDF,
        "json-ld",
        "application/ld+json",
        (".jsonld", ".json"),
        ("jsonld",),
        rdflib_name="json-ld",
    ),
    Format(
        Kind.RDF,
        "xml",
        "application/rdf+xml",
        (".rdf", ".owl", ".xml"),
        ("rdfxml", "rdf/xml", "rdf"),
        rdflib_name="xml",
    ),
    # the release: one registry entry per file (or directory) build writes
    Format(R, "turtle", "text/turtle", (".ttl",), ("ttl",), "pharmakg.ttl"),
    Format(R, "nt", "application/n-triples", (".nt",), ("ntriples", "n-triples"), "pharmakg.nt"),
    Format(R, "nquads", "application/n-quads", (".nq",), ("nq", "n-quads"), "pharmakg.nq"),
    Format(R, "trig", "application/trig", (".trig",), (), "pharmakg.trig"),
    Format(
        R,
        "xml",
        "application/rdf+xml",
        (".rdf",),
        ("rdf", "rdfxml", "rdf/xml", "owl"),
        "pharmakg.rdf",
    ),
    Format(R, "json-ld", "application/ld+json", (".jsonld",), ("jsonld",), "pharmakg.jsonld"),
    Format(
        R,
        "drugs",
        "application/ld+json;profile=framed",
        (),
        ("framed", "json-ld-framed"),
        "drugs",
        multi_file=True,
    ),
    Format(R, "kgx", "text/tab-separated-values", (), ("kgx-tsv", "tsv"), "", multi_file=True),
    Format(
        R,
        "sssom",
        "text/tab-separated-values;profile=sssom",
        (".sssom.tsv",),
        ("sssom-tsv", "mappings"),
        "pharmakg.sssom.tsv",
    ),
    Format(R, "void", "text/turtle;profile=void", (), ("dcat",), "void.ttl"),
    Format(
        R,
        "schema-org",
        "application/ld+json;profile=schema.org",
        (),
        ("dataset",),
        "dataset.jsonld",
    ),
    Format(R, "context", "application/ld+json;profile=context", (), (), "context.jsonld"),
    Format(R, "graphml", "application/graphml+xml", (".graphml",), (), "pharmakg.graphml"),
    Format(R, "node-link", "application/json", (), ("nodelink",), "pharmakg.nodelink.json"),
    Format(R, "inferred", "text/turtle;profile=inferred", (), (), "pharmakg-inferred.ttl"),
    Format(R, "pictures", "text/html;profile=pathways", (), ("pathways",), "", multi_file=True),
    Format(R, "validation", "text/turtle;profile=shacl-report", (), (), "", multi_file=True),
    # query results (SELECT / ASK)
    Format(Kind.RESULT, "table", "text/plain", (".txt",)),
    Format(Kind.RESULT, "csv", "text/csv", (".csv",)),
    Format(Kind.RESULT, "tsv", "text/tab-separated-values", (".tsv",)),
    Format(Kind.RESULT, "json", "application/sparql-results+json", (".srj", ".json")),
    # validation and reasoning reports
    Format(Kind.REPORT, "text", "text/plain", (".txt",)),
    Format(Kind.REPORT, "json", "application/json", (".json",)),
    # mechanism paths
    Format(Kind.PATHS, "text", "text/plain", (".txt",)),
    Format(Kind.PATHS, "markdown", "text/markdown", (".md",), ("md",)),
    Format(Kind.PATHS, "json", "application/json", (".json",)),
    # the mechanism graph
    Format(G, "graphml", "application/graphml+xml", (".graphml",)),
    Format(G, "node-link", "application/json", (".json",), ("nodelink",)),
    # pathway pictures
    Format(P, "html", "text/html", (".html", ".htm")),
    Format(P, "svg", "image/svg+xml", (".svg",)),
    Format(P, "png", "image/png", (".png",), binary=True),
    Format(P, "mermaid", "text/vnd.mermaid", (".mmd",), ("mmd",)),
    # RDF datasets (quads), which serve also offers for CONSTRUCT/DESCRIBE answers
    Format(Kind.DATASET, "trig", "application/trig", (".trig",), rdflib_name="trig"),
    Format(
        Kind.DATASET,
        "nquads",
        "application/n-quads",
        (".nq",),
        ("nq", "n-quads"),
        rdflib_name="nquads",
    ),
    # the SPARQL 1.1 results formats serve negotiates, in its order of preference; their media
    # types are those pyoxigraph writes, and an alias may be a media type clients send instead
    Format(S, "json", "application/sparql-results+json", (".srj",), ("application/json",)),
    Format(S, "xml", "application/sparql-results+xml", (".srx",), ("application/xml", "text/xml")),
    Format(S, "csv", "text/csv; charset=utf-8", (".csv",)),
    Format(S, "tsv", "text/tab-separated-values; charset=utf-8", (".tsv",)),
    # what serve's pages and requests are written in
    Format(W, "html", "text/html", (".html", ".htm")),
    Format(W, "text", "text/plain", (".txt",)),
    Format(W, "json", "application/json", (".json",)),
    Format(W, "javascript", "text/javascript; charset=utf-8", (".js",), ("js",)),
    Format(W, "css", "text/css; charset=utf-8", (".css",)),
    Format(W, "sparql-query", "application/sparql-query", (".rq",)),
    Format(W, "sparql-update", "application/sparql-update", (".ru",)),
    Format(W, "form", "application/x-www-form-urlencoded"),
)


def of_kind(kind: Kind) -> tuple[Format, ...]:
    """Every format of ``kind``, in registry order."""
    return tuple(fmt for fmt in FORMATS if fmt.kind is kind)


def choices(kind: Kind) -> list[str]:
    """The names of ``kind``'s formats, for a command-line choice or an error message."""
    return [fmt.name for fmt in of_kind(kind)]


def find(kind: Kind, wanted: str | Format) -> Format:
    """The format of ``kind`` called ``wanted``: a name, alias, suffix or media type.

    A name, alias or suffix wins over a media type, and the first format listed with
    a media type wins among those sharing it.

    :raises UnknownFormatError: naming the kind and listing its formats.
    """
    if isinstance(wanted, Format):
        if wanted.kind is not kind:
            return find(kind, wanted.name)
        return wanted
    candidates = of_kind(kind)
    for fmt in candidates:
        if fmt.matches(wanted):
            return fmt
    for fmt in candidates:
        if _media_matches(fmt, wanted):
            return fmt
    raise UnknownFormatError(
        f"unknown {kind.value} format {wanted!r}", term=wanted, choices=choices(kind)
    )


def for_path(kind: Kind, path: str | Path) -> Format:
    """The format of ``kind`` a file is in, by its suffix.

    :raises UnknownFormatError: no format of ``kind`` has that suffix (names the file and lists
        the suffixes; an ``--input-format`` option says which format to read instead).
    """
    suffix = Path(path).suffix.lower()
    for fmt in of_kind(kind):
        if suffix and suffix in fmt.suffixes:
            return fmt
    raise UnknownFormatError(
        f"cannot tell the {kind.value} format of {Path(path).name!r} from its suffix; "
        "pass --input-format",
        file=path,
        term=suffix,
        choices=[s for fmt in of_kind(kind) for s in fmt.suffixes],
    )


@runtime_checkable
class Renderable(Protocol):
    """A result that can be written in the formats of one kind (the one rendering protocol).

    ``render`` returns the bytes of the file or of stdout; text formats are UTF-8.
    """

    def render(self, fmt: Format | str) -> bytes:
        """The result in ``fmt`` (a format of the result's own kind, or its name)."""
        ...
