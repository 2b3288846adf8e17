"""Tests for the pathway pictures: the pathway, its layout, HTML, SVG/PNG, Mermaid, CLI, build."""

from __future__ import annotations

import base64
import io
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from defusedxml import ElementTree
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import URIRef

import pharmakg
from pharmakg._build import build_release
from pharmakg._load import default_paths
from pharmakg._query import select
from pharmakg._visualise import (
    BASIS_STYLES,
    CATEGORY_STYLES,
    DEFAULT_BASES,
    STAGES,
    Pathway,
    PathwayEdge,
    PathwayNode,
    build_pathway,
    layout_pathway,
    render,
    to_html,
    to_mermaid,
    to_png,
    to_svg,
)
from pharmakg._visualise.fonts import font_file
from pharmakg._visualise.geometry import Layout
from pharmakg._visualise.pathway import resolver_url
from pharmakg.errors import InvalidParameterError, UnknownEntityError, UnknownFormatError
from pharmakg.formats import Kind, find, of_kind
from pharmakg.mechanism import mechanism_graph

DRUG = "https://w3id.org/pharmakg/resource/imiquimod"
ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def kg() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


@pytest.fixture(scope="module")
def pathway(kg: pharmakg.KnowledgeGraph) -> Pathway:
    return build_pathway(kg, "imiquimod")


@pytest.fixture(scope="module")
def layout(pathway: Pathway) -> Layout:
    return layout_pathway(pathway)


def _downstream(graph: nx.MultiDiGraph[str]) -> set[str]:
    return nx.descendants(graph, DRUG) | {DRUG}


def _positive(pathway: Pathway) -> tuple[set[str], set[tuple[str, str, str]]]:
    nodes = {n.iri for n in pathway.nodes if not n.negated}
    edges = {(e.source, e.predicate, e.target) for e in pathway.edges if not e.negated}
    return nodes, edges


def _rows(kg: pharmakg.KnowledgeGraph, name: str) -> list[dict[str, Any]]:
    result = select(kg, name, {"drug": URIRef(DRUG)})
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def test_pathway_is_the_drugs_part_of_the_mechanism_graph(
    kg: pharmakg.KnowledgeGraph, pathway: Pathway
) -> None:
    graph = mechanism_graph(kg)
    kept: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    kept.add_nodes_from(graph)
    kept.add_edges_from(
        (u, v, k)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if d.get("basis", "stated") in DEFAULT_BASES
    )
    expected = _downstream(kept)
    nodes, edges = _positive(pathway)
    assert nodes == expected
    assert edges == {(u, k, v) for u, v, k in kept.subgraph(expected).edges(keys=True)}
    assert pathway.omitted == 0
    assert pathway.bases == DEFAULT_BASES == ("stated", "interpreted")


def test_pathway_by_curie_and_alt_label(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    for name in ("CHEBI:36704", "Aldara", f"<{DRUG}>"):
        assert _positive(build_pathway(kg, name)) == _positive(pathway)


def test_stages_follow_the_mechanism(pathway: Pathway, layout: Layout) -> None:
    stage = {n.label: STAGES[n.stage].key for n in pathway.nodes}
    assert stage["imiquimod"] == "drug"
    assert stage["Toll-like receptor 7 (TLR-7)"] == "targets"
    assert stage["interferon-alpha (IFN-\N{GREEK SMALL LETTER ALPHA})"] == "cytokines"
    assert stage["antiviral effect"] == "effects"
    assert stage["actinic keratosis"] == "diseases"
    # Stages run left to right: every node of a stage is left of every node of a later one.
    for early, late in combinations(sorted({n.stage for n in pathway.nodes}), 2):
        rightmost = max(layout.nodes[n.iri].box.right for n in pathway.nodes if n.stage == early)
        leftmost = min(layout.nodes[n.iri].box.left for n in pathway.nodes if n.stage == late)
        assert rightmost < leftmost, (STAGES[early].key, STAGES[late].key)
    headings = [c.title for c in layout.columns]
    assert headings == [STAGES[s].title for s in sorted({n.stage for n in pathway.nodes})]


#: An embedded font: its weight and its TrueType data (base64), in an ``@font-face`` rule.
_FONT_FACE = re.compile(
    r"font-weight: (\d+); src: url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\) format\('truetype'\)"
)
README_PICTURE = ROOT / "docs" / "imiquimod-pathway.svg"


def _without_font_data(svg: str) -> str:
    """The picture with its embedded fonts' data left out: the layout, text and styles."""
    drawn, fonts = _FONT_FACE.subn(r"font-weight: \1; src: (the font)", svg)
    assert fonts == svg.count("@font-face") > 0  # every face is one the pattern knows
    return drawn


def test_the_monograph_picture_is_the_one_the_readme_shows(pathway: Pathway) -> None:
    # docs/imiquimod-pathway.svg is `pharmakg visualise imiquimod --format svg`: drawing a
    # curated database's categories must leave the monograph's picture as it was. Its embedded
    # fonts are checked for what they hold (next test), not for the bytes of one fontTools.
    shown = README_PICTURE.read_text(encoding="utf-8")
    assert _without_font_data(to_svg(pathway)) == _without_font_data(shown)
    assert {c for n in pathway.nodes for c in [n.category] if not n.negated} <= {
        c for stage in STAGES for c in stage.categories
    }


@pytest.mark.parametrize("picture", ["drawn", "in the README"])
def test_the_pictures_fonts_draw_its_text_as_the_layout_measured(
    pathway: Pathway, picture: str
) -> None:
    """Each embedded face is TrueType, of its rule's weight, with an outline for each character.

    And each glyph is as wide as the layout measured it in the packaged font.
    """
    svg = to_svg(pathway) if picture == "drawn" else README_PICTURE.read_text(encoding="utf-8")
    root = ElementTree.fromstring(svg.encode())
    drawn = {c for t in root.iter(f"{SVG}text") for c in "".join(t.itertext())}
    weights = {int(t.get("font-weight", 400)) for t in root.iter(f"{SVG}text")}
    faces = {int(weight): data for weight, data in _FONT_FACE.findall(svg)}
    assert sorted(faces) == sorted(weights) == [400, 600]  # regular and semibold, both drawn
    for weight, data in faces.items():
        font = TTFont(io.BytesIO(base64.b64decode(data, validate=True)))
        with TTFont(font_file(bold=weight == 600)) as original:
            _assert_same_glyphs(font, original, drawn, weight)


def _assert_same_glyphs(font: TTFont, original: TTFont, drawn: set[str], weight: int) -> None:
    """``font`` is TrueType, of ``weight``, cut from ``original`` with the glyphs of ``drawn``."""
    font.ensureDecompiled()  # every table parses
    assert font.sfntVersion == "\x00\x01\x00\x00"  # TrueType, as the rule says
    assert font["OS/2"].usWeightClass == weight
    assert font["name"].getDebugName(4) == original["name"].getDebugName(4)
    cmap, original_cmap = font.getBestCmap(), original.getBestCmap()
    assert not sorted(c for c in drawn if ord(c) not in cmap), weight
    for char in drawn:
        glyph = cmap[ord(char)]
        width = original["hmtx"][original_cmap[ord(char)]][0]
        assert font["hmtx"][glyph][0] == width, (weight, char)
        if not char.isspace():
            assert font["glyf"][glyph].numberOfContours != 0, (weight, char)


def test_indications_put_fda_approved_above_off_label(pathway: Pathway, layout: Layout) -> None:
    diseases = sorted(
        (n for n in pathway.nodes if n.status is not None), key=lambda n: layout.nodes[n.iri].box.y
    )
    approved = [n.approved for n in diseases]
    assert approved == sorted(approved, reverse=True)
    assert True in approved
    assert False in approved


def test_no_edge_crosses_a_node_and_no_label_overlaps(pathway: Pathway, layout: Layout) -> None:
    """The layout's promise, on the monograph's pathway: the routes keep to the gaps."""
    boxes = {iri: placed.box for iri, placed in layout.nodes.items()}
    labels = {label.key: label.box for label in layout.labels}
    assert len(layout.routes) == len(pathway.edges)
    for route in layout.routes:
        edge = pathway.edges[route.edge]
        points = route.points(steps=24)
        segments = list(pairwise(points))
        for iri, box in boxes.items():
            for start, end in segments:
                assert not box.crosses(start, end, margin=0.5), (edge.label, iri)
        for key, box in labels.items():
            if key != route.label:
                assert not any(box.crosses(s, e, margin=0.5) for s, e in segments), (edge, key)
        source, target = boxes[edge.source], boxes[edge.target]
        assert route.start[0] == pytest.approx(source.right)
        assert source.top < route.start[1] < source.bottom
        assert route.end[0] == pytest.approx(target.left)
        assert target.top < route.end[1] < target.bottom
    every = list(boxes.values()) + list(labels.values())
    for first, second in combinations(every, 2):
        assert not first.overlaps(second), (first, second)


_CATEGORIES = [s.categories[0] for s in STAGES]
_WORDS = ("alpha", "interferon-gamma", "cell", "activation", "response", "of", "T helper")


@st.composite
def _pathways(draw: st.DrawFn) -> Pathway:
    """Pathways of any shape: edges forward, backward, within one stage, and loops."""
    count = draw(st.integers(2, 18))
    nodes = [PathwayNode("urn:x:0", "drug", "pkg:Drug", None, 0)]
    for index in range(1, count):
        stage = draw(st.integers(1, len(STAGES) - 1))
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6))
        status = draw(st.sampled_from([None, "FDA-approved", "off-label"])) if stage == 6 else None
        nodes.append(
            PathwayNode(
                f"urn:x:{index}", " ".join(words), _CATEGORIES[stage], None, stage, (), status
            )
        )
    pairs = st.tuples(st.integers(0, count - 1), st.integers(0, count - 1))
    edges = [
        PathwayEdge(
            nodes[a].iri,
            nodes[b].iri,
            f"pkg:p{label}",
            ("leads to", "positively regulates", "induces production of")[label],
            basis=basis,
        )
        for (a, b), label, basis in draw(
            st.lists(
                st.tuples(pairs, st.integers(0, 2), st.sampled_from(["stated", "interpreted"])),
                max_size=30,
            )
        )
    ]
    return Pathway("urn:x:0", "drug", tuple(nodes), tuple(edges))


@settings(max_examples=50, deadline=None)
@given(_pathways())
def test_any_pathway_keeps_edges_off_nodes_and_labels_apart(pathway: Pathway) -> None:
    layout = layout_pathway(pathway)
    boxes = [placed.box for placed in layout.nodes.values()]
    labels = {label.key: label.box for label in layout.labels}
    for route in layout.routes:
        segments = list(pairwise(route.points(steps=16)))
        for box in boxes:
            assert not any(box.crosses(a, b, margin=0.5) for a, b in segments)
        for key, box in labels.items():
            if key != route.label:
                assert not any(box.crosses(a, b, margin=0.5) for a, b in segments)
    for first, second in combinations(boxes + list(labels.values()), 2):
        assert not first.overlaps(second)
    assert sorted(i for label in layout.labels for i in label.edges) == list(
        range(len(pathway.edges))
    )


def test_a_bundle_shares_one_label(pathway: Pathway, layout: Layout) -> None:
    """Edges leaving one node with the same words and style are named once."""
    for label in layout.labels:
        named = [pathway.edges[i] for i in label.edges]
        assert len({(e.source, e.label, e.basis, e.negated) for e in named}) == 1
        assert " ".join(label.lines) == " ".join(named[0].label.split())
    bundles = {(e.source, e.label, e.basis, e.negated) for e in pathway.edges}
    assert len(layout.labels) == len(bundles)


def test_negatives_are_negated_not_positive(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    negated = [e for e in pathway.edges if e.negated]
    assert {e.target for e in negated} == {str(row["object"]) for row in _rows(kg, "negatives")}
    assert all(e.label.startswith("does not") and e.source == DRUG for e in negated)
    assert all(pathway.node(e.target).negated for e in negated)
    positive_targets = {e.target for e in pathway.edges if not e.negated}
    assert not positive_targets & {e.target for e in negated}


def test_every_positive_edge_quotes_the_monograph(pathway: Pathway) -> None:
    """Clicking a step shows its evidence: the monograph's own words, not only the triple."""
    positive = [e for e in pathway.edges if not e.negated]
    assert all(e.statement for e in positive if e.basis == "stated")
    [agonist] = [e for e in positive if e.predicate == "pkg:agonistOf"]
    assert agonist.statement == "Acts as a TLR-7 agonist, triggering immune cascade reactions"


def test_approval_status(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    status = {n.iri: n.status for n in pathway.nodes if n.status}
    expected = {str(row["disease"]): str(row["statusLabel"]) for row in _rows(kg, "indications")}
    assert status == expected
    labels = {n.label: n.status for n in pathway.nodes if n.status}
    assert labels["actinic keratosis"] == "FDA-approved"
    assert labels["bowenoid papulosis"] == "off-label"


def test_references_have_titles(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    numbers = {r.number: r for r in pathway.references}
    assert sorted(numbers) == sorted(int(str(row["number"])) for row in _rows(kg, "references"))
    assert "Imiquimod in dermatology: an overview." in {r.title for r in numbers.values()}


def test_unknown_drug_lists_closest(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    with pytest.raises(UnknownEntityError) as caught:
        build_pathway(kg, "imiquimd")
    assert "imiquimod" in caught.value.choices
    with pytest.raises(UnknownEntityError) as caught:
        build_pathway(kg, "TLR7")
    assert caught.value.choices == ("imiquimod",)
    with pytest.raises(UnknownFormatError) as format_error:
        render(pathway, "gif")
    assert set(format_error.value.choices) == {f.name for f in of_kind(Kind.PICTURE)}


def test_node_limit_is_said(kg: pharmakg.KnowledgeGraph) -> None:
    small = build_pathway(kg, "imiquimod", max_nodes=5)
    assert len([n for n in small.nodes if not n.negated]) == 5
    assert small.omitted == len(_downstream(mechanism_graph(kg))) - 5
    data = _html_data(to_html(small))
    assert data["omitted"] == small.omitted
    assert f"{small.omitted} more steps" in to_mermaid(small)
    assert f"{small.omitted} more steps are not drawn" in to_svg(small)


# ---------------------------------------------------------------- basis


def _interpreted(kg: pharmakg.KnowledgeGraph) -> set[tuple[str, str]]:
    """The monograph's interpreted mechanism edges (the data's own curator readings)."""
    graph = mechanism_graph(kg)
    return {(u, v) for u, v, d in graph.edges(data=True) if d["basis"] == "interpreted"}


def test_basis_filter_and_interpretations(kg: pharmakg.KnowledgeGraph) -> None:
    interpreted = _interpreted(kg)
    assert interpreted, "the monograph has interpretations (effects read as part of the mechanism)"
    both = build_pathway(kg, "imiquimod")
    read = [e for e in both.edges if e.basis == "interpreted"]
    assert {(e.source, e.target) for e in read} == interpreted
    assert all(e.reason for e in read), "every interpretation carries its reason"
    qualified = [e for e in both.edges if e.qualifiers]
    assert qualified, "the monograph's qualifiers reach the picture"

    stated = build_pathway(kg, "imiquimod", bases="stated")
    assert stated.bases == ("stated",)
    assert {e.basis for e in stated.edges} == {"stated"}

    # No interpretation starts at the drug; they end at its mechanism, and are drawn alone.
    alone = build_pathway(kg, "imiquimod", bases=["interpreted"])
    assert {(e.source, e.target) for e in alone.edges} == interpreted
    assert {e.basis for e in alone.edges} == {"interpreted"}
    # The stated statements that start at the drug's mechanism are drawn with the stated alone.
    assert _indications(kg) <= {(e.source, e.target) for e in stated.edges}
    with pytest.raises(InvalidParameterError) as caught:
        build_pathway(kg, "imiquimod", bases="stated,guessed")
    assert "interpreted" in caught.value.choices


def _indications(kg: pharmakg.KnowledgeGraph) -> set[tuple[str, str]]:
    """The (mechanism, disease) pairs of the drug's stated indications."""
    graph = mechanism_graph(kg)
    return {
        (u, v)
        for u, v, d in graph.edges(data=True)
        if d["predicate"] == "pkg:makesEffectiveFor" and d["basis"] == "stated"
    }


#: The monograph's claims of one basis (``?basis`` is bound), with the labels the pictures show.
_CLAIMS_OF_BASIS = """
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?subject ?predicate ?object ?subjectLabel ?predicateLabel ?objectLabel WHERE {
  ?claim a pkg:Claim ; pkg:basis ?basis ;
         pkg:claimSubject ?subject ; pkg:claimPredicate ?predicate ; pkg:claimObject ?object .
  ?subject rdfs:label ?subjectLabel .
  ?predicate rdfs:label ?predicateLabel .
  ?object rdfs:label ?objectLabel .
}
"""


def _claims_of_basis(basis: str) -> list[dict[str, str]]:
    """The monograph's claims of ``basis``, counted from its file and the ontology."""
    from rdflib import Graph

    graph = Graph().parse(ROOT / "graphs" / "imiquimod.ttl")
    graph.parse(ROOT / "ontology" / "pharmakg.ttl")
    term = URIRef(f"https://w3id.org/pharmakg/ontology/{basis.capitalize()}Basis")
    rows = graph.query(_CLAIMS_OF_BASIS, initBindings={"basis": term})
    return [{str(k): str(v) for k, v in row.asdict().items()} for row in rows]


def _mermaid_edges(text: str) -> set[tuple[str, str, str, str]]:
    """(subject label, arrow, edge label, object label) of each Mermaid link, entities decoded."""

    def plain(quoted: str) -> str:
        return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), quoted)

    names = {i: plain(t) for i, t in re.findall(r'^ +(n\d+)\["(.*)"\]$', text, re.M)}
    links = re.findall(r'^ +(n\d+) (-->|-\.->)\|"(.*)"\| (n\d+)$', text, re.M)
    return {(names[s], arrow, plain(label), names[o]) for s, arrow, label, o in links}


def test_visualise_basis_interpreted_draws_the_interpretations(tmp_path: Path) -> None:
    """``--basis interpreted`` draws every interpreted claim, each marked as one, and no other."""
    from click.testing import CliRunner

    from pharmakg.cli import main
    from pharmakg.vocab import compress

    claims = _claims_of_basis("interpreted")
    assert claims, "the monograph has interpretations (effects read as part of the mechanism)"
    runner = CliRunner()
    drawn = runner.invoke(
        main, ["visualise", "imiquimod", "--basis", "interpreted", "--format", "mermaid"]
    )
    assert drawn.exit_code == 0, drawn.stderr
    # Dotted and named as interpretations, never drawn as a statement.
    assert _mermaid_edges(drawn.stdout) == {
        (c["subjectLabel"], "-.->", f"{c['predicateLabel']} (interpretation)", c["objectLabel"])
        for c in claims
    }
    page = tmp_path / "interpreted.html"
    args = ["visualise", "imiquimod", "--basis", "interpreted", "-o", str(page)]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.stderr
    data = _html_data(page.read_text(encoding="utf-8"))
    edges = [e["data"] for e in data["elements"] if e["group"] == "edges"]
    assert sorted((e["source"], e["predicate"], e["target"]) for e in edges) == sorted(
        (c["subject"], compress(c["predicate"]), c["object"]) for c in claims
    )
    assert all(e["basis"] == "interpreted" and e["lineStyle"] == "dotted" for e in edges)
    assert all(e["reason"] and "basis: interpretation" in e["tooltip"] for e in edges)
    assert data["bases"] == ["interpreted"]
    assert [item["title"] for item in data["edgeLegend"]] == [BASIS_STYLES["interpreted"].title]
    # Nothing else is drawn: the drug, and the claims' own subjects and objects.
    entities = {e["data"]["id"] for e in data["elements"] if e["data"].get("kind") == "entity"}
    assert entities == {DRUG} | {c[end] for c in claims for end in ("subject", "object")}


def test_visualise_basis_stated_and_interpreted_draws_both(kg: pharmakg.KnowledgeGraph) -> None:
    from click.testing import CliRunner

    from pharmakg.cli import main

    claims = _claims_of_basis("interpreted")
    done = CliRunner().invoke(
        main, ["visualise", "imiquimod", "--basis", "stated,interpreted", "--format", "mermaid"]
    )
    assert done.exit_code == 0, done.stderr
    assert done.stdout == to_mermaid(build_pathway(kg, "imiquimod"))
    links = _mermaid_edges(done.stdout)
    for c in claims:
        interpretation = f"{c['predicateLabel']} (interpretation)"
        assert (c["subjectLabel"], "-.->", interpretation, c["objectLabel"]) in links
    assert any(arrow == "-->" for _, arrow, _, _ in links)


def test_interpretations_are_drawn_differently(kg: pharmakg.KnowledgeGraph) -> None:
    both = build_pathway(kg, "imiquimod")
    root = ElementTree.fromstring(to_svg(both).encode())
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    dotted = [g for g in edges if g.get("data-basis") == "interpreted"]
    assert dotted
    style = BASIS_STYLES["interpreted"]
    reasons = {e.reason for e in both.edges if e.basis == "interpreted"}
    for group in dotted:
        path = group.find(f"{SVG}path")
        assert path is not None
        assert (path.get("stroke-dasharray"), path.get("stroke")) == (style.dash, style.colour)
        title = group.findtext(f"{SVG}title") or ""
        assert "basis: interpretation" in title
        assert any(reason and reason[:40] in title for reason in reasons), title
    legend = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert style.title in legend
    assert BASIS_STYLES["stated"].title in legend
    data = _html_data(to_html(both))
    interpreted = [
        e["data"]
        for e in data["elements"]
        if e["group"] == "edges" and e["data"]["basis"] == "interpreted"
    ]
    assert interpreted
    assert all(d["lineStyle"] == "dotted" and d["reason"] for d in interpreted)
    assert style.title in [item["title"] for item in data["edgeLegend"]]
    assert "#40;interpretation#41;" in to_mermaid(both)


# ---------------------------------------------------------------- HTML


def _html_data(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="pharmakg-data">(.*?)</script>', page, re.S
    )
    assert match is not None
    assert "</" not in match.group(1)
    loaded: dict[str, Any] = json.loads(match.group(1))
    return loaded


def test_html_is_self_contained(pathway: Pathway, layout: Layout) -> None:
    page = to_html(pathway)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert not re.search(r"url\((?!data:)", page)
    assert "Content-Security-Policy" in page
    assert "The Cytoscape Consortium" in page
    assert "@font-face" in page
    data = _html_data(page)
    assert data["drug"] == DRUG
    nodes = {e["data"]["id"]: e for e in data["elements"] if e["group"] == "nodes"}
    for iri, placed in layout.nodes.items():  # the page draws the Python layout
        assert nodes[iri]["position"] == {"x": placed.box.x, "y": placed.box.y}
    edges = [e["data"] for e in data["elements"] if e["group"] == "edges"]
    assert len(edges) == len(pathway.edges)


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
    labels = [e["data"].get("label") for e in data["elements"]]
    assert evil in labels
    assert "&lt;/script&gt;" in page.split("<title>")[1]
    mermaid = to_mermaid(tiny)
    assert "<" not in mermaid
    assert '"x"' not in mermaid
    root = ElementTree.fromstring(to_svg(tiny).encode())
    assert evil in " ".join(t.text or "" for t in root.iter(f"{SVG}tspan"))


# ---------------------------------------------------------------- Mermaid


def test_mermaid_structure(kg: pharmakg.KnowledgeGraph, pathway: Pathway) -> None:
    text = to_mermaid(pathway)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert text.count("  subgraph ") == len({n.stage for n in pathway.nodes})
    assert text.count("\n  end\n") == text.count("  subgraph ")
    declared = re.findall(r"^    (n\d+)\[\"([^\"]*)\"\]$", text, re.M)
    assert len(declared) == len(pathway.nodes)
    links = re.findall(r"^  (n\d+) (-->|-\.->)\|\"([^\"]*)\"\| (n\d+)$", text, re.M)
    assert len(links) == len(pathway.edges)
    dotted = sum(1 for e in pathway.edges if e.negated or e.basis != "stated")
    assert sum(1 for link in links if link[1] == "-.->") == dotted
    assert len(_rows(kg, "negatives")) <= dotted
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


# ---------------------------------------------------------------- SVG and PNG


def test_svg_parses_and_has_every_label(pathway: Pathway, layout: Layout) -> None:
    root = ElementTree.fromstring(to_svg(pathway).encode())
    texts = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            texts[group.get("id")] = " ".join(t.text or "" for t in group.iter(f"{SVG}tspan"))
    assert texts == {n.iri: " ".join(n.text.split()) for n in pathway.nodes}
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(edges) == len(pathway.edges)
    labels = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge-label"]
    assert len(labels) == len(layout.labels)
    headings = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "heading"]
    assert headings == [c.title for c in layout.columns]
    assert root.get("width") == str(math.ceil(layout.width))


def test_png_is_drawn_without_any_outside_program(
    pathway: Pathway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No Graphviz, no system fonts: PATH is empty and the PNG is still drawn, at its size."""
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(shutil, "which", lambda *_a, **_k: None)
    png = render(pathway, find(Kind.PICTURE, "image/png"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    root = ElementTree.fromstring(render(pathway, "svg"))
    assert (width, height) == (
        math.ceil(int(root.get("width")) * 1.5),
        math.ceil(int(root.get("height")) * 1.5),
    )
    assert to_png(pathway, zoom=1.0) == to_png(pathway, zoom=1.0)  # the same pixels every time


# ---------------------------------------------------------------- CLI and build


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
    done = _cli("visualise", "imiquimod", "--basis", "stated,guessed", cwd=tmp_path)
    assert done.returncode == 2
    assert b"guessed" in done.stderr
    assert b"interpreted" in done.stderr
    assert b"Traceback" not in done.stderr
    done = _cli("visualise", "imiquimod", "--basis", "stated", "--format", "svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"<?xml")


@pytest.mark.slow
def test_build_writes_the_pictures(tmp_path: Path) -> None:
    result = build_release(tmp_path / "dist")
    names = {p.name for p in result.files}
    assert {f"imiquimod-pathway{f.suffix}" for f in of_kind(Kind.PICTURE)} <= names
    assert all(p.exists() for p in result.files)  # files, and the drugs/ directory


# ------------------------------------------------------------- a drug only DrugMechDB has

#: Three DrugMechDB entries copied verbatim (tests/data/drugmechdb/README.md).
SMALL_DMDB = Path(__file__).parent / "data" / "drugmechdb" / "indication_paths.yaml"


@pytest.fixture(scope="module")
def with_import(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[pharmakg.KnowledgeGraph, list[Path], dict[str, Any]]:
    out = tmp_path_factory.mktemp("dmdb") / "small.nt"
    pharmakg.import_drugmechdb(SMALL_DMDB).write(out)  # merged with the monograph
    files = [*default_paths(), out]
    entries = yaml.safe_load(SMALL_DMDB.read_text(encoding="utf-8"))
    imatinib = next(e for e in entries if e["graph"]["drug"] == "imatinib")
    return pharmakg.load(*files), files, imatinib


def test_a_curated_drug_is_drawn_with_its_record(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], dict[str, Any]],
) -> None:
    kg, _, entry = with_import
    record = f"DrugMechDB (infores:drugmechdb) entry {entry['graph']['_id']}"
    pathway = build_pathway(kg, "imatinib", bases="curated")
    assert sorted(e.label for e in pathway.edges) == sorted(x["key"] for x in entry["links"])
    assert {(e.basis, e.records) for e in pathway.edges} == {("curated", (record,))}
    assert {n.label for n in pathway.nodes} == {n["name"] for n in entry["nodes"]}
    # Every format names the basis and the record: the SVG's legend and hover text, the PNG's
    # legend (drawn from the same SVG), the page's data, the mermaid edge labels.
    svg = to_svg(pathway)
    root = ElementTree.fromstring(svg.encode())
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert f"{BASIS_STYLES['curated'].title}: {record}" in texts
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert sum(f"from: {record}" in t and "basis: curated database" in t for t in titles) == 2
    assert {g.get("data-basis") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"} == {
        "curated"
    }
    width = float(root.get("width") or 0)
    assert width >= max(float(t.get("x") or 0) for t in root.iter(f"{SVG}text"))
    assert to_png(pathway).startswith(b"\x89PNG\r\n\x1a\n")
    page = to_html(pathway)
    assert record in page
    mermaid = to_mermaid(pathway)
    assert mermaid.count(entry["graph"]["_id"]) == len(entry["links"])


def test_a_curated_drug_drawn_as_stated_is_an_error_naming_its_basis(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], dict[str, Any]],
) -> None:
    kg, _, _ = with_import
    with pytest.raises(InvalidParameterError, match="ask with --basis curated") as error:
        build_pathway(kg, "imatinib")
    assert error.value.choices == ("curated",)


def test_the_visualise_command_draws_a_curated_drug(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], dict[str, Any]], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from pharmakg.cli import main

    _, files, entry = with_import
    data = [arg for file in files for arg in ("--data", str(file))]
    runner = CliRunner()
    refused = runner.invoke(main, ["visualise", "imatinib", *data, "--format", "mermaid"])
    assert refused.exit_code == 2
    assert "imatinib has no stated or interpreted statements" in refused.stderr
    for fmt in ("svg", "png", "html", "mermaid"):
        out = tmp_path / f"imatinib.{fmt}"
        args = ["visualise", "imatinib", *data, "--basis", "curated", "--format", fmt]
        done = runner.invoke(main, [*args, "-o", str(out)])
        assert done.exit_code == 0, done.stderr
        body = out.read_bytes()
        if fmt == "png":
            assert body.startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert entry["graph"]["_id"].encode() in body


def _imported_classes() -> dict[str, str]:
    """The node classes ontology/drugmechdb.ttl declares for imported nodes, with their labels."""
    from rdflib import RDFS, Graph

    from pharmakg.vocab import compress

    graph = Graph().parse(ROOT / "ontology" / "drugmechdb.ttl")
    entity = URIRef("https://w3id.org/pharmakg/ontology/BiomedicalEntity")
    return {
        compress(str(c)): str(graph.value(c, RDFS.label))
        for c in graph.subjects(RDFS.subClassOf, entity)
    }


def test_every_imported_category_has_its_style_and_stage() -> None:
    imported = _imported_classes()
    assert "pkg:Protein" in imported
    assert "pkg:Pathway" in imported
    placed = {c: i for i, stage in enumerate(STAGES) for c in stage.members}
    for category, label in imported.items():
        style = CATEGORY_STYLES[category]
        assert style.title == label[0].upper() + label[1:], category  # as Biolink names it
        assert category in placed, category
    # Each kind in its stage: molecules with the targets, pathways and activities with the
    # processes, phenotypes with the effects.
    stage = {c: STAGES[i].key for c, i in placed.items()}
    for category in ("Protein", "GeneFamily", "MacromolecularComplex", "ChemicalEntity", "Cell"):
        assert stage[f"pkg:{category}"] == "targets", category
    assert stage["pkg:Pathway"] == stage["pkg:MolecularActivity"] == "processes"
    assert stage["pkg:PhenotypicFeature"] == stage["pkg:OrganismTaxon"] == "effects"
    # An imported category looks like no other category of the legend.
    for category in imported:
        look = (CATEGORY_STYLES[category].fill, CATEGORY_STYLES[category].border)
        alike = [c for c, s in CATEGORY_STYLES.items() if (s.fill, s.border) == look]
        assert alike == [category], alike


def test_a_column_heading_names_what_the_column_holds() -> None:
    processes = next(s for s in STAGES if s.key == "processes")
    assert processes.heading(["pkg:ImmuneResponse"]) == processes.title == "Immune processes"
    assert processes.heading(["pkg:ImmuneResponse", "pkg:BiologicalProcess"]) == "Processes"
    assert processes.heading(["pkg:Pathway"]) == "Processes"
    assert processes.heading(["pkg:Drug"]) == "Other steps"
    targets = next(s for s in STAGES if s.key == "targets")
    assert targets.heading(["pkg:Receptor", "pkg:ImmuneCellType"]) == "Targets and cells"
    assert targets.heading(["pkg:Protein"]) == "Proteins and targets"
    assert targets.heading(["pkg:Protein", "pkg:ChemicalEntity"]) == "Molecules"
    for stage in STAGES:  # the last heading names every category of the stage
        assert "other" not in stage.heading(stage.members)


def _headings(pathway: Pathway) -> dict[str, list[str]]:
    """The stage headings each format draws."""
    svg = ElementTree.fromstring(to_svg(pathway).encode())
    page = to_html(pathway)
    blob = re.search(r'id="pharmakg-data">(.*?)</script>', page, re.S)
    assert blob is not None
    elements = json.loads(blob.group(1))["elements"]
    return {
        "layout": [c.title for c in layout_pathway(pathway).columns],
        "svg": [t.text or "" for t in svg.iter(f"{SVG}text") if t.get("class") == "heading"],
        "html": [e["data"]["label"] for e in elements if e["data"].get("kind") == "stage"],
        "mermaid": re.findall(r'subgraph stage_\w+\["(.*)"\]', to_mermaid(pathway)),
    }


def test_an_imported_protein_is_drawn_as_a_protein_among_the_targets(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], dict[str, Any]],
) -> None:
    kg, _, entry = with_import
    pathway = build_pathway(kg, "imatinib", bases="curated")
    protein = next(n["name"] for n in entry["nodes"] if n["label"] == "Protein")
    node = next(n for n in pathway.nodes if n.label == protein)
    assert node.category == "pkg:Protein"
    assert node.style == CATEGORY_STYLES["pkg:Protein"]
    assert STAGES[node.stage].key == "targets"
    svg = ElementTree.fromstring(to_svg(pathway).encode())
    drawn = next(g for g in svg.iter(f"{SVG}g") if g.get("id") == node.iri)
    rect = next(drawn.iter(f"{SVG}rect"))
    assert (rect.get("fill"), rect.get("stroke")) == (node.style.fill, node.style.border)
    legend = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Protein" in legend
    assert CATEGORY_STYLES[None].title not in legend
    # The same headings in every format, none of them "immune" over a protein.
    headings = _headings(pathway)
    assert len({tuple(h) for h in headings.values()}) == 1, headings
    assert not any("immune" in h.casefold() for h in headings["svg"]), headings
    # The page shows the node's category, its column's heading and its identifier, linked.
    page = to_html(pathway)
    blob = re.search(r'id="pharmakg-data">(.*?)</script>', page, re.S)
    assert blob is not None
    data = next(
        e["data"] for e in json.loads(blob.group(1))["elements"] if e["data"]["id"] == node.iri
    )
    assert data["categoryTitle"] == "Protein"
    assert data["stage"] == pathway.heading(node.stage) in headings["svg"]
    assert data["identifiers"][0]["curie"] == node.identifier
    assert data["identifiers"][0]["url"] == resolver_url(node.identifier or "")
    assert "identifiers.org" not in data["identifiers"][0]["url"]  # from the prefix map


def test_every_node_of_an_imported_path_has_its_own_style(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], dict[str, Any]],
) -> None:
    kg, _, _ = with_import
    entries = yaml.safe_load(SMALL_DMDB.read_text(encoding="utf-8"))
    for entry in entries:
        pathway = build_pathway(kg, entry["graph"]["drug"], bases="curated")
        assert {n.label.casefold() for n in pathway.nodes} >= {
            n["name"].casefold() for n in entry["nodes"] if n["label"] not in ("Drug", "Disease")
        } - {"human papillomavirus", "toll-like receptor 7"}  # merged with the monograph's
        assert all(n.style is not CATEGORY_STYLES[None] for n in pathway.nodes), entry["graph"]
        headings = _headings(pathway)
        assert len({tuple(h) for h in headings.values()}) == 1, headings
        # Only the monograph's immune processes are headed as such; DrugMechDB's GO and
        # Reactome terms are processes of any kind.
        assert "Immune processes" not in headings["svg"], headings
