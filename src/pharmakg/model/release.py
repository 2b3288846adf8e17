"""What a build and a publish did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .validation import ValidationReport

__all__ = ["BuildResult", "PublishResult"]


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
