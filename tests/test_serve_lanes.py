"""``pharmakg serve``'s fair queues and recovery: a real server on a loopback port.

* The light lane: while heavy client queries hold every general worker, the server's own
  light requests (a resource page, a named query, ``/health``) still answer at once, and a
  client's arbitrary query cannot reach the light lane.
* Recovery: after the query workers' template process and a worker are killed, queries
  answer again and ``/health`` says ``ok``; ``/health`` is 503 while no worker can answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, Literal, Namespace

from servers import Server, running_server

#: The three-way cross product of every triple, counted: it runs far past any time limit in
#: constant memory (an ORDER BY over it would grow without bound instead).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
IMIQUIMOD = "/resource/imiquimod"
TURTLE = {"Accept": "text/turtle"}
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")


def _heavy_load(
    client: httpx.AsyncClient, server: Server, how_many: int
) -> list[asyncio.Task[httpx.Response]]:
    """Start ``how_many`` heavy queries; they hold their workers until the time limit."""
    return [
        asyncio.create_task(client.post(server.sparql, data={"query": HEAVY}))
        for _ in range(how_many)
    ]


async def _timed(
    client: httpx.AsyncClient, method: str, url: str, **kwargs: object
) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    return answer, time.monotonic() - started


async def _cancel(tasks: list[asyncio.Task[httpx.Response]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two general workers, one light one, a time limit long enough to outlast each test."""
    log = tmp_path_factory.mktemp("lanes") / "server.log"
    args = ("--workers", "2", "--timeout", "20")
    with running_server(log, *args) as running:
        yield running


def _example(server: Server, name: str) -> str:
    """A named query's text as the service description (and the query page) offers it."""
    answer = httpx.get(server.sparql, headers=TURTLE)
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.text, format="turtle")
    node = graph.value(predicate=SCHEMA.name, object=Literal(name))
    return str(graph.value(node, SH.select))


def test_light_requests_answer_at_once_while_three_heavy_queries_run(busy_server: Server) -> None:
    example = _example(busy_server, "claims")

    async def scenario() -> tuple[dict[str, tuple[int, float]], bool, bool]:
        async with httpx.AsyncClient(timeout=60) as loader, httpx.AsyncClient(timeout=15) as client:
            heavy = _heavy_load(loader, busy_server, 3)
            await asyncio.sleep(1.0)  # two run, one waits: every general worker is taken
            try:
                page = await _timed(client, "GET", busy_server.url + IMIQUIMOD, headers=TURTLE)
                health = await _timed(client, "GET", busy_server.url + "/health")
                named = await _timed(client, "POST", busy_server.sparql, data={"query": example})
                try:  # a client's own query, however small, waits in the general line
                    await client.get(busy_server.sparql, params={"query": COUNT}, timeout=1.5)
                    arbitrary_waited = False
                except httpx.ReadTimeout:
                    arbitrary_waited = True
                still_running = not any(task.done() for task in heavy)
            finally:
                await _cancel(heavy)
        timed = {"page": page, "health": health, "named": named}
        results = {name: (answer.status_code, elapsed) for name, (answer, elapsed) in timed.items()}
        return results, arbitrary_waited, still_running

    results, arbitrary_waited, still_running = asyncio.run(scenario())
    for name in ("page", "health", "named"):
        assert results[name][0] == 200, results
        assert results[name][1] < 1.0, results
    assert arbitrary_waited
    assert still_running  # the heavy queries held their workers throughout
