"""``pharmakg serve``: a real server on a loopback port, real clients.

The clients are SPARQLWrapper, rdflib's SPARQLStore and httpx.
The module's server serves the packaged monograph in memory, with a short time limit and a
small request limit so that both can be hit quickly; a few tests start servers of their own
(one worker, updates enabled by a token, a read-only on-disk store under another base IRI).
Expected counts come from the data: the same queries run in-process with
:func:`pharmakg.query`, and graph sizes come from :func:`prepare_release`.
"""

from __future__ import annotations

import asyncio
import csv
import doctest
import io
import os
import re
import shutil
import time
import warnings
import xml.dom.minidom
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, VOID, XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

import pharmakg
from pharmakg._export import DEFAULT_BASE, ExportOptions, Release, export, prepare_release
from pharmakg.errors import InputError
from pharmakg.rebase import rebase_query
from pharmakg.serve import data as serve_data
from pharmakg.serve.data import StoreSource, _store_source, store_bytes
from pharmakg.serve.options import ServeOptions
from pharmakg.serve.pages import Neighbourhood, entity_page
from pharmakg.serve.pool import PoolLimits, QueryTimeout, WorkerPool
from pharmakg.serve.protocol import (
    RDF_FORMATS,
    RESULT_FORMATS,
    negotiate,
    pick,
    rdf_format,
    results_format,
)
from pharmakg.serve.worker import Reply, Request
from servers import Server, running_server

BASE = DEFAULT_BASE
OTHER_BASE = "https://example.org/kg/"
TIMEOUT = 2.0
MAX_REQUEST = 65536
TOKEN = "s3cret-token-for-the-test"  # noqa: S105 - a test token for a loopback server
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
#: The three-way cross product of every triple: far more work than the time limit allows.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMED = pharmakg.list_queries()
IMIQUIMOD = URIRef(BASE + "resource/imiquimod")
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . FILTER(?s = <{IMIQUIMOD}>) }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve") / "server.log"
    args = ("--timeout", str(TIMEOUT), "--workers", "2", "--max-request-bytes", str(MAX_REQUEST))
    with running_server(log, *args) as running:
        yield running


@pytest.fixture(scope="module")
def kg() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


@pytest.fixture(scope="module")
def release(kg: pharmakg.KnowledgeGraph) -> Release:
    return prepare_release(kg)


def _rows(server: Server, query: str, **params: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        server.sparql,
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    bindings: list[dict[str, Any]] = answer.json()["results"]["bindings"]
    return bindings


def _count(server: Server, query: str = COUNT, **params: str) -> int:
    return int(_rows(server, query, **params)[0]["n"]["value"])


def _parse(text: str, fmt: str) -> Graph:
    """Parse with rdflib (whose JSON-LD parser warns about its own ConjunctiveGraph)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=text, format=fmt)


#: xsd's integer types that pyoxigraph 0.5.13's Store turns into plain xsd:integer.
DERIVED_INTEGERS = {
    XSD[name]
    for name in (
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


def _values(graph: Graph) -> Graph:
    """``graph`` as pyoxigraph's Store keeps it: values, not spellings.

    The Store writes xsd:decimal "10.0" as "10" and types every derived integer
    (``pkg:citationNumber "1"^^xsd:positiveInteger``) as plain xsd:integer (checked with
    pyoxigraph 0.5.13; the same store is behind ``oxigraph serve``).
    """
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        elif isinstance(o, Literal) and o.datatype in DERIVED_INTEGERS:
            o = Literal(str(o), datatype=XSD.integer)
        out.add((s, p, o))
    return out


def _ours(server: Server, iri: object) -> str:
    """The server's URL for one of our IRIs."""
    return str(iri).replace(BASE, server.url + "/")


# ---------------------------------------------------------------- the clients


def test_sparqlwrapper_every_result_format(server: Server, kg: pharmakg.KnowledgeGraph) -> None:
    for info in NAMED:
        assert info.path is not None
        expected = kg.query(info.name)
        client = SPARQLWrapper(server.sparql)
        client.setQuery(info.path.read_text(encoding="utf-8"))
        client.setReturnFormat(JSON)
        data = client.query().convert()
        assert isinstance(data, dict)
        assert data["head"]["vars"] == list(expected.variables), info.name
        assert len(data["results"]["bindings"]) == len(expected), info.name
        client.setReturnFormat(XML)
        document = client.query().convert()
        assert isinstance(document, xml.dom.minidom.Document)
        assert len(document.getElementsByTagName("result")) == len(expected), info.name
        for fmt, delimiter in ((CSV, ","), (TSV, "\t")):
            client.setReturnFormat(fmt)
            raw = client.query().convert()
            table = list(csv.reader(io.StringIO(raw.decode("utf-8")), delimiter=delimiter))
            assert len(table) == len(expected) + 1, (info.name, fmt)


def test_sparqlwrapper_post_and_a_bad_query(server: Server) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setMethod("POST")
    client.setQuery(f"ASK {{ <{IMIQUIMOD}> a <{BASE}ontology/Drug> }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.query()


def test_rdflib_sparqlstore(server: Server, kg: pharmakg.KnowledgeGraph) -> None:
    remote = Graph(store=SPARQLStore(server.sparql, returnFormat="xml"))
    query = f"SELECT ?drug ?label WHERE {{ ?drug a ?type ; <{RDFS.label}> ?label }}"
    drug = URIRef(BASE + "ontology/Drug")
    found = {(r[0], str(r[1])) for r in remote.query(query, initBindings={"type": drug})}  # type: ignore[index]
    local = {
        (s, str(o))
        for s in kg.to_rdflib().subjects(RDF.type, drug)
        for o in kg.to_rdflib().objects(s, RDFS.label)
    }
    assert found == local
    assert found
    constructed = remote.query(CONSTRUCT).graph
    assert constructed is not None
    assert len(constructed) == len(list(kg.to_rdflib().triples((IMIQUIMOD, None, None))))


def test_select_and_ask_in_every_format(server: Server) -> None:
    expected = _count(server)
    for media, fmt in (
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ):
        answer = httpx.get(server.sparql, params={"query": COUNT}, headers={"Accept": media})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(media)
        parsed = ox.parse_query_results(answer.content, format=fmt)
        assert isinstance(parsed, ox.QuerySolutions)
        assert int(next(iter(parsed))["n"].value) == expected  # type: ignore[union-attr]
        ask = httpx.get(
            server.sparql, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": media}
        )
        assert bool(ox.parse_query_results(ask.content, format=fmt)) is True
    answer = httpx.get(server.sparql, params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(answer.text))) == [["n"], [str(expected)]]
    default = httpx.get(server.sparql, params={"query": COUNT})
    assert default.headers["content-type"].startswith("application/sparql-results+json")


def _terms(rows: Any) -> list[tuple[str, ...]]:
    """Rows of RDF terms (rdflib's or pharmakg's) as sorted N-Triples tuples, unbound as ''."""
    return sorted(tuple("" if t is None else t.n3() for t in row) for row in rows)


@pytest.mark.parametrize("name", ["chain", "identifiers"])
def test_named_query_results_parsed_back_by_rdflib(
    server: Server, kg: pharmakg.KnowledgeGraph, name: str
) -> None:
    """JSON, XML, TSV and CSV answers read back by rdflib's own result parsers, value by value.

    ``chain`` has language-tagged labels and plain strings, ``identifiers`` IRIs and CURIEs.
    """
    from rdflib.query import Result

    info = next(q for q in NAMED if q.name == name)
    assert info.path is not None
    expected = kg.query(name)
    assert len(expected) > 0
    for media, fmt in (
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/tab-separated-values", "tsv"),
        ("text/csv", "csv"),
    ):
        answer = httpx.post(
            server.sparql,
            data={"query": info.path.read_text(encoding="utf-8")},
            headers={"Accept": media},
        )
        assert answer.status_code == 200, (name, media)
        parsed = Result.parse(io.BytesIO(answer.content), format=fmt)
        assert [str(v) for v in parsed.vars or []] == list(expected.variables), (name, fmt)
        rows = [tuple(row) for row in parsed]
        if fmt == "csv":  # CSV keeps the lexical forms only (SPARQL 1.1 CSV/TSV §3)
            got = sorted(tuple("" if t is None else str(t) for t in row) for row in rows)
            assert got == sorted(
                tuple("" if t is None else str(t) for t in row) for row in expected.rows
            ), name
        else:
            assert _terms(rows) == _terms(expected.rows), (name, fmt)


def test_construct_in_every_rdf_format(server: Server, kg: pharmakg.KnowledgeGraph) -> None:
    expected = Graph()
    for triple in kg.to_rdflib().triples((IMIQUIMOD, None, None)):
        expected.add(triple)
    for media, rdflib_format in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ):
        answer = httpx.post(server.sparql, data={"query": CONSTRUCT}, headers={"Accept": media})
        assert answer.status_code == 200, (media, answer.text)
        assert answer.headers["content-type"].startswith(media)
        if rdflib_format in ("trig", "nquads"):  # rdflib's Dataset: the default graph only
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=DeprecationWarning)
                dataset = Dataset()
                dataset.parse(data=answer.text, format=rdflib_format)
            assert [g.identifier for g in dataset.graphs() if len(g)] == [DATASET_DEFAULT_GRAPH_ID]
            parsed = Graph()
            for triple in dataset.default_graph:
                parsed.add(triple)
        else:
            parsed = _parse(answer.text, rdflib_format)
        assert isomorphic(parsed, expected), media


def test_post_direct_body_and_describe(server: Server) -> None:
    answer = httpx.post(
        server.sparql,
        content=f"DESCRIBE <{BASE}resource/tlr7>",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle")
    assert (URIRef(BASE + "resource/tlr7"), RDF.type, None) in graph


# ---------------------------------------------------------------- datasets


def test_default_and_named_graph_uri(server: Server, release: Release) -> None:
    names = release.graph_names
    for name, iri in names.items():
        size = len(getattr(release, name))
        assert _count(server, **{"default-graph-uri": str(iri)}) == size, name
        in_named = _count(
            server,
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            **{"named-graph-uri": str(iri)},
        )
        assert in_named == size, name
    assert _count(server) == len(release.data()) + len(release.description)
    both = httpx.post(
        server.sparql,
        data={
            "query": COUNT,
            "default-graph-uri": [str(names[n]) for n in release.DATA_GRAPHS],
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    count = int(both.json()["results"]["bindings"][0]["n"]["value"])
    assert count == len(release.data())


def test_graph_store_protocol_reads_and_refuses_writes(server: Server, release: Release) -> None:
    store = server.url + "/store"
    turtle = {"Accept": "text/turtle"}
    for name, iri in release.graph_names.items():
        expected = getattr(release, name)
        answer = httpx.get(store, params={"graph": str(iri)}, headers=turtle)
        if not len(expected):
            assert answer.status_code == 404, name
            continue
        assert answer.status_code == 200, name
        assert isomorphic(_values(_parse(answer.text, "turtle")), _values(expected)), name
    default = httpx.get(store + "?default", headers=turtle)
    assert isomorphic(_values(_parse(default.text, "turtle")), _values(release.description))
    unknown = httpx.get(store, params={"graph": BASE + "graph/nothing"})
    assert unknown.status_code == 404
    assert httpx.get(store).status_code == 400
    body = "<https://example.org/a> <https://example.org/b> <https://example.org/c> ."
    for method in ("PUT", "POST", "DELETE"):
        refused = httpx.request(
            method,
            store,
            params={"graph": BASE + "graph/provenance"},
            content=body if method != "DELETE" else None,
            headers={"Content-Type": "application/n-triples"},
        )
        assert refused.status_code == 403, method
    answer = httpx.get(store, params={"graph": BASE + "graph/provenance"}, headers=turtle)
    assert len(_parse(answer.text, "turtle")) == len(release.provenance)


# ---------------------------------------------------------------- errors and status codes


def test_status_codes(server: Server) -> None:
    bad = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert bad.status_code == 400
    assert "malformed query" in bad.text
    assert "1:18: the query is not SPARQL 1.1" in bad.text  # where the grammar stopped
    png = httpx.get(server.sparql, params={"query": COUNT}, headers={"Accept": "image/png"})
    assert png.status_code == 406
    csv_graph = httpx.get(
        server.sparql, params={"query": CONSTRUCT}, headers={"Accept": "text/csv"}
    )
    assert csv_graph.status_code == 406
    untyped = httpx.post(server.sparql, content=COUNT, headers={"Content-Type": "text/plain"})
    assert untyped.status_code == 415
    big = "ASK {}" + " " * MAX_REQUEST
    too_large = httpx.post(
        server.sparql, content=big, headers={"Content-Type": "application/sparql-query"}
    )
    assert too_large.status_code == 413
    two = httpx.get(server.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert two.status_code == 400
    utf16 = httpx.post(
        server.sparql,
        content=COUNT.encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert utf16.status_code == 400
    assert httpx.get(server.sparql, params={"update": "CLEAR ALL"}).status_code == 400
    assert httpx.delete(server.sparql).status_code == 405


def test_update_refused_by_default(server: Server) -> None:
    before = _count(server)
    form = {"update": "CLEAR ALL"}
    direct = {"Content-Type": "application/sparql-update"}
    for refused in (
        httpx.post(server.sparql, data=form),
        httpx.post(server.sparql, content="DROP ALL", headers=direct),
        httpx.post(server.sparql, data=form, headers={"Authorization": "Bearer anything"}),
    ):
        assert refused.status_code == 403, refused.text
        assert "read-only" in refused.text
    insert = "INSERT DATA { <x:a> <x:b> <x:c> }"
    assert httpx.get(server.sparql, params={"query": insert}).status_code == 400
    assert _count(server) == before


def test_negotiation() -> None:
    offers = ["text/html", "text/turtle", "application/ld+json"]
    assert negotiate(None, offers) == "text/html"
    assert negotiate("text/turtle;q=0.9, application/ld+json", offers) == "application/ld+json"
    assert negotiate("text/*;q=0.5, text/turtle", offers) == "text/turtle"
    assert negotiate("text/html;q=0, */*;q=0.1", offers) == "text/turtle"
    assert negotiate("image/png", offers) is None


def test_the_served_formats_are_the_registry_s_as_pyoxigraph_writes_them() -> None:
    """Every media type the endpoint offers comes from the format registry, spelt as written."""
    for fmt in RESULT_FORMATS:
        assert results_format(fmt).media_type == fmt.media_type, fmt.name
    for fmt in RDF_FORMATS:
        assert rdf_format(fmt).media_type == fmt.media_type, fmt.name
    assert [f.name for f in RESULT_FORMATS] == ["json", "xml", "csv", "tsv"]
    chosen = pick("application/json", RESULT_FORMATS)  # what some clients send for JSON
    assert chosen is not None
    assert chosen.media_type == "application/sparql-results+json"
    assert pick("image/png", RDF_FORMATS) is None


# ---------------------------------------------------------------- time limit and concurrency


def test_a_killed_worker_is_replaced_without_reloading(
    tmp_path: Path, kg: pharmakg.KnowledgeGraph
) -> None:
    """Workers are forked from the template that holds the data: a replacement reads no file."""
    data = tmp_path / "release.nq"
    data.write_bytes(export(prepare_release(kg), "nquads").single())

    async def scenario() -> tuple[Reply, Reply]:
        pool = WorkerPool(StoreSource("memory", data), PoolLimits(size=1, timeout=1.0))
        await pool.start()
        try:
            before = await pool.run(Request(query=COUNT, accept="text/csv"))
            data.unlink()  # a worker that loaded the file itself could not start now
            with pytest.raises(QueryTimeout):
                await pool.run(Request(query=HEAVY))  # kills the only worker
            after = await pool.run(Request(query=COUNT, accept="text/csv"))
        finally:
            await pool.close()
        return before, after

    before, after = asyncio.run(scenario())
    assert before.status == after.status == 200
    assert after.body == before.body
    assert int(after.body.split()[-1]) > 1000


def test_a_store_too_large_for_memory_is_answered_on_disk(
    tmp_path: Path, kg: pharmakg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a store under the limit is read into memory; a larger one stays on RocksDB."""
    directory = tmp_path / "store"
    store = ox.Store(str(directory))
    store.bulk_load(export(prepare_release(kg), "nquads").single(), format=ox.RdfFormat.N_QUADS)
    del store
    options = ServeOptions(store=directory)
    assert _store_source(options, tmp_path).kind == "memory"
    monkeypatch.setattr(serve_data, "MEMORY_COPY_LIMIT", store_bytes(directory) - 1)
    assert _store_source(options, tmp_path).kind == "disk"


def test_heavy_query_is_stopped_while_others_are_answered(server: Server) -> None:
    async def scenario() -> tuple[httpx.Response, float, list[tuple[float, int]]]:
        async with httpx.AsyncClient(timeout=30) as client:
            started = time.monotonic()
            heavy = asyncio.create_task(client.post(server.sparql, data={"query": HEAVY}))
            others = []
            for _ in range(5):
                await asyncio.sleep(0.2)
                answer = await client.get(server.sparql, params={"query": COUNT})
                others.append((time.monotonic() - started, answer.status_code))
            heavy_answer = await heavy
            return heavy_answer, time.monotonic() - started, others

    heavy_answer, elapsed, others = asyncio.run(scenario())
    assert heavy_answer.status_code == 503
    assert "time limit" in heavy_answer.text
    assert TIMEOUT <= elapsed < TIMEOUT + 1.0
    assert all(status == 200 for _, status in others)
    assert others[0][0] < TIMEOUT  # answered while the heavy query still ran
    # The killed worker was replaced: a second heavy query is stopped in time as well.
    started = time.monotonic()
    second = httpx.post(server.sparql, data={"query": HEAVY}, timeout=30)
    assert second.status_code == 503
    assert time.monotonic() - started < TIMEOUT + 1.0
    assert _count(server) > 0


def test_queries_beyond_the_workers_wait_then_get_503_and_results_are_capped(
    tmp_path: Path,
) -> None:
    args = (
        "--timeout",
        "3",
        "--workers",
        "1",
        "--queue-timeout",
        "0.5",
        "--max-result-bytes",
        "20000",
    )
    with running_server(tmp_path / "server.log", *args) as small:

        async def scenario() -> tuple[int, int]:
            async with httpx.AsyncClient(timeout=30) as client:
                heavy = asyncio.create_task(client.post(small.sparql, data={"query": HEAVY}))
                await asyncio.sleep(0.3)
                waiting = await client.get(small.sparql, params={"query": COUNT})
                return waiting.status_code, (await heavy).status_code

        waiting_status, heavy_status = asyncio.run(scenario())
        assert waiting_status == 503
        assert heavy_status == 503
        assert _count(small) > 0
        everything = httpx.get(small.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert everything.status_code == 503
        assert "cap of 20000 bytes" in everything.text
        assert _count(small) > 0


def _value_rows(result: pharmakg.QueryResult) -> list[tuple[tuple[str, str], ...]]:
    """In-process rows in :func:`_row_set`'s shape (unbound variables left out)."""
    return sorted(
        tuple(
            sorted((v, str(t)) for v, t in zip(result.variables, row, strict=True) if t is not None)
        )
        for row in result.rows
    )


def test_fifty_concurrent_requests(server: Server, kg: pharmakg.KnowledgeGraph) -> None:
    expected = {info.name: _value_rows(kg.query(info.name)) for info in NAMED}
    texts = {info.name: info.path.read_text(encoding="utf-8") for info in NAMED if info.path}
    names = [NAMED[i % len(NAMED)].name for i in range(50)]

    async def scenario() -> list[tuple[str, int, int]]:
        async with httpx.AsyncClient(timeout=60) as client:

            async def one(name: str) -> tuple[str, int, list[dict[str, Any]]]:
                answer = await client.post(
                    server.sparql,
                    data={"query": texts[name]},
                    headers={"Accept": "application/sparql-results+json"},
                )
                return name, answer.status_code, answer.json()["results"]["bindings"]

            return list(await asyncio.gather(*(one(n) for n in names)))

    results = asyncio.run(scenario())
    assert len(results) == 50
    for name, status, rows in results:
        assert status == 200, name
        assert _row_set(rows) == expected[name], name


# ---------------------------------------------------------------- CORS


def test_cors(server: Server) -> None:
    origin = {"Origin": "https://yasgui.example"}
    simple = httpx.get(server.sparql, params={"query": "ASK {}"}, headers=origin)
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        server.sparql,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


# ---------------------------------------------------------------- service description


def test_service_description(server: Server, release: Release) -> None:
    answer = httpx.get(server.sparql, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.text, format="turtle")
    endpoint = URIRef(server.sparql)
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert len(set(graph.objects(endpoint, SD.resultFormat))) == 10
    named = {}
    for node in graph.subjects(RDF.type, SD.NamedGraph):
        named[graph.value(node, SD.name)] = int(
            graph.value(graph.value(node, SD.graph), VOID.triples)
        )  # type: ignore[arg-type]
    sizes = {iri: len(getattr(release, name)) for name, iri in release.graph_names.items()}
    assert named == {iri: size for iri, size in sizes.items() if size}
    examples = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert {str(graph.value(e, SCHEMA.name)) for e in examples} == {q.name for q in NAMED}
    for example in examples:
        assert graph.value(example, SCHEMA.target) == endpoint
        assert graph.value(example, RDFS.comment)
        text = str(graph.value(example, SH.select))
        assert httpx.post(server.sparql, data={"query": text}).status_code == 200
    as_jsonld = httpx.get(server.sparql, headers={"Accept": "application/ld+json"})
    assert isomorphic(_parse(as_jsonld.text, "json-ld"), graph)
    page = httpx.get(server.sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "yasgui.min.js" in page.text


# ---------------------------------------------------------------- linked data


def test_entity_content_negotiation(server: Server, kg: pharmakg.KnowledgeGraph) -> None:
    page = httpx.get(_ours(server, IMIQUIMOD), headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<h1>imiquimod</h1>" in page.text
    assert "Aldara" in page.text
    assert 'href="http://purl.obolibrary.org/obo/CHEBI_36704"' in page.text
    assert "exact match (identity)" in page.text
    assert 'href="/resource/tlr7"' in page.text
    assert "/_pathway/resource/imiquimod" in page.text
    graphs = {}
    for media, fmt in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        answer = httpx.get(_ours(server, IMIQUIMOD), headers={"Accept": media})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(media)
        assert "Accept" in answer.headers["vary"]
        graphs[fmt] = _parse(answer.text, fmt)
    for graph in graphs.values():
        assert isomorphic(graph, graphs["turtle"])
    described = graphs["turtle"]
    for triple in kg.to_rdflib().triples((IMIQUIMOD, None, None)):
        assert triple in described
    for triple in kg.to_rdflib().triples((None, None, IMIQUIMOD)):
        assert triple in described
    claims = set(kg.to_rdflib().subjects(URIRef(BASE + "ontology/claimSubject"), IMIQUIMOD))
    assert claims
    for claim in claims:  # the claims about it, with their quotes
        assert (claim, URIRef(BASE + "ontology/statementText"), None) in described
    by_parameter = httpx.get(_ours(server, IMIQUIMOD), params={"format": "nt"})
    assert by_parameter.headers["content-type"].startswith("application/n-triples")
    picture = httpx.get(server.url + "/_pathway/resource/imiquimod")
    assert picture.status_code == 200
    assert "cytoscape" in picture.text
    assert httpx.get(server.url + "/_pathway/resource/tlr7").status_code == 404


def test_claims_graphs_and_the_dataset_dereference(server: Server, release: Release) -> None:
    text = URIRef(BASE + "ontology/statementText")
    claim = sorted(release.provenance.subjects(text, None))[0]
    page = httpx.get(_ours(server, claim), headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<blockquote>" not in page.text or "statement" in page.text
    reference = sorted(release.provenance.objects(claim, URIRef(BASE + "ontology/citation")))
    if reference:
        assert httpx.get(_ours(server, reference[0])).status_code == 200
    for name, iri in release.graph_names.items():
        if len(getattr(release, name)):
            answer = httpx.get(_ours(server, iri), headers={"Accept": "text/turtle"})
            assert answer.status_code == 200, name
    dataset = URIRef(BASE + "dataset")
    for path in ("/", "/.well-known/void"):
        answer = httpx.get(server.url + path, headers={"Accept": "text/turtle"})
        assert answer.status_code == 200
        void = Graph().parse(data=answer.text, format="turtle")
        assert (dataset, RDF.type, VOID.Dataset) in void
        assert int(void.value(dataset, VOID.triples)) == len(release.data())  # type: ignore[arg-type]
    home = httpx.get(server.url + "/", headers={"Accept": "text/html"})
    assert home.status_code == 200
    assert "/sparql" in home.text
    void_default = httpx.get(server.url + "/.well-known/void")
    assert void_default.headers["content-type"].startswith("text/turtle")


def test_unknown_and_outside_paths_are_404(server: Server) -> None:
    for path in (
        "/resource/no-such-thing",
        "/resource/%2e%2e/%2e%2e/pyproject.toml",
        "/..%2F..%2Fpyproject.toml",
        "/_static/..%2F..%2Fcli.py",
        "/_static/cli.py",
        "/_static/LICENSE.txt",
        "/resource/imiquimod%00",
        "/resource//imiquimod",
        "/_pathway/..%2F..%2Fpyproject.toml",
    ):
        answer = httpx.get(server.url + path, headers={"Accept": "text/turtle"})
        assert answer.status_code == 404, path
        assert "[project]" not in answer.text
        assert "import " not in answer.text
    with httpx.Client() as client:
        request = client.build_request("GET", server.url + "/resource/imiquimod")
        request.url = request.url.copy_with(raw_path=b"/resource/../../../etc/passwd")
        assert client.send(request).status_code == 404
    assert httpx.get(server.url + "/_static/yasgui.min.js").status_code == 200


def test_html_escapes_everything() -> None:
    iri = BASE + "resource/x"
    hostile = '<script>alert("x")</script>'
    subject = ox.NamedNode(iri)
    triples = [
        ox.Triple(subject, ox.NamedNode(str(RDFS.label)), ox.Literal(hostile)),
        ox.Triple(subject, ox.NamedNode(BASE + "ontology/xref"), ox.Literal('X:"><img src=x>')),
        ox.Triple(subject, ox.NamedNode(str(RDFS.comment)), ox.Literal(hostile, language="en")),
        ox.Triple(subject, ox.NamedNode("https://e.org/p"), ox.NamedNode("javascript:alert(1)")),
    ]
    page = entity_page(Neighbourhood.from_triples(iri, BASE, triples))
    assert "<script>" not in page
    assert "<img" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


# ---------------------------------------------------------------- updates with a token


@pytest.mark.slow
def test_inferred_graph_and_update_with_token(tmp_path: Path, kg: pharmakg.KnowledgeGraph) -> None:
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("no java for HermiT; CI must run this test")
        pytest.skip("no java to run HermiT (apt-get install default-jre-headless)")
    env = {"PHARMAKG_UPDATE_TOKEN": TOKEN}
    args = ("--workers", "2", "--inferred")
    with running_server(tmp_path / "server.log", *args, env=env) as writable:
        inferred = prepare_release(kg, pharmakg.reason(kg).graph).inferred
        assert len(inferred) > 0
        in_graph = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        named = {"named-graph-uri": BASE + "graph/inferred"}
        assert _count(writable, in_graph, **named) == len(inferred)
        before = _count(writable)
        insert = {"update": "INSERT DATA { <https://example.org/a> <https://example.org/b> 'c' }"}
        assert httpx.post(writable.sparql, data=insert).status_code == 401
        wrong = {"Authorization": "Bearer wrong"}
        assert httpx.post(writable.sparql, data=insert, headers=wrong).status_code == 401
        good = {"Authorization": f"Bearer {TOKEN}"}
        done = httpx.post(writable.sparql, data=insert, headers=good)
        assert done.status_code == 200, done.text
        for _ in range(6):  # every worker holds the new data
            assert _count(writable) == before + 1
        bad = httpx.post(writable.sparql, data={"update": "INSERT DATA {"}, headers=good)
        assert bad.status_code == 400
        store, graph = writable.url + "/store", {"graph": "https://example.org/g"}
        triples = "<https://example.org/s> <https://example.org/p> 'o' , 'p' ."
        turtle = {"Content-Type": "text/turtle"}
        assert httpx.put(store, params=graph, content=triples, headers=turtle).status_code == 401
        created = httpx.put(store, params=graph, content=triples, headers={**turtle, **good})
        assert created.status_code == 201, created.text
        back = httpx.get(store, params=graph, headers={"Accept": "application/n-triples"})
        assert len(_parse(back.text, "nt")) == 2
        assert _count(writable) == before + 3
        deleted = httpx.delete(store, params=graph, headers=good)
        assert deleted.status_code == 200
        assert httpx.get(store, params=graph).status_code == 404
        assert _count(writable) == before + 1
        description = httpx.get(writable.sparql, headers={"Accept": "text/turtle"}).text
        sd = Graph().parse(data=description, format="turtle")
        assert (URIRef(writable.sparql), SD.supportedLanguage, SD.SPARQL11Update) in sd


# ---------------------------------------------------------------- another base IRI


def _moved(value: str) -> str:
    """``value`` with the default base swapped for OTHER_BASE (the test's own statement of it)."""
    return OTHER_BASE + value[len(BASE) :] if value.startswith(BASE) else value


def _row_set(rows: list[dict[str, Any]], move: bool = False) -> list[tuple[tuple[str, str], ...]]:
    """Rows as sorted (variable, value) tuples; ``move``: our IRIs under OTHER_BASE."""
    out = []
    for row in rows:
        cells = {k: (_moved(v["value"]) if move else v["value"]) for k, v in row.items()}
        out.append(tuple(sorted(cells.items())))
    return sorted(out)


def _examples(served: Server) -> tuple[str, dict[str, str]]:
    """The service description's Turtle, and its examples' query text by name."""
    answer = httpx.get(served.sparql, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.text, format="turtle")
    texts = {}
    for example in graph.subjects(RDF.type, SH.SPARQLExecutable):
        text = next(graph.objects(example, SH.select), None) or graph.value(example, SH.ask)
        texts[str(graph.value(example, SCHEMA.name))] = str(text)
    return answer.text, texts


@pytest.fixture(scope="module")
def rebased(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of the packaged monograph under ``--base-iri OTHER_BASE``."""
    log = tmp_path_factory.mktemp("rebased") / "server.log"
    with running_server(log, "--base-iri", OTHER_BASE) as running:
        yield running


def test_named_queries_follow_another_base(rebased: Server, server: Server) -> None:
    """Under ``--base-iri`` the named queries (as the server offers them) find the same rows."""
    other = rebased
    description, texts = _examples(other)
    assert set(texts) == {q.name for q in NAMED}
    assert BASE not in description  # no example, no query text names the default base
    assert OTHER_BASE + "sparql-examples/chain" in description
    found = 0
    for info in NAMED:
        assert info.path is not None
        default_rows = _rows(server, info.path.read_text(encoding="utf-8"))
        assert _row_set(_rows(other, texts[info.name])) == _row_set(default_rows, move=True)
        # the .rq text as written asks for the default base, which the data no longer has
        if any(BASE in v["value"] for row in default_rows for v in row.values()):
            assert _rows(other, info.path.read_text(encoding="utf-8")) == []
        found += bool(default_rows)
    assert found >= len(NAMED) - 1  # every query but at most one finds rows in the monograph
    page = httpx.get(other.sparql, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert BASE not in page.text  # YASGUI's tabs
    assert OTHER_BASE + "ontology/" in page.text
    entity = httpx.get(other.url + "/resource/imiquimod", headers={"Accept": "text/turtle"})
    assert entity.status_code == 200
    graph = Graph().parse(data=entity.text, format="turtle")
    assert (
        URIRef(OTHER_BASE + "resource/imiquimod"),
        RDF.type,
        URIRef(OTHER_BASE + "ontology/Drug"),
    ) in graph
    assert not any(BASE in str(term) for triple in graph for term in triple)
    html = httpx.get(other.url + "/resource/imiquimod", headers={"Accept": "text/html"})
    assert "<h1>imiquimod</h1>" in html.text
    assert "/_pathway/resource/imiquimod" in html.text


def test_pathway_pictures_follow_another_base(rebased: Server) -> None:
    """A picture is drawn from the graph in memory (default base) but names the served IRIs."""
    picture = httpx.get(rebased.url + "/_pathway/resource/imiquimod")
    assert picture.status_code == 200
    assert "cytoscape" in picture.text
    assert BASE not in picture.text
    assert OTHER_BASE + "resource/imiquimod" in picture.text
    assert OTHER_BASE + "resource/tlr7" in picture.text  # the drug's target, linked


#: {b} marks what moves to another base; the default base spelt out stays (a comment, a
#: language-tagged string, a string with a space, a longer name that only starts like ours).
REBASE_CASES = "\n".join(
    [
        "BASE <{b}resource/>",
        "PREFIX pkg: <{b}ontology/> # <https://w3id.org/pharmakg/x>",
        "SELECT * WHERE { <imiquimod> pkg:id ?id ; ?p <{b}graph/stated> .",
        "  FILTER(STRSTARTS(STR(?p), '{b}ontology/') && ?id < 3",
        '    && ?id != "https://w3id.org/pharmakg/x"@en && ?id != """{b}y"""',
        '    && ?id != """https://w3id.org/pharmakg/a b""" && ?id != "https://w3id.org/pharmakgx")',
        "}",
    ]
)


def test_rebase_query_moves_tokens_not_text() -> None:
    text = REBASE_CASES.replace("{b}", BASE)
    assert rebase_query(text, OTHER_BASE) == REBASE_CASES.replace("{b}", OTHER_BASE)
    assert rebase_query(text, BASE) == text
    with pytest.raises(InputError):
        rebase_query(text, "https://example.org/a b/")


# ---------------------------------------------------------------- a read-only store on disk


@pytest.mark.parametrize("mode", [(), ("--store-on-disk",)], ids=["in-memory", "on-disk"])
def test_read_only_store_under_another_base(
    tmp_path: Path, kg: pharmakg.KnowledgeGraph, mode: tuple[str, ...]
) -> None:
    """Both ways of serving a store (its quads read into memory, or queried on RocksDB)."""
    release = prepare_release(kg, options=ExportOptions(base_iri=OTHER_BASE))
    directory = tmp_path / "store"
    store = ox.Store(str(directory))
    data = export(release, "nquads").single()
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    expected = len(store)
    del store
    args = ("--store", str(directory), *mode, "--base-iri", OTHER_BASE, "--update-token", TOKEN)
    with running_server(tmp_path / "server.log", *args) as on_disk:
        assert _count(on_disk) == expected
        identifiers = _examples(on_disk)[1]["identifiers"]  # its STRSTARTS names the base
        assert len(_rows(on_disk, identifiers)) == len(kg.query("identifiers")) > 0
        page = httpx.get(on_disk.url + "/resource/imiquimod", headers={"Accept": "text/turtle"})
        assert page.status_code == 200
        graph = Graph().parse(data=page.text, format="turtle")
        label = Literal("imiquimod", lang="en")
        assert (URIRef(OTHER_BASE + "resource/imiquimod"), RDFS.label, label) in graph
        html = httpx.get(on_disk.url + "/resource/imiquimod", headers={"Accept": "text/html"})
        assert "<h1>imiquimod</h1>" in html.text
        assert "/_pathway/" not in html.text  # pictures need the graph in memory
        token = {"Authorization": f"Bearer {TOKEN}"}
        refused = httpx.post(on_disk.sparql, data={"update": "CLEAR ALL"}, headers=token)
        assert refused.status_code == 403
        assert "read-only" in refused.text
        assert _count(on_disk) == expected


# ---------------------------------------------------------------- the docs' examples

SERVE_DOC = Path(__file__).resolve().parents[1] / "docs" / "serve.md"


def test_readme_serving_examples(server: Server) -> None:
    section = SERVE_DOC.read_text(encoding="utf-8")
    curl = re.search(r"\$ curl (.*?)'query=(.*?)'\n(.*?)```", section, re.S)
    assert curl is not None
    assert "-H 'Accept: text/csv'" in curl.group(1)
    answer = httpx.post(
        server.sparql, data={"query": curl.group(2)}, headers={"Accept": "text/csv"}
    )
    assert answer.text.replace("\r\n", "\n") == curl.group(3)
    pycon = re.search(r"```pycon\n(.*?)```", section, re.S)
    assert pycon is not None
    session = pycon.group(1).replace("http://127.0.0.1:8000", server.url)
    test = doctest.DocTestParser().get_doctest(session, {}, "docs/serve.md", str(SERVE_DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    assert runner.tries == len(test.examples) > 3
