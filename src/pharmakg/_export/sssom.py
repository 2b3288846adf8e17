"""The SSSOM mapping set (``pharmakg.sssom.tsv``): every mapping the graph states, with its kind.

Spec: https://mapping-commons.github.io/sssom/spec-model/ (SSSOM/TSV: a commented YAML header,
then one mapping per row).

The graph says how well a standard term fits an entity: ``pkg:id`` and ``pkg:xref`` are exact
identifiers, and ``skos:exactMatch`` / ``closeMatch`` / ``broadMatch`` / ``narrowMatch`` /
``relatedMatch`` name the kind of match. KGX's ``xref`` column keeps the exact ones only (tools
merge nodes on it), so this file is where the closest terms are published, each with its
predicate: ``pkg:id`` and ``pkg:xref`` become ``skos:exactMatch``, the SKOS matches stay as they
are, and the ontology's own mappings (its classes and properties to Biolink, RO, …) are listed
too. Every mapping is a curator's (``semapv:ManualMappingCuration``); the subject's
``skos:editorialNote`` that is about the mapping (it names the object, or, for a closest term,
the kind of match) is its ``comment``. A mapping whose object has no prefix in the one prefix map
cannot be written as a CURIE and is left out (the release docs name it).

The header carries the release's metadata: ``mapping_set_id`` under the release's base IRI, its
version, date and licence, and a ``curie_map`` of exactly the prefixes the rows use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

from .. import vocab
from ..vocab import PKG
from .dataset import DATASET, first_literal, sorted_nodes
from .release import Release, release_prefixes

__all__ = ["MAPPING_COLUMNS", "Mapping", "graph_mappings", "sssom"]

#: The file this format writes (``formats.py`` names it too).
FILE_NAME = "pharmakg.sssom.tsv"
#: Every mapping here is a curator's.
JUSTIFICATION = "semapv:ManualMappingCuration"
#: The prefixes of SSSOM's own vocabulary (https://w3id.org/semapv/vocab/ is its namespace).
_SSSOM_PREFIXES = {"semapv": "https://w3id.org/semapv/vocab/"}


def _kinds() -> dict[URIRef, URIRef]:
    """The graph's match kinds: an identifier property counts as an exact match.

    A function, so the closed namespace is read at first use, not at import.
    """
    return {
        PKG.id: SKOS.exactMatch,
        PKG.xref: SKOS.exactMatch,
        SKOS.exactMatch: SKOS.exactMatch,
        SKOS.closeMatch: SKOS.closeMatch,
        SKOS.broadMatch: SKOS.broadMatch,
        SKOS.narrowMatch: SKOS.narrowMatch,
        SKOS.relatedMatch: SKOS.relatedMatch,
    }


MAPPING_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
)


@dataclass(frozen=True, order=True)
class Mapping:
    """One mapping: CURIEs, labels and the curator's note about it."""

    subject_id: str
    predicate_id: str
    object_id: str
    subject_label: str = ""
    object_label: str = ""
    comment: str = ""


def _curie(term: Node) -> str | None:
    """A literal identifier as written, an IRI as its CURIE (``None``: no prefix in the map)."""
    if isinstance(term, Literal):
        return str(term)
    curie = vocab.shorten(str(term))
    return None if curie.startswith("<") else curie


def _label(graph: Graph, term: Node) -> str:
    labels = sorted(
        str(v)
        for v in graph.objects(term, RDFS.label)
        if isinstance(v, Literal) and v.language in (None, "en")
    )
    return labels[0] if labels else ""


def _comment(graph: Graph, subject: Node, kind: URIRef, object_id: str) -> str:
    """The subject's notes about this mapping: those naming the object, or its closest-term kind."""
    name = str(kind).rsplit("#", 1)[-1]  # closeMatch, broadMatch, …
    notes = sorted(str(n) for n in graph.objects(subject, SKOS.editorialNote))
    about = [n for n in notes if object_id in n]
    if not about and kind != SKOS.exactMatch:
        about = [n for n in notes if name in n]
    return " ".join(about)


def graph_mappings(graph: Graph) -> list[Mapping]:
    """Every mapping ``graph`` states whose object has a CURIE, sorted and without repeats."""
    found: set[Mapping] = set()
    for prop, kind in _kinds().items():
        for subject, target in graph.subject_objects(prop):
            subject_id, object_id = _curie(subject), _curie(target)
            if isinstance(subject, Literal) or subject_id is None or object_id is None:
                continue
            official = first_literal(graph, subject, PKG.officialLabel) if prop == PKG.id else None
            found.add(
                Mapping(
                    subject_id,
                    vocab.compress(str(kind)),
                    object_id,
                    _label(graph, subject),
                    official or _label(graph, target),
                    _comment(graph, subject, kind, object_id),
                )
            )
    # One row per (subject, predicate, object): pkg:id and skos:exactMatch may say it twice.
    unique = {(m.subject_id, m.predicate_id, m.object_id): m for m in sorted(found)}
    return list(unique.values())


def _header(release: Release, mappings: Iterable[Mapping]) -> str:
    prefixes = {"skos"} | {
        m_id.split(":", 1)[0]
        for m in mappings
        for m_id in (m.subject_id, m.predicate_id, m.object_id)
    }
    known = {**release_prefixes(release.base_iri), **_SSSOM_PREFIXES}
    prefixes.add(JUSTIFICATION.split(":", 1)[0])
    licences = sorted_nodes(release.description.objects(DATASET, DCTERMS.license))
    metadata: dict[str, object] = {
        "curie_map": {p: known[p] for p in sorted(prefixes)},
        "mapping_set_id": release.rebase_iri(str(release.canonical_iri(FILE_NAME))),
        "mapping_set_title": "pharmakg: each entity's standard terms and how well they fit",
        "mapping_set_version": release.version,
        "publication_date": release.created.isoformat(),
    }
    if licences:  # SSSOM requires a licence; the release has one when its ontology names it
        metadata["license"] = str(licences[0])
    text = yaml.safe_dump(metadata, sort_keys=True, allow_unicode=True, width=1000)
    return "".join(f"# {line}\n" for line in text.splitlines())


def _rows(mappings: Iterable[Mapping]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(MAPPING_COLUMNS)
    for m in mappings:
        values = {
            "subject_id": m.subject_id,
            "subject_label": m.subject_label,
            "predicate_id": m.predicate_id,
            "object_id": m.object_id,
            "object_label": m.object_label,
            "mapping_justification": JUSTIFICATION,
            "comment": m.comment,
        }
        writer.writerow([" ".join(values[c].split()) for c in MAPPING_COLUMNS])
    return buffer.getvalue()


def sssom(release: Release) -> dict[str, str]:
    """``pharmakg.sssom.tsv``: the release's mappings as an SSSOM/TSV mapping set."""
    mappings = graph_mappings(release.data())
    return {FILE_NAME: _header(release, mappings) + _rows(mappings)}
