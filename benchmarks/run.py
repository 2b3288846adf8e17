"""Benchmarks: load, query, validate and build, as ratios against a baseline in the same run.

    python benchmarks/run.py [--sizes 1,8,80] [--repeat 3] [--out benchmarks/RESULTS.md]

The machines are noisy, so every figure is reported next to a baseline measured in the same
run: rdflib's parser for loading, the rdflib engine for queries. The graphs are the monograph
and copies of it with renamed resources (1 copy is about 1,300 triples), which keeps the shape
of real data (claims, citations, the mechanism chain) at larger sizes.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import rdflib

import pharmakg
from pharmakg.load import default_paths
from pharmakg.query import run_query

ROOT = Path(__file__).resolve().parent.parent
PKR = "https://w3id.org/pharmakg/resource/"


def scaled_graph(copies: int, directory: Path) -> Path:
    """The monograph graphs, ``copies`` times, resources renamed per copy, as N-Triples."""
    base = rdflib.Graph()
    for path in default_paths():
        base.parse(path)
    lines = base.serialize(format="nt").splitlines()
    ontology = {line for line in lines if PKR not in line}
    data = [line for line in lines if PKR in line]
    out = directory / f"monograph-x{copies}.nt"
    with out.open("w", encoding="utf-8") as handle:
        handle.write("\n".join(sorted(ontology)) + "\n")
        for copy in range(copies):
            prefix = PKR if copy == 0 else f"{PKR}copy{copy}-"
            handle.write("\n".join(line.replace(PKR, prefix) for line in data) + "\n")
    return out


def timed(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``action`` over ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(code: str) -> float:
    """Peak resident memory of a fresh Python process running ``code``, in MB.

    Read from ``VmHWM`` in /proc: ``ru_maxrss`` would carry over the parent's peak, because
    Linux keeps it across fork and exec.
    """
    script = (
        f"{code}\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    )
    output = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return int(output.split()[-1]) / 1024


RDFLIB_TIMEOUT = 30.0
TIMED_OUT: set[str] = set()


def rdflib_query_seconds(path: Path, name: str, timeout: float) -> float | None:
    """One run of a named query on the rdflib engine, in a child process stopped at ``timeout``.

    rdflib's join order makes some queries take minutes at 10k triples; a child process is the
    only way to stop one (a thread cannot be interrupted).
    """
    code = (
        "import time, pharmakg; from pharmakg.query import run_query\n"
        f"kg = pharmakg.load({str(path)!r}); kg.store('rdflib')\n"
        f"t = time.perf_counter(); run_query(kg, {name!r}, engine='rdflib')\n"
        "print(time.perf_counter() - t)"
    )
    try:
        output = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout + 60,
        ).stdout
    except subprocess.TimeoutExpired:
        return None
    seconds = float(output.split()[-1])
    return None if seconds > timeout else seconds


def row(triples: int, what: str, seconds: str, ratio: str) -> str:
    """One Markdown table row."""
    return f"| {triples:,} | {what} | {seconds} | {ratio} |"


def bench_size(copies: int, repeat: int, directory: Path, validate: bool) -> list[str]:
    """One table row per measurement at one size."""
    path = scaled_graph(copies, directory)
    triples = sum(1 for _ in path.open(encoding="utf-8"))
    rows = []
    rdflib_load = timed(lambda: rdflib.Graph().parse(path, format="nt"), repeat)
    ox_load = timed(
        lambda: pyoxigraph.Store().load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES),
        repeat,
    )
    kg_load = timed(lambda: pharmakg.load(path), repeat)
    rows.append(row(triples, "load: rdflib parse (baseline)", f"{rdflib_load:.3f}", "1.00"))
    rows.append(
        row(triples, "load: pharmakg.load", f"{kg_load:.3f}", f"{kg_load / rdflib_load:.2f}")
    )
    rows.append(
        row(triples, "load: pyoxigraph store", f"{ox_load:.3f}", f"{ox_load / rdflib_load:.2f}")
    )
    rss_rdflib = peak_rss_mb(f"import rdflib; rdflib.Graph().parse({str(path)!r}, format='nt')")
    rss_ox = peak_rss_mb(
        "import pyoxigraph as o; s = o.Store()\n"
        f"s.load(path={str(path)!r}, format=o.RdfFormat.N_TRIPLES)"
    )
    rss = f"{rss_rdflib:.0f} / {rss_ox:.0f}"
    rows.append(row(triples, "peak RSS MB: rdflib / pyoxigraph", rss, f"{rss_ox / rss_rdflib:.2f}"))
    kg = pharmakg.load(path)
    kg.store("oxigraph")
    for name in ("mechanism", "cytokines", "indications", "chain", "claims", "mechanism-edges"):
        fast = timed(lambda name=name: run_query(kg, name, engine="oxigraph"), repeat)
        # A query that ran out of time on a smaller graph is not run again on a larger one.
        base = None if name in TIMED_OUT else rdflib_query_seconds(path, name, RDFLIB_TIMEOUT)
        if base is None:
            TIMED_OUT.add(name)
        if base is None:
            rows.append(
                f"| {triples:,} | query {name}: rdflib (baseline) / oxigraph | "
                f"> {RDFLIB_TIMEOUT:.0f} / {fast:.4f} | < {fast / RDFLIB_TIMEOUT:.5f} |"
            )
        else:
            rows.append(
                f"| {triples:,} | query {name}: rdflib (baseline) / oxigraph | "
                f"{base:.4f} / {fast:.4f} | {fast / base:.4f} |"
            )
    if validate:
        seconds = timed(lambda: pharmakg.validate(kg), 1)
        what = "validate (pyshacl, SHACL-SPARQL on; vs rdflib parse)"
        rows.append(row(triples, what, f"{seconds:.2f}", f"{seconds / rdflib_load:.1f}"))
    return rows


def main() -> None:
    """Run the benchmarks and write the Markdown results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1,8,80", help="copies of the monograph, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--validate-up-to", type=int, default=8, help="validate sizes up to this many copies"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for copies in (int(c) for c in args.sizes.split(",")):
            rows += bench_size(copies, args.repeat, Path(tmp), copies <= args.validate_up_to)
            print(f"done: {copies} copies", file=sys.stderr)
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Command: `{command.strip()}` (via `make bench`). Machine: {platform.machine()}, "
            f"Python {platform.python_version()}, rdflib {rdflib.__version__}, "
            f"pyoxigraph {pyoxigraph.__version__}. Medians of {args.repeat} runs, seconds.",
            "The ratio is against the baseline measured in the same run (below 1: faster).",
            "",
            "| triples | measurement | seconds | ratio |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
