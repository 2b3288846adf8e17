"""The import: read the file, map every entry, merge with the monograph, serialise, report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .entities import EntityDescriber, identifier_index, merge, merged_pairs
from .mapping import EntryMapper
from .reader import Source, parse_entries, read_source
from .report import ImportReport
from .result import DrugMechDBImport
from .table import Mapping, read_mapping
from .terms import DCT, DRUGMECHDB, OWL_VERSION, RDF_TYPE, RDFS_LABEL, RDFS_SEE_ALSO, pkg_terms

_CITATION = (
    "Gonzalez-Cavazos, A. C. et al. (2023). DrugMechDB: a curated database of drug "
    "mechanisms. Scientific Data, 10(1), 632. https://doi.org/10.1038/s41597-023-02534-z"
)


def import_drugmechdb(
    path: str | Path,
    *,
    monograph: Graph | None = None,
    mapping: Mapping | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DrugMechDBImport:
    """Import DrugMechDB's ``indication_paths.yaml`` at ``path``.

    :param monograph: merge nodes into this graph's entities on an exact identifier match
        (``pkg:id`` or ``pkg:xref``); ``None``: merge nothing.
    :param mapping: the mapping table (default: the packaged ``ontology/drugmechdb-mapping.tsv``).
    :param progress: called as ``progress(entries_done, entries_total)`` after each batch.
    :raises InputError: the file cannot be read.
    :raises ParseError: the file is not YAML, or not a list of entries (file and line).
    """
    started = time.perf_counter()
    source = read_source(path)
    mapping = mapping or read_mapping()
    mapper = EntryMapper(mapping)
    for line, item in parse_entries(source, progress):
        mapper.add(line, item)
    entities = mapper.ids.entities
    index = identifier_index(monograph) if monograph is not None else {}
    renamed = merge(entities, index, mapper.problems)
    described = EntityDescriber(mapping, mapper.problems).triples(entities)
    # The entries were mapped before the merge knew its matches: point them at the merged IRIs.
    body = _renamed(mapper.triples, renamed) if renamed else mapper.triples
    # Each triple once (an entry may list a node twice; entries share their links), in order.
    triples = list(dict.fromkeys([*_source_triples(source), *described, *body]))
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    tally = mapper.tally
    report = ImportReport(
        file=str(source.file),
        sha256=source.sha256,
        version=source.version,
        entries=tally.entries,
        nodes=tally.nodes,
        links=tally.links,
        claims=tally.claims,
        duplicate_links=tally.duplicates,
        entities=len(entities),
        drugs=len(tally.drugs),
        diseases=len(tally.diseases),
        references=tally.references,
        categories=dict(tally.categories.most_common()),
        predicates=dict(tally.predicates.most_common()),
        prefixes=dict(tally.prefixes.most_common()),
        unmapped_categories=dict(tally.unmapped_categories.most_common()),
        unmapped_predicates=dict(tally.unmapped_predicates.most_common()),
        unmapped_prefixes=dict(tally.unmapped_prefixes.most_common()),
        merged=tuple(merged_pairs(entities)),
        problems=tuple(mapper.problems.found),
        triples=len(triples),
        seconds=time.perf_counter() - started,
    )
    return DrugMechDBImport(ntriples=ntriples, report=report)


def _renamed(
    triples: Iterable[ox.Triple], renamed: dict[ox.NamedNode, ox.NamedNode]
) -> list[ox.Triple]:
    """``triples`` with each subject or object that ``renamed`` names replaced."""
    out = []
    for triple in triples:
        subject, obj = triple.subject, triple.object
        new_s = renamed.get(subject, subject) if isinstance(subject, ox.NamedNode) else subject
        new_obj = renamed.get(obj, obj) if isinstance(obj, ox.NamedNode) else obj
        if new_s is subject and new_obj is obj:
            out.append(triple)
        else:
            out.append(ox.Triple(new_s, triple.predicate, new_obj))
    return out


def _source_triples(source: Source) -> list[ox.Triple]:
    """DrugMechDB as a source: its licence, citation, version and the digest of the file read."""
    t = pkg_terms()

    def dct(name: str) -> ox.NamedNode:
        return ox.NamedNode(DCT + name)

    said: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (RDF_TYPE, t.CuratedDatabase),
        (RDFS_LABEL, ox.Literal("DrugMechDB")),
        (dct("title"), ox.Literal("DrugMechDB: curated drug → disease mechanism paths")),
        (dct("identifier"), ox.Literal("infores:drugmechdb")),
        (dct("license"), ox.NamedNode("https://opensource.org/license/mit")),
        (dct("rights"), ox.Literal("MIT License, Copyright (c) 2019 Su Lab")),
        (dct("source"), ox.NamedNode("https://github.com/SuLab/DrugMechDB")),
        (dct("bibliographicCitation"), ox.Literal(_CITATION)),
        (RDFS_SEE_ALSO, ox.NamedNode("https://doi.org/10.5281/zenodo.8139357")),
        (OWL_VERSION, ox.Literal(source.version)),
        (t.sha256, ox.Literal(source.sha256)),
        (t.sourceFile, ox.Literal(source.file.name)),
    ]
    return [ox.Triple(DRUGMECHDB, predicate, value) for predicate, value in said]
