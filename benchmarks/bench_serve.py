"""Benchmark ``pharmakg serve`` against ``oxigraph serve-read-only`` on the same data, same run.

    python benchmarks/bench_serve.py [--copies 1] [--requests 200] [--seconds 3] [--clients 8]

The data is the release (``pharmakg.prepare_release``: named graphs and description) of the
monograph, or of ``--copies`` copies of it with renamed resources (``run.py``'s
``scaled_graph``), written as N-Quads and loaded with ``oxigraph load`` into one RocksDB
directory. Three servers answer every named query (``queries/*.rq``) on loopback, all
started at once (an idle one waits in ``epoll`` and costs nothing):

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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph

import pharmakg
from pharmakg.export import export, prepare_release

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START = "<!-- bench_serve: start -->"
END = "<!-- bench_serve: end -->"
LABELS = ("oxigraph serve-read-only", "pharmakg serve --store", "pharmakg serve (memory)")


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
        from run import scaled_graph

        kg = pharmakg.load(scaled_graph(copies, directory))
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
        subprocess.run(  # noqa: S603
            [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(nquads)],
            check=True,
            capture_output=True,
        )
        print(f"Load average (1 min) {os.getloadavg()[0]:.1f}.")
        for label, location in (("RocksDB, read-only", store), ("in memory", nquads)):
            print(f"\n{label}: p50 ms of {rounds} rounds\n")
            print("| query | in this process | in a child over a pipe | ratio |\n|---|---|---|---|")
            print("\n".join(hop_cost(str(location), queries, rounds)))


def main() -> None:
    """Compare the servers (default), or measure the process boundary alone (``--hop``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--hop",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="Only measure each query in this process and in a child over a pipe (no server).",
    )
    parser.add_argument("--answer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.answer:
        answer_forever(args.answer)
    elif args.hop:
        hop_only(args.hop, args.copies)
    else:
        compare(args)


def compare(args: argparse.Namespace) -> None:
    """Run the three servers over every named query and write the table."""
    queries = [
        (q.name, q.path.read_text(encoding="utf-8")) for q in pharmakg.list_queries() if q.path
    ]
    results: dict[str, dict[str, Figures]] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        nquads = release_nquads(args.copies, directory)
        store = directory / "store"
        subprocess.run(  # noqa: S603
            [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(nquads)],
            check=True,
            capture_output=True,
        )
        quads = sum(1 for line in nquads.read_text(encoding="utf-8").splitlines() if line.strip())
        ports = {label: free_port() for label in LABELS}
        servers = {
            "oxigraph serve-read-only": (
                [
                    str(BIN / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(store),
                    "--bind",
                    f"127.0.0.1:{ports[LABELS[0]]}",
                    "--union-default-graph",
                ],
                "/query",
            ),
            "pharmakg serve --store": (
                [
                    str(BIN / "pharmakg"),
                    "serve",
                    "--store",
                    str(store),
                    "--port",
                    str(ports[LABELS[1]]),
                ],
                "/sparql",
            ),
            "pharmakg serve (memory)": (
                [str(BIN / "pharmakg"), "serve", "--port", str(ports[LABELS[2]])]
                + ([] if args.copies == 1 else ["--store", str(store)]),
                "/sparql",
            ),
        }
        if args.copies != 1:
            del servers["pharmakg serve (memory)"]  # it serves the packaged graphs only
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
    baseline = "oxigraph serve-read-only"
    command = " ".join(["python benchmarks/bench_serve.py", *sys.argv[1:]])
    lines = [
        "## pharmakg serve vs oxigraph serve-read-only",
        "",
        f"Command: `{command}`. "
        f"{quads:,} quads (the release: named graphs and description), one RocksDB directory "
        f"made by `oxigraph load`. Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph and oxigraph {pyoxigraph.__version__}. "
        f"Loopback, the three servers running at once; p50/p95 of up to {args.requests} "
        "sequential rounds, each round one request to each server in turn (POST form, JSON "
        "results, one keep-alive connection per server), so that all three meet the same load; "
        f"then, one server at a time, {args.clients} client threads for {args.seconds:g} s "
        "(http.client on the same cores: the fastest figures are client-bound). Every server "
        "returned the same rows. Ratios are against "
        "`oxigraph serve-read-only` in the same run; `+ms` is the added p50 (negative: faster). "
        f"Load average (1 min) {load_before:.1f} before and {load_after:.1f} after the run "
        "(the servers and clients of the run itself count too).",
        "",
        "| query | rows | oxigraph p50/p95 ms · req/s | pharmakg --store p50/p95 ms · req/s"
        " (p50 ratio, +ms, throughput ratio) | pharmakg memory p50/p95 ms · req/s "
        "(p50 ratio, +ms, throughput ratio) |",
        "|---|---|---|---|---|",
    ]
    for name, by_server in results.items():
        base = by_server[baseline]
        cells = [
            name,
            str(base.rows),
            f"{base.p50_ms:.2f}/{base.p95_ms:.2f} · {base.per_second:,.0f}",
        ]
        for label in ("pharmakg serve --store", "pharmakg serve (memory)"):
            figures = by_server.get(label)
            if figures is None:
                cells.append("—")
                continue
            if figures.rows != base.rows:
                raise RuntimeError(f"{label} gave {figures.rows} rows for {name}, not {base.rows}")
            cells.append(
                f"{figures.p50_ms:.2f}/{figures.p95_ms:.2f} · {figures.per_second:,.0f} "
                f"({figures.p50_ms / base.p50_ms:.2f}x, {figures.p50_ms - base.p50_ms:+.2f} ms, "
                f"{figures.per_second / base.per_second:.2f}x)"
            )
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    write_section(text, args.out)
    print(text)


if __name__ == "__main__":
    main()
