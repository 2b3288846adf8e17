"""``pharmakg serve`` under hostile requests: memory bombs, invalid IRIs, deep nesting.

Each memory query here grows one worker's memory without bound; with ``--memory-limit`` the
worker is stopped at the limit, the client gets a 503 that names it, and the server goes on
answering (without the limit the cross product took a worker past 12 GB on the monograph).
Invalid IRIs and nesting are the client's errors: 400 with the reason, never a 500.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from pharmakg.cli import main
from servers import Server, running_server

CROSS_PRODUCT = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
# Each BIND doubles the string: 2^40 characters by the end.
STRING_BOMB = (
    "SELECT (STRLEN(?s40) AS ?n) WHERE { BIND('xxxxxxxxxxxxxxxx' AS ?s0) "
    + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(40))
    + " }"
)
LIMIT = "400M"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve-limits") / "server.log"
    args = ("--memory-limit", LIMIT, "--timeout", "120", "--workers", "1")
    with running_server(log, *args) as running:
        yield running


@pytest.mark.parametrize("query", [CROSS_PRODUCT, STRING_BOMB], ids=["cross-product", "concat"])
def test_a_query_past_the_memory_limit_gets_a_503_that_says_so(server: Server, query: str) -> None:
    start = time.monotonic()
    answer = httpx.post(server.sparql, data={"query": query}, timeout=150)
    assert answer.status_code == 503, answer.text
    assert "memory" in answer.text
    assert time.monotonic() - start < 100  # stopped by the memory limit, not the time limit
    light = httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
    assert light.status_code == 200, light.text


def test_the_memory_limit_is_read_as_a_size() -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["serve", "--memory-limit", "lots"])
    assert bad.exit_code == 2
    assert "not a size" in bad.output
    small = runner.invoke(main, ["serve", "--memory-limit", "1M"])
    assert small.exit_code == 2
    assert "at least 256 MiB" in small.output


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/sparql", {"query": "ASK {}", "default-graph-uri": "not an iri"}),
        ("/sparql", {"query": "ASK {}", "named-graph-uri": "http://x/<>"}),
        ("/store", {"graph": "http://x/ y"}),
        ("/resource/%ZZ", {}),
    ],
)
def test_an_invalid_iri_is_the_clients_error(
    server: Server, path: str, params: dict[str, str]
) -> None:
    answer = httpx.get(server.url + path, params=params, headers={"Accept": "text/turtle"})
    assert answer.status_code == 400, answer.text
    assert "IRI" in answer.text


def test_a_query_nested_ten_thousand_deep_is_refused_and_the_worker_lives(server: Server) -> None:
    deep = "SELECT * " + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000
    answer = httpx.post(server.sparql, data={"query": deep}, timeout=60)
    assert answer.status_code == 400, answer.text
    assert "nested too deeply" in answer.text
    assert httpx.get(server.sparql, params={"query": "ASK {}"}).status_code == 200


def test_relative_iris_resolve_against_the_endpoint(server: Server) -> None:
    answer = httpx.get(
        server.sparql,
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith(f"<{server.url}/s> <{server.url}/p> ")
