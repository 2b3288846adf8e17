"""Stage: validate a graph against the SHACL shapes and the prefix map.

:func:`validate_graph` runs SHACL over *data + ontology* (their union, so ``sh:targetClass``
follows ``rdfs:subClassOf``), shapes from ``ontology/shapes.ttl`` or a user's file, SHACL-SPARQL
constraints on, no inference; then the project's own checks. The input graph is never changed.
Two engines give the same report (``tests/test_validate_engines.py`` holds them identical on
every fixture); ``engine="auto"`` (the default) picks ``fast`` above :data:`FAST_ABOVE` triples.

The modules of this package:

* :mod:`.stage`: :func:`validate_graph`, which puts the parts together;
* :mod:`.engines`: pyshacl and the fast engine (the ``shacl`` package), the choice between them;
* :mod:`.targets`: a shape's focus nodes read from the store (SHACL §2.1.3, SPARQL targets);
* :mod:`.sparql`: SHACL-SPARQL constraints run on the store (SHACL §5), and the SPARQL that
  shapes may not contain (SERVICE, what §5.2.1 forbids);
* :mod:`.prebinding`: what a constraint's SELECT contains, read from its parse tree (§5.2.1);
* :mod:`.shapes`: reading a shapes graph: deactivation, ``owl:imports``, ``sh:prefixes``, and
  what keeps a user's shapes off the fast path;
* :mod:`.report`: a SHACL report graph read as :class:`~pharmakg.model.ValidationResult` records;
* :mod:`.checks`: the checks beyond SHACL: the prefix map, CURIEs, ill-typed literals.
"""

from __future__ import annotations

from .checks import (
    KNOWN_CURIE,
    KNOWN_PREFIX,
    WELL_TYPED_LITERAL,
    IllTypedLiteralLog,
    check_curies,
    check_literals,
    check_prefix_declarations,
)
from .engines import ENGINES, FAST_ABOVE, MEMORY_COPY_LIMIT, choose_engine
from .shapes import fast_blockers
from .sparql import refuse_service_in_shapes, refuse_unsupported_sparql
from .stage import validate_graph

__all__ = [
    "ENGINES",
    "FAST_ABOVE",
    "IllTypedLiteralLog",
    "KNOWN_CURIE",
    "KNOWN_PREFIX",
    "MEMORY_COPY_LIMIT",
    "WELL_TYPED_LITERAL",
    "check_curies",
    "check_literals",
    "check_prefix_declarations",
    "choose_engine",
    "fast_blockers",
    "refuse_service_in_shapes",
    "refuse_unsupported_sparql",
    "validate_graph",
]
