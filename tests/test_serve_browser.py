"""The query page in a real browser: headless Debian Chromium, networking off but loopback.

A real ``pharmakg serve`` runs on a loopback port. Chromium opens its query page (YASGUI,
vendored, served by the server itself), runs the first named query's tab, and sees its rows:
as many as :func:`pharmakg.query` gives in-process, the first one shown in the results table.
There must be no console errors and no request to anything but the server.

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

import pytest

import pharmakg
from servers import Server, running_server

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
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
    "--proxy-server=127.0.0.1:9",  # nothing listens there; loopback bypasses the proxy
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1400,1000",
)


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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("serve") / "server.log") as running:
        yield running


def _wait(driver: Any, script: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.1)


def test_yasgui_runs_a_named_query(driver: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    first = pharmakg.list_queries()[0]
    expected = pharmakg.load().query(first.name)
    driver.get_log("performance")  # drop what the start page did
    driver.get(server.url + "/sparql")
    _wait(driver, "return !!(window.pharmakgYasgui && window.pharmakgYasgui.getTab());")
    tabs = driver.execute_script(
        "var y = window.pharmakgYasgui;"
        "return y.persistentConfig.getTabs().map(function (id) { return y.getTab(id).getName(); });"
    )
    assert tabs == [q.name for q in pharmakg.list_queries()]
    assert driver.execute_script("return window.pharmakgYasgui.getTab().getName();") == first.name
    editor = driver.execute_script("return window.pharmakgYasgui.getTab().getYasqe().getValue();")
    assert first.path is not None
    assert editor == first.path.read_text(encoding="utf-8")
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    count = _wait(
        driver,
        "var r = window.pharmakgYasgui.getTab().getYasr().results;"
        "return r && r.getBindings() ? r.getBindings().length + 1 : 0;",
    )
    assert count - 1 == len(expected)
    rows = _wait(
        driver,
        "var rows = document.querySelectorAll('.tabPanel.active .yasr table tbody tr');"
        "return rows.length ? Array.from(rows).map(function (r) { return r.innerText; }) : null;",
    )
    first_row = expected.rows[0]
    labels = [
        str(term) for term in first_row if term is not None and not str(term).startswith("http")
    ]
    assert all(label in rows[0] for label in labels[:3]), (labels, rows[0])
    screenshot = tmp_path / "serve-yasgui.png"
    driver.save_screenshot(str(screenshot))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(screenshot, ARTIFACTS / screenshot.name)
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert server.url + "/sparql" in requests
    outside = [u for u in requests if not u.startswith((server.url, "data:", "blob:", "about:"))]
    assert outside == []


def test_the_served_pathway_picture_is_drawn(driver: Any, server: Server) -> None:
    """The picture a drug's page embeds loads its embedded font under the page's CSP and draws."""
    driver.set_script_timeout(30)
    driver.get(server.url + "/_pathway/resource/imiquimod")
    fonts = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "window.pharmakgFonts.then(done, function (e) { done(String(e)); });"
    )
    assert fonts is True, fonts
    drawn = _wait(
        driver,
        "var cy = window.pharmakgGraph; return cy && cy.nodes('node.entity').filter("
        "function (n) { return n.visible() && n.renderedBoundingBox().w > 0; }).length;",
    )
    assert drawn > 0
    blocked = [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert blocked == []
