"""The RDF terms an import writes, as pyoxigraph terms.

pharmakg's own terms are checked against ``ontology/pharmakg.ttl`` and ``ontology/drugmechdb.ttl``
(:func:`term`), so a typo fails; the standard vocabularies' terms are constants.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ... import resources, vocab
from ...errors import InputError, UnknownTermError

PKG = vocab.PKG_URI
PKR = vocab.PKR_URI
BIOLINK = "https://w3id.org/biolink/vocab/"
DCT = "http://purl.org/dc/terms/"

#: The IRI of DrugMechDB as a source in pharmakg graphs.
DRUGMECHDB_IRI = PKR + "source-drugmechdb"
DRUGMECHDB = ox.NamedNode(DRUGMECHDB_IRI)
#: Where a curated path's IRI and an imported entity's own IRI start.
PATH_BASE = PKR + "drugmechdb/"
ENTITY_BASE = PKR + "id/"

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
SKOS_EXACT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
OWL_VERSION = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
XSD_ANYURI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
DCT_REFERENCES = ox.NamedNode(DCT + "references")


def terms_file() -> Path:
    """``ontology/drugmechdb.ttl``: the terms an import uses beyond ``ontology/pharmakg.ttl``."""
    path = resources.data_root() / "ontology" / "drugmechdb.ttl"
    if not path.is_file():
        raise InputError(f"the curated-import terms are missing: {path}", file=path)
    return path


@functools.cache
def declared_terms() -> frozenset[str]:
    """Local names of every pkg: term ontology/pharmakg.ttl or ontology/drugmechdb.ttl declares."""
    graph = Graph()
    graph.parse(resources.ontology_file(), format="turtle")
    graph.parse(terms_file(), format="turtle")
    return frozenset(
        str(s)[len(PKG) :]
        for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(PKG) and len(str(s)) > len(PKG)
    )


def term(name: str) -> ox.NamedNode:
    """The pkg: term ``name``, checked against both ontology files (a typo fails).

    :raises UnknownTermError: neither file declares it.
    """
    if name not in declared_terms():
        raise UnknownTermError(f"pkg:{name} is not declared in the ontology", term=name)
    return ox.NamedNode(PKG + name)


@dataclasses.dataclass(frozen=True)
class Terms:
    """The pkg: terms an import writes (:func:`pkg_terms` checks each once)."""

    Claim: ox.NamedNode
    CuratedPath: ox.NamedNode
    CuratedDatabase: ox.NamedNode
    CuratedDatabaseBasis: ox.NamedNode
    BiomedicalEntity: ox.NamedNode
    basis: ox.NamedNode
    claimSubject: ox.NamedNode
    claimPredicate: ox.NamedNode
    claimObject: ox.NamedNode
    fromPath: ox.NamedNode
    inDatabase: ox.NamedNode
    pathDrug: ox.NamedNode
    pathDisease: ox.NamedNode
    pathNode: ox.NamedNode
    recordId: ox.NamedNode
    drugName: ox.NamedNode
    diseaseName: ox.NamedNode
    sourceIdentifier: ox.NamedNode
    sourcePredicate: ox.NamedNode
    id: ox.NamedNode
    xref: ox.NamedNode
    biolinkCategory: ox.NamedNode
    identifierSource: ox.NamedNode
    curatedRelation: ox.NamedNode
    sha256: ox.NamedNode
    sourceFile: ox.NamedNode


@functools.cache
def pkg_terms() -> Terms:
    """Every :class:`Terms` field as its pkg: term, each checked against the ontology files."""
    return Terms(**{f.name: term(f.name) for f in dataclasses.fields(Terms)})
