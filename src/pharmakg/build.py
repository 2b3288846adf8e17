"""Stage: the release pipeline, load → validate → reason → export, written atomically.

Everything is written into a temporary directory next to ``out_dir`` and then
swapped in by renaming, so a failure never leaves a partial release. If the
data do not conform, or the reasoner finds them inconsistent, any earlier release
in ``out_dir`` is removed, so no stale release claims to be current. The inferred
triples go to ``pharmakg-inferred.ttl``, apart from the asserted ones.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from . import vocab
from .load import LoadedGraph, load_graph
from .model import BuildResult, RdfFormat, ValidationReport
from .reason import ReasoningResult, reason
from .validate import validate_graph
from .visualise import VisualFormat, build_pathway, drug_slug, drugs_with_mechanism, render

__all__ = ["RELEASE_FILES", "build_release", "jsonld_context", "serialize"]

#: The files a release holds.
RELEASE_FILES = (
    "pharmakg.ttl",
    "pharmakg.jsonld",
    "pharmakg.nt",
    "validation-report.ttl",
    "validation-report.txt",
    "pharmakg-inferred.ttl",
)


def jsonld_context() -> dict[str, Any]:
    """A JSON-LD context built from the prefix map (inline; never a remote context)."""
    return dict(sorted(vocab.prefix_map().namespaces().items()))


def _release_term(term: Node) -> Node:
    """Spell ``"3"^^xsd:decimal`` as ``"3.0"``, as rdflib's Turtle writer will anyway.

    rdflib writes the decimal ``"3"`` as the Turtle token ``3.0``, which reads back
    as a different term; spelling it ``3.0`` in every format keeps the Turtle,
    JSON-LD and N-Triples files isomorphic. The value does not change.
    """
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        text = str(term)
        if not any(c in text for c in ".eE"):
            return Literal(text + ".0", datatype=XSD.decimal)
    return term


def serialize(graph: Graph, fmt: RdfFormat) -> str:
    """Serialise ``graph`` (a prefix-bound copy) in ``fmt``; N-Triples lines are sorted."""
    bound = vocab.bind_prefixes(Graph())
    for subject, predicate, obj in graph:
        bound.add((subject, predicate, _release_term(obj)))
    if fmt is RdfFormat.NTRIPLES:
        lines = sorted(line for line in bound.serialize(format="nt").splitlines() if line.strip())
        return "\n".join(lines) + "\n"
    if fmt is RdfFormat.JSONLD:
        text = bound.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    return bound.serialize(format=fmt.rdflib_name)


def _write_release(kg: LoadedGraph, report: ValidationReport, directory: Path) -> list[Path]:
    outputs = {
        "pharmakg.ttl": serialize(kg.graph, RdfFormat.TURTLE),
        "pharmakg.jsonld": serialize(kg.graph, RdfFormat.JSONLD),
        "pharmakg.nt": serialize(kg.graph, RdfFormat.NTRIPLES),
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

    SVG and PNG need Graphviz's ``dot``; without it they are left out (the HTML and Mermaid
    files need nothing).
    """
    written: list[Path] = []
    formats = [f for f in VisualFormat if not f.needs_dot or shutil.which("dot")]
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
) -> BuildResult:
    """Load, validate and, if the graph conforms, write a release into ``out_dir``.

    :param kg: the graph to release (default: :func:`~pharmakg.load.load_graph` of the
        packaged ontology and graphs).
    :param shapes: SHACL shapes (default: the packaged ones); see :func:`validate_graph`.
    :param ontology: the ontology merged for validation (default: the packaged one).
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
        written = [
            *_write_release(kg, report, staging),
            _write_inferred(inferred, staging),
            *_write_visuals(kg, staging),
        ]
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
    files = tuple(out / path.name for path in written)
    return BuildResult(
        conforms=True, out_dir=out, report=report, files=files, triples=len(kg.graph)
    )
