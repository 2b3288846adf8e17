"""The validation stage: :func:`validate_graph` puts the shapes, engine and checks together."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph

from .. import resources
from .._load import LoadedGraph, load_graph, parse_file
from ..model import Severity, ValidationReport, ValidationResult
from .checks import run_project_checks
from .engines import choose_engine, engine_notes, shacl_results
from .report import sort_key
from .shapes import fast_blockers, with_local_imports
from .sparql import refuse_service_in_shapes, refuse_unsupported_sparql, split_sparql

__all__ = ["validate_graph"]


class _Steps:
    """Counts the steps of a validation for a ``progress(done, total)`` callback."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        if progress is not None:
            progress(0, total)

    def __call__(self) -> None:
        """One step more is done."""
        self.done = min(self.done + 1, self.total)
        if self.progress is not None:
            self.progress(self.done, self.total)


def _skip(step: Callable[[], None], steps: int) -> list[ValidationResult]:
    """No results, and ``steps`` steps counted as done (the checks that do not run)."""
    for _ in range(steps):
        step()
    return []


def _user_shapes(shapes_path: Path, engine: str, triples: int) -> tuple[Graph, str]:
    """A user's shapes graph, checked, and the engine that gives SHACL's answer for it."""
    shapes_graph = with_local_imports(parse_file(shapes_path), shapes_path)
    refuse_service_in_shapes(shapes_graph, shapes_path)
    refuse_unsupported_sparql(shapes_graph, shapes_path)
    return shapes_graph, choose_engine(engine, triples, fast_blockers(shapes_graph))


def validate_graph(
    kg: LoadedGraph | str | Path | Iterable[str | Path],
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    project_checks: bool | None = None,
    notes: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate a loaded graph (or the files ``kg`` names) and return a report.

    :param shapes: a SHACL file (default: the packaged ``ontology/shapes.ttl``). A user's
        shapes are read as SHACL says: any result, whatever its severity, breaks conformance,
        and ``auto`` picks pyshacl when the fast path cannot run them (:func:`fast_blockers`).
        The packaged shapes keep the project's rule: only a Violation breaks conformance.
    :param ontology: the OWL ontology merged into the data (default: the packaged one).
    :param engine: ``pyshacl`` (the reference), ``fast`` (the ``shacl`` package) or ``auto``
        (``fast`` above :data:`FAST_ABOVE` triples).
    :param progress: called as ``progress(steps_done, steps_total)`` as the validation goes
        (the SHACL engine, each SHACL-SPARQL constraint it leaves to the store, each check).
    :param project_checks: also run the checks beyond SHACL (prefix map, CURIEs, ill-typed
        literals); default: with the packaged shapes only.
    :param notes: called with one line per shape saying which engine checked it.
    :raises ShapesError: the shapes do not parse, or use SPARQL that SHACL §5.2.1 forbids.
    """
    if isinstance(kg, str | Path):  # one file
        kg = [kg]
    if not isinstance(kg, LoadedGraph):
        kg = load_graph(*kg)
    packaged = shapes is None
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    ontology_path = Path(ontology) if ontology is not None else resources.ontology_file()
    triples = len(kg.store)
    if packaged:
        shapes_graph = parse_file(shapes_path)
        chosen = choose_engine(engine, triples)
    else:
        shapes_graph, chosen = _user_shapes(shapes_path, engine, triples)
    run_checks = packaged if project_checks is None else project_checks
    if notes is not None:
        for line in engine_notes(shapes_graph, chosen, per_focus=not packaged):
            notes(line)
    _core, pairs = split_sparql(shapes_graph)
    step = _Steps(progress, (1 + len(pairs) if chosen == "fast" else 1) + 3)
    shacl_conforms, results, checked = shacl_results(
        kg, (shapes_graph, shapes_path), ontology_path, chosen, step, packaged=packaged
    )
    step()
    results += run_project_checks(kg, checked, step) if run_checks else _skip(step, 2)
    results.sort(key=sort_key)
    if packaged:  # the project's rule: warnings are shown but do not stop a release
        conforms = shacl_conforms and not any(r.severity is Severity.VIOLATION for r in results)
    else:  # SHACL §3.6.1: a report conforms iff it has no results, whatever their severity
        conforms = not results
    return ValidationReport(conforms=conforms, results=tuple(results))
