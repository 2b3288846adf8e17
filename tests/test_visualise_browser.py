"""The interactive page in a real browser: headless Debian Chromium, networking off.

Opens the HTML from a file:// URL and checks that every node and edge of the pathway rendered
(read back from ``window.pharmakgGraph`` and compared with ``mechanism_graph``), that there
are no console errors and no network requests, and that clicking a node shows its citations.
Screenshots go to the test's tmp dir and to ``test-artifacts/`` (ignored by git).

Skipped only when Chromium or ChromeDriver is absent and ``CI`` is not set; in CI it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import pharmakg
from pharmakg.mechanism import mechanism_graph
from pharmakg.visualise import build_pathway, to_html

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
    html = tmp_path_factory.mktemp("page") / "imiquimod-pathway.html"
    html.write_text(to_html(build_pathway(kg, "imiquimod")), encoding="utf-8")
    driver.get_log("performance")  # drop what the start page did
    started = time.perf_counter()
    driver.get(html.as_uri())
    assert driver.execute_script("return window.pharmakgGraph.nodes().length > 0;")
    rendered = time.perf_counter() - started
    return {"kg": kg, "html": html, "rendered": rendered}


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
    assert len(negated) == 2
    assert page["rendered"] < 10, f"the page took {page['rendered']:.1f} s to render"


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


def test_clicking_a_node_shows_its_citations(
    driver: Any, page: dict[str, Any], tmp_path: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    _save_screenshot(driver, tmp_path, "imiquimod-pathway-browser.png")
    tlr7 = "https://w3id.org/pharmakg/resource/tlr7"
    x, y = driver.execute_script(
        "var p = window.pharmakgGraph.getElementById(arguments[0]).renderedPosition();"
        "return [p.x, p.y];",
        tlr7,
    )
    container = driver.find_element(By.ID, "cy")
    size = container.size
    ActionChains(driver).move_to_element_with_offset(
        container, int(x - size["width"] / 2), int(y - size["height"] / 2)
    ).click().perform()
    details = driver.find_element(By.ID, "details")
    assert "Toll-like receptor 7 (TLR-7)" in details.text
    cited = [
        li.get_attribute("data-citation")
        for li in details.find_elements(By.CSS_SELECTOR, "#citations li")
    ]
    assert {"1", "2", "3"} <= set(cited)
    assert "Imiquimod in dermatology: an overview." in details.text
    links = [a.get_attribute("href") for a in details.find_elements(By.TAG_NAME, "a")]
    assert "http://purl.uniprot.org/uniprot/Q9NYK1" in links
    _save_screenshot(driver, tmp_path, "imiquimod-pathway-clicked.png")


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
