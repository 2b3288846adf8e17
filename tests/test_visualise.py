"""Tests for the pathway pictures: the pathway, HTML, SVG/PNG, Mermaid, CLI and build."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from defusedxml import ElementTree

import pharmakg
from pharmakg.build import build_release
from pharmakg.errors import MissingToolError, UnknownEntityError, UnknownFormatError
from pharmakg.mechanism import mechanism_graph
from pharmakg.visualise import (
    STAGES,
    Pathway,
    PathwayEdge,
    PathwayNode,
    VisualFormat,
    build_pathway,
    layered_positions,
    render,
    to_dot,
    to_html,
    to_mermaid,
    to_svg,
)

DRUG = "https://w3id.org/pharmakg/resource/imiquimod"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


@pytest.fixture(scope="module")
def kg() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


@pytest.fixture(scope="module")
def pathway(kg: pharmakg.KnowledgeGraph) -> Pathway:
    return build_pathway(kg, "imiquimod")


def _positive(pathway: Pathway) -> tuple[set[str], set[tuple[str, str, str]]]:
    nodes = {n.iri for n in pathway.nodes if not n.negated}
    edges = {(e.source, e.predicate, e.target) for e in pathway.edges if not e.negated}
    return nodes, edges


def test_pathway_is_the_drugs_part_of_the_mechanism_graph(
    kg: pharmakg.KnowledgeGraph, pathway: Pathway
) -> None:
    graph = mechanism_graph(kg)
    expected = nx.descendants(graph, DRUG) | {DRUG}
    nodes, edges = _positive(pathway)
    assert nodes == expected
    assert edges == {(u, k, v) for u, v, k in graph.subgraph(expected).edges(keys=True)}
    assert pathway.omitted == 0


def test_pathway_by_curie_and_alt_label(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    for name in ("CHEBI:36704", "Aldara", f"<{DRUG}>"):
        assert _positive(build_pathway(kg, name)) == _positive(pathway)


def test_stages_follow_the_mechanism(pathway: Pathway) -> None:
    stage = {n.label: STAGES[n.stage].key for n in pathway.nodes}
    assert stage["imiquimod"] == "drug"
    assert stage["Toll-like receptor 7 (TLR-7)"] == "targets"
    assert stage["dendritic cell"] == stage["macrophage"] == "targets"
    assert stage["interferon-alpha (IFN-\N{GREEK SMALL LETTER ALPHA})"] == "cytokines"
    assert stage["natural killer (NK) cell activation"] == "processes"
    assert stage["antiviral effect"] == "effects"
    assert stage["mechanism of action of imiquimod"] == "mechanism"
    assert stage["actinic keratosis"] == "diseases"
    positions = layered_positions(pathway)
    xs = {n.stage: positions[n.iri][0] for n in pathway.nodes}
    assert [xs[s] for s in sorted(xs)] == sorted(xs.values())
    assert len(set(positions.values())) == len(positions)  # no two nodes on one spot


def test_negatives_are_negated_not_positive(pathway: Pathway) -> None:
    negated = [e for e in pathway.edges if e.negated]
    targets = {pathway.node(e.target).label for e in negated}
    assert targets == {
        "direct antiviral activity",
        "direct cytotoxic destruction of abnormal cells",
    }
    assert all(e.label.startswith("does not") and e.source == DRUG for e in negated)
    assert all(pathway.node(e.target).negated for e in negated)
    positive_targets = {e.target for e in pathway.edges if not e.negated}
    assert not positive_targets & {e.target for e in negated}


def test_every_positive_edge_quotes_the_monograph(pathway: Pathway) -> None:
    """Clicking a step shows its evidence: the monograph's own words, not only the triple."""
    positive = [e for e in pathway.edges if not e.negated]
    assert all(e.statement for e in positive)
    [agonist] = [e for e in positive if e.predicate == "pkg:agonistOf"]
    assert agonist.statement == "Acts as a TLR-7 agonist, triggering immune cascade reactions"


def test_approval_status(pathway: Pathway) -> None:
    status = {n.label: n.status for n in pathway.nodes if n.status}
    assert status["actinic keratosis"] == "FDA-approved"
    assert status["bowenoid papulosis"] == "off-label"
    assert len(status) == 7


def test_references_have_titles(pathway: Pathway) -> None:
    numbers = {r.number: r for r in pathway.references}
    assert sorted(numbers) == list(range(1, 8))
    assert numbers[3].title == "Imiquimod in dermatology: an overview."


def test_unknown_drug_lists_closest(kg: pharmakg.KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntityError) as caught:
        build_pathway(kg, "imiquimd")
    assert "imiquimod" in caught.value.choices
    with pytest.raises(UnknownEntityError) as caught:
        build_pathway(kg, "TLR7")
    assert caught.value.choices == ("imiquimod",)
    with pytest.raises(UnknownFormatError):
        render(build_pathway(kg, "imiquimod"), "gif")


def test_node_limit_is_said(kg: pharmakg.KnowledgeGraph) -> None:
    small = build_pathway(kg, "imiquimod", max_nodes=5)
    assert len([n for n in small.nodes if not n.negated]) == 5
    assert small.omitted == 31 - 2 - 5
    data = _html_data(to_html(small))
    assert data["omitted"] == small.omitted
    assert f"{small.omitted} more steps" in to_mermaid(small)


def _html_data(page: str) -> dict[str, object]:
    match = re.search(
        r'<script type="application/json" id="pharmakg-data">(.*?)</script>', page, re.S
    )
    assert match is not None
    assert "</" not in match.group(1)
    loaded: dict[str, object] = json.loads(match.group(1))
    return loaded


def test_html_is_self_contained(pathway: Pathway) -> None:
    page = to_html(pathway)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "Content-Security-Policy" in page
    assert "The Cytoscape Consortium" in page
    data = _html_data(page)
    assert data["drug"] == DRUG
    ids = {e["data"]["id"] for e in data["elements"]}  # type: ignore[attr-defined]
    assert {n.iri for n in pathway.nodes} <= ids


def test_html_escapes_hostile_labels() -> None:
    evil = '</script><script>alert("x")</script><!--'
    nodes = (
        PathwayNode(DRUG, evil, "pkg:Drug", None, 0),
        PathwayNode("urn:x:b", "b & <b>", "pkg:Cytokine", "MESH:D016898", 2),
    )
    edges = (PathwayEdge(DRUG, "urn:x:b", "pkg:x", evil, (1,)),)
    tiny = Pathway(DRUG, evil, nodes, edges)
    page = to_html(tiny)
    assert "<script>alert" not in page
    assert page.count("</script>") == 3  # the data block, cytoscape, the app
    data = _html_data(page)
    labels = [e["data"].get("label") for e in data["elements"]]  # type: ignore[attr-defined]
    assert evil in labels
    assert "&lt;/script&gt;" in page.split("<title>")[1]
    mermaid = to_mermaid(tiny)
    assert "<" not in mermaid
    assert '"x"' not in mermaid
    dot = to_dot(tiny)
    assert 'alert(\\"x\\")' in dot


def test_mermaid_structure(pathway: Pathway) -> None:
    text = to_mermaid(pathway)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert text.count("  subgraph ") == len({n.stage for n in pathway.nodes})
    assert text.count("\n  end\n") == text.count("  subgraph ")
    declared = re.findall(r"^    (n\d+)\[\"([^\"]*)\"\]$", text, re.M)
    assert len(declared) == len(pathway.nodes)
    links = re.findall(r"^  (n\d+) (-->|-\.->)\|\"([^\"]*)\"\| (n\d+)$", text, re.M)
    assert len(links) == len(pathway.edges)
    assert sum(1 for link in links if link[1] == "-.->") == 2
    ifn = "interferon-alpha #40;IFN-\N{GREEK SMALL LETTER ALPHA}#41;"
    assert {label for _, label in declared} >= {"imiquimod", ifn}


MERMAID_PARSE = Path(__file__).resolve().parents[1] / "tools" / "mermaid-parse"


def test_mermaid_parses_with_mermaid(pathway: Pathway, tmp_path: Path) -> None:
    """Mermaid's own parser (``tools/mermaid-parse``: mermaid.parse in Node.js with jsdom)."""
    node = shutil.which("node")
    if node is None or not (MERMAID_PARSE / "node_modules" / "mermaid").is_dir():
        reason = "needs node and `npm install --prefix tools/mermaid-parse` (.ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    hostile = Pathway(
        DRUG,
        'a "b" #c <d> [e] (f) {g} |h| `i` & end',
        (
            PathwayNode(DRUG, 'a "b" #c <d> [e] (f) {g} |h| `i` & end', "pkg:Drug", None, 0),
            PathwayNode("urn:x:y", "subgraph end click", None, None, 3),
        ),
        (PathwayEdge(DRUG, "urn:x:y", "pkg:x", 'x --> y | "z"'),),
    )
    for number, text in enumerate((to_mermaid(pathway), to_mermaid(hostile))):
        source = tmp_path / f"pathway-{number}.mmd"
        source.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [node, str(MERMAID_PARSE / "parse.mjs"), str(source)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "flowchart-v2"


@needs_dot
def test_svg_parses_and_has_every_label(pathway: Pathway) -> None:
    root = ElementTree.fromstring(to_svg(pathway).encode())
    ns = "{http://www.w3.org/2000/svg}"
    texts = []
    for group in root.iter(f"{ns}g"):
        if group.get("class") == "node":
            texts.append(" ".join(t.text or "" for t in group.iter(f"{ns}text")))
    for node in pathway.nodes:
        label = ("NOT: " if node.negated else "") + node.label
        assert label in texts, label


@needs_dot
def test_png_is_a_png(pathway: Pathway) -> None:
    assert render(pathway, VisualFormat.PNG).startswith(b"\x89PNG\r\n\x1a\n")


def test_missing_dot_is_a_clear_error(pathway: Pathway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MissingToolError, match="apt-get install graphviz"):
        render(pathway, "svg")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pharmakg", *args], cwd=cwd, capture_output=True, check=False
    )


def test_cli_visualise(tmp_path: Path) -> None:
    done = _cli("visualise", "imiquimod", "--format", "mermaid", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"flowchart LR")
    done = _cli("visualise", "Aldara", "-o", "page.html", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == b""
    assert b"window.pharmakgGraph" in (tmp_path / "page.html").read_bytes()
    done = _cli("visualise", "imiquimd", cwd=tmp_path)
    assert done.returncode == 2
    assert b"imiquimod" in done.stderr


def test_build_writes_the_pictures(tmp_path: Path) -> None:
    result = build_release(tmp_path / "dist")
    names = {p.name for p in result.files}
    assert {"imiquimod-pathway.html", "imiquimod-pathway.mmd"} <= names
    if shutil.which("dot"):
        assert {"imiquimod-pathway.svg", "imiquimod-pathway.png"} <= names
    assert all(p.exists() for p in result.files)  # files, and the drugs/ directory
