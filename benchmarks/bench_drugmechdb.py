"""The real-data point: DrugMechDB imported beside the monograph, then loaded, queried, validated.

    python benchmarks/bench_drugmechdb.py [--file PATH] [--repeat 3] [--out benchmarks/RESULTS.md]

Every figure sits next to a baseline measured in the same run: PyYAML's C loader reading the
whole file (what any importer must at least do) for the import, and a bare pyoxigraph bulk load
of the same N-Triples for loading. The queries run on pyoxigraph over the monograph plus the
whole import; validation runs pyshacl on the monograph plus the three imiquimod entries (the
whole import is too large for pyshacl in a benchmark run; see RESULTS.md).
The file is read from ../shared/data/drugmechdb/ beside the clone unless --file is given.
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
from typing import Any, cast

import pyoxigraph
import yaml

import pharmakg
from pharmakg._load import default_paths
from pharmakg.vocab import DEFAULT_BASES

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "drugmechdb" / "indication_paths.yaml"
#: Parameters for the queries that take one; the others run unbound.
PARAMS: dict[str, dict[str, str]] = {
    "shared-mechanism": {"drug": "imiquimod"},
    "cross-check": {"drug": "imiquimod"},
    "drug-entries": {"drug": "imiquimod"},
    "disease-paths": {"disease": "MESH:D003218"},
}


#: The markers around this script's section of RESULTS.md (the reading below them is by hand).
START, END = "<!-- bench_drugmechdb: start -->", "<!-- bench_drugmechdb: end -->"


def timed(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median wall time of ``action`` over ``repeat`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    """Run the benchmark and append its section to the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=SOURCE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    if not args.file.is_file():
        sys.exit(f"DrugMechDB is not at {args.file}; pass --file")
    rows: list[tuple[str, str, str]] = []

    def row(name: str, seconds: float, baseline: float | None) -> None:
        ratio = f"{seconds / baseline:.2f}" if baseline else "1.00"
        rows.append((name, f"{seconds:.3f}", ratio))
        print(f"{name}: {seconds:.3f} s", file=sys.stderr)

    def read_yaml() -> object:
        with args.file.open("rb") as stream:
            return yaml.load(stream, Loader=yaml.CSafeLoader)

    parse, _ = timed(read_yaml, args.repeat)
    row("read YAML: PyYAML C loader (baseline)", parse, None)
    monograph = pharmakg.load()
    seconds, result = timed(
        lambda: pharmakg.import_drugmechdb(args.file, kg=monograph), args.repeat
    )
    result = cast(pharmakg.DrugMechDBImport, result)
    row("import: pharmakg.import_drugmechdb (merge with the monograph)", seconds, parse)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "drugmechdb.nt"
        command = [sys.executable, "-m", "pharmakg", "import", "drugmechdb", str(args.file)]
        seconds, _ = timed(
            lambda: subprocess.run([*command, "-o", str(out)], check=True, capture_output=True),  # noqa: S603
            args.repeat,
        )
        row("import: `pharmakg import drugmechdb FILE -o FILE.nt`, whole process", seconds, parse)
        data = result.with_terms()
        monograph_nt = monograph.graph.serialize(format="nt", encoding="utf-8")

        def bulk() -> pyoxigraph.Store:
            store = pyoxigraph.Store()
            store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
            store.bulk_load(monograph_nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
            return store

        load, _ = timed(bulk, args.repeat)
        row("load: pyoxigraph bulk load, import + monograph (baseline)", load, None)
        seconds, _ = timed(
            lambda: result.load_store(Path(tmp) / f"store-{time.monotonic_ns()}"), args.repeat
        )
        row("load: on-disk store (`--store DIR`, as `pharmakg load`)", seconds, load)
        start = time.perf_counter()
        kg = pharmakg.load(*default_paths(), out)
        row("load: pharmakg.load (rdflib) of monograph + import", time.perf_counter() - start, load)
        total = len(kg)
    for info in pharmakg.list_queries():
        params = PARAMS.get(info.name, {})
        seconds, answer = timed(lambda i=info, p=params: kg.query(i.name, **p), args.repeat)
        shown = ", ".join(f"{k}={v}" for k, v in params.items()) or "unbound"
        answer = cast(pharmakg.QueryResult, answer)
        row(f"query {info.name} ({shown}; {len(answer)} rows)", seconds, load)
    # imatinib is a drug only DrugMechDB has: its statements are curated ones.
    for drug, bases in (("imiquimod", DEFAULT_BASES), ("imatinib", ("curated",))):
        try:
            seconds, paths = timed(
                lambda d=drug, b=bases: pharmakg.mechanism_paths(kg, d, bases=b), args.repeat
            )
            paths = cast(pharmakg.PathsResult, paths)
            note = f"--basis {','.join(bases)}; {len(paths.to_text().splitlines())} lines"
        except pharmakg.PharmakgError as error:
            seconds, note = 0.0, f"error: {error}"[:80]
        row(f"paths {drug} ({note})", seconds, load)
    seconds, whole = timed(lambda: pharmakg.validate(kg, engine="fast"), 1)
    whole = cast(pharmakg.ValidationReport, whole)
    row(
        f"validate: monograph + the whole import, fast engine ({len(whole.results)} results, "
        "each a source problem the import report names)",
        seconds,
        load,
    )
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "imiquimod.yaml"
        entries = read_yaml()
        entries = cast(list[dict[str, Any]], entries)
        chosen = [e for e in entries if e["graph"].get("drugbank") == "DB:DB00724"]
        subset.write_text(yaml.safe_dump(chosen, sort_keys=False), encoding="utf-8")
        small = pharmakg.import_drugmechdb(subset, kg=monograph).write(Path(tmp) / "imq.nt")
        alone, _ = timed(lambda: pharmakg.validate(monograph), args.repeat)
        row("validate: pyshacl, monograph alone (baseline)", alone, None)
        both = pharmakg.load(*default_paths(), small)
        seconds, report = timed(lambda: pharmakg.validate(both), args.repeat)
        report = cast(pharmakg.ValidationReport, report)
        row(
            f"validate: monograph + the 3 imiquimod entries ({len(report.results)} results)",
            seconds,
            alone,
        )

    lines = [
        START,
        "## DrugMechDB import (benchmarks/bench_drugmechdb.py)",
        "",
        f"Command: `python benchmarks/bench_drugmechdb.py --repeat {args.repeat}`. Machine: "
        f"{platform.machine()}, Python {platform.python_version()}, pyoxigraph "
        f"{pyoxigraph.__version__}, PyYAML {yaml.__version__}. The file: {args.file.name}, "
        f"{result.report.entries} entries, {result.report.triples:,} triples imported; "
        f"monograph + import: {total:,} triples. Medians of {args.repeat} runs "
        "(one run for the rdflib loads), seconds; each ratio is against the baseline above it.",
        "",
        "| measurement | seconds | ratio |",
        "|---|---|---|",
        *[f"| {name} | {seconds} | {ratio} |" for name, seconds, ratio in rows],
        END,
    ]
    section = "\n".join(lines)
    write_section(args.out, section)
    print(section)


def write_section(path: Path, section: str) -> None:
    """Put ``section`` between its markers in ``path`` (replacing the last run's), or append it."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
