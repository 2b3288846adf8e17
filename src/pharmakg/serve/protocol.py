"""Content negotiation, and the formats the server offers, all from the format registry.

Nothing here does I/O; the routes and the query workers (:mod:`pharmakg.serve.worker`)
share it. Every media type the server names is a format of :mod:`pharmakg.formats`: SPARQL
results (:attr:`~pharmakg.formats.Kind.SPARQL_RESULT`), RDF graphs and datasets
(:attr:`~pharmakg.formats.Kind.RDF`, :attr:`~pharmakg.formats.Kind.DATASET`) and its own
pages and requests (:attr:`~pharmakg.formats.Kind.WEB`); pyoxigraph writes each of them.

**Negotiation** (:func:`negotiate`) follows RFC 9110 §12.5.1: the most specific media
range that matches an offer gives its quality; ``q=0`` refuses; ties go to the server's
order of preference.

The SERVICE check is not here: it is taken from a real parse of the query, in the worker
(:func:`pharmakg.store.text.parse_sparql`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..formats import Format, Kind, find, of_kind

__all__ = [
    "CSV",
    "GRAPH_FORMATS",
    "HTML",
    "JSON",
    "MediaRange",
    "PAGE_FORMATS",
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "TEXT",
    "TSV",
    "bare",
    "negotiate",
    "parse_accept",
    "pick",
    "rdf_format",
    "results_format",
    "web",
]


def web(name: str) -> str:
    """The media type of the registry's :attr:`~pharmakg.formats.Kind.WEB` format ``name``."""
    return find(Kind.WEB, name).media_type


HTML, TEXT, JSON = web("html"), web("text"), web("json")
#: The SPARQL results formats the server asks its own workers for (a boolean, a few rows).
CSV, TSV = (find(Kind.SPARQL_RESULT, name).media_type for name in ("csv", "tsv"))
#: SELECT/ASK answers, in the server's order of preference (the first is the default).
RESULT_FORMATS: tuple[Format, ...] = of_kind(Kind.SPARQL_RESULT)
#: What a graph (a resource, the service description) is offered as, in order of preference.
GRAPH_FORMATS: tuple[Format, ...] = of_kind(Kind.RDF)
#: CONSTRUCT/DESCRIBE answers: the graph formats, then the dataset ones.
RDF_FORMATS: tuple[Format, ...] = GRAPH_FORMATS + of_kind(Kind.DATASET)
#: The names ``?format=`` takes on a resource's page, and what each gives.
PAGE_FORMATS: Mapping[str, Format] = {
    **{n: find(Kind.RDF, n) for n in ("turtle", "ttl", "nt", "jsonld", "json-ld", "rdfxml")},
    "html": find(Kind.WEB, "html"),
}


def bare(media_type: str) -> str:
    """``media_type`` without its parameters (``text/csv; charset=utf-8`` -> ``text/csv``)."""
    return media_type.split(";")[0].strip().lower()


def rdf_format(fmt: Format | str) -> ox.RdfFormat:
    """Pyoxigraph's writer of an RDF graph or dataset format (or media type); Turtle if none."""
    media_type = fmt.media_type if isinstance(fmt, Format) else fmt
    return ox.RdfFormat.from_media_type(bare(media_type)) or ox.RdfFormat.TURTLE


def results_format(fmt: Format) -> ox.QueryResultsFormat:
    """Pyoxigraph's writer of a SPARQL results format."""
    chosen = ox.QueryResultsFormat.from_media_type(bare(fmt.media_type))
    if chosen is None:  # every SPARQL_RESULT media type is one pyoxigraph writes
        raise ValueError(f"pyoxigraph writes no {fmt.media_type}")
    return chosen


@dataclass(frozen=True)
class MediaRange:
    """One media range of an ``Accept`` header (``type/subtype``, ``type/*`` or ``*/*``)."""

    type: str
    subtype: str
    quality: float

    def specificity(self, offer: str) -> int:
        """How specifically this range matches ``offer`` (-1: not at all)."""
        kind, _, sub = offer.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an ``Accept`` header; none or an empty one means ``*/*``."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        kind, _, sub = media.partition("/")
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(kind, sub, quality))
    return tuple(ranges) or (MediaRange("*", "*", 1.0),)


def negotiate(accept: str | Sequence[MediaRange] | None, offers: Sequence[str]) -> str | None:
    """The offer (a media type, parameters ignored) the client prefers, or None (406)."""
    ranges = parse_accept(accept) if accept is None or isinstance(accept, str) else accept
    best: tuple[float, int] = (0.0, 0)
    chosen = None
    for rank, offer in enumerate(offers):
        bare = offer.split(";")[0].strip().lower()
        matches = [(r.specificity(bare), r.quality) for r in ranges]
        matches = [m for m in matches if m[0] >= 0]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality > 0 and (chosen is None or (quality, -rank) > (best[0], best[1])):
            best, chosen = (quality, -rank), offer
    return chosen


def pick(accept: str | None, formats: Sequence[Format]) -> Format | None:
    """The format of ``formats`` the client prefers, or None (406).

    A format is offered under its media type and under the media types among its aliases
    (``application/json`` for SPARQL results in JSON), in that order.
    """
    by_type = {bare(f.media_type): f for f in formats}
    by_alias = {a: f for f in formats for a in f.aliases if "/" in a and a not in by_type}
    chosen = negotiate(accept, [*by_type, *by_alias])
    if chosen is None:
        return None
    return by_type.get(chosen) or by_alias[chosen]
