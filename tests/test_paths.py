"""Tests for the paths stage: mechanism paths, statistics and graph exports on the monograph."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner

import pharmakg
from counts import indications
from pharmakg._load import default_paths
from pharmakg._visualise import build_pathway, drugs_with_mechanism, pathway
from pharmakg.cli import main
from pharmakg.errors import InvalidParameterError, UnknownEntityError, UnknownFormatError
from pharmakg.mechanism import graph_stats, graph_text, mechanism_graph, with_bases
from pharmakg.paths import MechanismPath, arm_relations, find, mechanism_paths

FDA_APPROVED = {
    "anogenital-warts": "external genital and perianal warts",
    "actinic-keratosis": "actinic keratosis",
    "superficial-basal-cell-carcinoma": "superficial basal cell carcinoma",
}

PKR = "https://w3id.org/pharmakg/resource/"

#: Every statement an arm may take, read from the graph with SPARQL (not through the mechanism
#: graph the paths are built from): a claim of a stated or interpreted basis, asserted as a
#: triple, whose relation is a mechanism relation the ontology aligns to biolink:affects (its
#: subject changes its object), and whose object is not a drug, disease or mechanism (the
#: ends of a route). Statements that only say where a target is found, what binds what, or
#: what is part of what are not steps of an arm.
ARM_STEPS = """
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?subject ?relation ?object WHERE {
    ?claim pkg:claimSubject ?subject ; pkg:claimPredicate ?relation ; pkg:claimObject ?object ;
           pkg:basis ?basis .
    VALUES ?basis { pkg:StatedBasis pkg:InterpretedBasis }
    FILTER NOT EXISTS { ?claim a pkg:NegativeClaim }
    ?subject ?relation ?object .
    ?relation skos:exactMatch|skos:closeMatch|skos:broadMatch biolink:affects .
    FILTER EXISTS { ?relation rdfs:subPropertyOf+ pkg:mechanismRelation }
    FILTER NOT EXISTS {
        VALUES ?end { pkg:Drug pkg:Disease pkg:MechanismOfAction }
        ?object a ?end .
    }
}
"""

#: The other mechanism statements: no arm takes one as a step of its own.
OTHER_STEPS = """
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?subject ?relation ?object WHERE {
    ?subject ?relation ?object .
    ?relation rdfs:subPropertyOf+ pkg:mechanismRelation .
    FILTER NOT EXISTS { ?relation skos:exactMatch|skos:closeMatch|skos:broadMatch biolink:affects }
}
"""

#: Each group's members and whether the list is exhaustive, from the graph.
GROUPS = """
PREFIX pkg: <https://w3id.org/pharmakg/ontology/>
SELECT ?group ?member ?exhaustive WHERE {
    ?group pkg:hasMember ?member .
    OPTIONAL { ?group pkg:membersExhaustive ?exhaustive }
}
"""


def _local(iri: object) -> str:
    return str(iri).rsplit("/", 1)[1]


def _arms_from_the_data(kg: pharmakg.KnowledgeGraph, drug: str) -> set[tuple[str, ...]]:
    """Every path from ``drug`` along ARM_STEPS to a node no such step leaves (local names)."""
    steps: dict[str, set[str]] = {}
    for subject, _, obj in kg.to_rdflib().query(ARM_STEPS):
        steps.setdefault(str(subject), set()).add(str(obj))

    def walk(node: str, seen: tuple[str, ...]) -> list[tuple[str, ...]]:
        ahead = [n for n in sorted(steps.get(node, ())) if n not in seen]
        if not steps.get(node):
            return [seen]
        return [arm for n in ahead for arm in walk(n, (*seen, n))]

    return {tuple(_local(n) for n in arm) for arm in walk(PKR + drug, (PKR + drug,))}


def _nodes(path: MechanismPath) -> tuple[str, ...]:
    return tuple(_local(n.iri) for n in path.nodes)


@pytest.fixture(scope="module")
def kg() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


def _compact(path: MechanismPath) -> str:
    parts = [path.nodes[0].iri.rsplit("/", 1)[1]]
    for hop in path.hops:
        cited = ",".join(str(n) for n in hop.citations) or "-"
        parts.append(f"{cited}> {hop.target.iri.rsplit('/', 1)[1]}")
    return " ".join(parts)


def test_superficial_bcc_is_reached_through_the_mechanism_as_a_whole(
    kg: pharmakg.KnowledgeGraph,
) -> None:
    """The corrected answer: the text ties the indication to the whole mechanism, not an effect."""
    result = mechanism_paths(kg, "imiquimod", "superficial basal cell carcinoma")
    [group] = result.indications
    assert group.status == "FDA-approved"
    assert [_compact(p) for p in group.paths] == [
        "imiquimod -> imiquimod-mechanism 4,5> superficial-basal-cell-carcinoma"
    ]
    [path] = group.paths
    assert [[e.predicate for e in h.edges] for h in path.hops] == [
        ["pkg:hasMechanism"],
        ["pkg:makesEffectiveFor"],
    ]
    assert [e.basis for h in path.hops for e in h.edges] == ["stated", "stated"]
    # No effect is paired with the disease anywhere in the answer.
    effects = {"antiviral-effect", "antitumor-effect", "immunoregulatory-effect"}
    for p in result.mechanism_paths:
        assert p.nodes[-1].iri.rsplit("/", 1)[1] not in FDA_APPROVED
    assert not any(n.iri.rsplit("/", 1)[1] in effects for n in path.nodes)
    assert result.mechanism is not None
    assert result.mechanism.label == "mechanism of action of imiquimod"


@pytest.mark.parametrize("disease", sorted(FDA_APPROVED))
def test_every_fda_indication_has_the_same_route(kg: pharmakg.KnowledgeGraph, disease: str) -> None:
    result = mechanism_paths(kg, "imiquimod", FDA_APPROVED[disease])
    [group] = result.indications
    assert group.indication.iri.endswith("/" + disease)
    assert [_compact(p) for p in group.paths] == [
        f"imiquimod -> imiquimod-mechanism 4,5> {disease}"
    ]
    assert result.mechanism_paths == mechanism_paths(kg, "imiquimod").mechanism_paths
    keys = [p.rank_key() for p in result.mechanism_paths]
    assert keys == sorted(keys)


def test_every_arm_the_text_states_is_presented(kg: pharmakg.KnowledgeGraph) -> None:
    """The arms of imiquimod → superficial BCC are those the graph's own statements give.

    From the drug, not only from its target: NK cell activation, Th1 responses, the
    infiltration of lymphocytes, dendritic cells and macrophages, immune surveillance →
    elimination of abnormal cells [5], the immune response → clearance of viral infections
    (particularly HPV), the decrease of HPV L1 mRNA and DNA; and through the group.
    """
    result = mechanism_paths(kg, "imiquimod", "superficial basal cell carcinoma")
    expected = _arms_from_the_data(kg, "imiquimod")
    got = [_nodes(p) for p in result.mechanism_paths]
    assert len(got) == len(set(got)) == len(expected)
    assert set(got) == expected
    # Every statement the text makes about what the drug does starts an arm of its own.
    said = {
        (_local(s), _local(o))
        for s, _, o in kg.to_rdflib().query(ARM_STEPS)
        if str(s) == PKR + "imiquimod"
    }
    assert said == {arm[:2] for arm in got}
    assert {"nk-cell-activation", "th1-immune-response", "hpv-l1-mrna", "hpv-dna"} <= {
        arm[1] for arm in got
    }
    # Each hop keeps its statements' basis, qualifiers and citations.
    clearance = next(
        p for p in result.mechanism_paths if _nodes(p)[-1] == "viral-infection-clearance"
    )
    [statement] = clearance.hops[-1].edges
    assert statement.basis == "stated"
    assert statement.citations == (4,)
    assert "emphasis: particularly" in statement.qualifiers
    assert any(q.startswith("particularly for: human papillomavirus") for q in statement.qualifiers)
    surveillance = next(p for p in result.mechanism_paths if "immune-surveillance" in _nodes(p))
    assert [h.citations for h in surveillance.hops] == [(5,), (5,)]


def test_statements_of_place_or_parthood_are_not_arms(kg: pharmakg.KnowledgeGraph) -> None:
    """TLR-7 "found on dendritic cells" says where the target is: no arm ends there."""
    result = mechanism_paths(kg, "imiquimod")
    other = {(str(s), str(o)) for s, _, o in kg.to_rdflib().query(OTHER_STEPS)}
    steps = {(str(s), str(o)) for s, _, o in kg.to_rdflib().query(ARM_STEPS)}
    hops = {(h.source.iri, h.target.iri) for p in result.mechanism_paths for h in p.hops}
    assert (PKR + "tlr7", PKR + "dendritic-cell") in other
    assert not hops & (other - steps)
    relations = arm_relations(kg)
    assert "pkg:expressedIn" not in relations
    for path in result.mechanism_paths:
        for hop in path.hops:  # a parallel statement (binds to) is shown beside an arm's step
            assert {e.predicate for e in hop.edges} & relations


def test_a_group_shows_its_members_and_whether_they_are_all(kg: pharmakg.KnowledgeGraph) -> None:
    """Cytokine induction: IFN-alpha, TNF-alpha, IL-12 as the group's members, not all of them."""
    result = mechanism_paths(kg, "imiquimod", "superficial basal cell carcinoma")
    members: dict[str, set[str]] = {}
    exhaustive: dict[str, bool | None] = {}
    for group, member, flag in kg.to_rdflib().query(GROUPS):
        members.setdefault(str(group), set()).add(str(member))
        exhaustive[str(group)] = None if flag is None else bool(flag.toPython())
    on_paths = {n.iri for p in result.mechanism_paths for n in p.nodes} & set(members)
    assert PKR + "imiquimod-cytokine-induction" in on_paths
    assert {g.node.iri: {m.iri for m in g.members} for g in result.groups} == {
        group: members[group] for group in on_paths
    }
    assert {g.node.iri: g.exhaustive for g in result.groups} == {
        group: exhaustive[group] for group in on_paths
    }
    [cytokines] = [g for g in result.groups if g.node.label == "cytokine induction"]
    assert cytokines.exhaustive is False
    # What the group does stays the group's: no hop starts at a member.
    inside = {m.iri for g in result.groups for m in g.members}
    assert not [h for p in result.mechanism_paths for h in p.hops if h.source.iri in inside]
    text = result.to_text()
    assert "--leads to [1]--> cytokine induction (group)" in text
    listed = ", ".join(m.to_text() for m in cytokines.members)
    assert f"  cytokine induction: members {listed} (not exhaustive)" in text
    assert "interferon-alpha" in listed
    markdown = result.to_markdown()
    assert f"| cytokine induction | {listed} | not exhaustive |" in markdown
    assert "| cytokine induction (group) |" in markdown
    body = json.loads(result.to_json())
    [group] = [g for g in body["groups"] if g["group"]["label"] == "cytokine induction"]
    assert group["exhaustive"] is False
    assert [m["id"] for m in group["members"]] == [
        f"pkr:{_local(m.iri)}" for m in cytokines.members
    ]
    # With only arms that pass no group, no group is listed.
    first = mechanism_paths(kg, "imiquimod", "superficial basal cell carcinoma", limit=1)
    assert first.groups == ()
    assert "Groups on these paths" not in first.to_text()


def test_text_markdown_and_json_carry_the_same_arms(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", "superficial basal cell carcinoma")
    arms = len(result.mechanism_paths)
    text = result.to_text()
    assert f"imiquimod: mechanism of action of imiquimod, as a whole: {arms} paths" in text
    markdown = result.to_markdown()
    mechanism = markdown.split("## imiquimod: mechanism of action of imiquimod, as a whole")[1]
    assert mechanism.count("**Path ") == arms
    body = json.loads(result.to_json())
    assert [
        tuple(n["id"].removeprefix("pkr:") for n in p["nodes"]) for p in body["mechanismPaths"]
    ] == [_nodes(p) for p in result.mechanism_paths]
    for shown, path in zip(body["mechanismPaths"], result.mechanism_paths, strict=True):
        assert [
            [(s["basis"], s["qualifiers"], s["citations"]) for s in hop["statements"]]
            for hop in shown["hops"]
        ] == [
            [(e.basis, list(e.qualifiers), list(e.citations)) for e in hop.edges]
            for hop in path.hops
        ]
        assert all(
            f"{hop.to_text()}--> " in text and _md(hop.to_text()) in markdown for hop in path.hops
        )


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def test_hops_carry_basis_and_qualifiers(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", "actinic keratosis")
    hops = {(h.source.label, h.target.label): h for p in result.mechanism_paths for h in p.hops}
    local = hops[("cytokine induction", "local immune responses")]
    assert [(e.basis, e.qualifiers) for e in local.edges] == [
        ("stated", ("site: application site",))
    ]
    innate = hops[("Toll-like receptor 7 (TLR-7)", "innate immune response")]
    assert innate.edges[0].qualifiers == ("emphasis: primarily",)
    assert "(emphasis: primarily)" in innate.to_text()
    # No interpreted statement starts at the drug: an error that names the bases that would.
    with pytest.raises(InvalidParameterError, match="no interpreted statements") as error:
        mechanism_paths(kg, "imiquimod", bases={"interpreted"})
    assert error.value.choices == ("stated",)
    assert "--basis stated" in str(error.value)


def test_the_mechanism_graph_edges_have_basis_and_qualifiers(kg: pharmakg.KnowledgeGraph) -> None:
    graph = mechanism_graph(kg)
    bases = {data["basis"] for _, _, data in graph.edges(data=True)}
    assert bases == {"stated", "interpreted"}
    interpreted = sorted(
        (u.rsplit("/", 1)[1], k)
        for u, _, k, d in graph.edges(keys=True, data=True)
        if d["basis"] == "interpreted"
    )
    assert interpreted == [
        ("antitumor-effect", "pkg:partOfMechanism"),
        ("antiviral-effect", "pkg:partOfMechanism"),
        ("immunoregulatory-effect", "pkg:partOfMechanism"),
    ]
    pkr = "https://w3id.org/pharmakg/resource/"
    edge = graph.edges[pkr + "imiquimod", pkr + "hpv-dna", "pkg:decreasesAmountOf"]
    assert edge["qualifiers"] == ("condition: following treatment", "emphasis: significantly")
    stated = with_bases(graph, {"stated"})
    assert stated.number_of_edges() == graph.number_of_edges() - 3
    with pytest.raises(InvalidParameterError) as info:
        with_bases(graph, {"asserted"})
    assert "stated" in info.value.choices


def test_parallel_statements_make_one_hop(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", "actinic keratosis")
    hop = next(
        h
        for p in result.mechanism_paths
        for h in p.hops
        if h.target.label == "Toll-like receptor 7 (TLR-7)"
    )
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
    assert len(info.value.choices) == len(indications(kg.to_rdflib()))


def test_every_indication_fda_approved_first(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", limit=2)
    assert [g.status for g in result.indications] == ["FDA-approved"] * 3 + ["off-label"] * 4
    assert {g.indication.label for g in result.indications[:3]} == set(FDA_APPROVED.values())
    assert all(len(g.paths) == 1 for g in result.indications)
    assert len(result.mechanism_paths) == 2


def test_formats(kg: pharmakg.KnowledgeGraph) -> None:
    result = mechanism_paths(kg, "imiquimod", "actinic keratosis", limit=1)
    text = result.render("text").decode()
    assert text.startswith(
        "imiquimod → actinic keratosis (FDA-approved), through the mechanism as a whole: 1 path\n"
    )
    assert "--has mechanism [uncited]--> mechanism of action of imiquimod" in text
    assert "makes the drug effective for [4, 5]--> actinic keratosis [MONDO:0005173]" in text
    assert "imiquimod: mechanism of action of imiquimod, as a whole: 1 path" in text
    assert f"--{result.mechanism_paths[0].hops[0].to_text()}--> " in text
    markdown = result.render("markdown").decode()
    assert (
        "## imiquimod → actinic keratosis (FDA-approved), through the mechanism as a whole"
        in markdown
    )
    assert "| from | statement [citations] | to |" in markdown
    body = json.loads(result.render("json"))
    [path] = body["indications"][0]["paths"]
    assert path["length"] == 2
    assert path["hops"][1]["citations"] == [4, 5]
    assert path["nodes"][0]["id"] == "pkr:imiquimod"
    [inner] = body["mechanismPaths"]
    assert [s["basis"] for h in inner["hops"] for s in h["statements"]] == [
        e.basis for h in result.mechanism_paths[0].hops for e in h.edges
    ]
    assert body["groups"] == []
    with pytest.raises(UnknownFormatError):
        result.render("html")


def test_stats(kg: pharmakg.KnowledgeGraph) -> None:
    graph = mechanism_graph(kg)
    stats = graph_stats(graph, top=3)
    edges = kg.query("mechanism-edges")
    assert stats.edges == len(edges)
    ends = {str(v) for column in ("subject", "object") for v in edges.column(column)}
    assert stats.nodes == len(ends)
    assert dict(stats.nodes_by_category)["pkg:Disease"] == len(indications(kg.to_rdflib()))
    assert dict(stats.edges_by_predicate)["pkg:inducesProductionOf"] == 3
    assert [(n.label, d) for n, d in stats.most_connected] == [
        ("imiquimod", graph.degree("https://w3id.org/pharmakg/resource/imiquimod")),
        ("mechanism of action of imiquimod", 10),
        ("Toll-like receptor 7 (TLR-7)", graph.degree("https://w3id.org/pharmakg/resource/tlr7")),
    ]
    assert json.loads(stats.to_json())["nodes"] == stats.nodes


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
        assert back.edges[u, v, k]["basis"] == data["basis"]
        assert back.edges[u, v, k]["qualifiers"] == ", ".join(data["qualifiers"])
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
    assert done.stdout.startswith(
        "imiquimod → actinic keratosis (FDA-approved), through the mechanism as a whole: 1 path"
    )
    bad = runner.invoke(main, ["paths", "imiqimod"])
    assert bad.exit_code == 2
    assert "choose from: imiquimod" in bad.stderr
    edges = len(pharmakg.load().query("mechanism-edges"))
    stats = runner.invoke(main, ["stats", "--format", "json"])
    assert json.loads(stats.stdout)["edges"] == edges
    out = tmp_path / "g.graphml"
    export = runner.invoke(main, ["export", "--format", "graphml", "-o", str(out)])
    assert export.exit_code == 0
    assert nx.read_graphml(out, force_multigraph=True).number_of_edges() == edges


def test_cli_basis() -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["paths", "imiquimod", "--basis", "guessed"])
    assert bad.exit_code == 2
    assert "choose from: stated, curated, interpreted, inferred" in bad.stderr
    stated = runner.invoke(main, ["paths", "imiquimod", "--basis", "stated", "--format", "json"])
    assert stated.exit_code == 0
    assert json.loads(stated.stdout)["drug"]["label"] == "imiquimod"
    query = runner.invoke(
        main, ["query", "mechanism-edges", "--basis", "stated", "--format", "csv"]
    )
    full = runner.invoke(main, ["query", "mechanism-edges", "--format", "csv"])
    assert query.exit_code == full.exit_code == 0
    assert len(query.stdout.splitlines()) < len(full.stdout.splitlines())


# ---------------------------------------------------------------- curated records (DrugMechDB)

#: Three DrugMechDB entries copied verbatim (tests/data/drugmechdb/README.md): imatinib, a drug
#: only DrugMechDB has; imiquimod, merged with the monograph's; codeine.
SMALL_DMDB = Path(__file__).parent / "data" / "drugmechdb" / "indication_paths.yaml"


@pytest.fixture(scope="module")
def with_import(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("dmdb") / "small.nt"
    pharmakg.import_drugmechdb(SMALL_DMDB).write(out)  # merged with the monograph
    files = [*default_paths(), out]
    entries: list[dict[str, Any]] = yaml.safe_load(SMALL_DMDB.read_text(encoding="utf-8"))
    return pharmakg.load(*files), files, entries


def _entry(entries: list[dict[str, Any]], drug: str) -> dict[str, Any]:
    return next(e for e in entries if e["graph"]["drug"] == drug)


def _source_paths(entry: dict[str, Any]) -> list[list[str]]:
    """The entry's drug → disease paths, walked on its own links (read from the YAML)."""
    links = nx.MultiDiGraph()
    links.add_edges_from((x["source"], x["target"]) for x in entry["links"])
    drug, disease = entry["graph"]["drug_mesh"], entry["graph"]["disease_mesh"]
    return [list(p) for p in nx.all_simple_paths(links, drug, disease)]


def test_paths_of_a_drug_only_drugmechdb_has(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
) -> None:
    kg, _, entries = with_import
    entry = _entry(entries, "imatinib")
    record = f"DrugMechDB (infores:drugmechdb) entry {entry['graph']['_id']}"
    result = mechanism_paths(kg, "imatinib", entry["graph"]["disease"], bases={"curated"})
    assert result.mechanism is None
    assert result.mechanism_paths == ()
    assert result.indications == ()
    [route] = result.curated
    assert route.record == record
    assert route.disease.label == entry["graph"]["disease"]
    [path] = route.paths
    [expected] = _source_paths(entry)
    assert len(path.hops) == len(expected) - 1
    # Each hop is the entry's link, with DrugMechDB's own predicate, its basis and its record.
    keys = {(x["source"], x["target"]): x["key"] for x in entry["links"]}
    assert [h.edges[0].label for h in path.hops] == [keys[a, b] for a, b in pairwise(expected)]
    assert {(e.basis, e.records) for h in path.hops for e in h.edges} == {("curated", (record,))}
    text = result.to_text()
    assert f"curated: {record}: 1 path" in text
    assert f"--causes [{record}] (curated)--> " in text
    assert "mechanism as a whole" not in text  # no monograph mechanism is invented for it
    body = json.loads(result.to_json())
    assert body["curated"][0]["record"] == record
    assert body["curated"][0]["paths"][0]["hops"][0]["statements"][0]["records"] == [record]


def test_a_basis_filter_that_leaves_nothing_says_which_bases_would_match(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
) -> None:
    kg, _, entries = with_import
    with pytest.raises(InvalidParameterError) as error:
        mechanism_paths(kg, "imatinib", _entry(entries, "imatinib")["graph"]["disease"])
    assert error.value.choices == ("curated",)
    assert "imatinib has no stated or interpreted statements" in str(error.value)
    assert "--basis curated" in str(error.value)


def test_curated_records_stay_apart_from_the_monograph(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
    kg: pharmakg.KnowledgeGraph,
) -> None:
    merged, _, entries = with_import
    entry = _entry(entries, "imiquimod")
    both = mechanism_paths(merged, "imiquimod", bases={"stated", "interpreted", "curated"})
    alone = mechanism_paths(kg, "imiquimod")
    # The monograph's mechanism and indications are as without the import: no path mixes sources.
    assert both.mechanism_paths == alone.mechanism_paths
    assert both.indications == alone.indications
    [route] = both.curated
    assert route.record.endswith(entry["graph"]["_id"])
    assert len(route.paths) == len(_source_paths(entry)) == 4
    assert route.paths[0].hops[0].source.iri == "https://w3id.org/pharmakg/resource/imiquimod"
    # The entry's disease is DrugMechDB's alone (the monograph's warts are only close to it).
    only = mechanism_paths(
        merged, "imiquimod", entry["graph"]["disease"], bases={"stated", "curated"}
    )
    assert only.indications == ()
    assert [r.record for r in only.curated] == [route.record]


def test_the_paths_command_on_a_curated_drug(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
) -> None:
    _, files, entries = with_import
    entry = _entry(entries, "imatinib")
    data = [arg for file in files for arg in ("--data", str(file))]
    runner = CliRunner()
    default = runner.invoke(main, ["paths", "imatinib", entry["graph"]["disease"], *data])
    assert default.exit_code == 2
    assert "ask with --basis curated" in default.stderr
    curated = runner.invoke(
        main, ["paths", "imatinib", entry["graph"]["disease"], *data, "--basis", "curated"]
    )
    assert curated.exit_code == 0, curated.stderr
    assert f"DrugMechDB (infores:drugmechdb) entry {entry['graph']['_id']}" in curated.stdout
    assert curated.stdout.count("(curated)") == len(entry["links"])


# ---------------------------------------------------------------- one drug's part, node by node


def _same_part(kg: pharmakg.KnowledgeGraph) -> int:
    """Check every drug's graph against the whole graph; the number of drugs checked."""
    whole = mechanism_graph(kg)
    drugs = [n for n, d in whole.nodes(data=True) if d["category"] == "pkg:Drug"]
    for drug in drugs:
        part = mechanism_graph(kg, drug=drug)
        # Everything the drug reaches is there, with the whole graph's attributes ...
        assert nx.descendants(whole, drug) | {drug} <= set(part)
        assert dict(part.nodes(data=True)) == {n: whole.nodes[n] for n in part}
        # ... and every node there has all its outgoing edges, as the whole graph has them.
        assert {n: part.out_degree(n) for n in part} == {n: whole.out_degree(n) for n in part}
        assert {(u, v, k): d for u, v, k, d in part.edges(keys=True, data=True)} == {
            (u, v, k): whole.edges[u, v, k] for u, v, k in part.edges(keys=True)
        }
    return len(drugs)


def test_a_drugs_graph_is_the_part_of_the_whole_it_reaches(
    kg: pharmakg.KnowledgeGraph,
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
    two_drug_kg: pharmakg.KnowledgeGraph,
) -> None:
    assert _same_part(kg) == 1
    assert _same_part(with_import[0]) == 1 + len(with_import[2]) - 1  # imiquimod is merged
    assert _same_part(two_drug_kg) == 2
    drug = "https://w3id.org/pharmakg/resource/imiquimod"
    part = mechanism_graph(kg, drug=drug)
    assert len(part) == len(mechanism_graph(kg))  # the monograph is one drug's
    with_records = mechanism_graph(with_import[0], drug=drug)
    record = _entry(with_import[2], "imiquimod")["graph"]["_id"]
    assert {r for _, _, d in with_records.edges(data=True) for r in d["records"]} == {
        f"DrugMechDB (infores:drugmechdb) entry {record}"
    }
    assert len(mechanism_graph(kg, drug="https://w3id.org/pharmakg/resource/tlr7-nothing")) == 0


def test_paths_read_from_the_drugs_part_are_those_of_the_whole_graph(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answers on the drug's part equal those on the whole graph (the old way)."""
    merged, _, entries = with_import
    bases = {"stated", "interpreted", "curated"}
    asked = [("imiquimod", None), ("imiquimod", "actinic keratosis")]
    asked += [(e["graph"]["drug"], e["graph"]["disease"]) for e in entries]
    asked += [(e["graph"]["drug"], None) for e in entries if e["graph"]["drug"] != "imiquimod"]
    ours = {(d, i): mechanism_paths(merged, d, i, bases=bases) for d, i in asked}
    whole = mechanism_graph(merged)
    monkeypatch.setattr(find, "mechanism_graph", lambda kg, drug=None: whole)
    for (drug, indication), result in ours.items():
        assert result == mechanism_paths(merged, drug, indication, bases=bases)


def test_pathways_read_from_the_drugs_part_are_those_of_the_whole_graph(
    with_import: tuple[pharmakg.KnowledgeGraph, list[Path], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    merged, _, entries = with_import
    drugs = {"imiquimod", *(e["graph"]["drug"] for e in entries)}
    bases = ("stated", "interpreted", "curated")
    ours = {drug: build_pathway(merged, drug, bases=bases) for drug in sorted(drugs)}
    whole = mechanism_graph(merged)
    monkeypatch.setattr(pathway, "mechanism_graph", lambda kg, drug=None: whole)
    for drug, drawn in ours.items():
        assert drawn == build_pathway(merged, drug, bases=bases)
    assert drugs_with_mechanism(merged) == sorted(
        ((n, d["label"]) for n, d in whole.nodes(data=True) if d["category"] == "pkg:Drug"),
        key=lambda item: (item[1].casefold(), item[0]),
    )
