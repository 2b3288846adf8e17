r"""The SPARQL 1.1 Protocol's pure parts: content negotiation and the SERVICE check.

Nothing here does I/O; the app (:mod:`pharmakg.serve.app`) and the query workers
(:mod:`pharmakg.serve.worker`) share it.

**Negotiation** (:func:`negotiate`) follows RFC 9110 §12.5.1: the most specific media
range that matches an offer gives its quality; ``q=0`` refuses; ties go to the server's
order of preference.

**SERVICE** (:func:`find_service`) is looked for in the query's tokens, never in its
strings, comments or IRIs, the way a SPARQL lexer sees them (SPARQL 1.1 §19.8): quoted
strings with their escapes (short and long, single and double quotes), ``#`` comments,
``<IRI>`` references. ``<`` is both an IRI's opening bracket and the less-than operator,
and only the parser knows which one it is, so every reading is followed and the query is
refused if any reading has the keyword. The text is also checked once more with its
``\\uXXXX`` escapes decoded (§19.2 allows them anywhere). A false alarm refuses a query
that mentions SERVICE in an odd place; a miss would let the server make outbound
requests, so the check errs on the side of refusing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "IRIREF",
    "MAX_READINGS",
    "MediaRange",
    "find_service",
    "negotiate",
    "parse_accept",
    "service_refusal",
    "skip_comment",
    "skip_string",
]

#: The most readings of the ambiguous ``<`` that :func:`find_service` follows.
MAX_READINGS = 4096

#: An IRI reference as a SPARQL lexer reads it (§19.8 IRIREF), the angle brackets included.
IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_NAME_CHAR = re.compile(r"[\w\-.:%\\\u00b7]", re.UNICODE)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


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


_SERVICE_TARGET = re.compile(
    r'(?:\s|#[^\n\r]*)*(?:SILENT(?:\s|#[^\n\r]*)*)?(<[^<>"{}|^`\\\x00-\x20]*>)?', re.IGNORECASE
)


def _endpoint(text: str, end: int) -> list[int]:
    """After SERVICE: ``[-1 - start]`` of its ``<IRI>``, or ``[-1 - len(text)]`` if it has none."""
    target = _SERVICE_TARGET.match(text, end)
    if target is None or target.group(1) is None:
        return [-1 - len(text)]
    return [-1 - target.start(1)]


def _scan(text: str, start: int) -> tuple[bool, list[int]]:
    """Scan one reading from ``start`` to the end, to the next ambiguous ``<``, or to SERVICE.

    Returns whether SERVICE was seen (then the one position is ``-1 - start`` of its
    endpoint IRI, or ``-1 - len(text)`` when the endpoint is not an IRI), else the
    positions the readings continue from.
    """
    i = start
    n = len(text)
    while i < n:
        char = text[i]
        if char == "#":
            i = skip_comment(text, i)
        elif char in "\"'":
            i = skip_string(text, i)
        elif char == "<":
            iri = IRIREF.match(text, i)
            if iri is None:
                i += 1
            else:
                return False, [iri.end(), i + 1]  # an IRI, or less-than: follow both
        elif char.isalpha() or char == "_":
            j = i
            while j < n and _NAME_CHAR.match(text, j):
                j += 1
            word = text[i:j].rstrip(".")
            previous = text[i - 1] if i > 0 else " "
            if word.upper() == "SERVICE" and previous not in "?$:_":
                return True, _endpoint(text, i + len(word))
            i = j
        else:
            i += 1
    return False, []


def _service_endpoints(text: str) -> set[str | None]:
    found: set[str | None] = set()
    todo = [0]
    seen: set[int] = set()
    while todo:
        start = todo.pop()
        if start in seen:
            continue
        seen.add(start)
        if len(seen) > MAX_READINGS:
            found.add(None)  # too many readings to follow: refuse rather than guess
            break
        is_service, continuations = _scan(text, start)
        if not is_service:
            todo.extend(continuations)
            continue
        at = -1 - continuations[0]
        iri = IRIREF.match(text, at) if at < len(text) else None
        found.add(iri.group(0)[1:-1] if iri else None)
        if iri is not None:
            todo.append(iri.end())  # a later SERVICE in the same reading counts too
    return found


def _decode_escapes(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _UNICODE_ESCAPE.sub(char, text)


def find_service(query: str) -> set[str | None]:
    """The endpoints of every SERVICE any reading of ``query`` has (federated query).

    An endpoint given by a variable or a prefixed name is ``None``: it cannot be checked
    against an allow-list. An empty set: the query has no SERVICE.
    """
    if "service" not in query.lower() and "\\u" not in query.lower():
        return set()
    return _service_endpoints(query) | _service_endpoints(_decode_escapes(query))


def service_refusal(query: str, allowed: Sequence[str]) -> str | None:
    """Why ``query`` is refused for its SERVICE clauses, or None if it may run.

    A SERVICE runs only if its endpoint is a full ``<IRI>`` starting with one of ``allowed``.
    """
    endpoints = find_service(query)
    if endpoints and not allowed:
        return (
            "SERVICE (federated query) is refused: this server makes no outbound requests "
            "unless started with --allow-service PREFIX"
        )
    for endpoint in sorted(endpoints, key=lambda e: e or ""):
        if endpoint is None:
            return "SERVICE is allowed only to an endpoint written as a full <IRI>"
        if not any(endpoint.startswith(prefix) for prefix in allowed):
            return (
                f"SERVICE <{endpoint}> is refused: the endpoint is not on this server's allow-list"
            )
    return None
