"""Stage: the release pipeline, load → validate → reason → export, written atomically.

Every file of the release goes through the one export registry (:mod:`pharmakg._export`),
fed by one :class:`~pharmakg._export.Release` that holds the validation report and the
reasoner's triples, so a ``--base-iri`` reaches every file.

Everything is written into a temporary directory next to ``out_dir`` and then swapped in by
renaming, so a failure never leaves a partial release. If the data do not conform, or the
reasoner finds them inconsistent, any earlier release in ``out_dir`` is removed, so no stale
release claims to be current. The release directory and its files are created with the
permissions the user's umask gives (0755 and 0644 under umask 022), so a web server can
serve them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ._export import ExportOptions, prepare_release, write_release_files
from ._load import LoadedGraph, load_graph
from ._reason import reason
from ._validate import validate_graph
from .model import BuildResult, ReasoningResult
from .resources import current_umask

__all__ = ["build_release"]


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames only (the old release is removed last)."""
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        out.rename(retired / out.name)
        staging.rename(out)
        shutil.rmtree(retired)
    else:
        staging.rename(out)


def _stage(
    progress: Callable[[str, int, int], None] | None, stage: str
) -> Callable[[int, int], None] | None:
    """``progress`` for one stage: ``(done, total)`` becomes ``(stage, done, total)``."""
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def _reasoned(
    kg: LoadedGraph, ontology: str | Path | None, progress: Callable[[str, int, int], None] | None
) -> ReasoningResult:
    """HermiT's result, the step shown as one of one (it reports no progress of its own)."""
    if progress is not None:
        progress("reasoning", 0, 1)
    result = reason(kg, ontology=ontology)
    if progress is not None:
        progress("reasoning", 1, 1)
    return result


def build_release(
    out_dir: str | Path = "dist",
    kg: LoadedGraph | None = None,
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
    options: ExportOptions | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Load, validate and, if the graph conforms and is consistent, write a release.

    :param kg: the graph to release (default: :func:`~pharmakg._load.load_graph` of the
        packaged ontology and graphs).
    :param shapes: SHACL shapes (default: the packaged ones); see :func:`validate_graph`.
    :param ontology: the ontology merged for validation (default: the packaged one).
    :param options: base IRI, creation date and SPARQL endpoint of the exports.
    :param progress: called as ``progress(stage, done, total)``, ``stage`` being
        ``"validating"`` (steps), ``"reasoning"`` or ``"exporting"`` (release formats).
    """
    out = Path(out_dir)
    kg = load_graph() if kg is None else kg
    report = validate_graph(
        kg, shapes=shapes, ontology=ontology, progress=_stage(progress, "validating")
    )
    inferred = _reasoned(kg, ontology, progress) if report.conforms else None
    if inferred is None or not inferred.consistent:
        removed = out.exists()
        if removed:
            shutil.rmtree(out)
        notes = () if inferred is None else (f"inconsistent: {inferred.explanation}",)
        return BuildResult(
            conforms=False,
            out_dir=out,
            report=report,
            removed_stale=removed,
            triples=len(kg),
            notes=notes,
        )
    release = prepare_release(kg, inferred.graph, options, report=report)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        # mkdtemp makes the directory 0700; a release directory is as readable as any other.
        os.chmod(staging, 0o777 & ~current_umask())
        written = write_release_files(release, staging, progress=_stage(progress, "exporting"))
        files = tuple(sorted(out / path.relative_to(staging) for path in written))
        _swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return BuildResult(conforms=True, out_dir=out, report=report, files=files, triples=len(kg))
