"""Sentence coverage: every sentence of the monograph is carried by claims, or says why not.

``sources/imiquimod-coverage.tsv`` has one row per sentence of ``sources/imiquimod-monograph.txt``
(columns: sentence, kind, carried_by, note). A sentence is cut out of the text the same way here:
each line, split at an inline bullet, without its list marker and its trailing citation numbers,
split after a full stop, question mark or exclamation mark followed by a capital. The kinds:

* ``statement``: the claims (``pkr:`` IRIs) that carry the sentence;
* ``provenance``: the monograph or reference node that carries it (title, date, review status,
  the source's nature, a listed reference);
* ``heading``, ``lead-in``, ``ui``, ``disclaimer``: not a statement; the note says why.

A sentence missing from the table, a row for a sentence the text does not have, a claim no row
lists, or a listed claim whose quote does not come from the sentence fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import pharmakg
from conftest import ROOT
from pharmakg.vocab import PKG, PKR, expand_curie

MONOGRAPH = ROOT / "sources" / "imiquimod-monograph.txt"
TABLE = ROOT / "sources" / "imiquimod-coverage.tsv"
KINDS = {"statement", "provenance", "heading", "lead-in", "ui", "disclaimer"}

_CITATION = re.compile(r"\s+\d{1,2}(?:,\s*\d{1,2})*$")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")


def sentences(text: str) -> list[str]:
    """The monograph's sentences, in order (a repeated heading appears twice)."""
    found: list[str] = []
    for line in text.splitlines():
        for piece in line.split(" • "):
            piece = re.sub(r"^\s*(?:•|\d+\.)\s*", "", piece).strip()
            piece = _CITATION.sub("", piece).strip()
            if piece:
                found.extend(s.strip() for s in _SENTENCE_END.split(piece) if s.strip())
    return found


def _table(path: Path = TABLE) -> dict[str, tuple[str, tuple[str, ...], str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["sentence", "kind", "carried_by", "note"]
    rows: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for number, line in enumerate(lines[1:], 2):
        sentence, kind, carried, note = line.split("\t")
        assert sentence not in rows, f"{path.name}:{number}: {sentence!r} is listed twice"
        rows[sentence] = (kind, tuple(carried.split()), note)
    return rows


@pytest.fixture(scope="module")
def graph() -> Graph:
    return pharmakg.load().to_rdflib()


def _iri(curie: str) -> URIRef:
    return expand_curie(curie)


def test_the_splitter_finds_the_sentences_a_reader_sees() -> None:
    found = sentences(MONOGRAPH.read_text(encoding="utf-8"))
    assert found[0] == "What is the mechanism of action (MOA) of Imiquimod (Aldara)?"
    assert "Interleukin-12 (IL-12)" in found  # the trailing citation number 3 is cut
    assert "Exercise caution as content is pending human review" in found  # split at the bullet
    assert (
        "Ask any follow up question and get world-class guideline-backed answers instantly."
        in found
    )
    assert "Current opinion in infectious diseases, 2003" in found  # a year is not a citation


def test_every_sentence_is_in_the_table_and_no_other() -> None:
    found = set(sentences(MONOGRAPH.read_text(encoding="utf-8")))
    table = _table()
    assert sorted(found - set(table)) == [], "sentences the coverage table does not cover"
    assert sorted(set(table) - found) == [], "rows for sentences the monograph does not have"


def test_every_row_has_a_kind_and_a_reason() -> None:
    for sentence, (kind, carried, note) in _table().items():
        assert kind in KINDS, sentence
        if kind in ("statement", "provenance"):
            assert carried, f"{sentence!r} is a {kind} but names nothing that carries it"
        else:
            assert not carried, sentence
            assert note, f"{sentence!r} is not a statement: the note must say why"


def test_statements_are_carried_by_claims_that_quote_them(graph: Graph) -> None:
    for sentence, (kind, carried, _) in _table().items():
        if kind != "statement":
            continue
        for curie in carried:
            claim = _iri(curie)
            assert (claim, PKG.statedIn, PKR["imiquimod-monograph"]) in graph, curie
            quote = str(graph.value(claim, PKG.statementText))
            parts = [p for p in quote.split(": ") if p]
            assert any(p in sentence or sentence.rstrip(":.") in p for p in parts), (
                sentence,
                curie,
                quote,
            )


def test_provenance_rows_name_the_source_or_a_reference(graph: Graph) -> None:
    for sentence, (kind, carried, _) in _table().items():
        if kind == "provenance":
            for curie in carried:
                node = _iri(curie)
                assert (node, RDF.type, PKG.Monograph) in graph or (
                    node,
                    PKG.citedIn,
                    PKR["imiquimod-monograph"],
                ) in graph, (sentence, curie)


def test_every_claim_is_listed(graph: Graph) -> None:
    listed = {
        _iri(c) for kind, carried, _ in _table().values() if kind == "statement" for c in carried
    }
    claims = set(graph.subjects(PKG.statedIn, PKR["imiquimod-monograph"]))
    assert sorted(claims - listed) == [], "claims no sentence of the coverage table lists"


def test_an_uncovered_sentence_fails(tmp_path: Path) -> None:
    """The check is real: a table without one sentence misses it."""
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    dropped = next(i for i, line in enumerate(lines) if line.startswith("These cytokines"))
    shorter = tmp_path / "coverage.tsv"
    shorter.write_text("\n".join(lines[:dropped] + lines[dropped + 1 :]) + "\n", encoding="utf-8")
    found = set(sentences(MONOGRAPH.read_text(encoding="utf-8")))
    assert found - set(_table(shorter)) == {
        "These cytokines trigger local immune responses at the application site"
    }
