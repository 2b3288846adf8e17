"""A user's shapes get SHACL's answer (issue 21), on both engines.

Each shapes file under ``tests/data/user-shapes/`` is one case; ``data.ttl`` has ex:anna (with a
name, age 41) and ex:bob (no name, age 7). A user's shapes get no project checks unless asked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import XSD

import pharmakg
from conftest import DATA
from pharmakg.errors import InputError, ShapesError
from pharmakg.model import Severity

CASES = DATA / "user-shapes"
EX = "http://example.org/"
ENGINES = ["fast", "pyshacl"]


def _report(shapes: str, engine: str, **options: object) -> pharmakg.ValidationReport:
    kg = pharmakg.load(CASES / "data.ttl")
    return pharmakg.validate(kg, shapes=CASES / shapes, engine=engine, **options)  # type: ignore[arg-type]


def _focus(report: pharmakg.ValidationReport) -> list[str]:
    return sorted(str(r.focus_node).removeprefix(EX) for r in report.results)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("shapes", "focus"),
    [
        ("filter-not-exists.ttl", ["bob"]),
        ("optional-unbound.ttl", ["bob"]),
        ("limit.ttl", ["anna", "bob"]),
        ("implicit-class-target.ttl", ["bob"]),
        ("deactivated.ttl", []),
    ],
)
def test_sparql_constraints_run_per_focus_node(shapes: str, focus: list[str], engine: str) -> None:
    report = _report(shapes, engine)
    assert _focus(report) == focus
    assert report.conforms is (not focus)


def test_sh_node_to_a_sparql_shape_goes_to_pyshacl() -> None:
    notes: list[str] = []
    report = _report("node-to-sparql.ttl", "auto", notes=notes.append)
    assert _focus(report) == ["bob"]
    assert not report.conforms
    assert any("pyshacl" in note for note in notes)
    with pytest.raises(InputError, match="fast SHACL engine cannot run"):
        _report("node-to-sparql.ttl", "fast")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("shapes", "reason"), [("minus.ttl", "MINUS"), ("values.ttl", "VALUES")])
def test_queries_the_spec_forbids_are_refused(shapes: str, reason: str, engine: str) -> None:
    with pytest.raises(ShapesError, match=reason) as info:
        _report(shapes, engine)
    assert info.value.term is not None
    assert info.value.term.startswith(EX)


@pytest.mark.parametrize("engine", ENGINES)
def test_custom_severity_and_warning_break_conformance(engine: str) -> None:
    report = _report("custom-severity.ttl", engine)
    assert not report.conforms
    kinds = sorted((r.severity.value, str(r.severity_iri)) for r in report.results)
    assert kinds == [("Custom", EX + "Advice"), ("Warning", "None")]
    assert not report.violations


@pytest.mark.parametrize("engine", ENGINES)
def test_json_keeps_the_datatype_of_a_value(engine: str) -> None:
    body = json.loads(_report("custom-severity.ttl", engine).to_json())
    [age] = [r for r in body["results"] if r["value"] == "7"]
    assert age["value_datatype"] == str(XSD.integer)
    assert age["value_language"] is None
    assert age["severity"] == EX + "Advice"  # a custom severity as its full IRI


def test_project_checks_run_only_when_asked() -> None:
    # data.ttl declares ex:, which is not in the prefix map
    assert _report("deactivated.ttl", "fast").results == ()
    asked = _report("deactivated.ttl", "fast", project_checks=True)
    assert [str(r.source_shape).rsplit("/", 1)[-1] for r in asked.results] == ["KnownPrefix"]


def test_severity_from_iri_keeps_shacls_three() -> None:
    assert Severity.from_iri(None) is Severity.VIOLATION
    assert Severity.from_iri(Severity.WARNING.iri) is Severity.WARNING
    assert Severity.from_iri(URIRef(EX + "Advice")) is Severity.CUSTOM


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pharmakg", "validate", str(CASES / "data.ttl"), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_cli_exit_codes_and_verbose(tmp_path: Path) -> None:
    refused = _cli("--shapes", str(CASES / "minus.ttl"))
    assert refused.returncode == 2
    assert "ex:UsesMinus" in refused.stderr or f"{EX}UsesMinus" in refused.stderr
    assert "Traceback" not in refused.stderr
    found = _cli("--shapes", str(CASES / "filter-not-exists.ttl"), "--engine", "fast", "-v")
    assert found.returncode == 1
    assert "MustHaveName" in found.stderr
    assert "per focus node" in found.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<x> sh:targetClass .\n")
    bad = _cli("--shapes", str(broken))
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
