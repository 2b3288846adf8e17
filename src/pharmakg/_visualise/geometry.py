"""What a layout is: the boxes, routes and headings of a picture, in pixels from the top left.

:func:`~pharmakg._visualise.layout.layout_pathway` computes a :class:`Layout` once; the SVG, the
PNG and the HTML page all draw it. A :class:`Route` is a chain of cubic Bézier pieces, written
as SVG path data or flattened into a polyline for cytoscape.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Box",
    "Column",
    "LabelBox",
    "Layout",
    "NodeBox",
    "Point",
    "Route",
]

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """A rectangle by its centre and size."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        """The left edge."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        """The top edge."""
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.height / 2

    def crosses(self, start: Point, end: Point, margin: float = 0.0) -> bool:
        """Whether the segment ``start`` to ``end`` enters the box shrunk by ``margin`` each side.

        Liang-Barsky clipping; touching the shrunk box's border does not count.
        """
        left, right = self.left + margin, self.right - margin
        top, bottom = self.top + margin, self.bottom - margin
        if left >= right or top >= bottom:
            return False
        dx, dy = end[0] - start[0], end[1] - start[1]
        low, high = 0.0, 1.0
        for p, q in (
            (-dx, start[0] - left),
            (dx, right - start[0]),
            (-dy, start[1] - top),
            (dy, bottom - start[1]),
        ):
            if p == 0:
                if q <= 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low >= high:
                return False
        return True

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """Whether the two boxes share more than ``margin`` pixels each way."""
        return (
            self.left + margin < other.right
            and other.left + margin < self.right
            and self.top + margin < other.bottom
            and other.top + margin < self.bottom
        )


@dataclass(frozen=True)
class NodeBox:
    """A node's box and its wrapped lines of text."""

    iri: str
    box: Box
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LabelBox:
    """An edge label's box, its lines, and the edges (indices in ``pathway.edges``) it names."""

    key: str
    box: Box
    lines: tuple[str, ...]
    edges: tuple[int, ...]


@dataclass(frozen=True)
class Route:
    """The drawn path of one edge (index ``edge`` in ``pathway.edges``).

    :param curves: cubic Bézier pieces ``(start, control, control, end)``, from the source to
        the target; straight runs have their controls on the line.
    :param label: the key of the edge's :class:`LabelBox`.
    """

    edge: int
    curves: tuple[tuple[Point, Point, Point, Point], ...]
    label: str

    @property
    def start(self) -> Point:
        """Where the edge leaves its source."""
        return self.curves[0][0]

    @property
    def end(self) -> Point:
        """Where the edge meets its target (the arrow's tip)."""
        return self.curves[-1][3]

    def svg_path(self) -> str:
        """The SVG path data."""
        parts = [f"M{_num(self.start[0])},{_num(self.start[1])}"]
        for _, c1, c2, end in self.curves:
            if _straight(c1, c2, end, parts):
                continue
            parts.append(
                f"C{_num(c1[0])},{_num(c1[1])} {_num(c2[0])},{_num(c2[1])} "
                f"{_num(end[0])},{_num(end[1])}"
            )
        return " ".join(parts)

    def points(self, steps: int = 8) -> tuple[Point, ...]:
        """The path as a polyline: straight runs by their ends, curves by ``steps`` pieces."""
        out: list[Point] = [self.start]
        for start, c1, c2, end in self.curves:
            if start[1] == end[1]:
                out.append(end)
                continue
            for step in range(1, steps + 1):
                out.append(_bezier(start, c1, c2, end, step / steps))
        return tuple(out)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _straight(c1: Point, c2: Point, end: Point, parts: list[str]) -> bool:
    """Write a horizontal run as ``H`` (and say so); curves are written by the caller."""
    if c1[1] == c2[1] == end[1]:
        parts.append(f"H{_num(end[0])}")
        return True
    return False


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    return (
        u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
    )


@dataclass(frozen=True)
class Column:
    """A stage's heading over the columns of its nodes."""

    stage: int
    title: str
    left: float
    right: float


@dataclass(frozen=True)
class Layout:
    """Where everything of a pathway is drawn, in pixels from the top left.

    :param order: the node IRIs of each node column, top to bottom.
    :param top: the y of the first row (headings sit above it).
    """

    width: float
    height: float
    top: float
    nodes: dict[str, NodeBox]
    labels: tuple[LabelBox, ...]
    routes: tuple[Route, ...]
    columns: tuple[Column, ...]
    order: tuple[tuple[str, ...], ...]
