"""``pharmakg serve`` as an operator runs it: slow clients, a proxy in front, logs, gzip.

* Connections that send half a request are closed after ``--read-timeout``; connections past
  ``--max-connections`` are closed at once; a normal client is still served.
* Behind a proxy, ``--public-url`` names the endpoint in the service description and the
  pages; the ``Host`` header a client sends is never written into them.
* Every query is logged (time, status, duration, size; no query text); large results are
  gzipped for clients that accept it.
"""

from __future__ import annotations

import gzip
import re
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from servers import Server, running_server

SD = "http://www.w3.org/ns/sparql-service-description#"
PUBLIC = "https://kg.example.org/pharmakg/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve-ops") / "server.log"
    args = ("--read-timeout", "1", "--max-connections", "40", "--public-url", PUBLIC)
    with running_server(log, *args) as running:
        yield running


def _half_requests(server: Server, count: int) -> list[socket.socket]:
    port = int(server.url.rsplit(":", 1)[1])
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")  # never finished
        sockets.append(sock)
    return sockets


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1024) == b""
    except (ConnectionResetError, TimeoutError):
        return True


def test_half_sent_requests_are_closed_after_the_read_timeout(server: Server) -> None:
    sockets = _half_requests(server, 30)
    try:
        time.sleep(1.5)
        assert all(_closed_by_server(sock) for sock in sockets)
        assert httpx.get(server.sparql, params={"query": "ASK {}"}).status_code == 200
    finally:
        for sock in sockets:
            sock.close()


def test_connections_past_the_cap_are_closed_at_once(server: Server) -> None:
    sockets = _half_requests(server, 50)
    try:
        start = time.monotonic()
        for sock in sockets[-10:]:
            sock.settimeout(0.5)
            assert _closed_by_server(sock)
        assert time.monotonic() - start < 1.0  # before the read timeout
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(1.2)  # the rest time out; the server serves again
    assert httpx.get(server.sparql, params={"query": "ASK {}"}).status_code == 200


def test_the_public_url_names_the_endpoint_whatever_the_host_header(server: Server) -> None:
    answer = httpx.get(
        server.sparql, headers={"Accept": "text/turtle", "Host": "evil.example"}, timeout=10
    )
    assert answer.status_code == 200
    assert "evil.example" not in answer.text
    graph = Graph().parse(data=answer.text, format="turtle")
    assert (URIRef(PUBLIC + "sparql"), RDF.type, URIRef(SD + "Service")) in graph
    relative = httpx.get(
        server.sparql,
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples", "Host": "evil.example"},
    )
    assert relative.text.startswith(f"<{PUBLIC}s> ")


def test_queries_are_logged_without_their_text(server: Server) -> None:
    marker = "pharmakg_log_marker"
    answer = httpx.get(server.sparql, params={"query": f"SELECT ?{marker} {{}}"})
    assert answer.status_code == 200
    time.sleep(0.2)
    log = server.log.read_text(encoding="utf-8")
    assert marker not in log
    lines = [line for line in log.splitlines() if "query GET /sparql 200" in line]
    assert lines
    assert re.search(r"query GET /sparql 200 \d+ bytes \d+\.\d ms", lines[-1])


def test_large_results_are_gzipped(server: Server) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    headers = {"Accept": "application/n-triples", "Accept-Encoding": "gzip"}
    with httpx.Client() as client:
        answer = client.get(server.sparql, params={"query": query}, headers=headers)
        raw = client.build_request("GET", server.sparql, params={"query": query}, headers=headers)
        streamed = client.send(raw, stream=True)
        body = b"".join(streamed.iter_raw())
        streamed.close()
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == answer.content
    assert len(body) < len(answer.content) / 3


def test_start_up_says_each_step_before_it_listens(server: Server) -> None:
    """Loading, the release and the workers are announced as they start (slow on big data)."""
    log = server.log.read_text()
    steps = ["loading the packaged graph files", "preparing the release's named graphs"]
    steps.append("starting 2 + 1 query workers")
    positions = [log.find(f"pharmakg: {step}...") for step in steps]
    assert -1 not in positions, log
    assert positions == sorted(positions)
    assert positions[-1] < log.find("Uvicorn running on")
