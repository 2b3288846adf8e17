"""The interactive page in a real browser: headless Debian Chromium, networking off.

Opens the HTML from a file:// URL and checks that every node and edge of the pathway rendered
(read back from ``window.pharmakgGraph`` and compared with ``mechanism_graph``), that the page
draws the layout computed in Python (the SVG's), that from the rendered bounding boxes no edge
crosses a node and no label overlaps another, that there are no console errors and no network
requests, and that hovering and clicking show the evidence. Screenshots go to the test's tmp
dir and to ``test-artifacts/`` (ignored by git).

Skipped only when Chromium or ChromeDriver is absent and ``CI`` is not set; in CI it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import pharmakg
from pharmakg._visualise import build_pathway, layout_pathway, resolver_url, to_html
from pharmakg._visualise.fonts import LABEL_FONT
from pharmakg._visualise.geometry import Box
from pharmakg.mechanism import mechanism_graph

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
DRUG = "https://w3id.org/pharmakg/resource/imiquimod"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1600,1000",
)
#: Schemes a self-contained page may load from; anything else is a network request.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-extension:", "devtools:")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        reason = "Chromium/ChromeDriver not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run the browser test")
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def page(driver: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    kg = pharmakg.load()
    pathway = build_pathway(kg, "imiquimod")
    html = tmp_path_factory.mktemp("page") / "imiquimod-pathway.html"
    html.write_text(to_html(pathway), encoding="utf-8")
    driver.get_log("performance")  # drop what the start page did
    started = time.perf_counter()
    driver.get(html.as_uri())
    fonts = driver.execute_async_script(
        "var done = arguments[arguments.length - 1]; window.pharmakgFonts.then(done);"
    )
    assert fonts is True  # the graph is drawn once the font the layout measured is loaded
    assert driver.execute_script("return window.pharmakgGraph.nodes().length > 0;")
    rendered = time.perf_counter() - started
    return {
        "kg": kg,
        "pathway": pathway,
        "layout": layout_pathway(pathway),
        "html": html,
        "rendered": rendered,
    }


def _save_screenshot(driver: Any, directory: Path, name: str) -> Path:
    path = directory / name
    driver.save_screenshot(str(path))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(path, ARTIFACTS / name)
    return path


def test_every_node_and_edge_rendered(driver: Any, page: dict[str, Any]) -> None:
    graph = mechanism_graph(page["kg"])
    expected_nodes = nx.descendants(graph, DRUG) | {DRUG}
    expected_edges = {(u, k, v) for u, v, k in graph.subgraph(expected_nodes).edges(keys=True)}
    shown = driver.execute_script(
        """
        var cy = window.pharmakgGraph;
        var visible = function (e) { return e.visible() && e.renderedBoundingBox().w > 0; };
        return {
          nodes: cy.nodes('node.entity').filter(visible).map(function (n) {
            return [n.id(), n.data('negated')]; }),
          edges: cy.edges().filter(visible).map(function (e) {
            return [e.source().id(), e.data('predicate'), e.target().id(), e.data('negated')]; })
        };
        """
    )
    assert {n for n, negated in shown["nodes"] if not negated} == expected_nodes
    assert {(s, p, t) for s, p, t, negated in shown["edges"] if not negated} == expected_edges
    negated = [(p, t) for s, p, t, neg in shown["edges"] if neg]
    assert len(negated) == sum(e.negated for e in page["pathway"].edges)
    assert page["rendered"] < 10, f"the page took {page['rendered']:.1f} s to render"


#: What the page reports of its geometry, in rendered (screen) pixels.
GEOMETRY = """
var cy = window.pharmakgGraph;
var box = function (b) { return [b.x1, b.y1, b.x2, b.y2]; };
return {
  zoom: cy.zoom(),
  nodes: cy.nodes('node.entity').map(function (n) { return {
    id: n.id(), box: box(n.renderedBoundingBox({includeLabels: false})),
    text: box(n.renderedBoundingBox({includeNodes: false, includeEdges: false})),
    position: [n.position('x'), n.position('y')] }; }),
  labels: cy.nodes('node.edge-label').map(function (n) { return {
    id: n.id(), box: box(n.renderedBoundingBox({includeLabels: false})),
    text: box(n.renderedBoundingBox({includeNodes: false, includeEdges: false})) }; }),
  edges: cy.edges().map(function (e) {
    var points = [e.renderedSourceEndpoint()].concat(e.renderedSegmentPoints() || [])
      .concat([e.renderedTargetEndpoint()]);
    var model = [e.sourceEndpoint()].concat(e.segmentPoints() || []).concat([e.targetEndpoint()]);
    return { id: e.id(), source: e.source().id(), target: e.target().id(),
      label: e.data('labelBox'), points: points.map(function (p) { return [p.x, p.y]; }),
      model: model.map(function (p) { return [p.x, p.y]; }) }; })
};
"""


def _box(corners: list[float]) -> Box:
    x1, y1, x2, y2 = corners
    return Box((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1)


def _inside(inner: list[float], outer: list[float], slack: float) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def test_no_edge_crosses_a_node_and_no_label_overlaps(driver: Any, page: dict[str, Any]) -> None:
    """From the rendered bounding boxes: edges keep to the gaps, labels keep apart."""
    shown = driver.execute_script(GEOMETRY)
    slack = 2.0 * shown["zoom"]  # borders are drawn half outside the box
    nodes = {n["id"]: _box(n["box"]) for n in shown["nodes"]}
    labels = {n["id"]: _box(n["box"]) for n in shown["labels"]}
    assert len(shown["edges"]) == len(page["pathway"].edges)
    for edge in shown["edges"]:
        segments = list(pairwise(tuple(p) for p in edge["points"]))
        for key, box in nodes.items():
            # An edge ends on its own nodes' borders: its first and last pieces touch them.
            checked = segments[1 if key == edge["source"] else 0 :]
            checked = checked[: -1 if key == edge["target"] else None]
            crossing = [s for s in checked if box.crosses(s[0], s[1], margin=slack)]
            assert not crossing, f"edge {edge['id']} crosses node {key}"
        for key, box in labels.items():
            if key != edge["label"]:
                assert not any(box.crosses(a, b, margin=slack) for a, b in segments), (edge, key)
    every = list(nodes.items()) + list(labels.items())
    for (first, a), (second, b) in combinations(every, 2):
        assert not a.overlaps(b, margin=slack), f"{first} overlaps {second}"
    for item in shown["nodes"] + shown["labels"]:  # each text stays inside its box
        assert _inside(item["text"], item["box"], slack), item["id"]


def test_the_page_draws_the_python_layout(driver: Any, page: dict[str, Any]) -> None:
    """Same columns, same order, same routes as the SVG: one layout for both."""
    shown = driver.execute_script(GEOMETRY)
    layout = page["layout"]
    positions = {n["id"]: n["position"] for n in shown["nodes"]}
    for column in layout.order:
        drawn = sorted(column, key=lambda iri: positions[iri][1])
        assert drawn == list(column)
        assert len({round(positions[iri][0], 1) for iri in column}) == 1
    routes = {f"e{r.edge}": r.points() for r in layout.routes}
    for edge in shown["edges"]:
        expected = routes[edge["id"]]
        assert len(edge["model"]) == len(expected)
        # Segment points exactly; the ends within the arrow head's setback.
        tolerances = [2.0] + [0.5] * (len(expected) - 2) + [2.0]
        pairs = zip(edge["model"], expected, tolerances, strict=True)
        for (x, y), (ex, ey), tolerance in pairs:
            assert abs(x - ex) < tolerance, edge["id"]
            assert abs(y - ey) < tolerance, edge["id"]


def test_default_zoom_keeps_labels_readable(driver: Any, page: dict[str, Any]) -> None:
    zoom = driver.execute_script("return window.pharmakgGraph.zoom();")
    size = zoom * LABEL_FONT
    assert size >= 9.5, f"edge labels are {size:.1f} px at the default zoom"
    _save_screenshot(driver, page["html"].parent, "imiquimod-pathway-browser.png")


def test_no_console_errors_and_no_network(driver: Any, page: dict[str, Any]) -> None:
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert page["html"].as_uri() in requests
    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []


def _at(driver: Any, element_id: str) -> Any:
    """An action chain with the mouse on the element's rendered centre."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    x, y = driver.execute_script(
        "var p = window.pharmakgGraph.getElementById(arguments[0]).renderedPosition();"
        "return [p.x, p.y];",
        element_id,
    )
    container = driver.find_element(By.ID, "cy")
    size = container.size
    return ActionChains(driver).move_to_element_with_offset(
        container, int(x - size["width"] / 2), int(y - size["height"] / 2)
    )


def test_clicking_a_node_shows_its_citations(
    driver: Any, page: dict[str, Any], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    pathway = page["pathway"]
    tlr7 = "https://w3id.org/pharmakg/resource/tlr7"
    _at(driver, tlr7).click().perform()
    details = driver.find_element(By.ID, "details")
    assert pathway.node(tlr7).label in details.text
    cited = {
        li.get_attribute("data-citation")
        for li in details.find_elements(By.CSS_SELECTOR, "#citations li")
    }
    touching = [e for e in pathway.edges if tlr7 in (e.source, e.target)]
    numbers = {n for e in touching for n in e.citations}
    assert cited == {str(n) for n in numbers}
    titles = {r.title for r in pathway.references if r.number in numbers and r.title}
    assert titles
    assert all(title in details.text for title in titles)
    links = {a.get_attribute("href") for a in details.find_elements(By.TAG_NAME, "a")}
    node = pathway.node(tlr7)
    assert {resolver_url(c) for c in (node.identifier, *node.xrefs) if c} == links
    _save_screenshot(driver, tmp_path, "imiquimod-pathway-clicked.png")


def test_hovering_an_edge_label_shows_its_statements(driver: Any, page: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    pathway, layout = page["pathway"], page["layout"]
    bundle = max(layout.labels, key=lambda label: len(label.edges))
    _at(driver, f"label:{bundle.key}").perform()
    tip = driver.find_element(By.ID, "tip")
    assert tip.is_displayed()
    for index in bundle.edges:
        edge = pathway.edges[index]
        assert pathway.node(edge.target).label in tip.text
    lit = driver.execute_script(
        "return window.pharmakgGraph.edges('.hover').map(function (e) { return e.id(); });"
    )
    assert sorted(lit) == sorted(f"e{i}" for i in bundle.edges)
    _at(driver, f"label:{bundle.key}").click().perform()
    details = driver.find_element(By.ID, "details")
    first = pathway.edges[bundle.edges[0]]
    assert "Stated by the monograph." in details.text
    assert first.statement is not None
    assert first.statement in details.text
    _save_screenshot(driver, page["html"].parent, "imiquimod-pathway-hover.png")
    driver.execute_script(
        "window.pharmakgGraph.elements().removeClass('hover');"
        "document.getElementById('tip').hidden = true;"
    )


def test_indication_filter_and_png_export(driver: Any, page: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "indication")).select_by_value(
        "https://w3id.org/pharmakg/resource/bowenoid-papulosis"
    )
    faded = driver.execute_script(
        "return window.pharmakgGraph.nodes('.faded').map(function (n) { return n.id(); });"
    )
    assert "https://w3id.org/pharmakg/resource/actinic-keratosis" in faded
    assert DRUG not in faded
    png = driver.execute_script("return window.pharmakgGraph.png({full: true}).slice(0, 22);")
    assert png == "data:image/png;base64,"
    Select(driver.find_element(By.ID, "indication")).select_by_value("")
