"""Stage: the release pipeline, load → validate → reason → export, written atomically.

The export formats are :mod:`pharmakg.export`'s.

Everything is written into a temporary directory next to ``out_dir`` and then
swapped in by renaming, so a failure never leaves a partial release. If the
data do not conform, or the reasoner finds them inconsistent, any earlier release
in ``out_dir`` is removed, so no stale release claims to be current. The inferred
triples go to ``pharmakg-inferred.ttl``, apart from the asserted ones.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from rdflib import Graph

from . import export
from .export import ExportFormat, ExportOptions
from .formats import Kind, of_kind
from .load import LoadedGraph, load_graph
from .model import BuildResult, RdfFormat, ValidationReport
from .reason import ReasoningResult, reason
from .validate import validate_graph
from .visualise import build_pathway, drug_slug, drugs_with_mechanism, render

__all__ = ["RELEASE_FILES", "build_release", "jsonld_context", "serialize"]

#: The files and directories a release holds (``drugs/`` holds one framed JSON-LD per drug).
RELEASE_FILES = (
    "context.jsonld",
    "dataset.jsonld",
    "drugs",
    "edges.tsv",
    "nodes.tsv",
    "pharmakg.jsonld",
    "pharmakg.nq",
    "pharmakg.graphml",
    "pharmakg.nodelink.json",
    "pharmakg.nt",
    "pharmakg.rdf",
    "pharmakg.trig",
    "pharmakg.ttl",
    "pharmakg-inferred.ttl",
    "validation-report.ttl",
    "validation-report.txt",
    "void.ttl",
)


def jsonld_context() -> dict[str, Any]:
    """The release's JSON-LD context (see :func:`pharmakg.export.jsonld_context`)."""
    return export.jsonld_context()


def serialize(graph: Graph, fmt: RdfFormat) -> str:
    """Serialise ``graph`` in ``fmt`` (see :func:`pharmakg.export.serialize`)."""
    return export.serialize(graph, ExportFormat.from_name(fmt.rdflib_name))


def _write_exports(
    kg: LoadedGraph, inferred: Graph, directory: Path, options: ExportOptions | None
) -> None:
    """Write every export format (:mod:`pharmakg.export`) into ``directory``.

    The reasoner's triples go into the ``inferred`` named graph of the TriG and N-Quads files.
    """
    release = export.prepare_release(kg, inferred, options)
    export.write_release_files(release, directory)


def _write_release(
    kg: LoadedGraph,
    report: ValidationReport,
    inferred: Graph,
    directory: Path,
    options: ExportOptions | None = None,
) -> list[Path]:
    _write_exports(kg, inferred, directory, options)
    outputs = {
        "validation-report.ttl": report.to_graph().serialize(format="turtle"),
        "validation-report.txt": report.to_text(),
    }
    for name, text in outputs.items():
        (directory / name).write_text(text, encoding="utf-8")
    return [directory / name for name in outputs]


def _write_inferred(inferred: ReasoningResult, directory: Path) -> Path:
    """The reasoning step's output: the inferred triples only, as Turtle."""
    path = directory / "pharmakg-inferred.ttl"
    path.write_text(serialize(inferred.graph, RdfFormat.TURTLE), encoding="utf-8")
    return path


def _write_visuals(kg: LoadedGraph, directory: Path) -> list[Path]:
    """Draw every drug's pathway: ``<drug>-pathway.html``, ``.svg``, ``.png`` and ``.mmd``.

    Every picture format of the registry (:attr:`Kind.PICTURE`) is drawn; none needs an
    outside program.
    """
    written: list[Path] = []
    formats = of_kind(Kind.PICTURE)
    for iri, label in drugs_with_mechanism(kg):
        pathway = build_pathway(kg, iri)
        for fmt in formats:
            path = directory / f"{drug_slug(label)}-pathway{fmt.suffix}"
            path.write_bytes(render(pathway, fmt))
            written.append(path)
    return written


def build_release(
    out_dir: str | Path = "dist",
    kg: LoadedGraph | None = None,
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
    options: ExportOptions | None = None,
) -> BuildResult:
    """Load, validate and, if the graph conforms, write a release into ``out_dir``.

    :param kg: the graph to release (default: :func:`~pharmakg.load.load_graph` of the
        packaged ontology and graphs).
    :param shapes: SHACL shapes (default: the packaged ones); see :func:`validate_graph`.
    :param ontology: the ontology merged for validation (default: the packaged one).
    :param options: base IRI, creation date and SPARQL endpoint of the exports.
    """
    out = Path(out_dir)
    kg = load_graph() if kg is None else kg
    report = validate_graph(kg, shapes=shapes, ontology=ontology)
    inferred = reason(kg, ontology=ontology) if report.conforms else None
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
            triples=len(kg.graph),
            notes=notes,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        _write_release(kg, report, inferred.graph, staging, options)
        _write_inferred(inferred, staging)
        _write_visuals(kg, staging)
        names = sorted(path.name for path in staging.iterdir())
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            out.rename(retired / out.name)
            staging.rename(out)
            shutil.rmtree(retired)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    files = tuple(out / name for name in names)
    return BuildResult(
        conforms=True, out_dir=out, report=report, files=files, triples=len(kg.graph)
    )
