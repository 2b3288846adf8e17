"""Tests for the paths stage: mechanism paths, statistics and graph exports on the monograph."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import pharmakg
from pharmakg.cli import main
from pharmakg.errors import UnknownEntityError, UnknownFormatError
from pharmakg.mechanism import graph_stats, graph_text, mechanism_graph
from pharmakg.paths import MechanismPath, mechanism_paths

FDA_APPROVED = {
    "anogenital-warts": "external genital and perianal warts",
    "actinic-keratosis": "actinic keratosis",
    "superficial-basal-cell-carcinoma": "superficial basal cell carcinoma",
}

#: Every path from imiquimod to an FDA-approved indication, best first, up to the drug's
#: mechanism node. A mechanism path starts with the drug acting on its target (TLR7): local
#: names, each hop's citation numbers before ">" ("-": uncited). The
#: last hop is always "mechanism makes the drug effective for the disease", cited 4, 5.
EXPECTED = [
    "imiquimod 1,2> tlr7 1,3> ifn-alpha 1> antitumor-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> ifn-alpha 1> antiviral-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> ifn-alpha 1> immunoregulatory-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> il-12 1> antitumor-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> il-12 1> antiviral-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> il-12 1> immunoregulatory-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> tnf-alpha 1> antitumor-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> tnf-alpha 1> antiviral-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> tnf-alpha 1> immunoregulatory-effect 1> imiquimod-mechanism",
    "imiquimod 1,2> tlr7 1,3> ifn-alpha -> nk-cell-activation 4> antiviral-effect 1> imiquimod-mechanism",  # noqa: E501
    "imiquimod 1,2> tlr7 1,3> ifn-alpha -> th1-immune-response 4> antiviral-effect 1> imiquimod-mechanism",  # noqa: E501
    "imiquimod 1,2> tlr7 1,3> il-12 -> nk-cell-activation 4> antiviral-effect 1> imiquimod-mechanism",  # noqa: E501
    "imiquimod 1,2> tlr7 1,3> il-12 -> th1-immune-response 4> antiviral-effect 1> imiquimod-mechanism",  # noqa: E501
    "imiquimod 1,2> tlr7 1,3> tnf-alpha -> nk-cell-activation 4> antiviral-effect 1> imiquimod-mechanism",  # noqa: E501
    "imiquimod 1,2> tlr7 1,3> tnf-alpha -> th1-immune-response 4> antiviral-effect 1> imiquimod-mechanism",  # noqa: E501
]


@pytest.fixture(scope="module")
def kg() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


def _compact(path: MechanismPath) -> str:
    parts = [path.nodes[0].iri.rsplit("/", 1)[1]]
    for hop in path.hops[:-1]:
        cited = ",".join(str(n) for n in hop.citations) or "-"
        parts.append(f"{cited}> {hop.target.iri.rsplit('/', 1)[1]}")
    return " ".join(parts)


@pytest.mark.parametrize("disease", sorted(FDA_APPROVED))
def test_exact_paths_to_each_fda_indication(kg: pharmakg.KnowledgeGraph, disease: str) -> None:
    result = mechanism_paths(kg, "imiquimod", FDA_APPROVED[disease])
    [group] = result.indications
    assert group.status == "FDA-approved"
    assert group.indication.iri.endswith("/" + disease)
    assert [_compact(p) for p in group.paths] == EXPECTED
    for path in group.paths:
        last = path.hops[-1]
        assert [e.predicate for e in last.edges] == ["pkg:makesEffectiveFor"]
        assert last.citations == (4, 5)
        assert [e.predicate for e in path.hops[-2].edges] == ["pkg:partOfMechanism"]
    keys = [p.rank_key() for p in group.paths]
    assert keys == sorted(keys)


def test_parallel_statements_make_one_hop(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", "actinic keratosis")
    hop = next(p for p in result.indications[0].paths if len(p.hops) == 5).hops[0]
    assert hop.target.label == "Toll-like receptor 7 (TLR-7)"
    assert [(e.predicate, e.citations) for e in hop.edges] == [
        ("pkg:activates", (1,)),
        ("pkg:agonistOf", (2,)),
        ("pkg:bindsTo", (2,)),
    ]


def test_names_by_label_curie_or_iri(kg: pharmakg.KnowledgeGraph) -> None:
    by_label = mechanism_paths(kg, "IMIQUIMOD", "Superficial Basal Cell Carcinoma")
    by_curie = mechanism_paths(kg, "CHEBI:36704", "MONDO:0002954")
    by_iri = mechanism_paths(
        kg,
        "https://w3id.org/pharmakg/resource/imiquimod",
        "<https://w3id.org/pharmakg/resource/superficial-basal-cell-carcinoma>",
    )
    assert by_label == by_curie == by_iri
    assert mechanism_paths(kg, "Aldara", "MONDO:0002954") == by_curie


def test_unknown_drug_lists_the_closest_names(kg: pharmakg.KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntityError) as info:
        mechanism_paths(kg, "imiqimod")
    assert "imiquimod" in info.value.choices


def test_not_an_indication_lists_the_indications(kg: pharmakg.KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntityError) as info:
        mechanism_paths(kg, "imiquimod", "TLR7")
    assert "superficial basal cell carcinoma" in info.value.choices
    assert len(info.value.choices) == 7


def test_every_indication_fda_approved_first(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", limit=2)
    assert [g.status for g in result.indications] == ["FDA-approved"] * 3 + ["off-label"] * 4
    assert {g.indication.label for g in result.indications[:3]} == set(FDA_APPROVED.values())
    assert all(len(g.paths) == 2 for g in result.indications)


def test_formats(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", "actinic keratosis", limit=1)
    text = result.render("text").decode()
    assert "activates [1]; agonist of [2]; binds to [2]--> Toll-like receptor 7 (TLR-7)" in text
    assert "induces production of [1, 3]--> interferon-alpha (IFN-α) [MESH:D016898]" in text  # noqa: RUF001
    assert "makes the drug effective for [4, 5]--> actinic keratosis [MONDO:0005173]" in text
    markdown = result.render("markdown").decode()
    assert "## imiquimod → actinic keratosis (FDA-approved)" in markdown
    assert "| from | statement [citations] | to |" in markdown
    body = json.loads(result.render("json"))
    [path] = body["indications"][0]["paths"]
    assert path["length"] == 5
    assert path["hops"][4]["citations"] == [4, 5]
    assert path["nodes"][0]["id"] == "pkr:imiquimod"
    with pytest.raises(UnknownFormatError):
        result.render("html")


def test_stats(kg: pharmakg.KnowledgeGraph) -> None:
    stats = graph_stats(mechanism_graph(kg), top=3)
    assert (stats.nodes, stats.edges) == (29, 55)
    assert dict(stats.nodes_by_category)["pkg:Disease"] == 7
    assert dict(stats.edges_by_predicate)["pkg:positivelyRegulates"] == 15
    assert [(n.label, d) for n, d in stats.most_connected] == [
        ("imiquimod", 20),
        ("mechanism of action of imiquimod", 10),
        ("antiviral effect", 9),
    ]
    assert json.loads(stats.to_json())["nodes"] == 29


def test_graphml_round_trips_through_networkx(kg: pharmakg.KnowledgeGraph, tmp_path: Path) -> None:
    graph = mechanism_graph(kg)
    out = tmp_path / "mechanism.graphml"
    out.write_text(graph_text(graph, "graphml"))
    back = nx.read_graphml(out, force_multigraph=True)
    assert set(back.nodes) == set(graph.nodes)
    assert sorted((u, v, k) for u, v, k in back.edges(keys=True)) == sorted(
        (u, v, k) for u, v, k in graph.edges(keys=True)
    )
    for u, v, k, data in graph.edges(keys=True, data=True):
        assert back.edges[u, v, k]["citations"] == ", ".join(str(n) for n in data["citations"])
        assert back.edges[u, v, k]["predicate"] == data["predicate"]
    for node, data in graph.nodes(data=True):
        assert back.nodes[node]["label"] == data["label"]
        assert back.nodes[node]["identifier"] == (data["identifier"] or "")


def test_node_link_round_trips(kg: pharmakg.KnowledgeGraph, tmp_path: Path) -> None:
    graph = mechanism_graph(kg)
    back = nx.node_link_graph(json.loads(graph_text(graph, "node-link")), edges="links")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    with pytest.raises(UnknownFormatError):
        graph_text(graph, "gexf")


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["paths", "imiquimod", "actinic keratosis", "--limit", "1"])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("imiquimod → actinic keratosis (FDA-approved): 1 path")
    bad = runner.invoke(main, ["paths", "imiqimod"])
    assert bad.exit_code == 2
    assert "choose from: imiquimod" in bad.stderr
    stats = runner.invoke(main, ["stats", "--format", "json"])
    assert json.loads(stats.stdout)["edges"] == 55
    out = tmp_path / "g.graphml"
    export = runner.invoke(main, ["export", "--format", "graphml", "-o", str(out)])
    assert export.exit_code == 0
    assert nx.read_graphml(out, force_multigraph=True).number_of_edges() == 55
