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
import resource
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
    """Peak resident memory of a fresh Python process running ``code``, in MB."""
    script = f"{code}\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    output = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return int(output.split()[-1]) / 1024


def bench_size(copies: int, repeat: int, directory: Path, validate: bool) -> list[str]:
    """One table row per measurement at one size."""
    path = scaled_graph(copies, directory)
    triples = sum(1 for _ in path.open(encoding="utf-8"))
    rows = []
    rdflib_load = timed(lambda: rdflib.Graph().parse(path, format="nt"), repeat)
    ox_load = timed(lambda: pyoxigraph.Store().load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES), repeat)
    kg_load = timed(lambda: pharmakg.load(path), repeat)
    rows.append(f"| {triples:,} | load: rdflib parse (baseline) | {rdflib_load:.3f} | 1.00 |")
    rows.append(f"| {triples:,} | load: pharmakg.load (safe loader) | {kg_load:.3f} | {kg_load / rdflib_load:.2f} |")
    rows.append(f"| {triples:,} | load: pyoxigraph store | {ox_load:.3f} | {ox_load / rdflib_load:.2f} |")
    rss_rdflib = peak_rss_mb(f"import rdflib; rdflib.Graph().parse({str(path)!r}, format='nt')")
    rss_ox = peak_rss_mb(
        f"import pyoxigraph as o; s=o.Store(); s.load(path={str(path)!r}, format=o.RdfFormat.N_TRIPLES)"
    )
    rows.append(f"| {triples:,} | peak RSS MB: rdflib / pyoxigraph | {rss_rdflib:.0f} / {rss_ox:.0f} | {rss_ox / rss_rdflib:.2f} |")
    kg = pharmakg.load(path)
    kg.store("oxigraph")
    kg.store("rdflib")
    for name in ("mechanism", "cytokines", "indications", "chain", "claims", "mechanism-edges"):
        base = timed(lambda name=name: run_query(kg, name, engine="rdflib"), repeat)
        fast = timed(lambda name=name: run_query(kg, name, engine="oxigraph"), repeat)
        rows.append(f"| {triples:,} | query {name}: rdflib (baseline) / oxigraph | {base:.4f} / {fast:.4f} | {fast / base:.3f} |")
    if validate:
        seconds = timed(lambda: pharmakg.validate(kg), 1)
        rows.append(f"| {triples:,} | validate (pyshacl, SHACL-SPARQL on; vs rdflib parse) | {seconds:.2f} | {seconds / rdflib_load:.1f} |")
    return rows


def main() -> None:
    """Run the benchmarks and write the Markdown results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,8,80", help="copies of the monograph, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--validate-up-to", type=int, default=8, help="validate sizes up to this many copies")
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
