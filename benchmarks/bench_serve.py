"""Benchmark ``pharmakg serve`` against ``oxigraph serve-read-only`` on the same data, same run.

    python benchmarks/bench_serve.py [--copies 1] [--requests 200] [--seconds 3] [--clients 8]

The data is the release (``pharmakg.prepare_release``: named graphs and description) of the
monograph, or of ``--copies`` copies of it with renamed resources (``run.py``'s
``scaled_graph``), written as N-Quads and loaded with ``oxigraph load`` into one RocksDB
directory. Three servers answer every named query (``queries/*.rq``), one server at a time,
on loopback:

* ``oxigraph serve-read-only --union-default-graph`` on that directory (the baseline);
* ``pharmakg serve --store DIR``: the same directory, read-only, in our workers;
* ``pharmakg serve``: the same release loaded in memory (its default mode).

For each query: the p50/p95 latency of ``--requests`` sequential requests on one keep-alive
connection (at most ``--seconds``), then the throughput of ``--clients`` client threads for
``--seconds`` (bounded load; http.client on the same 2 cores, so the fastest figures are
client-bound). Every server must return the same number of rows. Results go to stdout and to
the "pharmakg serve" section of ``benchmarks/RESULTS.md`` (the other sections are kept).
"""

from __future__ import annotations

import argparse
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph

import pharmakg
from pharmakg.export import ExportFormat, export, prepare_release

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START = "<!-- bench_serve: start -->"
END = "<!-- bench_serve: end -->"


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


@contextmanager
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


def measure(
    port: int, path: str, query: str, requests: int, seconds: float, clients: int
) -> Figures:
    """Sequential latency, then the throughput of ``clients`` threads."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    rows = len(json.loads(ask(connection, path, query))["results"]["bindings"])  # warm-up
    times = []
    stop = time.perf_counter() + seconds
    while len(times) < requests and time.perf_counter() < stop:
        start = time.perf_counter()
        ask(connection, path, query)
        times.append(time.perf_counter() - start)
    connection.close()
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000
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
    return Figures(rows, p50, p95, sum(done) / (time.perf_counter() - started))


def release_nquads(copies: int, directory: Path) -> Path:
    """The release of the monograph (or of ``copies`` renamed copies) as N-Quads."""
    if copies == 1:
        kg = pharmakg.load()
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from run import scaled_graph

        kg = pharmakg.load(scaled_graph(copies, directory))
    target = directory / "release.nq"
    target.write_text(export(prepare_release(kg), ExportFormat.NQUADS).text(), encoding="utf-8")
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


def main() -> None:
    """Run the three servers over every named query and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
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
        port = free_port()
        servers = {
            "oxigraph serve-read-only": (
                [
                    str(BIN / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(store),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--union-default-graph",
                ],
                "/query",
            ),
            "pharmakg serve --store": (
                [str(BIN / "pharmakg"), "serve", "--store", str(store), "--port", str(port)],
                "/sparql",
            ),
            "pharmakg serve (memory)": (
                [str(BIN / "pharmakg"), "serve", "--port", str(port)]
                + ([] if args.copies == 1 else ["--store", str(store)]),
                "/sparql",
            ),
        }
        if args.copies != 1:
            del servers["pharmakg serve (memory)"]  # it serves the packaged graphs only
        for label, (command, path) in servers.items():
            with server(command, port, path):
                for name, text in queries:
                    figures = measure(port, path, text, args.requests, args.seconds, args.clients)
                    results.setdefault(name, {})[label] = figures
                    print(f"{label:26} {name:18} {figures}", file=sys.stderr)
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
        f"Loopback, one server at a time; p50/p95 of up to {args.requests} sequential requests "
        f"on one keep-alive connection (POST form, JSON results), then {args.clients} client "
        f"threads for {args.seconds:g} s (http.client on the same cores: the fastest figures "
        "are client-bound). Every server returned the same rows. Ratios are against "
        "`oxigraph serve-read-only` in the same run; `+ms` is the added p50 (negative: faster). "
        f"Load average (1 min) {load_before:.1f} before and {load_after:.1f} after the run: "
        "other jobs shared the cores.",
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
