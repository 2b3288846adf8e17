"""The DrugMechDB import, checked against the source file itself.

DrugMechDB (MIT licence) is third-party data that the project does not ship. The tests read it
from ``../shared/data/drugmechdb/`` beside the clone, else from ``$PHARMAKG_SHARED/data/
drugmechdb/``, and skip with the reason where neither has it. Every expected count below is
computed here from the YAML (parsed on its own, not by the importer).
"""

from __future__ import annotations

import collections
import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

import pharmakg
from pharmakg import vocab
from pharmakg._load import default_paths
from pharmakg.cli import main
from pharmakg.errors import ParseError
from pharmakg.importers import DrugMechDBImport, ProblemKind, import_drugmechdb, terms_file
from pharmakg.importers.drugmechdb import mapping_file, read_mapping
from pharmakg.importers.drugmechdb.terms import PKG, PKR

#: The tests that read DrugMechDB's whole file (a large third-party file): make test-slow, CI.
#: The three-entry copy in tests/data/drugmechdb/ runs in make test.
slow = pytest.mark.slow
SMALL = Path(__file__).resolve().parent / "data" / "drugmechdb" / "indication_paths.yaml"

BESIDE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "drugmechdb"
IMIQUIMOD_DRUGBANK = "DB:DB00724"


def _source_dir() -> Path | None:
    candidates = [BESIDE]
    if os.environ.get("PHARMAKG_SHARED"):
        candidates.append(Path(os.environ["PHARMAKG_SHARED"]) / "data" / "drugmechdb")
    return next((c for c in candidates if (c / "indication_paths.yaml").is_file()), None)


@pytest.fixture(scope="module")
def source_file() -> Path:
    found = _source_dir()
    if found is None:
        pytest.skip(
            f"DrugMechDB is not here ({BESIDE}, nor $PHARMAKG_SHARED/data/drugmechdb); "
            "it is third-party data, not shipped"
        )
    return found / "indication_paths.yaml"


@pytest.fixture(scope="module")
def entries(source_file: Path) -> list[dict[str, Any]]:
    with source_file.open("rb") as stream:
        data: list[dict[str, Any]] = yaml.load(stream, Loader=yaml.CSafeLoader)
    return data


@pytest.fixture(scope="module")
def monograph() -> pharmakg.KnowledgeGraph:
    return pharmakg.load()


@pytest.fixture(scope="module")
def imported(source_file: Path, monograph: pharmakg.KnowledgeGraph) -> DrugMechDBImport:
    return import_drugmechdb(source_file, monograph=monograph.to_rdflib())


@pytest.fixture(scope="module")
def store(imported: DrugMechDBImport) -> ox.Store:
    loaded = ox.Store()
    loaded.bulk_load(imported.with_terms(), format=ox.RdfFormat.N_TRIPLES)
    return loaded


def _clean(curie: str) -> str:
    return curie.replace("\ufeff", "").strip()


def _table() -> list[dict[str, str]]:
    with mapping_file().open(encoding="utf-8", newline="") as stream:
        rows = [line for line in stream if not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t"))


# ------------------------------------------------------------------------- exact counts


@slow
def test_counts_match_the_source(imported: DrugMechDBImport, entries: list[dict[str, Any]]) -> None:
    report = imported.report
    nodes = [n for e in entries for n in e["nodes"]]
    links = [link for e in entries for link in e["links"]]
    duplicates = sum(
        len(e["links"]) - len({(x["source"], x["key"], x["target"]) for x in e["links"]})
        for e in entries
    )
    drugs = {
        n["id"]
        for e in entries
        for n in e["nodes"]
        if n["id"] in {e["graph"].get("drugbank"), e["graph"].get("drug_mesh")}
    }
    ids = {_clean(n["id"]) for n in nodes} | {
        _clean(link[end]) for link in links for end in ("source", "target")
    }
    assert report.entries == len(entries) == 4846
    assert report.nodes == len(nodes)
    assert report.links == len(links)
    assert report.duplicate_links == duplicates
    assert report.claims == len(links) - duplicates
    assert report.drugs == len(drugs)
    assert report.diseases == len({e["graph"]["disease_mesh"] for e in entries})
    assert report.entities == len(ids)
    assert report.references == sum(len(e.get("references") or ()) for e in entries)
    assert report.categories == dict(collections.Counter(n["label"] for n in nodes))
    assert report.predicates == dict(collections.Counter(link["key"] for link in links))
    assert report.prefixes == dict(collections.Counter(n["id"].split(":")[0] for n in nodes))
    problems = collections.Counter(p.kind for p in report.problems)
    assert problems[ProblemKind.DUPLICATE_LINK] == duplicates
    assert problems[ProblemKind.DANGLING_LINK] == 0  # SOURCE.md: every link's ends are nodes
    assert problems[ProblemKind.SELF_LOOP] == sum(x["source"] == x["target"] for x in links)


@slow
def test_every_type_and_predicate_is_mapped_or_reported(
    imported: DrugMechDBImport, entries: list[dict[str, Any]]
) -> None:
    table = _table()
    mapped = {(r["kind"], r["drugmechdb"]) for r in table if r["pharmakg"]}
    labels = {n["label"] for e in entries for n in e["nodes"]}
    keys = {link["key"] for e in entries for link in e["links"]}
    report = imported.report
    assert report.unmapped_categories == {
        k: v for k, v in report.categories.items() if ("category", k) not in mapped
    }
    assert report.unmapped_predicates == {
        k: v for k, v in report.predicates.items() if ("predicate", k) not in mapped
    }
    assert {label for label in labels if ("category", label) not in mapped} == set(
        report.unmapped_categories
    )
    assert {key for key in keys if ("predicate", key) not in mapped} == set(
        report.unmapped_predicates
    )
    # Node records whose prefix neither the table nor the prefix map maps.
    unmapped = {r["drugmechdb"] for r in table if r["kind"] == "prefix" and not r["pharmakg"]}
    expected = collections.Counter(
        n["id"].split(":")[0]
        for e in entries
        for n in e["nodes"]
        if n["id"].split(":")[0] in unmapped
    )
    assert report.unmapped_prefixes == dict(expected)
    # Every prefix DrugMechDB's nodes use maps through the table or the prefix map.
    assert unmapped == set()
    assert report.unmapped_prefixes == {}


@slow
def test_every_link_is_a_claim_with_its_provenance(
    imported: DrugMechDBImport, store: ox.Store
) -> None:
    def count(where: str) -> int:
        query = f"PREFIX pkg: <{PKG}> SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
        return int(next(iter(store.query(query)))["n"].value)  # type: ignore[index,union-attr]

    report = imported.report
    assert count("?c a pkg:Claim") == report.claims
    assert count("?c a pkg:Claim ; pkg:basis pkg:CuratedDatabaseBasis") == report.claims
    assert count("?c a pkg:Claim ; pkg:fromPath/pkg:recordId ?id") == report.claims
    assert count("?c a pkg:Claim . FILTER NOT EXISTS { ?c pkg:basis ?b }") == 0
    assert (
        count(
            "?c pkg:claimSubject ?s ; pkg:claimPredicate ?p ; pkg:claimObject ?o . "
            "FILTER NOT EXISTS { ?s ?p ?o }"
        )
        == 0
    )
    assert count("?p a pkg:CuratedPath ; pkg:pathDrug ?d ; pkg:pathDisease ?x") == report.entries
    assert count("?p a pkg:CuratedPath ; pkg:inDatabase ?db . ?db pkg:sha256 ?h") == report.entries
    licence = "<http://purl.org/dc/terms/license>"
    assert count(f"?db a pkg:CuratedDatabase ; {licence} ?l") == 1


@slow
def test_the_imiquimod_paths_keep_their_references(
    store: ox.Store, entries: list[dict[str, Any]]
) -> None:
    ours = [e for e in entries if e["graph"].get("drugbank") == IMIQUIMOD_DRUGBANK]
    assert len(ours) == 3
    for entry in ours:
        path = ox.NamedNode(PKR + "drugmechdb/" + entry["graph"]["_id"])
        references = {
            q.object.value
            for q in store.quads_for_pattern(
                path, ox.NamedNode("http://purl.org/dc/terms/references"), None
            )
        }
        assert references == set(entry["references"])
        drug = next(store.quads_for_pattern(path, ox.NamedNode(PKG + "pathDrug"), None)).object
        assert drug == ox.NamedNode(PKR + "imiquimod")


# ------------------------------------------------------------------------- the same shapes


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-entry copy (tests/data/drugmechdb/) imported beside the monograph, as N-Triples."""
    out = tmp_path_factory.mktemp("small") / "small.nt"
    import_drugmechdb(SMALL, monograph=pharmakg.load().to_rdflib()).write(out)
    return out


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_small_import_conforms_to_the_same_shapes(small: Path, engine: str) -> None:
    report = pharmakg.validate([*default_paths(), small], engine=engine)
    assert report.conforms, report.to_text()
    assert report.results == ()


def test_the_monograph_shapes_are_scoped_by_their_targets(small: Path, tmp_path: Path) -> None:
    # Imatinib is a DrugMechDB drug only: a MeSH id and no monograph target action, which
    # pkgsh:DrugShape would refuse. It is exempt because a curated database gave its identifiers;
    # without that, the same shapes check it (the scope is the shapes' targets, not Python).
    imatinib = f"<{PKR}id/MESH/D000068877>"
    lines = small.read_text(encoding="utf-8").splitlines()
    assert f'{imatinib} <{PKG}id> "MESH:D000068877" .' in lines
    unsourced = tmp_path / "unsourced.nt"
    unsourced.write_text(
        "\n".join(x for x in lines if not x.startswith(f"{imatinib} <{PKG}identifierSource>"))
        + "\n",
        encoding="utf-8",
    )
    report = pharmakg.validate([*default_paths(), unsourced], engine="fast")
    found = {(str(r.source_shape), r.focus_label) for r in report.results}
    assert found == {
        (str(vocab.PKGSH.DrugIdentifier), "imatinib"),
        (str(vocab.PKGSH.DrugTarget), "imatinib"),
        (str(vocab.PKGSH.IdentifierSourceShape), "imatinib"),
    }, report.to_text()


@slow
def test_the_whole_import_validates_but_for_the_source_problems_it_reports(
    imported: DrugMechDBImport, store: ox.Store, tmp_path: Path
) -> None:
    out = imported.write(tmp_path / "all.nt")
    report = pharmakg.validate([*default_paths(), out], engine="fast")
    named = collections.defaultdict(set)
    for problem in imported.report.problems:
        named[problem.term].add(problem.kind)
    source_id = ox.NamedNode(PKG + "sourceIdentifier")
    left = collections.Counter()
    for result in report.results:
        ids = {q.object.value for q in store.quads_for_pattern(
            ox.NamedNode(str(result.focus_node)), source_id, None)}  # fmt: skip
        assert len(ids) == 1, result.to_text()
        kinds = named[ids.pop()]
        # The violation is about an id the report names as malformed, unmapped or outside its type.
        assert kinds & {
            ProblemKind.MALFORMED_ID,
            ProblemKind.UNMAPPED_PREFIX,
            ProblemKind.SCHEME_OUTSIDE_TYPE,
        }, result.to_text()
        shape = result.source_shape
        named_shape = isinstance(shape, URIRef)
        left[vocab.shorten(shape) if named_shape else (result.shape_label or "").split(",")[0]] += 1
    outside = [p for p in imported.report.problems if p.kind is ProblemKind.SCHEME_OUTSIDE_TYPE]
    # Each process with a MeSH or HP id is one result of the process shape; an entity with a
    # malformed id has none, and is one result of the identity shape.
    assert left["pkgsh:ProcessIdentifierShape"] == len(outside) > 0
    assert set(left) == {"pkgsh:ProcessIdentifierShape", "pkgsh:IdentifiedEntityShape"}
    # The two ids DrugMechDB types both process and disease (HermiT: inconsistent) are reported.
    for both in ("MESH:D013035", "MESH:D016084"):
        assert named[both] >= {ProblemKind.SEVERAL_CATEGORIES, ProblemKind.SCHEME_OUTSIDE_TYPE}


# ------------------------------------------------------------------------- identifiers


def _monograph_index(graph: Graph) -> dict[str, str]:
    index: dict[str, str] = {}
    for predicate in (vocab.PKG_ID, vocab.PKG_XREF):
        for subject, value in graph.subject_objects(predicate):
            index[str(value)] = str(subject)
    return index


@slow
def test_merges_only_on_an_exact_identifier(
    imported: DrugMechDBImport,
    entries: list[dict[str, Any]],
    monograph: pharmakg.KnowledgeGraph,
    store: ox.Store,
) -> None:
    index = _monograph_index(monograph.to_rdflib())
    prefixes = {r["drugmechdb"]: r["pharmakg"] for r in _table() if r["kind"] == "prefix"}
    expected = set()
    for entry in entries:
        drug_ids = {entry["graph"].get("drugbank"), entry["graph"].get("drug_mesh")}
        drugbank = entry["graph"].get("drugbank")
        for node in entry["nodes"]:
            prefix, _, local = _clean(node["id"]).partition(":")
            curie = f"{prefixes.get(prefix) or prefix}:{local}"
            ids = {curie}
            if node["id"] in drug_ids and drugbank:
                ids.add("DRUGBANK:" + drugbank.removeprefix("DB:"))
            hits = {index[i] for i in ids if i in index}
            if hits:
                expected.add((curie, hits.pop()))
    assert set(imported.report.merged) == expected
    merged = dict(imported.report.merged)
    assert merged["UniProtKB:Q9NYK1"] == PKR + "tlr7"
    assert merged["MESH:C056493"] == PKR + "imiquimod"  # through DRUGBANK:DB00724
    # The monograph's identity is untouched: DrugMechDB's old MeSH id is kept apart.
    imiquimod = ox.NamedNode(PKR + "imiquimod")
    ids = {
        q.object.value for q in store.quads_for_pattern(imiquimod, ox.NamedNode(PKG + "id"), None)
    }
    assert ids == set()  # the import adds no pkg:id to a monograph entity
    source_ids = {
        q.object.value
        for q in store.quads_for_pattern(imiquimod, ox.NamedNode(PKG + "sourceIdentifier"), None)
    }
    assert source_ids == {"MESH:C056493"}


@slow
def test_identifiers_are_normalised_through_the_prefix_map(store: ox.Store) -> None:
    values = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(PKG + "id"), None)]
    assert values
    assert all(vocab.check_curie(v) is None for v in values)
    assert not any(v.startswith(("UniProt:", "DB:", "taxonomy:")) for v in values)
    assert "NCBITaxon:333922" in values
    # Reactome, InterPro, Pfam, TIGRFAM and KEGG ids map through the prefix map too.
    prefixes = {v.partition(":")[0] for v in values}
    assert {"REACT", "interpro", "PFAM"} <= prefixes
    xrefs = {
        q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(PKG + "xref"), None)
    }
    assert {"KEGG:M00100", "KEGG:M00561"} <= xrefs


# ------------------------------------------------------------------------- source problems


BAD = """\
- directed: true
  graph:
    _id: DB00001_MESH_D000001_1
    disease: Disease one
    disease_mesh: MESH:D000001
    drug: drug one
    drug_mesh: MESH:C000001
    drugbank: DB:DB00001
  links:
    - key: decreases activity of
      source: MESH:C000001
      target: UniProt:P00001
    - key: decreases activity of
      source: MESH:C000001
      target: UniProt:P00001
    - key: frobnicates
      source: UniProt:P00001
      target: GO:005507
    - key: causes
      source: GO:005507
      target: Nowhere:1
    - key: causes
      source: Nowhere:1
      target: MESH:D000001
  multigraph: true
  nodes:
    - id: MESH:C000001
      label: Disease
      name: drug one
    - id: "UniProt:P00001\\ufeff"
      label: Gizmo
      name: Protein one
    - id: GO:005507
      label: BiologicalProcess
      name: bad GO id
    - id: MESH:D000001
      label: Disease
      name: Disease one
- directed: true
  graph:
    _id: DB00002_MESH_D000001_1
    disease: Disease one
    disease_mesh: MESH:D000001
    drug: drug two
    drugbank: DB:DB00002
  links:
    - key: increases activity of
      source: DB:DB00002
      target: UniProt:P00001
    - key: causes
      source: UniProt:P00001
      target: MESH:D000001
  multigraph: true
  nodes:
    - id: DB:DB00002
      label: Drug
      name: drug two
    - id: UniProt:P00001
      label: Protein
      name: another name for protein one
    - id: MESH:D000001
      label: Disease
      name: disease one
"""


def test_source_problems_are_reported_never_raised(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = import_drugmechdb(path)
    report = result.report
    kinds = collections.Counter(p.kind for p in report.problems)
    assert kinds[ProblemKind.DUPLICATE_LINK] == 1
    assert kinds[ProblemKind.DANGLING_LINK] == 2  # Nowhere:1, as source and as target
    assert kinds[ProblemKind.MALFORMED_ID] == 1  # GO:005507
    assert kinds[ProblemKind.UNMAPPED_PREFIX] == 1  # Nowhere:1
    assert kinds[ProblemKind.INVISIBLE_CHARACTER] == 1
    assert kinds[ProblemKind.SWAPPED_LABEL] == 1  # the drug labelled Disease
    assert {p.term for p in report.problems if p.kind is ProblemKind.SEVERAL_NAMES} == {
        "UniProt:P00001",
        "MESH:D000001",
    }
    assert report.unmapped_categories == {"Gizmo": 1}
    assert report.unmapped_predicates == {"frobnicates": 1}
    assert report.unmapped_prefixes == {}
    assert report.entries == 2
    assert report.claims == 6
    assert report.entities == 6  # the U+FEFF id is the same protein
    graph = Graph()
    graph.parse(data=result.ntriples.decode(), format="nt")
    protein = URIRef(PKR + "id/UniProtKB/P00001")
    assert (None, URIRef(PKG + "curatedRelation"), None) in graph  # unmapped, not dropped
    assert (protein, URIRef(PKG + "id"), Literal("UniProtKB:P00001")) in graph
    assert (URIRef(PKR + "id/MESH/C000001"), vocab.RDF.type, URIRef(PKG + "Drug")) in graph
    assert (URIRef(PKR + "id/MESH/C000001"), vocab.RDF.type, URIRef(PKG + "Disease")) not in graph
    assert "duplicate link" in report.to_text()
    assert json.loads(report.to_json())["problem_counts"]["dangling link"] == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [("- directed: true\n- directed: true\n  graph: x\n   bad: y\n", 4), ("directed: true\n", 1)],
    ids=["bad-yaml", "not-a-list"],
)
def test_unreadable_input_is_a_parse_error_with_its_line(
    tmp_path: Path, text: str, line: int
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as error:
        import_drugmechdb(path)
    assert error.value.file == str(path)
    assert error.value.line == line


# ------------------------------------------------------------------------- the store


def _store_results(runner: CliRunner, store: Path, out: Path) -> list[dict[str, Any]]:
    """``pharmakg validate --store STORE``'s results, a blank shape's parser-made label dropped."""
    done = runner.invoke(
        main, ["validate", "--store", str(store), "--format", "json", "-o", str(out)]
    )
    assert done.exit_code in (0, 1), done.output
    results: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))["results"]
    for result in results:
        if str(result["source_shape"]).startswith("_:"):
            result["source_shape"] = None
    return results


@pytest.mark.parametrize("source", ["small", "bad"])
def test_import_into_a_store_is_load_of_the_import(source: str, tmp_path: Path) -> None:
    # --store loads the packaged graphs and the import as `pharmakg load` does, so the store
    # validates to exactly the results of `load` of the same files. A store written apart from
    # the loader lost the type of the citation numbers (pyoxigraph keeps an xsd:positiveInteger
    # as an xsd:integer) and gave one spurious citation-number violation per reference.
    yaml_file = SMALL
    if source == "bad":
        yaml_file = tmp_path / "bad.yaml"
        yaml_file.write_text(BAD, encoding="utf-8")
    runner = CliRunner()
    imported, loaded, nt = tmp_path / "imported", tmp_path / "loaded", tmp_path / "import.nt"
    done = runner.invoke(
        main, ["import", "drugmechdb", str(yaml_file), "--store", str(imported), "-o", str(nt)]
    )
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        main, ["load", *map(str, default_paths()), str(nt), "--store", str(loaded)]
    )
    assert done.exit_code == 0, done.output
    via_import = _store_results(runner, imported, tmp_path / "import.json")
    via_load = _store_results(runner, loaded, tmp_path / "load.json")
    assert via_import == via_load
    assert not [r for r in via_import if "citation" in str(r["path"]) + str(r["shape_label"])]
    # The three curated entries conform; the broken ones break the identity shapes only.
    shapes = {r["source_shape"] for r in via_import}
    assert shapes == (
        set() if source == "small" else {"pkgsh:IdentifiedEntityShape", "pkgsh:EntityLabel"}
    )


# ------------------------------------------------------------------------- mapping table


def test_the_mapping_table_and_the_terms_agree() -> None:
    mapping = read_mapping()  # raises if a row names an undeclared term
    terms = Graph().parse(terms_file(), format="turtle")
    ontology = Graph().parse(pharmakg.resources.ontology_file(), format="turtle")
    both = terms + ontology
    biolink = json.loads((Path(__file__).parent / "data" / "biolink-4.4.4.json").read_text())
    shapes = Graph().parse(pharmakg.resources.shapes_file(), format="turtle")
    for row in mapping.rows:
        if row.kind == "scheme":
            # Biolink's id_prefixes for the type, and the alternatives of the shape's pattern.
            prefixes = (row.target or "").split()
            assert prefixes == biolink["categories"][row.external]["id_prefixes"], row
            patterns = {str(p) for p in shapes.objects(None, SH.pattern)}
            assert "^(" + "|".join(p.replace(".", "\\.") for p in prefixes) + "):" in patterns
            continue
        if row.kind == "prefix":
            assert row.target is None or row.target in vocab.prefix_map().entries, row
            assert row.target is not None or row.match == "unmapped", row
            continue
        assert row.target is not None, row
        iri = URIRef(PKG + row.target.removeprefix("pkg:"))
        assert (iri, vocab.RDFS.label, None) in both, row
        assert (iri, vocab.SKOS.definition, None) in both, row
        assert row.provenance, row
    curated = {
        str(s) for s in terms.subjects(vocab.RDFS.subPropertyOf, URIRef(PKG + "curatedRelation"))
    }
    assert curated == set(mapping.predicates.values())


# ------------------------------------------------------------------------- across sources


def _subset(entries: list[dict[str, Any]], tmp: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The imiquimod entries and every entry that shares a node (not a disease) with them."""
    ours = [e for e in entries if e["graph"].get("drugbank") == IMIQUIMOD_DRUGBANK]
    shared = {n["id"] for e in ours for n in e["nodes"] if n["id"] != e["graph"]["disease_mesh"]}
    chosen = [e for e in entries if shared & {n["id"] for n in e["nodes"]}]
    path = tmp / "subset.yaml"
    path.write_text(yaml.safe_dump(chosen, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, chosen


@pytest.fixture(scope="module")
def across(
    entries: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[pharmakg.KnowledgeGraph, list[dict[str, Any]], Path]:
    tmp = tmp_path_factory.mktemp("across")
    path, chosen = _subset(entries, tmp)
    result = pharmakg.import_drugmechdb(path)
    out = result.write(tmp / "subset.nt")
    return pharmakg.load(*default_paths(), out), chosen, path


def _rows(result: pharmakg.QueryResult, *columns: str) -> set[tuple[str, ...]]:
    index = [result.variables.index(c) for c in columns]
    return {tuple(str(row[i]) for i in index) for row in result.rows}


@slow
def test_cross_check_sets_the_three_imiquimod_entries_beside_the_monograph(
    across: tuple[pharmakg.KnowledgeGraph, list[dict[str, Any]], Path],
) -> None:
    kg, chosen, _ = across
    result = kg.query("cross-check", drug="imiquimod")
    rows = _rows(result, "entityId", "dmdbId", "agreement", "entries")
    ours = [e for e in chosen if e["graph"].get("drugbank") == IMIQUIMOD_DRUGBANK]
    # The same entity in both: the target and actinic keratosis (MONDO ↔ its MeSH xref).
    assert ("UniProtKB:Q9NYK1", "UniProt:Q9NYK1", "both", "3") in rows
    assert ("MONDO:0005173", "MESH:D055623", "both", "1") in rows
    # Only close: the monograph's antiviral effect is close to GO "defense response to virus",
    # and its "external genital and perianal warts" to MeSH condylomata acuminata.
    close = _rows(result, "entityLabel", "dmdbId", "agreement", "closeTo")
    assert ("defense response to virus", "GO:0051607", "close match", "antiviral effect") in close
    assert ("antiviral effect", "None", "close match", "defense response to virus") in close
    warts = [r for r in close if r[0] == "external genital and perianal warts"]
    assert [r[2] for r in warts] == ["close match"]
    assert ("GO:0051607", "GO:0051607", "close match", "3") in rows
    # Every DrugMechDB node of the three entries (but the drug) is on a row, with its count.
    counts = collections.Counter(
        _clean(n["id"]) for e in ours for n in e["nodes"] if n["label"] != "Drug"
    )
    by_source_id = {row[1]: row for row in rows if row[3] != "0"}
    assert set(by_source_id) == set(counts)
    for source_id, count in counts.items():
        assert by_source_id[source_id][3] == str(count)
    assert ("MESH:D014860", "MESH:D014860", "DrugMechDB only", "1") in rows  # verruca
    assert ("MONDO:0002954", "None", "monograph only", "0") in rows  # superficial BCC


@slow
def test_shared_mechanism_finds_the_drugs_through_each_entity(
    across: tuple[pharmakg.KnowledgeGraph, list[dict[str, Any]], Path],
) -> None:
    kg, chosen, _ = across
    result = kg.query("shared-mechanism", drug="imiquimod")
    ours = [e for e in chosen if e["graph"].get("drugbank") == IMIQUIMOD_DRUGBANK]
    nodes = {n["id"] for e in ours for n in e["nodes"] if n["label"] != "Drug"} - {
        e["graph"]["disease_mesh"] for e in ours
    }
    expected = {
        e["graph"]["_id"]
        for e in chosen
        if e["graph"].get("drugbank") != IMIQUIMOD_DRUGBANK
        and nodes & ({n["id"] for n in e["nodes"]} - {e["graph"]["disease_mesh"]})
    }
    records = {str(r).removeprefix(PKR + "drugmechdb/") for r in result.column("record")}
    found = {r for r in records if not r.startswith("http") and "imiquimod" not in r}
    assert found - {e["graph"]["_id"] for e in ours} == expected
    targets = _rows(result, "role", "entityId", "otherRole")
    assert ("target", "UniProtKB:Q9NYK1", "target") in targets


@slow
def test_paths_to_a_disease_and_the_entries_of_a_drug(
    across: tuple[pharmakg.KnowledgeGraph, list[dict[str, Any]], Path],
) -> None:
    kg, chosen, _ = across
    warts = kg.query("disease-paths", disease="MESH:D003218")
    expected = {
        (e["graph"]["_id"], str(len({(x["source"], x["key"], x["target"]) for x in e["links"]})))
        for e in chosen
        if e["graph"]["disease_mesh"] == "MESH:D003218"
    }
    dmdb = {r[1:] for r in _rows(warts, "source", "recordId", "links") if r[0] == "DrugMechDB"}
    assert dmdb == expected
    # The monograph's warts are only close to condylomata acuminata, so this disease is
    # DrugMechDB's alone; actinic keratosis is the same disease in both sources.
    assert {r[0] for r in _rows(warts, "source")} == {"DrugMechDB"}
    keratosis = kg.query("disease-paths", disease="MESH:D055623")
    assert ("monograph", "FDA-approved") in _rows(keratosis, "source", "status")
    assert "DrugMechDB" in {r[0] for r in _rows(keratosis, "source")}
    entries = kg.query("drug-entries", drug="imiquimod")
    assert {r for r in _rows(entries, "source", "recordId") if r[0] == "DrugMechDB"} == {
        ("DrugMechDB", e["graph"]["_id"])
        for e in chosen
        if e["graph"].get("drugbank") == IMIQUIMOD_DRUGBANK
    }


# ------------------------------------------------------------------------- command line


@slow
def test_the_command_writes_rdf_and_a_report(
    across: tuple[pharmakg.KnowledgeGraph, list[dict[str, Any]], Path], tmp_path: Path
) -> None:
    _, chosen, subset = across
    out, report = tmp_path / "import.ttl", tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "pharmakg", "import", "drugmechdb", str(subset), "-o", str(out),
         "--report", str(report), "--store", str(tmp_path / "store")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"imported {len(chosen)} entries" in done.stderr
    assert json.loads(report.read_text())["entries"] == len(chosen)
    assert len(Graph().parse(out, format="turtle")) > 0
    stored = ox.Store(str(tmp_path / "store"))
    assert len(stored) > len(pharmakg.load())
    missing = subprocess.run(
        [sys.executable, "-m", "pharmakg", "import", "drugmechdb", str(tmp_path / "nope.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
    assert "nope.yaml" in missing.stderr


@slow
def test_kgx_names_drugmechdb_as_the_source_of_its_edges(
    across: tuple[pharmakg.KnowledgeGraph, list[dict[str, Any]], Path],
) -> None:
    kg, _, _ = across
    output = pharmakg.export(kg, "kgx", inferred=Graph())
    rows = {
        name: list(csv.DictReader(data.decode().splitlines(), delimiter="\t"))
        for name, data in output.files
    }
    curated = [e for e in rows["edges.tsv"] if e["pharmakg_basis"] == "curated"]
    assert curated
    assert {e["primary_knowledge_source"] for e in curated} == {"infores:drugmechdb"}
    assert {e["agent_type"] for e in curated} == {"manual_agent"}
    stated = [e for e in rows["edges.tsv"] if e["pharmakg_basis"] == "stated"]
    assert {e["primary_knowledge_source"] for e in stated} == {"infores:pharmakg"}
