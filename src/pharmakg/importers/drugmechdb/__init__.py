"""Import DrugMechDB's curated drug → disease mechanism paths into pharmakg's ontology.

DrugMechDB (Su Lab, MIT licence) describes how a drug treats a disease as a small directed
multigraph: nodes typed with Biolink classes, links keyed by Biolink-style predicates. Its
``indication_paths.yaml`` is a YAML list of such entries. Every entry is imported; what the
source gets wrong is reported, never raised. The stages, one module each:

* :mod:`.reader` reads the file (its digest names the version) and cuts it into entries;
  :mod:`.entries` checks one entry and cleans its text.
* :mod:`.table` reads the one mapping table, ``ontology/drugmechdb-mapping.tsv``;
  :mod:`.terms` holds the RDF terms, pharmakg's checked against the ontology files.
* :mod:`.identifiers` normalises node ids through the one prefix map; :mod:`.mapping` maps
  each entry to triples (a ``pkg:CuratedPath``, and a plain triple and a ``pkg:Claim`` per
  distinct link); :mod:`.entities` merges nodes with the monograph on an exact identifier and
  describes the rest.
* :mod:`.importer` runs these; :mod:`.result` serialises the triples with pyoxigraph and loads
  them into a store as ``pharmakg load`` does; :mod:`.report` is the import report.
"""

from __future__ import annotations

from .importer import import_drugmechdb
from .report import ImportReport, ProblemKind, SourceProblem
from .result import DrugMechDBImport
from .table import Mapping, mapping_file, read_mapping
from .terms import DRUGMECHDB_IRI, terms_file

__all__ = [
    "DRUGMECHDB_IRI",
    "DrugMechDBImport",
    "ImportReport",
    "Mapping",
    "ProblemKind",
    "SourceProblem",
    "import_drugmechdb",
    "mapping_file",
    "read_mapping",
    "terms_file",
]
