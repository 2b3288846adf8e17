r"""The SPARQL 1.1 Protocol's pure parts: content negotiation, and the lexer rules rebasing uses.

Nothing here does I/O; the app (:mod:`pharmakg.serve.app`) and the query workers
(:mod:`pharmakg.serve.worker`) share it.

**Negotiation** (:func:`negotiate`) follows RFC 9110 §12.5.1: the most specific media
range that matches an offer gives its quality; ``q=0`` refuses; ties go to the server's
order of preference.

The SERVICE check is not here: it is taken from a real parse of the query, in the worker
(:func:`pharmakg.store.text.parse_sparql`). :func:`skip_comment`, :func:`skip_string` and
:data:`IRIREF` only help :mod:`pharmakg.serve.rebase` rewrite our own named queries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "IRIREF",
    "MediaRange",
    "negotiate",
    "parse_accept",
    "skip_comment",
    "skip_string",
]

#: An IRI reference as a SPARQL lexer reads it (§19.8 IRIREF), the angle brackets included.
IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


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


def skip_comment(text: str, start: int) -> int:
    """The index of the line end that closes the ``#`` comment at ``start`` (or len(text))."""
    ends = (p for p in (text.find("\n", start), text.find("\r", start)) if p >= 0)
    return min(ends, default=len(text))


def skip_string(text: str, start: int) -> int:
    """The index just past the string that opens at ``start`` (or len(text) if unclosed)."""
    quote = text[start]
    long = text.startswith(quote * 3, start)
    end_mark = quote * 3 if long else quote
    i = start + (3 if long else 1)
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if not long and char in "\n\r":
            return i  # a short string cannot span lines: the parser stops here too
        if text.startswith(end_mark, i):
            return i + len(end_mark)
        i += 1
    return len(text)
