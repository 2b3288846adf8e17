"""Regenerate ``ontology/prefixes.json``, pharmakg's one prefix map.

Run it with a Python that has ``bioregistry`` installed (a scratch venv outside
the repository; bioregistry is not a runtime dependency)::

    python3 -m venv /tmp/brvenv && /tmp/brvenv/bin/pip install bioregistry==0.15.6
    /tmp/brvenv/bin/python tools/make_prefixes.py

URI prefixes come from the Biolink Model prefix map (biolink/biolink-model,
``project/prefixmap/biolink_model_prefix_map.json`` @03914a7, copied below for
the prefixes pharmakg uses, including those DrugMechDB's ids need: KEGG, PFAM, REACT,
TIGRFAM and interpro); local-ID patterns come from Bioregistry.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import bioregistry  # type: ignore[import-not-found]

BIOREGISTRY_VERSION = importlib.metadata.version("bioregistry")
SYNONYM = re.compile(r"[A-Za-z][A-Za-z0-9._]*")

BIOLINK_SOURCE = "biolink-model@03914a7:project/prefixmap/biolink_model_prefix_map.json"

#: prefix -> URI prefix, copied verbatim from the Biolink map.
BIOLINK = {
    "BFO": "http://purl.obolibrary.org/obo/BFO_",
    "CAS": "http://identifiers.org/cas/",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "CHEMBL.COMPOUND": "http://identifiers.org/chembl.compound/",
    "CHEMBL.TARGET": "http://identifiers.org/chembl.target/",
    "CL": "http://purl.obolibrary.org/obo/CL_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "DRUGBANK": "http://identifiers.org/drugbank/",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "HGNC": "http://identifiers.org/hgnc/",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "IAO": "http://purl.obolibrary.org/obo/IAO_",
    "KEGG": "http://www.kegg.jp/entry/",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "NCBITaxon": "http://purl.obolibrary.org/obo/NCBITaxon_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "OMIM": "http://purl.obolibrary.org/obo/OMIM_",
    "PFAM": "http://identifiers.org/pfam/",
    "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
    "PR": "http://purl.obolibrary.org/obo/PR_",
    "PUBCHEM.COMPOUND": "http://identifiers.org/pubchem.compound/",
    "REACT": "http://www.reactome.org/PathwayBrowser/#/",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "TIGRFAM": "http://identifiers.org/tigrfam/",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "UMLS": "http://identifiers.org/umls/",
    "UNII": "http://identifiers.org/unii/",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "doi": "https://doi.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "interpro": "https://www.ebi.ac.uk/interpro/entry/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "orphanet": "http://www.orpha.net/ORDO/Orphanet_",
    "owl": "http://www.w3.org/2002/07/owl#",
    "pav": "http://purl.org/pav/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: Prefixes not in the Biolink map: (URI prefix, source).
OWN = {
    "pkg": ("https://w3id.org/pharmakg/ontology/", "pharmakg"),
    "pkr": ("https://w3id.org/pharmakg/resource/", "pharmakg"),
    "pkgsh": ("https://w3id.org/pharmakg/shapes/", "pharmakg"),
    # Biolink spells Dublin Core terms "dct"; pharmakg's data use "dcterms".
    "dcterms": ("http://purl.org/dc/terms/", "W3C/DCMI (Biolink spells it dct)"),
    "sh": ("http://www.w3.org/ns/shacl#", "W3C SHACL"),
    "unit": ("http://qudt.org/vocab/unit/", "QUDT"),
    # The release's dataset description (pharmakg.export).
    "dcat": ("http://www.w3.org/ns/dcat#", "W3C DCAT"),
    "void": ("http://rdfs.org/ns/void#", "W3C VoID"),
    "FPLX": ("https://sorgerlab.github.io/famplex/", "bioregistry:fplx (not in Biolink)"),
}

#: Prefixes whose local IDs are not checked (vocabularies, not identifier schemes).
NO_PATTERN = {
    "pkg",
    "pkr",
    "pkgsh",
    "dcterms",
    "sh",
    "unit",
    "dcat",
    "void",
    "owl",
    "rdf",
    "rdfs",
    "xsd",
    "skos",
    "prov",
    "pav",
    "foaf",
    "schema",
    "oboInOwl",
}


def main() -> None:
    """Write ontology/prefixes.json."""
    out: dict[str, dict[str, object]] = {}
    entries = {p: (u, BIOLINK_SOURCE) for p, u in BIOLINK.items()}
    entries.update(OWN)
    for prefix in sorted(entries, key=str.casefold):
        uri, source = entries[prefix]
        pattern = None
        pattern_source = None
        synonyms: list[str] = []
        if prefix not in NO_PATTERN:
            norm = bioregistry.normalize_prefix(prefix)
            if norm is not None:
                pattern = bioregistry.get_pattern(norm)
                pattern_source = f"bioregistry {BIOREGISTRY_VERSION}:{norm}"
                resource = bioregistry.get_resource(norm)
                names = {norm, *(resource.get_synonyms() or [])}
                if resource.get_preferred_prefix():
                    names.add(resource.get_preferred_prefix())
                synonyms = sorted(n for n in names if n != prefix and SYNONYM.fullmatch(n))
        out[prefix] = {
            "uri_prefix": uri,
            "source": source,
            "pattern": pattern,
            "pattern_source": pattern_source,
            "synonyms": synonyms,
        }
    path = Path(__file__).resolve().parents[1] / "ontology" / "prefixes.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} prefixes to {path}")


if __name__ == "__main__":
    main()
