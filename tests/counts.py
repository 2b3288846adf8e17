"""The counts the tests expect that are not derived in the test itself, each with its source.

Most tests derive their counts from the data (a query, the graph, the YAML of DrugMechDB). These
are the outputs of an engine that the data cannot be asked for without running it: each one is
stated once here, with where it comes from, so a change to the data shows up as one edit.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

PKG = "https://w3id.org/pharmakg/ontology/"

#: HermiT on the packaged ontology and graphs: 4 class memberships (imiquimod is a TLRAgonist
#: and an ImmuneResponseModifier; TLR7 a TollLikeReceptor; the GO pathway it initiates a
#: TollLikeReceptorSignalingPathway) and 75 property values (pkg:treats for each indication,
#: and the values of super-properties), as `pharmakg reason` prints and
#: docs/reasoning-and-paths.md shows.
INFERRED_MEMBERSHIPS = 4
INFERRED_VALUES = 75
INFERRED_TRIPLES = INFERRED_MEMBERSHIPS + INFERRED_VALUES


def indications(graph: Graph) -> set[URIRef]:
    """The diseases the graph's pkg:Indication records name (the drug's indications)."""
    return {
        disease
        for disease in graph.objects(None, URIRef(PKG + "indicationDisease"))
        if isinstance(disease, URIRef)
    }
