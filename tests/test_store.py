"""One compliance suite, run unchanged on every store: memory, on disk, and `oxigraph serve`.

The same data (the monograph plus the synthetic second drug) is loaded into each store; each
test asks one store and compares with the answer of a plain in-memory pyoxigraph store built
from the same files, so every store must answer exactly what the others do. The server is a
real `oxigraph serve` (PyPI package `oxigraph`) on a loopback port with a temporary directory,
loaded through the Graph Store Protocol, and stopped at the end.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import pharmakg
from conftest import GRAPHS, ROOT, SYNTHETIC
from pharmakg._query import list_queries
from pharmakg._query import query as execute
from pharmakg.errors import InputError, QueryTimeoutError, ServiceRefusedError, StoreError
from pharmakg.model import GraphResult, QueryResult
from pharmakg.store import LoadableStore, OxigraphStore, SparqlStore, Store, answer, connect
from pharmakg.store.local import DERIVED_INTEGER_TYPES

FILES = [ROOT / "ontology" / "pharmakg.ttl", *GRAPHS, SYNTHETIC]
STORES = ["memory", "disk", "server"]
PKR = "https://w3id.org/pharmakg/resource/"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def oxigraph_binary() -> str | None:
    """The `oxigraph` CLI of the PyPI package, beside this interpreter or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` on loopback: its query URL."""
    binary = oxigraph_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph CLI (PyPI package oxigraph, a dev dependency) is missing")
        pytest.skip("the oxigraph CLI (pip install oxigraph) is not installed")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-serve")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("oxigraph serve did not answer within 10 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def reference() -> pharmakg.KnowledgeGraph:
    """The files in a plain in-memory store: every store must answer as this one does."""
    return pharmakg.load(*FILES)


@pytest.fixture(scope="module", params=STORES)
def kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> pharmakg.KnowledgeGraph:
    """The same files in one kind of store, opened for reading as a command would."""
    if request.param == "memory":
        return pharmakg.load(*FILES, store="memory")
    if request.param == "disk":
        directory = tmp_path_factory.mktemp("store") / "kg"
        pharmakg.load(*FILES, store=directory)
        return pharmakg.load(store=directory)
    url = request.getfixturevalue("server")
    pharmakg.load(*FILES, store=f"sparql:{url}")
    return pharmakg.load(store=f"sparql:{url}")


def test_store_kind(kg: pharmakg.KnowledgeGraph) -> None:
    store = kg.store
    assert isinstance(store, Store)
    assert isinstance(store, OxigraphStore | SparqlStore)
    assert kg.sources == () or store.location == "memory"


def test_count(kg: pharmakg.KnowledgeGraph) -> None:
    rdflib_graph = Graph()
    for path in FILES:
        rdflib_graph.parse(path)
    assert len(kg) == len(rdflib_graph) > 2000


@pytest.mark.parametrize("info", list_queries(), ids=lambda q: q.name)
def test_every_named_query_answers_the_same(
    kg: pharmakg.KnowledgeGraph, reference: pharmakg.KnowledgeGraph, info: pharmakg.QueryInfo
) -> None:
    expected = execute(reference, info.name)
    assert execute(kg, info.name) == expected
    if info.param("drug") is not None:
        bound = execute(kg, info.name, {"drug": "imiquimod"})
        assert bound == execute(reference, info.name, {"drug": "imiquimod"})
        assert isinstance(bound, QueryResult)
        assert isinstance(expected, QueryResult)
        assert 0 < len(bound) <= len(expected) or len(expected) == 0


def test_ask_and_bindings(kg: pharmakg.KnowledgeGraph) -> None:
    store = kg.store
    sparql = "ASK { ?drug a <https://w3id.org/pharmakg/ontology/Drug> }"
    assert store.query(sparql).boolean is True
    assert store.query(sparql, {"drug": URIRef(PKR + "imiquimod")}).boolean is True
    assert store.query(sparql, {"drug": URIRef(PKR + "tlr7")}).boolean is False


def test_construct_and_describe(
    kg: pharmakg.KnowledgeGraph, reference: pharmakg.KnowledgeGraph
) -> None:
    construct = (
        "CONSTRUCT { ?claim ?p ?o } WHERE { ?claim a <https://w3id.org/pharmakg/ontology/Claim> ;"
        " ?p ?o }"
    )
    describe = f"DESCRIBE <{PKR}imiquimod>"
    for sparql in (construct, describe):
        got, expected = answer(kg.store, sparql), answer(reference.store, sparql)
        assert isinstance(got, GraphResult)
        assert isinstance(expected, GraphResult)
        assert len(got) == len(expected) > 10
        assert isomorphic(got.graph(), expected.graph())


def test_construct_with_bound_parameter(kg: pharmakg.KnowledgeGraph) -> None:
    sparql = "CONSTRUCT { ?drug ?p ?o } WHERE { ?drug ?p ?o }"
    result = kg.store.construct(sparql, {"drug": URIRef(PKR + "imiquimod")})
    subjects = {s for s, _, _ in result.graph()}
    assert subjects == {URIRef(PKR + "imiquimod")}


def test_dump_holds_the_files(kg: pharmakg.KnowledgeGraph) -> None:
    expected = Graph()
    for path in FILES:
        expected.parse(path)
    dumped = Graph()
    dumped.parse(data=kg.store.dump().decode("utf-8"), format="nt")
    if isinstance(kg.store, SparqlStore):
        # oxigraph serve stores xsd:positiveInteger & co. as xsd:integer (pyoxigraph keeps them
        # through its own named graph); that is the only difference allowed.
        for graph in (expected, dumped):
            for s, p, o in list(graph):
                if isinstance(o, Literal) and str(o.datatype) in DERIVED_INTEGER_TYPES:
                    graph.remove((s, p, o))
                    graph.add((s, p, Literal(int(o))))
    assert len(dumped) == len(expected)
    assert isomorphic(dumped, expected)


def test_graph_view_is_lazy_and_complete(kg: pharmakg.KnowledgeGraph) -> None:
    assert len(kg.to_rdflib()) == len(kg)


def test_validates_the_same(
    kg: pharmakg.KnowledgeGraph, reference: pharmakg.KnowledgeGraph
) -> None:
    if isinstance(kg.store, SparqlStore):
        pytest.skip("oxigraph serve keeps xsd:integer for xsd:positiveInteger (see the dump test)")
    got = pharmakg.validate(kg, engine="fast")
    expected = pharmakg.validate(reference, engine="fast")
    assert got.conforms
    assert expected.conforms
    assert got.to_json() == expected.to_json()


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", hits
    httpd.shutdown()
    httpd.server_close()


def test_service_refused_without_a_request(
    kg: pharmakg.KnowledgeGraph, listener: tuple[str, list[str]]
) -> None:
    url, hits = listener
    sparql = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    before = len(hits)
    with pytest.raises(ServiceRefusedError, match="--allow-service"):
        answer(kg.store, sparql)
    assert len(hits) == before


def test_service_allowed_does_send(
    reference: pharmakg.KnowledgeGraph, listener: tuple[str, list[str]]
) -> None:
    """The refusal test above can fail: with SERVICE allowed, the request goes out."""
    url, hits = listener
    before = len(hits)
    with pytest.raises(InputError):
        answer(reference.store, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert len(hits) == before
    with pytest.raises(InputError):
        answer(
            reference.store,
            f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            allow_service=True,
        )
    assert len(hits) > before


def test_timeout_stops_a_runaway_query(kg: pharmakg.KnowledgeGraph) -> None:
    start = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"longer than 0\.5 s"):
        answer(kg.store, CROSS, timeout=0.5)
    assert time.monotonic() - start < 10


def test_timeout_returns_the_answer_in_time(kg: pharmakg.KnowledgeGraph) -> None:
    result = answer(kg.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=60)
    assert isinstance(result, QueryResult)
    assert int(str(result.rows[0][0])) == len(kg)


def test_errors_in_the_child_keep_their_kind(kg: pharmakg.KnowledgeGraph) -> None:
    with pytest.raises(InputError, match=r"SPARQL|answered 400"):
        answer(kg.store, "SELECT * WHERE { ?s ?p }", timeout=30)


# ---------------------------------------------------------------- locations


def test_not_a_store_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="pharmakg load") as info:
        connect(tmp_path)
    assert info.value.file == str(tmp_path)


class _Recording:
    """A pyoxigraph store that records which of its methods are called, in order."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> object:
        self.calls.append(name)
        return getattr(self.inner, name)


def test_a_loaded_directory_is_compacted(tmp_path: Path) -> None:
    # A bulk load leaves RocksDB's files overlapping; reads were 2-3x slower before compaction.
    directory = OxigraphStore.open(tmp_path / "kg", read_only=False)
    recording = _Recording(directory.store)
    directory.store = recording  # type: ignore[assignment]
    directory.load_rdf(SYNTHETIC.read_bytes(), "text/turtle")
    directory.flush()
    assert recording.calls[-2:] == ["flush", "optimize"]
    memory = OxigraphStore.memory()
    memory.store = recording = _Recording(memory.store)  # type: ignore[assignment]
    memory.flush()
    assert recording.calls == []


def test_unreachable_server_is_a_clear_error() -> None:
    store = connect(f"sparql:http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreError, match="cannot reach"):
        len(store)


def test_url_without_sparql_prefix() -> None:
    with pytest.raises(StoreError, match="sparql:URL"):
        connect("http://example.org/sparql")


def test_loadable_stores() -> None:
    assert isinstance(connect("memory"), LoadableStore)
    assert isinstance(connect("rdflib"), LoadableStore)
