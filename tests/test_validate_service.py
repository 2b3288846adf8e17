"""A user's shapes cannot make ``pharmakg validate`` send a request (SERVICE in SHACL-SPARQL).

Both engines evaluate SERVICE (pyoxigraph for the fast one, rdflib inside pyshacl), so a
shape whose SPARQL calls it is refused before any engine runs: exit 2, naming the shape, and
a loopback listener sees no connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pharmakg.cli import main
from servers import Listener, listening

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .

ex:Calls a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:message "calls out" ;
        sh:select \"\"\"SELECT $this WHERE {{ SERVICE <{endpoint}> {{ $this ?p ?o }} }}\"\"\" ;
    ] .
"""
DATA = "@prefix ex: <http://example.org/> .\nex:a a ex:Thing .\n"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as found:
        yield found


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_shape_that_calls_service_is_refused(
    listener: Listener, tmp_path: Path, engine: str
) -> None:
    shapes = tmp_path / "hostile.ttl"
    shapes.write_text(SHAPES.format(endpoint=listener.endpoint), encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    before = listener.connections
    result = CliRunner().invoke(
        main, ["validate", str(data), "--shapes", str(shapes), "--engine", engine]
    )
    assert result.exit_code == 2, result.output
    assert "calls SERVICE" in result.output
    assert "hostile.ttl" in result.output
    assert not listener.connected_since(before, wait=0.2)
