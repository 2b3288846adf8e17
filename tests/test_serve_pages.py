"""Linked-data pages that cost the same however large the graph, and what a store hides.

A class with many instances and a resource with many links are served from a pyoxigraph
store: each page lists at most ``PAGE_SIZE`` links each way, points to the next page (in the
HTML and in a ``Link`` header), and the pages together list every link once. A store made by
``pharmakg load`` keeps the literals' spellings in a graph of its own, which the server never
shows. The named queries' IRIs in the service description dereference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import pharmakg
from pharmakg._export import DEFAULT_BASE
from pharmakg.cli import main
from pharmakg.resources import graph_files
from pharmakg.serve.describe import PAGE_SIZE
from pharmakg.store.local import LITERALS
from servers import Server, running_server

BASE = DEFAULT_BASE
THING = BASE + "ontology/Thing"
HUB = BASE + "resource/hub"
INSTANCES = PAGE_SIZE * 2 + 17  # three pages: full, full, and 17


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("big-store") / "store"
    store = ox.Store(str(directory))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    links = ox.NamedNode(BASE + "ontology/linksTo")
    quads = [ox.Quad(ox.NamedNode(THING), label, ox.Literal("thing"))]
    for i in range(INSTANCES):
        node = ox.NamedNode(f"{BASE}resource/thing-{i:04d}")
        quads += [
            ox.Quad(node, rdf_type, ox.NamedNode(THING)),
            ox.Quad(node, label, ox.Literal(f"thing {i}")),
            ox.Quad(ox.NamedNode(HUB), links, node),
        ]
    store.extend(quads)
    store.flush()
    del store
    return directory


@pytest.fixture(scope="module")
def big_server(big_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve-big") / "server.log"
    with running_server(log, "--store", str(big_store)) as running:
        yield running


def _listed(html: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, html))


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("/ontology/Thing", r'href="/resource/(thing-\d+)"'),
        ("/resource/hub", r'href="/resource/(thing-\d+)"'),
    ],
)
def test_pages_of_links_cover_every_link_once(big_server: Server, path: str, pattern: str) -> None:
    seen: list[str] = []
    page, url = 1, big_server.url + path
    while True:
        answer = httpx.get(url, params={"page": page}, headers={"Accept": "text/html"})
        assert answer.status_code == 200, answer.text
        listed = _listed(answer.text, pattern)
        assert len(listed) <= PAGE_SIZE
        seen += listed
        if f'rel="next" href="?page={page + 1}"' not in answer.text:
            assert 'rel="next"' not in answer.headers.get("link", "")
            break
        assert f'<?page={page + 1}>; rel="next"' in answer.headers["link"]
        page += 1
    assert page == 3
    assert len(seen) == len(set(seen)) == INSTANCES


def test_a_page_in_rdf_is_the_same_window(big_server: Server) -> None:
    answer = httpx.get(big_server.url + "/ontology/Thing", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    graph = ox.Dataset(ox.parse(answer.content, format=ox.RdfFormat.TURTLE))
    typed = {q.subject for q in graph if q.object == ox.NamedNode(THING)}
    assert len(typed) == PAGE_SIZE
    assert 'rel="next"' in answer.headers["link"]
    past = httpx.get(big_server.url + "/ontology/Thing", params={"page": 99})
    assert past.status_code == 404
    bad = httpx.get(big_server.url + "/ontology/Thing", params={"page": "x"})
    assert bad.status_code == 400


@pytest.fixture(scope="module")
def loaded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("loaded") / "store"
    graphs = sorted(str(p) for p in graph_files())
    result = CliRunner().invoke(main, ["load", "--store", str(directory), *graphs])
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str(directory))
    assert store.contains_named_graph(LITERALS)  # what this test is about
    del store
    log = tmp_path_factory.mktemp("serve-loaded") / "server.log"
    with running_server(log, "--store", str(directory), "--store-on-disk") as running:
        yield running


def test_the_stores_own_literals_graph_is_never_served(loaded_server: Server) -> None:
    graphs = httpx.get(
        loaded_server.sparql,
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "text/csv"},
    )
    assert graphs.status_code == 200
    assert LITERALS.value not in graphs.text
    union = httpx.get(
        loaded_server.sparql,
        params={"query": f"ASK {{ ?s ?p ?o . FILTER(STRSTARTS(STR(?s), '{LITERALS.value}')) }}"},
        headers={"Accept": "text/csv"},
    )
    assert "false" in union.text
    description = httpx.get(loaded_server.sparql, headers={"Accept": "text/turtle"})
    assert LITERALS.value not in description.text
    asked = httpx.get(
        loaded_server.sparql,
        params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": LITERALS.value},
    )
    assert asked.status_code == 400
    store = httpx.get(loaded_server.url + "/store", params={"graph": LITERALS.value})
    assert store.status_code == 400


def test_named_query_iris_dereference(loaded_server: Server) -> None:
    description = httpx.get(loaded_server.sparql, headers={"Accept": "text/turtle"}).text
    names = sorted(set(re.findall(r"sparql-examples/([\w-]+)", description)))
    assert names == sorted(q.name for q in pharmakg.list_queries() if q.path is not None)
    for name in names[:3]:
        url = f"{loaded_server.url}/sparql-examples/{name}"
        rdf = httpx.get(url, headers={"Accept": "text/turtle"})
        assert rdf.status_code == 200, rdf.text
        assert "SPARQLExecutable" in rdf.text
        page = httpx.get(url, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "<pre><code>" in page.text
    assert httpx.get(loaded_server.url + "/sparql-examples/nope").status_code == 404
