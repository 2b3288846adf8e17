"""Realistic graphs shaped like ours, at any size: the monograph's drug, many times over.

    python benchmarks/generate.py TRIPLES OUT.nt [--invalid]

Each copy is the whole imiquimod graph (drug → target → mediators → cells → effects →
indications, every edge a plain triple *and* a claim with its quote and citations, the
references, the numbers) with its resources renamed (``pkr:copy12-imiquimod``) and its blank
nodes made its own, so a copy is a new drug with the same shape. The ontology is written
once. Copies are added until the graph holds at least ``TRIPLES`` triples.

With ``--invalid`` every copy also takes one of the broken variants of ``tests/data/invalid/``
(in turn), renamed the same way, so the graph carries every kind of violation the shapes
check, on many focus nodes: the fast SHACL engine is held to pyshacl's report on such graphs.
"""

from __future__ import annotations

import argparse
import itertools
import re
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
PKR = "https://w3id.org/pharmakg/resource/"
INVALID = ROOT / "tests" / "data" / "invalid"
_BNODE = re.compile(r"_:(\S+)")


def _ntriples(path: Path) -> list[str]:
    """The lines of one file as N-Triples (pyoxigraph parses; blank nodes keep their labels)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise ValueError(f"cannot tell the RDF format of {path}")
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
    return [f"{quad.triple} ." for quad in quads]


def _renamed(lines: list[str], copy: int, tag: str) -> list[str]:
    prefix = f"{PKR}copy{copy}-"
    out = []
    for line in lines:
        line = line.replace(f"<{PKR}", f"<{prefix}")
        out.append(_BNODE.sub(lambda m: f"_:c{copy}{tag}{m[1]}", line))
    return out


def generate(triples: int, out: Path, *, invalid: bool = False) -> int:
    """Write a graph of at least ``triples`` triples to ``out`` (N-Triples); its size.

    Copy 0 keeps the monograph's own IRIs (so ``pkr:imiquimod`` names a drug at every size).
    """
    ontology_path = ROOT / "ontology" / "pharmakg.ttl"
    ontology = _ntriples(ontology_path)
    data = [line for path in sorted((ROOT / "graphs").glob("*.ttl")) for line in _ntriples(path)]
    broken = [_ntriples(path) for path in sorted(INVALID.glob("*.ttl"))] if invalid else []
    written: set[str] = set()
    with out.open("w", encoding="utf-8") as handle:
        for line in ontology:
            if line not in written:
                written.add(line)
                handle.write(line + "\n")
        for copy in itertools.count():
            if len(written) >= triples:
                break
            lines = _renamed(data, copy, "d") if copy else data
            if broken:
                lines = lines + _renamed(broken[copy % len(broken)], copy, "x")
            for line in lines:
                if line not in written:
                    written.add(line)
                    handle.write(line + "\n")
    return len(written)


def main() -> None:
    """Write one graph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--invalid", action="store_true", help="add the broken variants")
    args = parser.parse_args()
    print(generate(args.triples, args.out, invalid=args.invalid))


if __name__ == "__main__":
    main()
