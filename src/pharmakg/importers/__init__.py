"""Importers: third-party curated data mapped into pharmakg's ontology.

One package per source. Each reads the source file, maps it through a table in
``ontology/`` and returns a frozen result: the RDF (N-Triples bytes written by
pyoxigraph, which a store loads as ``pharmakg load`` does) and a typed report of what
was imported and of every problem found in the source, which never crashes the import.

* :mod:`pharmakg.importers.drugmechdb`: DrugMechDB's ``indication_paths.yaml``.
"""

from __future__ import annotations

from .drugmechdb import (
    DRUGMECHDB_IRI,
    DrugMechDBImport,
    ImportReport,
    Mapping,
    ProblemKind,
    SourceProblem,
    import_drugmechdb,
    read_mapping,
    terms_file,
)

__all__ = [
    "DRUGMECHDB_IRI",
    "DrugMechDBImport",
    "ImportReport",
    "Mapping",
    "ProblemKind",
    "SourceProblem",
    "import_drugmechdb",
    "read_mapping",
    "terms_file",
]
