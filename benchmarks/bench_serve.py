"""Benchmark ``pharmakg serve`` against ``oxigraph serve-read-only`` on the same data, same run.

    python benchmarks/bench_serve.py [--copies 1] [--requests 200] [--seconds 3] [--clients 8]

The data is the release (``prepare_release``: named graphs and description) of the
monograph, or of ``--copies`` copies of it with renamed resources (``run.py``'s
``scaled_graph``), written as N-Quads and loaded with ``oxigraph load`` into one RocksDB
directory, compacted with ``oxigraph optimize``. Three servers answer every named query
(``queries/*.rq``) on loopback, all started at once (an idle one waits in ``epoll`` and
costs nothing):

* ``oxigraph serve-read-only --union-default-graph`` on that directory (the baseline);
* ``pharmakg serve --store DIR``: the same directory, read-only, in our workers;
* ``pharmakg serve``: the same release loaded in memory (its default mode).

For each query: the p50/p95 latency of ``--requests`` sequential rounds (at most
``--seconds`` per server), each round one request to each server in turn on its own
keep-alive connection, so that the servers share the moment's load (the machine is shared
with other jobs: measured a minute apart, the same server differs by 2x); then, one server at
a time, the throughput of ``--clients`` client threads for ``--seconds`` (bounded load;
http.client on the same 2 cores, so the fastest figures are client-bound). Every server must
return the same number of rows. Results go to stdout and to the "pharmakg serve" section of
``benchmarks/RESULTS.md`` (the other sections are kept).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph

import pharmakg
from pharmakg._export import export, prepare_release
from pharmakg.serve.data import StoreSource
from pharmakg.serve.pool import PoolLimits, WorkerPool
from pharmakg.serve.worker import Request

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START = "<!-- bench_serve: start -->"
END = "<!-- bench_serve: end -->"
BASELINE = "oxigraph serve-read-only"
#: The servers compared with the baseline, by their ``--servers`` name.
SERVERS = {
    "store": "pharmakg serve --store",
    "disk": "pharmakg serve --store --store-on-disk",
    "memory": "pharmakg serve (memory)",
}


@dataclass(frozen=True)
class Figures:
    """One server's figures for one query."""

    rows: int
    p50_ms: float
    p95_ms: float
    per_second: float


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def server(command: list[str], port: int, path: str) -> Iterator[None]:
    """Run ``command`` until the block ends; wait until ``path`` answers on ``port``."""
    process = subprocess.Popen(  # noqa: S603 - our own commands
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", path + "?" + urlencode({"query": "ASK {}"}))
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {' '.join(command)}")
            time.sleep(0.2)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ask(connection: http.client.HTTPConnection, path: str, query: str) -> bytes:
    """POST ``query`` (form-encoded) and return the JSON results body."""
    body = urlencode({"query": query})
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    answer = connection.getresponse()
    data = answer.read()
    if answer.status != 200:
        raise RuntimeError(f"HTTP {answer.status}: {data[:200]!r}")
    return data


def latencies(
    targets: dict[str, tuple[int, str]], query: str, requests: int, seconds: float
) -> dict[str, tuple[int, list[float]]]:
    """Rows and sequential request times of every server, their requests interleaved.

    Each round sends one request to each server in turn (the order rotates every round), so
    every server is measured under the same moment's load: the machine is shared, and a
    server measured a minute after another would meet other neighbours.
    """
    connections = {
        label: http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for label, (port, _) in targets.items()
    }
    rows = {
        label: len(json.loads(ask(connections[label], path, query))["results"]["bindings"])
        for label, (_, path) in targets.items()
    }  # warm-up
    times: dict[str, list[float]] = {label: [] for label in targets}
    labels = list(targets)
    stop = time.perf_counter() + seconds * len(targets)
    for round_number in range(requests):
        if time.perf_counter() > stop:
            break
        shift = round_number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            start = time.perf_counter()
            ask(connections[label], targets[label][1], query)
            times[label].append(time.perf_counter() - start)
    for connection in connections.values():
        connection.close()
    return {label: (rows[label], times[label]) for label in targets}


def throughput(port: int, path: str, query: str, seconds: float, clients: int) -> float:
    """Requests per second of ``clients`` threads, each on its own keep-alive connection."""
    done = [0] * clients
    end = time.perf_counter() + seconds

    def client(index: int) -> None:
        own = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < end:
            ask(own, path, query)
            done[index] += 1
        own.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def summarise(rows: int, times: list[float], per_second: float) -> Figures:
    """p50/p95 of ``times`` (seconds) in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return Figures(rows, statistics.median(ordered) * 1000, p95 * 1000, per_second)


def release_nquads(copies: int, directory: Path) -> Path:
    """The release of the monograph (or of ``copies`` renamed copies) as N-Quads."""
    if copies == 1:
        kg = pharmakg.load()
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from generate import generate

        one = len(pharmakg.load().to_rdflib())  # the ontology is written once, so this overshoots
        generate(one * copies, directory / "copies.nt")
        kg = pharmakg.load(directory / "copies.nt")
    target = directory / "release.nq"
    target.write_text(export(prepare_release(kg), "nquads").text(), encoding="utf-8")
    return target


def write_section(text: str, out: Path) -> None:
    """Replace (or append) this benchmark's section of ``out``, keeping the rest."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    section = f"{START}\n{text.strip()}\n{END}\n"
    if START in old and END in old:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END) + "\n?", section, old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n" + section
    out.write_text(new, encoding="utf-8")


def open_store(location: str) -> pyoxigraph.Store:
    """A RocksDB directory opened read-only, or an N-Quads file loaded in memory."""
    if Path(location).is_dir():
        return pyoxigraph.Store.read_only(location)
    store = pyoxigraph.Store()
    store.bulk_load(path=location, format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def answer_forever(location: str) -> None:
    """``--answer LOCATION``: answer length-prefixed queries on stdin until EOF (JSON results).

    The smallest possible query worker: no server, no asyncio, no pickling.
    """
    store = open_store(location)
    read, write = sys.stdin.buffer, sys.stdout.buffer
    while header := read.read(4):
        query = read.read(int.from_bytes(header, "big")).decode("utf-8")
        body = store.query(query, use_default_graph_as_union=True).serialize(
            format=pyoxigraph.QueryResultsFormat.JSON
        )
        write.write(len(body).to_bytes(4, "big") + body)
        write.flush()


def hop_cost(location: str, queries: list[tuple[str, str]], rounds: int) -> list[str]:
    """p50 of each query run in this process and in a child process over a pipe, alternated.

    Separates what the process boundary costs from what the server adds.
    """
    store = open_store(location)
    child = subprocess.Popen(  # noqa: S603 - this script
        [sys.executable, __file__, "--answer", location],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert child.stdin is not None  # noqa: S101 - piped
    assert child.stdout is not None  # noqa: S101 - piped
    stdin, stdout = child.stdin, child.stdout

    def in_child(query: str) -> None:
        data = query.encode("utf-8")
        stdin.write(len(data).to_bytes(4, "big") + data)
        stdin.flush()
        stdout.read(int.from_bytes(stdout.read(4), "big"))

    def here(query: str) -> None:
        result = store.query(query, use_default_graph_as_union=True)
        result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)

    lines = []
    for name, text in queries:
        times: dict[str, list[float]] = {"here": [], "child": []}
        in_child(text)
        here(text)
        for _ in range(rounds):
            for label, run in (("here", here), ("child", in_child)):
                start = time.perf_counter()
                run(text)
                times[label].append(time.perf_counter() - start)
        p50 = {k: statistics.median(v) * 1000 for k, v in times.items()}
        lines.append(
            f"| {name} | {p50['here']:.2f} | {p50['child']:.2f} | "
            f"{p50['child'] / p50['here']:.2f}x |"
        )
    stdin.close()
    child.wait(timeout=30)
    return lines


def hop_only(rounds: int, copies: int) -> None:
    """``--hop ROUNDS``: print :func:`hop_cost` for RocksDB and in memory (nothing written)."""
    queries = [
        (q.name, q.path.read_text(encoding="utf-8")) for q in pharmakg.list_queries() if q.path
    ]
    with tempfile.TemporaryDirectory() as tmp:
        nquads = release_nquads(copies, Path(tmp))
        store = Path(tmp) / "store"
        load_store(nquads, store)
        print(f"Load average (1 min) {os.getloadavg()[0]:.1f}.")
        for label, location in (("RocksDB, read-only", store), ("in memory", nquads)):
            print(f"\n{label}: p50 ms of {rounds} rounds\n")
            print("| query | in this process | in a child over a pipe | ratio |\n|---|---|---|---|")
            print("\n".join(hop_cost(str(location), queries, rounds)))


def main() -> None:
    """Compare the servers (default), or measure where a request's time goes (``--layers``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--servers",
        default=",".join(SERVERS),
        help=f"Which servers to compare with the baseline (comma-separated: {', '.join(SERVERS)}).",
    )
    parser.add_argument(
        "--queries", default="", help="Only these named queries (comma-separated; default all)."
    )
    parser.add_argument(
        "--hop",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="Only measure each query in this process and in a child over a pipe (no server).",
    )
    parser.add_argument(
        "--layers",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="Only measure each layer of a request apart: pyoxigraph in this process, a worker "
        "round trip, the whole HTTP request (nothing written).",
    )
    parser.add_argument("--answer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.answer:
        answer_forever(args.answer)
    elif args.hop:
        hop_only(args.hop, args.copies)
    elif args.layers:
        layers_only(args)
    else:
        compare(args)


def named_queries(only: str) -> list[tuple[str, str]]:
    """The named queries' names and texts, or those of ``only`` (comma-separated names)."""
    chosen = [name for name in only.split(",") if name]
    queries = [
        (q.name, q.path.read_text(encoding="utf-8")) for q in pharmakg.list_queries() if q.path
    ]
    unknown = set(chosen) - {name for name, _ in queries}
    if unknown:
        raise SystemExit(f"unknown queries {sorted(unknown)}; known: {[n for n, _ in queries]}")
    return [(name, text) for name, text in queries if not chosen or name in chosen]


def load_store(nquads: Path, store: Path) -> None:
    """``oxigraph load`` ``nquads`` into the RocksDB directory ``store``, then compact it.

    ``oxigraph optimize`` as ``pharmakg load`` does: a directory as the bulk load leaves it
    reads two to three times slower, which would handicap the baseline.
    """
    for command in (
        ["load", "--location", str(store), "--file", str(nquads)],
        ["optimize", "--location", str(store)],
    ):
        subprocess.run([str(BIN / "oxigraph"), *command], check=True, capture_output=True)  # noqa: S603


def server_commands(
    store: Path, ports: dict[str, int], chosen: list[str]
) -> dict[str, tuple[list[str], str]]:
    """Map each label to (command, SPARQL path): the baseline and the ``chosen`` servers."""
    pharmakg_serve = [str(BIN / "pharmakg"), "serve"]
    commands = {
        BASELINE: (
            [
                *(str(BIN / "oxigraph"), "serve-read-only", "--location", str(store)),
                *("--bind", f"127.0.0.1:{ports[BASELINE]}", "--union-default-graph"),
            ],
            "/query",
        ),
        SERVERS["store"]: ([*pharmakg_serve, "--store", str(store)], "/sparql"),
        SERVERS["disk"]: ([*pharmakg_serve, "--store", str(store), "--store-on-disk"], "/sparql"),
        SERVERS["memory"]: (pharmakg_serve, "/sparql"),
    }
    wanted = [BASELINE] + [SERVERS[name] for name in chosen]
    return {
        label: (command if label == BASELINE else [*command, "--port", str(ports[label])], path)
        for label, (command, path) in commands.items()
        if label in wanted
    }


def chosen_servers(names: str, copies: int) -> list[str]:
    """The ``--servers`` names, checked (the in-memory server serves one copy only)."""
    chosen = [name for name in names.split(",") if name]
    unknown = set(chosen) - set(SERVERS)
    if unknown:
        raise SystemExit(f"unknown servers {sorted(unknown)}; known: {list(SERVERS)}")
    if copies != 1:  # the in-memory server serves the packaged graphs only
        chosen = [name for name in chosen if name != "memory"]
    return chosen


def compare(args: argparse.Namespace) -> None:
    """Run the servers over the named queries and write the table."""
    queries = named_queries(args.queries)
    results: dict[str, dict[str, Figures]] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        nquads = release_nquads(args.copies, directory)
        store = directory / "store"
        load_store(nquads, store)
        quads = sum(1 for line in nquads.read_text(encoding="utf-8").splitlines() if line.strip())
        chosen = chosen_servers(args.servers, args.copies)
        ports = {label: free_port() for label in [BASELINE, *SERVERS.values()]}
        servers = server_commands(store, ports, chosen)
        with contextlib.ExitStack() as running:
            for label, (command, path) in servers.items():
                running.enter_context(server(command, ports[label], path))
            targets = {label: (ports[label], path) for label, (_, path) in servers.items()}
            for name, text in queries:
                measured = latencies(targets, text, args.requests, args.seconds)
                for label, (port, path) in targets.items():
                    per_second = throughput(port, path, text, args.seconds, args.clients)
                    rows, times = measured[label]
                    results.setdefault(name, {})[label] = summarise(rows, times, per_second)
                    print(f"{label:26} {name:18} {results[name][label]}", file=sys.stderr)
    load_after = os.getloadavg()[0]
    labels = [label for label in servers if label != BASELINE]
    text = "\n".join(
        [*heading(args, quads, len(servers), (load_before, load_after)), *table(results, labels)]
    )
    write_section(text, args.out)
    print(text)


def heading(
    args: argparse.Namespace, quads: int, count: int, load: tuple[float, float]
) -> list[str]:
    """The section's title and its paragraph on how the figures were taken."""
    command = " ".join(["python benchmarks/bench_serve.py", *sys.argv[1:]])
    return [
        "## pharmakg serve vs oxigraph serve-read-only",
        "",
        f"Command: `{command}`. "
        f"{quads:,} quads (the release: named graphs and description), one RocksDB directory "
        "made by `oxigraph load` and compacted by `oxigraph optimize`. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph and oxigraph {pyoxigraph.__version__}. "
        f"Loopback, the {count} servers running at once; p50/p95 of up to {args.requests} "
        "sequential rounds, each round one request to each server in turn (POST form, JSON "
        "results, one keep-alive connection per server), so that all of them meet the same "
        f"load; then, one server at a time, {args.clients} client threads for {args.seconds:g} s "
        "(http.client on the same cores: the fastest figures are client-bound). Every server "
        "returned the same rows. `pharmakg serve --store` reads the store's quads into its "
        "workers' memory at start-up; `--store-on-disk` answers on the RocksDB files. Ratios "
        "are against `oxigraph serve-read-only` in the same run; `+ms` is the added p50 "
        f"(negative: faster). Load average (1 min) {load[0]:.1f} before and {load[1]:.1f} after "
        "the run (the servers and clients of the run itself count too).",
        "",
    ]


def table(results: dict[str, dict[str, Figures]], labels: list[str]) -> list[str]:
    """One row per query: the baseline's figures, then each server's with its ratios."""
    columns = "".join(
        f" {label.removeprefix('pharmakg serve ')} p50/p95 ms · req/s (p50 ratio, +ms, "
        "throughput ratio) |"
        for label in labels
    )
    lines = [
        f"| query | rows | oxigraph p50/p95 ms · req/s |{columns}",
        "|---|---|---|" + "---|" * len(labels),
    ]
    for name, by_server in results.items():
        base = by_server[BASELINE]
        cells = [
            name,
            str(base.rows),
            f"{base.p50_ms:.2f}/{base.p95_ms:.2f} · {base.per_second:,.0f}",
        ]
        for label in labels:
            figures = by_server[label]
            if figures.rows != base.rows:
                raise RuntimeError(f"{label} gave {figures.rows} rows for {name}, not {base.rows}")
            cells.append(
                f"{figures.p50_ms:.2f}/{figures.p95_ms:.2f} · {figures.per_second:,.0f} "
                f"({figures.p50_ms / base.p50_ms:.2f}x, {figures.p50_ms - base.p50_ms:+.2f} ms, "
                f"{figures.per_second / base.per_second:.2f}x)"
            )
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------- --layers


def cpu_ns(pgid: int) -> dict[int, int]:
    """Map each pid of process group ``pgid`` to its CPU nanoseconds (all threads; schedstat)."""
    out: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            tasks = stat.parent.glob("task/*/schedstat")
            out[int(stat.parent.name)] = sum(int(t.read_text().split()[0]) for t in tasks)
    return out


def listening_pid(port: int) -> int:
    """The pid of the process listening on loopback ``port`` (from ``ss``)."""
    listing = subprocess.run(  # noqa: S603
        ["/usr/bin/ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"pid=(\d+)", listing)
    if found is None:
        raise RuntimeError(f"nothing listens on port {port}")
    return int(found.group(1))


class Layers:
    """Each layer of a request as a callable that answers one query (JSON results)."""

    def __init__(self, store: Path, nquads: Path, ports: dict[str, tuple[int, str]]) -> None:
        self.stores = {"rocksdb": open_store(str(store)), "memory": open_store(str(nquads))}
        self.ports = ports
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def in_process(self, kind: str) -> Callable[[str], object]:
        """Run pyoxigraph alone, in this process: the query and its JSON serialisation."""
        store = self.stores[kind]

        def run(query: str) -> object:
            result = store.query(query, use_default_graph_as_union=True)
            return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)

        return run

    def http(self, label: str) -> Callable[[str], object]:
        """The whole request to the server ``label`` (a fresh keep-alive connection per query)."""
        path = self.ports[label][1]

        def run(query: str) -> object:
            return ask(self.connections[label], path, query)

        return run

    def reconnect(self) -> None:
        """New connections (an idle keep-alive connection may be closed by the server)."""
        for connection in self.connections.values():
            connection.close()
        self.connections = {
            label: http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for label, (port, _) in self.ports.items()
        }


def interleaved(runs: dict[str, Callable[[str], object]], query: str, rounds: int) -> dict:
    """p50 ms of each of ``runs`` on ``query``, one call of each per round, order rotating."""
    times: dict[str, list[float]] = {label: [] for label in runs}
    labels = list(runs)
    for run in runs.values():
        run(query)  # warm-up
    for number in range(rounds):
        shift = number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            start = time.perf_counter()
            runs[label](query)
            times[label].append(time.perf_counter() - start)
    return {label: statistics.median(values) * 1000 for label, values in times.items()}


def cpu_per_request(
    layers: Layers, label: str, query: str, rounds: int, pgid: int, server_pid: int
) -> tuple[float, float]:
    """CPU ms per request of the server process and of its workers (the rest of its group)."""
    run = layers.http(label)
    before = cpu_ns(pgid)
    for _ in range(rounds):
        run(query)
    after = cpu_ns(pgid)
    spent = {pid: (ns - before.get(pid, 0)) / rounds / 1e6 for pid, ns in after.items()}
    own = spent.pop(server_pid, 0.0)
    return own, sum(spent.values())


def layers_only(args: argparse.Namespace) -> None:
    """``--layers ROUNDS``: where the time of a request goes, layer by layer (nothing written).

    For each query, interleaved: pyoxigraph in this process on the RocksDB directory and in
    memory, a round trip through ``WorkerPool`` to one worker of each kind, and the whole HTTP
    request to ``oxigraph serve-read-only``, ``pharmakg serve --store`` and ``--store-on-disk``;
    then the CPU time per request of each server's processes (the server, its workers).
    """
    asyncio.run(_layers(args))


async def _layers(args: argparse.Namespace) -> None:
    queries = named_queries(args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        nquads = release_nquads(args.copies, Path(tmp))
        store = Path(tmp) / "store"
        load_store(nquads, store)
        ports = {label: free_port() for label in [BASELINE, *SERVERS.values()]}
        servers = server_commands(store, ports, ["store", "disk"])
        pools = {
            "rocksdb": WorkerPool(StoreSource("disk", store), PoolLimits(size=1)),
            "memory": WorkerPool(StoreSource("memory", nquads), PoolLimits(size=1)),
        }
        for pool in pools.values():
            await pool.start()
        with contextlib.ExitStack() as running:
            for label, (command, path) in servers.items():
                running.enter_context(server(command, ports[label], path))
            layers = Layers(store, nquads, {k: (ports[k], p) for k, (_, p) in servers.items()})
            pids = {label: listening_pid(ports[label]) for label in servers}
            runs: dict[str, Callable[[str], object]] = {
                "pyoxigraph RocksDB": layers.in_process("rocksdb"),
                "pyoxigraph memory": layers.in_process("memory"),
            }
            loop = asyncio.get_running_loop()
            for kind, pool in pools.items():
                runs[f"worker {kind}"] = _pool_runner(loop, pool)
            runs |= {label: layers.http(label) for label in servers}
            print(f"Load average (1 min) {os.getloadavg()[0]:.1f}; p50 ms of {args.layers} rounds")
            print("\n| query | " + " | ".join(runs) + " | CPU ms per request |")
            print("|---|" + "---|" * (len(runs) + 1))
            for name, text in queries:
                layers.reconnect()
                p50 = await asyncio.to_thread(interleaved, runs, text, args.layers)
                cpu = [
                    (label, cpu_per_request(layers, label, text, args.layers, os.getpgid(pid), pid))
                    for label, pid in pids.items()
                ]
                spent = "; ".join(
                    f"{label.removeprefix('pharmakg serve ')} {own:.2f}"
                    + (f" + workers {workers:.2f}" if workers > 0.005 else "")
                    for label, (own, workers) in cpu
                )
                print(
                    f"| {name} | " + " | ".join(f"{v:.2f}" for v in p50.values()) + f" | {spent} |"
                )
            print(f"\nLoad average (1 min) {os.getloadavg()[0]:.1f}")
        for pool in pools.values():
            await pool.close()


def _pool_runner(loop: asyncio.AbstractEventLoop, pool: WorkerPool) -> Callable[[str], object]:
    """A blocking round trip through ``pool`` (running on ``loop``), for another thread."""

    def run(query: str) -> object:
        call = pool.run(Request(query=query, accept="application/sparql-results+json"))
        return asyncio.run_coroutine_threadsafe(call, loop).result()

    return run


if __name__ == "__main__":
    main()
