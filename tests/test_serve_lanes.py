"""``pharmakg serve``'s fair queues and recovery: a real server on a loopback port.

* The light lane: while heavy client queries hold every general worker, the server's own
  light requests (a resource page, a named query, ``/health``) still answer at once, and a
  client's arbitrary query cannot reach the light lane.
* Recovery: after the query workers' template process and a worker are killed, queries
  answer again and ``/health`` says ``ok``; ``/health`` is 503 while no worker can answer.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal, Namespace

from pharmakg.serve.app import HEALTH_DEADLINE
from pharmakg.serve.data import StoreSource
from pharmakg.serve.pool import PoolHealth, PoolLimits, QueryTimeout, WorkerPool
from pharmakg.serve.template import TEMPLATE_NAME, WORKER_NAME
from pharmakg.serve.worker import Request
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
                as_edited = example.replace("\n", "\r\n") + "\r\n"  # as a browser's editor sends it
                edited = await _timed(
                    client, "GET", busy_server.sparql, params={"query": as_edited}
                )
                try:  # a client's own query, however small, waits in the general line
                    await client.get(busy_server.sparql, params={"query": COUNT}, timeout=1.5)
                    arbitrary_waited = False
                except httpx.ReadTimeout:
                    arbitrary_waited = True
                still_running = not any(task.done() for task in heavy)
            finally:
                await _cancel(heavy)
        timed = {"page": page, "health": health, "named": named, "edited": edited}
        results = {name: (answer.status_code, elapsed) for name, (answer, elapsed) in timed.items()}
        return results, arbitrary_waited, still_running

    results, arbitrary_waited, still_running = asyncio.run(scenario())
    for name in ("page", "health", "named", "edited"):
        assert results[name][0] == 200, results
        # Answered at once, not behind a heavy query (which holds its worker for the 20 s
        # limit): a bound far below that, as a loaded machine may take a second or two.
        assert results[name][1] < 5.0, results
    assert arbitrary_waited
    assert still_running  # the heavy queries held their workers throughout


# ---------------------------------------------------------------- recovery


def _synthetic_data(path: Path, triples: int = 2000) -> Path:
    """Enough triples that :data:`HEAVY` outlasts a short time limit."""
    lines = (f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(triples))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _wait_until_gone(pid: int, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while Path(f"/proc/{pid}").exists() and _state(pid) != "Z":
        assert time.monotonic() < deadline, f"process {pid} did not die"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return stat.rpartition(")")[2].split()[0]


def test_the_pool_restarts_a_dead_template_when_a_worker_dies(tmp_path: Path) -> None:
    """The template is killed, then the only general worker: the pool answers again."""
    source = StoreSource("memory", _synthetic_data(tmp_path / "data.nq"))

    async def scenario() -> tuple[int, int, int, PoolHealth]:
        pool = WorkerPool(source, PoolLimits(size=1, light_size=1, timeout=1.0))
        await pool.start()
        try:
            assert pool._template is not None
            old = pool._template.process.pid
            assert old is not None
            os.kill(old, signal.SIGKILL)
            await asyncio.to_thread(_wait_until_gone, old)
            with pytest.raises(QueryTimeout):
                await pool.run(Request(query=HEAVY))  # its worker is killed and replaced
            answer = await pool.run(Request(query=COUNT, accept="text/csv"))
            report = await pool.health()
            new = pool._template.process.pid
            assert new is not None
        finally:
            await pool.close()
        return answer.status, old, new, report

    status, old, new, report = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert status == 200
    assert new != old
    assert report.ok, report
    assert report.template_restarts == 1
    assert report.workers == {"general": 1, "light": 1}


def _processes(server: Server, name: str) -> list[int]:
    """The live processes of ``server``'s process group whose kernel name is ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if comm == name and group == server.process.pid and state != "Z":
            found.append(int(entry.name))
    return found


async def _every_worker_once(server: Server) -> list[int]:
    """Two client queries and a page at once: each of the three workers answers one."""
    async with httpx.AsyncClient(timeout=10) as client:
        answers = await asyncio.gather(
            client.get(server.sparql, params={"query": COUNT}),
            client.get(server.sparql, params={"query": COUNT}),
            client.get(server.url + IMIQUIMOD, headers=TURTLE),
        )
    return [answer.status_code for answer in answers]


def _until(check: Callable[[], object], within: float) -> object:
    """The first true result of ``check`` within ``within`` seconds (or its last result)."""
    deadline = time.monotonic() + within
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def _health(server: Server) -> dict[str, Any]:
    answer = httpx.get(server.url + "/health", headers={"Accept": "application/json"})
    report: dict[str, Any] = answer.json()
    return report


def test_a_server_recovers_from_a_killed_template_and_worker(tmp_path: Path) -> None:
    with running_server(tmp_path / "server.log", "--workers", "2") as server:
        (template,) = _processes(server, TEMPLATE_NAME)
        workers = _processes(server, WORKER_NAME)
        assert len(workers) == 3  # two general, one light
        os.kill(template, signal.SIGKILL)
        _wait_until_gone(template)
        os.kill(workers[0], signal.SIGKILL)
        _wait_until_gone(workers[0])
        started = time.monotonic()
        all_answered = _until(lambda: asyncio.run(_every_worker_once(server)) == [200] * 3, 10)
        assert all_answered
        recovered = _until(lambda: _health(server)["template_restarts"] == 1, 10)
        assert recovered, _health(server)
        assert time.monotonic() - started < 10
        report = _health(server)
        assert report["status"] == "ok"
        assert report["workers"] == {"general": 2, "light": 1}
        (new_template,) = _processes(server, TEMPLATE_NAME)
        assert new_template != template
        assert httpx.get(server.url + "/health").text == "ok\n"


def test_health_is_503_while_no_worker_can_answer(tmp_path: Path) -> None:
    """With no light lane, one heavy query on the only worker leaves nothing for /health."""
    args = ("--workers", "1", "--light-workers", "0", "--timeout", "20")
    with running_server(tmp_path / "server.log", *args) as server:
        assert httpx.get(server.url + "/health").status_code == 200

        async def scenario() -> tuple[httpx.Response, float]:
            async with httpx.AsyncClient(timeout=60) as loader, httpx.AsyncClient() as client:
                (heavy,) = _heavy_load(loader, server, 1)
                await asyncio.sleep(0.5)
                try:
                    answer, elapsed = await _timed(client, "GET", server.url + "/health")
                    assert not heavy.done()
                finally:
                    await _cancel([heavy])
            return answer, elapsed

        answer, elapsed = asyncio.run(scenario())
        assert answer.status_code == 503
        assert answer.text.startswith("unavailable: all 1 query workers stayed busy"), answer.text
        assert answer.headers["retry-after"] == "5"
        assert elapsed < HEALTH_DEADLINE + 1.0
