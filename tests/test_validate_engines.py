"""The fast SHACL engine gives pyshacl's report: on every fixture and on generated graphs.

pyshacl is the reference. The fast path is the ``shacl`` package for SHACL Core plus the
SHACL-SPARQL constraints run as one query each on the store; the two typed reports must be
the same, result by result. A blank property shape has a new label each time the shapes are
parsed, so it is compared by its label (``shape_label``), as a reader sees it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

import pharmakg
from conftest import DATA, GRAPHS, ROOT, SYNTHETIC
from pharmakg._validate import FAST_ABOVE, choose_engine, validate_graph
from pharmakg.errors import InputError

#: pyshacl on every fixture and a generated graph: about 40 s on 2 cores, so `make test-slow`
#: (and CI) runs these.
pytestmark = pytest.mark.slow

FIXTURES = sorted((DATA / "invalid").glob("*.ttl"))
BASE = [ROOT / "ontology" / "pharmakg.ttl", *GRAPHS]


def _key(report: pharmakg.ValidationReport) -> tuple[bool, list[dict[str, Any]]]:
    results = []
    for result in report.results:
        row = result.to_dict()
        # pyoxigraph returns derived integer types (xsd:positiveInteger) as xsd:integer, so a
        # value read by a SHACL-SPARQL query on the fast path has the base datatype (same value)
        row.pop("value_datatype")
        if row["source_shape"] and row["source_shape"].startswith("_:"):
            row["source_shape"] = None  # compared through shape_label
        results.append(row)
    return report.conforms, results


def _same(kg: pharmakg.KnowledgeGraph) -> pharmakg.ValidationReport:
    reference = validate_graph(kg, engine="pyshacl")
    fast = validate_graph(kg, engine="fast")
    assert _key(fast) == _key(reference)
    return reference


@pytest.mark.parametrize("extra", [None, SYNTHETIC, *FIXTURES], ids=lambda p: p and p.name)
def test_both_engines_agree_on_every_fixture(extra: Path | None) -> None:
    kg = pharmakg.load(*BASE, *([extra] if extra else []))
    report = _same(kg)
    if extra is None or extra == SYNTHETIC:
        assert report.conforms
    else:
        assert not report.conforms
        assert report.violations


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_engines_agree_on_a_generated_graph_with_every_violation(tmp_path: Path) -> None:
    path = tmp_path / "generated.nt"
    triples = _generator().generate(9_000, path, invalid=True)  # 7 copies, 7 kinds of error
    kg = pharmakg.load(path)
    assert len(kg) == triples
    report = _same(kg)
    shapes = {r.shape_label or str(r.source_shape) for r in report.results}
    copies = {str(r.focus_node).rsplit("/", 1)[-1].split("-", 1)[0] for r in report.results}
    assert len(shapes) >= 5  # many kinds of violation ...
    assert len({c for c in copies if c.startswith("copy")}) >= 5  # ... spread over the copies


def test_auto_picks_by_size() -> None:
    assert choose_engine("auto", FAST_ABOVE) == "pyshacl"
    assert choose_engine("auto", FAST_ABOVE + 1) == "fast"
    assert choose_engine("pyshacl", 10**9) == "pyshacl"
    with pytest.raises(InputError, match="SHACL engine"):
        choose_engine("jena", 1)
