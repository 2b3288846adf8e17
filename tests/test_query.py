"""Tests for the query stage: headers, parameters, errors, formats, engine equivalence."""

from __future__ import annotations

import csv
import importlib
import io
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

import pharmakg
from pharmakg import resources, vocab
from pharmakg._load import LoadedGraph
from pharmakg._query import list_queries, parse_assignments, parse_header, resolve_entity
from pharmakg.errors import (
    AmbiguousEntityError,
    InvalidParameterError,
    MissingParameterError,
    ParseError,
    UnknownEntityError,
    UnknownParameterError,
    UnknownQueryError,
)
from pharmakg.model import QueryResult
from pharmakg.store import ENGINES, open_store

QUERIES = Path(__file__).parent / "fixtures_infra" / "queries"

FIXTURE_QUERIES = sorted(QUERIES.glob("*.rq"))
PACKAGED_QUERIES = sorted(resources.queries_dir().glob("*.rq"))
IMIQUIMOD = vocab.PKR.imiquimod
TLR7 = vocab.PKR.tlr7


def test_header_is_parsed() -> None:
    info = parse_header(QUERIES / "min_count.rq")
    assert info.name == "min_count"
    assert info.title == "Drugs by count"
    assert info.description.startswith("Drugs whose count")
    assert [(p.name, p.kind) for p in info.params] == [("min", "integer"), ("text", "string")]
    assert [q.name for q in list_queries(QUERIES)] == ["ask", "drugs", "min_count", "targets"]


@pytest.mark.parametrize(
    ("line", "message"),
    [("# param: drug entity", "bad param line"), ("# param: drug (iri) x", "unknown param kind")],
)
def test_bad_header_names_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(f"# title: T\n{line}\nSELECT * {{}}\n")
    with pytest.raises(ParseError, match=message) as info:
        parse_header(path)
    assert (info.value.file, info.value.line) == (str(path), 2)


def test_packaged_queries_have_headers() -> None:
    for info in pharmakg.list_queries():
        assert info.title, info.name
        assert info.description, info.name
        for param in info.params:
            assert param.kind in ("entity", "string", "integer")


@pytest.mark.parametrize(
    "value",
    [
        "imiquimod",
        "IMIQUIMOD",
        "aldara",  # skos:altLabel
        "CHEBI:36704",  # pkg:id
        "DRUGBANK:DB00724",  # pkg:xref
        "pkr:imiquimod",
        "<https://w3id.org/pharmakg/resource/imiquimod>",
        "https://w3id.org/pharmakg/resource/imiquimod",
    ],
)
def test_entity_resolution(fixture_kg: LoadedGraph, value: str) -> None:
    assert resolve_entity(fixture_kg, value) == IMIQUIMOD


def test_entity_resolution_normalises_synonym_prefixes(fixture_kg: LoadedGraph) -> None:
    assert resolve_entity(fixture_kg, "UniProt:Q9NYK1") == TLR7


def test_unknown_entity_names_closest_labels(fixture_kg: LoadedGraph) -> None:
    with pytest.raises(UnknownEntityError) as info:
        resolve_entity(fixture_kg, "imiquimood")
    assert "imiquimod" in info.value.choices
    assert "imiquimood" in str(info.value)
    with pytest.raises(UnknownEntityError, match="pkg:id or pkg:xref"):
        resolve_entity(fixture_kg, "CHEBI:99999")


def test_ambiguous_label(tmp_path: Path, fixtures: Path) -> None:
    extra = tmp_path / "twin.ttl"
    extra.write_text(
        "<https://w3id.org/pharmakg/resource/twin> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Imiquimod" .\n'
    )
    kg = pharmakg.load(fixtures / "good.ttl", extra)
    with pytest.raises(AmbiguousEntityError) as info:
        resolve_entity(kg, "imiquimod")
    assert set(info.value.choices) == {"pkr:imiquimod", "pkr:twin"}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_params_narrow(fixture_kg: pharmakg.KnowledgeGraph, engine: str) -> None:
    drugs = QUERIES / "drugs.rq"
    everything = fixture_kg.with_engine(engine).query(drugs)
    assert everything.column("drug") == [IMIQUIMOD, vocab.PKR.resiquimod]
    one = fixture_kg.with_engine(engine).query(drugs, drug="Aldara")
    assert one.column("drug") == [IMIQUIMOD]
    assert one.column("id") == [Literal("CHEBI:36704")]
    counted = pharmakg.query(fixture_kg.with_engine(engine), QUERIES / "min_count.rq", min="2")
    assert counted.column("label") == [Literal("imiquimod", lang="en")]
    assert counted.column("count") == [Literal(3)]
    texted = pharmakg.query(fixture_kg.with_engine(engine), QUERIES / "min_count.rq", text="RESI")
    assert texted.column("label") == [Literal("resiquimod")]


def test_unknown_param_lists_declared(fixture_kg: LoadedGraph) -> None:
    with pytest.raises(UnknownParameterError) as info:
        pharmakg.query(fixture_kg, QUERIES / "min_count.rq", drug="x")
    assert info.value.choices == ("min", "text")


def test_integer_param_checked(fixture_kg: LoadedGraph) -> None:
    with pytest.raises(InvalidParameterError, match="integer"):
        pharmakg.query(fixture_kg, QUERIES / "min_count.rq", min="many")


def test_unknown_query_lists_names(fixture_kg: LoadedGraph) -> None:
    with pytest.raises(UnknownQueryError) as info:
        pharmakg.query(fixture_kg, "no-such-query")
    assert list(info.value.choices) == [q.name for q in pharmakg.list_queries()]
    with pytest.raises(UnknownQueryError, match="not found"):
        pharmakg.query(fixture_kg, "absent.rq")


def test_parse_assignments() -> None:
    assert parse_assignments(["drug=imiquimod", "min = 2"]) == {"drug": "imiquimod", "min": "2"}
    with pytest.raises(MissingParameterError, match="drug"):
        parse_assignments(["drug"])
    with pytest.raises(MissingParameterError):
        parse_assignments(["drug="])


def test_ask(fixture_kg: LoadedGraph) -> None:
    for engine in ENGINES:
        result = pharmakg.query(fixture_kg.with_engine(engine), QUERIES / "ask.rq")
        assert result.boolean is True
        assert json.loads(result.to_json()) == {"head": {}, "boolean": True}


def test_result_formats(fixture_kg: LoadedGraph) -> None:
    result = pharmakg.query(fixture_kg, QUERIES / "drugs.rq")
    body = json.loads(result.to_json())
    assert body["head"]["vars"] == ["drug", "label", "id", "count"]
    first = body["results"]["bindings"][0]
    assert first["drug"] == {"type": "uri", "value": str(IMIQUIMOD)}
    assert first["label"] == {"type": "literal", "value": "imiquimod", "xml:lang": "en"}
    assert first["id"] == {"type": "literal", "value": "CHEBI:36704"}
    assert first["count"] == {"type": "literal", "value": "3", "datatype": str(XSD.integer)}
    rows = list(csv.reader(io.StringIO(result.to_csv(), newline="")))
    assert rows[0] == ["drug", "label", "id", "count"]
    assert rows[1] == [str(IMIQUIMOD), "imiquimod", "CHEBI:36704", "3"]
    assert result.to_csv().endswith("\r\n")
    tsv = result.to_tsv().splitlines()
    assert tsv[0] == "?drug\t?label\t?id\t?count"
    assert tsv[1] == f'<{IMIQUIMOD}>\t"imiquimod"@en\t"CHEBI:36704"\t3'
    table = result.to_table().splitlines()
    assert table[0].split() == ["drug", "label", "id", "count"]
    assert table[2].split() == ["pkr:imiquimod", "imiquimod", "CHEBI:36704", "3"]
    assert table[-1] == "(2 rows)"
    assert result.render("json") == result.to_json()
    assert result.render("application/sparql-results+json") == result.to_json()


def test_unbound_values_in_formats() -> None:
    result = QueryResult(variables=("a", "b"), rows=((URIRef("http://x/"), None),))
    assert json.loads(result.to_json())["results"]["bindings"] == [
        {"a": {"type": "uri", "value": "http://x/"}}
    ]
    assert result.to_csv().splitlines()[1] == "http://x/,"
    assert result.to_tsv().splitlines()[1] == "<http://x/>\t"


def _equivalent(kg: LoadedGraph, path: Path) -> None:
    oxigraph = pharmakg.query(kg.with_engine("oxigraph"), path)
    rdflib = pharmakg.query(kg.with_engine("rdflib"), path)
    assert oxigraph.variables == rdflib.variables, path.name
    assert oxigraph.boolean == rdflib.boolean, path.name
    assert oxigraph.rows == rdflib.rows, path.name


@pytest.mark.parametrize("path", FIXTURE_QUERIES, ids=lambda p: p.name)
def test_engines_agree_on_fixture_queries(fixture_kg: LoadedGraph, path: Path) -> None:
    _equivalent(fixture_kg, path)


#: Each engine gets this long, and both this much memory, per packaged query (rdflib can
#: explode on joins: see engines.md), so one bad query fails instead of hanging CI.
ENGINE_TIMEOUT_S = 60
ENGINE_MEMORY_BYTES = 3 * 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ENGINE_MEMORY_BYTES, ENGINE_MEMORY_BYTES))


#: Both engines in one child process (one start, one load): the query's answer from each, as
#: SPARQL JSON, oxigraph's first.
_BOTH_ENGINES = """
import json, sys, pharmakg
kg = pharmakg.load()
print(json.dumps({e: json.loads(pharmakg.query(kg.with_engine(e), sys.argv[1]).to_json())
                  for e in ("oxigraph", "rdflib")}))
"""


def _run_engines(path: Path) -> dict[str, dict[str, object]]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _BOTH_ENGINES, str(path)],
            capture_output=True,
            text=True,
            timeout=2 * ENGINE_TIMEOUT_S,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"{path.name}: the engines did not finish in {2 * ENGINE_TIMEOUT_S} s; rdflib runs "
            "unselective patterns first, so group the selective part in nested {{ }} (engines.md)"
        )
    assert done.returncode == 0, f"{path.name}: {done.stderr[-500:]}"
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(not PACKAGED_QUERIES, reason="no queries/*.rq yet")
@pytest.mark.parametrize("path", PACKAGED_QUERIES, ids=lambda p: p.name)
def test_engines_agree_on_every_packaged_query(path: Path) -> None:
    """Generic: every query in queries/, unbound, on both engines, the same answer."""
    answers = _run_engines(path)
    oxigraph, rdflib = answers["oxigraph"], answers["rdflib"]
    if oxigraph == rdflib:
        return
    rows = [json.dumps(r, sort_keys=True) for r in oxigraph.get("results", {}).get("bindings", [])]
    other = [json.dumps(r, sort_keys=True) for r in rdflib.get("results", {}).get("bindings", [])]
    if sorted(rows) == sorted(other):
        pytest.fail(f"{path.name}: same rows in another order; make ORDER BY total (add ?iri last)")
    pytest.fail(
        f"{path.name}: the engines disagree (GROUP_CONCAT order and SAMPLE are engine-defined; "
        f"first oxigraph-only row: {next((r for r in rows if r not in other), None)})"
    )


LITERALS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20).map(Literal),
    st.integers(-(10**12), 10**12).map(Literal),
    st.booleans().map(Literal),
    st.tuples(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=10),
        st.sampled_from(["en", "de", "fr-ca"]),
    ).map(lambda t: Literal(t[0], lang=t[1])),
    st.dates().map(Literal),
)


@settings(max_examples=60, deadline=None)
@given(value=LITERALS)
def test_literals_round_trip_through_both_engines(value: Literal) -> None:
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://x/p"), value))
    answers = []
    for engine in sorted(ENGINES):
        store = open_store(engine, graph)
        result = store.query("SELECT ?o WHERE { <http://x/s> <http://x/p> ?o }")
        answers.append(result.rows)
        bound = store.query("ASK { <http://x/s> <http://x/p> ?o }", {"o": value})
        assert bound.boolean is True, engine
    assert answers[0] == answers[1] == ((value,),)


def _projection(text: str) -> set[str]:
    from rdflib.plugins.sparql import prepareQuery

    algebra = prepareQuery(text).algebra
    return {str(v) for v in algebra.get("PV", [])}


@pytest.mark.skipif(not PACKAGED_QUERIES, reason="no queries/*.rq yet")
@pytest.mark.parametrize("path", PACKAGED_QUERIES, ids=lambda p: p.name)
def test_packaged_queries_follow_the_binding_rules(path: Path) -> None:
    """See pharmakg.query's docstring: params projected, no BOUND(?param)."""
    info = parse_header(path)
    text = path.read_text(encoding="utf-8")
    projected = _projection(text)
    for param in info.params:
        assert param.name in projected, f"{path.name}: ?{param.name} must be in SELECT"
        assert f"BOUND(?{param.name})" not in text.replace(" ", "").upper().replace(
            f"?{param.name.upper()}", f"?{param.name}"
        ), f"{path.name}: do not test BOUND(?{param.name})"


def test_oxigraph_bound_trap_still_exists() -> None:
    """Why rule 2 exists. If this fails, pyoxigraph changed and rule 2 can be relaxed."""
    graph = Graph()
    graph.add((URIRef("http://x/a"), URIRef("http://x/p"), Literal(3)))
    sparql = "SELECT ?s ?min WHERE { ?s <http://x/p> ?o FILTER(!BOUND(?min) || ?o >= ?min) }"
    answers = {
        engine: open_store(engine, graph).query(sparql, {"min": Literal(5)}).rows
        for engine in ENGINES
    }
    assert answers["rdflib"] == ()
    assert len(answers["oxigraph"]) == 1


def test_basis_restricts_the_plain_triples_a_query_reads(
    monograph_kg: pharmakg.KnowledgeGraph,
) -> None:
    """`--basis stated` drops what only a curator's interpretation says; claims stay."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    pkg = "https://w3id.org/pharmakg/ontology/"
    graph = monograph_kg.to_rdflib()
    interpreted = [
        tuple(
            graph.value(c, URIRef(pkg + f"claim{part}"))
            for part in ("Subject", "Predicate", "Object")
        )
        for c in graph.subjects(URIRef(pkg + "basis"), URIRef(pkg + "InterpretedBasis"))
    ]
    assert interpreted, "the monograph has interpretations"
    stated = pharmakg.with_bases(monograph_kg, "stated")
    for triple in interpreted:
        assert triple in graph
        assert triple not in stated.to_rdflib()
    assert len(set(stated.to_rdflib().subjects(RDF.type, URIRef(pkg + "Claim")))) == len(
        set(graph.subjects(RDF.type, URIRef(pkg + "Claim")))
    )
    assert pharmakg.with_bases(monograph_kg, "stated,interpreted,curated,inferred") is monograph_kg
    full = monograph_kg.query("mechanism-edges")
    only_stated = monograph_kg.query("mechanism-edges", basis="stated")
    assert len(only_stated) == len(full) - len(set(interpreted))
    with pytest.raises(InvalidParameterError) as caught:
        pharmakg.with_bases(monograph_kg, "guessed")
    assert "interpreted" in caught.value.choices


def test_a_label_is_looked_up_bound_before_every_label_is_read(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual casings need no scan of the labels; a rarer casing or a typo reads them all."""
    extra = tmp_path / "mixed.ttl"
    extra.write_text(
        "<https://w3id.org/pharmakg/resource/mixed> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "TLR-7 agonist"@en .\n'
    )
    kg = pharmakg.load(fixtures / "good.ttl", extra)
    query_module = importlib.import_module("pharmakg._query")
    scans: list[str] = []
    index = query_module._label_index

    def counted(kg: LoadedGraph) -> dict[str, set[object]]:
        scans.append("all labels")
        return index(kg)  # type: ignore[no-any-return]

    monkeypatch.setattr(query_module, "_label_index", counted)
    for name in ("imiquimod", "IMIQUIMOD", "iMiQuImOd", " aldara "):
        assert resolve_entity(kg, name) == IMIQUIMOD
    assert resolve_entity(kg, "TLR-7 agonist") == vocab.PKR.mixed
    assert scans == []
    # No usual casing of "tlr-7 AGONIST" is the label: every label is read, case-insensitively.
    assert resolve_entity(kg, "tlr-7 AGONIST") == vocab.PKR.mixed
    assert scans == ["all labels"]
    with pytest.raises(UnknownEntityError) as info:
        resolve_entity(kg, "imiquimood")
    assert "imiquimod" in info.value.choices
    assert scans == ["all labels"] * 2


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("wart", "external genital and perianal warts"),
        ("imiqimod", "imiquimod"),
        ("keratosis actinic", "actinic keratosis"),
        ("nk cells", "natural killer (nk) cell"),
    ],
)
def test_an_unknown_name_suggests_the_closest_labels(typed: str, first: str) -> None:
    from pharmakg._query import resolve_entity

    with pytest.raises(UnknownEntityError) as caught:
        resolve_entity(pharmakg.load(), typed)
    assert caught.value.choices[0] == first


def test_a_graph_of_some_bases_keeps_each_literal_as_loaded(
    monograph_kg: pharmakg.KnowledgeGraph,
) -> None:
    """The copy with_bases makes keeps each literal's datatype, as load does.

    Its citation numbers stay xsd:positiveInteger, so it validates without spurious results.
    """
    stated = pharmakg.with_bases(monograph_kg, "stated")
    kind = b"<http://www.w3.org/2001/XMLSchema#positiveInteger>"
    assert stated.store.dump().count(kind) == monograph_kg.store.dump().count(kind) > 0
    report = pharmakg.validate(stated)
    assert not [r for r in report.results if "citation number" in r.message]
