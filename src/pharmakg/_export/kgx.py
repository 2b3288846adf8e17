"""KGX TSV (``nodes.tsv``, ``edges.tsv``) for Translator and KG-Hub, in Biolink Model terms.

One node per entity with a ``pkg:id`` or on an edge; one edge per plain triple between two
nodes, with its claims' quoted words, publications and provenance. Categories and predicates
come from the ontology's SKOS mappings to Biolink; ``tests/test_export.py`` checks them against
the Biolink Model 4.4.4 lists.

What an edge says follows what its source says:

* a node's ``id`` is its standard identifier only on an exact match (``pkg:id``); otherwise it
  is our own ``pkr:`` CURIE; ``xref`` holds exact matches only, since tools merge nodes on it:
  closest terms (``skos:closeMatch``, …) are in the SSSOM set (:mod:`pharmakg._export.sssom`);
* ``knowledge_level`` and ``agent_type`` come from each edge's basis and from the nature of its
  source: a statement of an AI-generated page pending human review is an ``automated_agent``'s
  assertion, a curator's interpretation a ``manual_agent``'s, a reasoner's inference a
  ``logical_entailment``;
* ``publications`` are the DOIs and PMIDs of the cited references (never our own IRIs);
* negative statements are ``negated`` edges with the property's most specific predicate, their
  condition among the qualifiers;
* ``primary_knowledge_source`` is the source that asserted the fact; pharmakg is the
  ``aggregator_knowledge_source`` when it only relays it (a DrugMechDB path, a UniProtKB record);
* a mechanism limitation is an ``associated_with_response_to`` edge from what it concerns to the
  drug; pharmacokinetics, dosing and the other considerations have no Biolink 4.4.4 home;
* ``treats`` edges carry the indication's ``clinical_approval_status`` and the publications of
  the statement behind it;
* ``pharmakg_basis`` and ``pharmakg_qualifiers`` (our own columns) say which basis backs the
  edge (``stated``, ``interpreted``, ``curated``, ``inferred``, or ``asserted`` for a curator's
  structural link that no claim backs) and what the statement qualifies it with (site,
  condition, "particularly", …).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from .. import vocab
from ..vocab import PKG, PKR_URI
from .dataset import first_literal, sorted_nodes
from .release import Release, triple_key

__all__ = [
    "BIOLINK",
    "BiolinkPredicate",
    "EDGE_COLUMNS",
    "INFORES",
    "NODE_COLUMNS",
    "affects_qualifiers",
    "biolink_category",
    "biolink_predicate",
    "kgx",
]

#: The Biolink namespace.
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
#: The KGX knowledge source that names pharmakg.
INFORES = "infores:pharmakg"
#: The information resource of an external source, by the start of its ``dcterms:source`` URL
#: (each checked in the Biolink information resource registry, ``infores_catalog.yaml``).
_INFORES_BY_URL = {
    "https://www.uniprot.org/": "infores:uniprot",
    "https://github.com/geneontology/go-ontology": "infores:go",
    "https://github.com/obophenotype/cell-ontology": "infores:cl",
}
#: Biolink 4.4.4 predicates by their ``exact_mappings`` to OBO relations (``biolink-model.yaml``),
#: for a property whose only mapping is to RO or BFO.
_BIOLINK_BY_OBO = {
    "http://purl.obolibrary.org/obo/BFO_0000050": "part_of",
    "http://purl.obolibrary.org/obo/RO_0000057": "has_participant",
    "http://purl.obolibrary.org/obo/RO_0002206": "expressed_in",
    "http://purl.obolibrary.org/obo/RO_0002215": "capable_of",
    "http://purl.obolibrary.org/obo/RO_0002351": "has_member",
    "http://purl.obolibrary.org/obo/RO_0002436": "directly_physically_interacts_with",
    "http://purl.obolibrary.org/obo/RO_0002448": "regulates",
    "http://purl.obolibrary.org/obo/RO_0002610": "correlated_with",
}

_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)


def _mapped(graph: Graph, term: Node, kinds: tuple[URIRef, ...]) -> list[URIRef]:
    """The Biolink terms ``term`` maps to by the first of ``kinds`` that has any."""
    for kind in kinds:
        found = sorted(
            o
            for o in graph.objects(term, kind)
            if isinstance(o, URIRef) and str(o).startswith(str(BIOLINK))
        )
        if found:
            return found
    return []


def biolink_category(graph: Graph, entity: Node) -> URIRef:
    """The Biolink category of ``entity``.

    Its ``pkg:biolinkCategory``, else the first skos exact/close/broad Biolink match of its
    class or of the nearest superclass that has one, else ``biolink:NamedThing``.
    """
    own = sorted_nodes(graph.objects(entity, PKG.biolinkCategory))
    if own:
        return URIRef(str(own[0]))
    for cls in sorted_nodes(graph.objects(entity, RDF.type)):
        for ancestor in graph.transitive_objects(cls, RDFS.subClassOf):
            found = _mapped(graph, ancestor, _MATCHES) if ancestor is not None else []
            if found:
                return found[0]
    return BIOLINK.NamedThing


@dataclass(frozen=True)
class BiolinkPredicate:
    """A Biolink predicate with the qualifiers an edge carries."""

    predicate: str
    qualified_predicate: str = ""
    object_aspect_qualifier: str = ""
    object_direction_qualifier: str = ""


@functools.cache
def affects_qualifiers() -> dict[URIRef, tuple[str, str, str]]:
    """Qualifiers for pharmakg properties that the ontology maps to ``biolink:affects``.

    Properties not listed (``actsOn``, ``hasTherapeuticEffect``) stay unqualified: the
    monograph does not say which aspect changes, or in which direction. Keyed by the
    closed namespace's terms, so a typo fails.
    """
    return {
        PKG.activates: ("biolink:causes", "activity", "increased"),
        PKG.agonistOf: ("biolink:causes", "activity", "increased"),
        PKG.inhibits: ("biolink:causes", "activity", "decreased"),
        PKG.antagonistOf: ("biolink:causes", "activity", "decreased"),
        PKG.inducesProductionOf: ("biolink:causes", "synthesis", "increased"),
        PKG.decreasesAmountOf: ("biolink:causes", "abundance", "decreased"),
        PKG.positivelyRegulates: ("biolink:causes", "", "increased"),
        PKG.negativelyRegulates: ("biolink:causes", "", "decreased"),
        PKG.leadsTo: ("biolink:causes", "", "increased"),
    }


def _via_obo(graph: Graph, prop: Node) -> str | None:
    """The Biolink predicate that is the RO/BFO relation ``prop`` exactly or closely matches."""
    for kind in (SKOS.exactMatch, SKOS.closeMatch):
        for relation in sorted_nodes(graph.objects(prop, kind)):
            if str(relation) in _BIOLINK_BY_OBO:
                return _BIOLINK_BY_OBO[str(relation)]
    return None


def biolink_predicate(graph: Graph, prop: Node) -> BiolinkPredicate:
    """The Biolink predicate of a pharmakg property.

    The first skos exact/close/broad Biolink match of the property or of its nearest
    super-property, else the Biolink predicate that is exactly the RO/BFO relation it matches
    (``hasDirectActivity`` ≈ RO "capable of" = ``biolink:capable_of``), else
    ``biolink:related_to``; with :func:`affects_qualifiers` when that is ``biolink:affects``.
    """
    predicate = "biolink:related_to"
    for ancestor in graph.transitive_objects(prop, RDFS.subPropertyOf):
        found = _mapped(graph, ancestor, _MATCHES) if ancestor is not None else []
        obo = _via_obo(graph, ancestor) if ancestor is not None and not found else None
        if found or obo:
            predicate = "biolink:" + (obo or str(found[0])[len(str(BIOLINK)) :])
            break
    qualifiers = affects_qualifiers()
    if predicate == "biolink:affects" and prop in qualifiers:
        return BiolinkPredicate(predicate, *qualifiers[prop])  # type: ignore[index]
    return BiolinkPredicate(predicate)


NODE_COLUMNS = ("id", "category", "name", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "negated",
    "qualified_predicate",
    "object_aspect_qualifier",
    "object_direction_qualifier",
    "clinical_approval_status",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "aggregator_knowledge_source",
    "publications",
    "original_predicate",
    "supporting_text",
    "pharmakg_basis",
    "pharmakg_qualifiers",
)
#: Our own edge columns (KGX keeps extra columns); every other column is a Biolink slot.
OWN_EDGE_COLUMNS = ("pharmakg_basis", "pharmakg_qualifiers")
#: Properties the ontology says are read from the subject's pkg:identifierSource (by local name:
#: the closed namespace is checked at first use, not at import).
_READ_FROM_IDENTIFIER_SOURCE = ("initiates",)


def _approval_statuses() -> dict[URIRef, str]:
    """Biolink's ClinicalApprovalStatusEnum value of each approval status of ours."""
    return {PKG.FDAApproved: "fda_approved_for_condition", PKG.OffLabel: "off_label_use"}


@dataclass(frozen=True)
class Provenance:
    """Where an edge's knowledge comes from, as KGX says it."""

    knowledge_level: str
    agent_type: str
    source: str
    basis: str
    aggregator: str = ""


def _tsv(columns: tuple[str, ...], rows: Iterable[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    # No quoting at all (KGX reads TSV unquoted); tabs and line ends in values become spaces.
    writer = csv.writer(
        buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None
    )
    writer.writerow(columns)
    for row in rows:
        writer.writerow([" ".join(row.get(c, "").split()) for c in columns])
    return buffer.getvalue()


def _candidates(graph: Graph) -> set[Node]:
    """Our entities (biomedical entities and mechanisms): the possible KGX nodes."""
    classes = {
        PKG.BiomedicalEntity,
        *graph.transitive_subjects(RDFS.subClassOf, PKG.BiomedicalEntity),
    }
    classes.add(PKG.MechanismOfAction)
    return {
        s for s, o in graph.subject_objects(RDF.type) if o in classes and str(s).startswith(PKR_URI)
    }


def _claims_by_triple(graph: Graph) -> dict[tuple[Node, Node, Node], list[Node]]:
    """The positive claims behind each plain triple."""
    found: dict[tuple[Node, Node, Node], list[Node]] = defaultdict(list)
    for claim in graph.subjects(PKG.claimSubject, None):
        if (claim, RDF.type, PKG.NegativeClaim) in graph:
            continue
        key = (
            graph.value(claim, PKG.claimSubject),
            graph.value(claim, PKG.claimPredicate),
            graph.value(claim, PKG.claimObject),
        )
        found[key].append(claim)  # type: ignore[index]
    return found


class _KgxWriter:
    """The rows of one release's KGX files (one instance per export)."""

    def __init__(self, release: Release) -> None:
        self.release = release
        # KGX carries the reasoner's edges too, marked knowledge_level=logical_entailment.
        self.graph = release.rdflib(*release.DATA_GRAPHS, "inferred")
        self.inferred = set(release.inferred)
        self.candidates = _candidates(self.graph)
        self.claims = _claims_by_triple(self.graph)
        self.object_properties = set(self.graph.subjects(RDF.type, OWL.ObjectProperty))
        self.qualifier_properties = set(
            self.graph.transitive_subjects(RDFS.subPropertyOf, PKG.qualifier)
        ) - {PKG.qualifier}
        # An inferred triple between two nodes that an asserted edge already joins only
        # restates that edge with a super-property: KGX gets the new links only.
        self.asserted_pairs = {
            (s, o)
            for s, p, o in self.graph
            if isinstance(o, URIRef) and (s, p, o) not in self.inferred
        }

    def node_id(self, node: Node) -> str:
        return first_literal(self.graph, node, PKG.id) or vocab.compress(str(node))

    def is_edge(self, triple: tuple[Node, Node, Node]) -> bool:
        s, p, o = triple
        if p not in self.object_properties or s not in self.candidates:
            return False
        if o not in self.candidates:
            return False
        return not (triple in self.inferred and (s, o) in self.asserted_pairs)

    # ------------------------------------------------------------ provenance

    def label(self, node: Node) -> str:
        return first_literal(self.graph, node, RDFS.label) or vocab.compress(str(node))

    def qualifiers(self, claims: list[Node]) -> list[str]:
        return sorted(
            {
                f"{self.label(p)}: {self.label(v)}"
                for claim in claims
                for p, v in self.graph.predicate_objects(claim)
                if p in self.qualifier_properties
            }
        )

    def publications(self, claims: list[Node]) -> list[str]:
        """The DOIs and PMIDs of the references the claims cite (none of our own IRIs)."""
        return [
            str(identifier)
            for claim in claims
            for reference in sorted_nodes(self.graph.objects(claim, PKG.citation))
            for identifier in sorted_nodes(self.graph.objects(reference, PKG.publicationId))
        ]

    def source_is_automated(self, claim: Node) -> bool:
        """Whether the claim's source was written by an automated agent and not reviewed."""
        for source in self.graph.objects(claim, PKG.statedIn):
            generated = (source, PKG.sourceNature, PKG.AIGenerated) in self.graph
            reviewed = (source, PKG.reviewStatus, PKG.HumanReviewed) in self.graph
            if generated and not reviewed:
                return True
        return False

    def relayed_source(self, triple: tuple[Node, Node, Node]) -> str | None:
        """The one information resource a structural link was read from, if the graph names it."""
        s, p, _ = triple
        found = {
            infores
            for source in self.graph.objects(s, PKG.identifierSource)
            for url in self.graph.objects(source, DCTERMS.source)
            for start, infores in _INFORES_BY_URL.items()
            if str(url).startswith(start)
            and p in {PKG.term(name) for name in _READ_FROM_IDENTIFIER_SOURCE}
        }
        return found.pop() if len(found) == 1 else None

    def provenance(self, triple: tuple[Node, Node, Node], claims: list[Node]) -> Provenance:
        if triple in self.inferred:
            return Provenance("logical_entailment", "automated_agent", INFORES, "inferred")
        if not claims:  # a curator's structural link (an entity's process, its pathway)
            relayed = self.relayed_source(triple)  # pharmakg relays what the record says
            if relayed is None:
                return Provenance("knowledge_assertion", "manual_agent", INFORES, "asserted")
            return Provenance("knowledge_assertion", "manual_agent", relayed, "asserted", INFORES)
        bases = {self.graph.value(c, PKG.basis) for c in claims}
        if PKG.StatedBasis in bases:
            automated = all(self.source_is_automated(c) for c in claims)
            agent = "automated_agent" if automated else "manual_agent"
            return Provenance("knowledge_assertion", agent, INFORES, "stated")
        if PKG.CuratedDatabaseBasis in bases:
            # claim → its curated path → the database → its infores identifier
            sources = sorted(
                str(identifier)
                for c in claims
                for path in self.graph.objects(c, PKG.fromPath)
                for database in self.graph.objects(path, PKG.inDatabase)
                for identifier in self.graph.objects(database, DCTERMS.identifier)
                if str(identifier).startswith("infores:")
            )
            if not sources:
                return Provenance("knowledge_assertion", "manual_agent", INFORES, "curated")
            return Provenance("knowledge_assertion", "manual_agent", sources[0], "curated", INFORES)
        return Provenance("knowledge_assertion", "manual_agent", INFORES, "interpreted")

    def indication(self, drug: Node, disease: Node) -> Node | None:
        """The pkg:Indication of ``drug`` for ``disease``, if the graph has one."""
        for indication in self.graph.subjects(PKG.indicationDisease, disease):
            if (indication, PKG.indicationDrug, drug) in self.graph:
                return indication
        return None

    # ------------------------------------------------------------ rows

    def edge(self, triple: tuple[Node, Node, Node]) -> dict[str, str]:
        s, p, o = triple
        claims = sorted_nodes(self.claims.get(triple, []))
        row = self.row(triple, claims, negated=False)
        indication = self.indication(s, o) if p == PKG.treats else None
        if indication is not None:
            statuses = _approval_statuses()
            status = self.graph.value(indication, PKG.approvalStatus)
            known = status if isinstance(status, URIRef) and status in statuses else None
            row["clinical_approval_status"] = statuses[known] if known else "not_provided"
            behind = sorted_nodes(self.graph.objects(indication, PKG.supportedBy))
            row["publications"] = "|".join(dict.fromkeys(self.publications(behind)))
            texts = {str(t) for c in behind for t in self.graph.objects(c, PKG.statementText)}
            row["supporting_text"] = "|".join(sorted(texts))
        return row

    def row(
        self, triple: tuple[Node, Node, Node], claims: list[Node], *, negated: bool
    ) -> dict[str, str]:
        s, p, o = triple
        mapped = biolink_predicate(self.graph, p)
        texts = {str(t) for c in claims for t in self.graph.objects(c, PKG.statementText)}
        provenance = self.provenance(triple, claims)
        digest = hashlib.sha256(" ".join(triple_key(triple)).encode()).hexdigest()[:16]
        return {
            "id": vocab.compress(str(claims[0])) if claims else f"pkr:edge-{digest}",
            "subject": self.node_id(s),
            "predicate": mapped.predicate,
            "object": self.node_id(o),
            "negated": "True" if negated else "",
            "qualified_predicate": mapped.qualified_predicate,
            "object_aspect_qualifier": mapped.object_aspect_qualifier,
            "object_direction_qualifier": mapped.object_direction_qualifier,
            "knowledge_level": provenance.knowledge_level,
            "agent_type": provenance.agent_type,
            "primary_knowledge_source": provenance.source,
            "aggregator_knowledge_source": provenance.aggregator,
            "publications": "|".join(dict.fromkeys(self.publications(claims))),
            "original_predicate": vocab.compress(str(p)),
            "supporting_text": "|".join(sorted(texts)),
            "pharmakg_basis": provenance.basis,
            "pharmakg_qualifiers": "|".join(self.qualifiers(claims)),
        }

    def negated_edges(self) -> list[tuple[tuple[Node, Node, Node], dict[str, str]]]:
        """One ``negated`` edge per negative statement, with its condition among the qualifiers."""
        out = []
        for claim in sorted_nodes(self.graph.subjects(RDF.type, PKG.NegativeClaim)):
            s = self.graph.value(claim, PKG.claimSubject)
            p = self.graph.value(claim, PKG.claimPredicate)
            o = self.graph.value(claim, PKG.claimObject)
            if s is None or p is None or o is None:
                continue
            out.append(((s, p, o), self.row((s, p, o), [claim], negated=True)))
        return out

    def limitation_edges(self) -> list[tuple[tuple[Node, Node, Node], dict[str, str]]]:
        """One ``associated_with_response_to`` edge per lesion a stated limitation concerns.

        "Less effective for hyperkeratotic lesions due to limited penetration": the lesion goes
        with a different response to the drug; the reason is a qualifier, the words the text.
        """
        out = []
        for claim in sorted_nodes(self.graph.subjects(PKG.claimPredicate, PKG.hasConsideration)):
            drug = self.graph.value(claim, PKG.claimSubject)
            limitation = self.graph.value(claim, PKG.claimObject)
            if drug is None or (limitation, RDF.type, PKG.Limitation) not in self.graph:
                continue
            for concerned in sorted_nodes(self.graph.objects(limitation, PKG.concerns)):
                triple: tuple[Node, Node, Node] = (concerned, PKG.hasConsideration, drug)
                row = self.row(triple, [claim], negated=False)
                row["predicate"] = "biolink:associated_with_response_to"
                reasons = [
                    f"{self.label(PKG.dueTo)}: {self.label(r)}"
                    for r in sorted_nodes(self.graph.objects(limitation, PKG.dueTo))
                ]
                row["pharmakg_qualifiers"] = "|".join(sorted([*self.qualifiers([claim]), *reasons]))
                out.append((triple, row))
        return out

    def node(self, node: Node) -> dict[str, str]:
        graph = self.graph
        labels = sorted(
            str(v)
            for v in graph.objects(node, RDFS.label)
            if isinstance(v, Literal) and v.language in (None, "en")
        )
        # Exact matches only: a closest term is not the entity (it is in the SSSOM mapping set).
        exact = [
            vocab.compress(str(m))
            for m in sorted_nodes(graph.objects(node, SKOS.exactMatch))
            if isinstance(m, URIRef) and not str(m).startswith(str(BIOLINK))
        ]
        xrefs = sorted({str(v) for v in graph.objects(node, PKG.xref)} | set(exact))
        return {
            "id": self.node_id(node),
            "category": vocab.compress(str(biolink_category(graph, node))),
            "name": labels[0] if labels else "",
            "synonym": "|".join(sorted(str(v) for v in graph.objects(node, SKOS.altLabel))),
            "xref": "|".join(xrefs),
            "iri": self.release.rebase_iri(str(node)),
            "provided_by": INFORES,
        }

    def files(self) -> dict[str, str]:
        triples = [t for t in sorted(self.graph, key=triple_key) if self.is_edge(t)]
        negated = [
            (t, row)
            for t, row in [*self.negated_edges(), *self.limitation_edges()]
            if t[0] in self.candidates and t[2] in self.candidates
        ]
        edges = [self.edge(t) for t in triples] + [row for _, row in negated]
        used = {n for s, _, o in [*triples, *(t for t, _ in negated)] for n in (s, o)}
        chosen = [n for n in self.candidates if n in used or (n, PKG.id, None) in self.graph]
        nodes = sorted((self.node(n) for n in chosen), key=lambda row: row["id"])
        return {"nodes.tsv": _tsv(NODE_COLUMNS, nodes), "edges.tsv": _tsv(EDGE_COLUMNS, edges)}


def kgx(release: Release) -> dict[str, str]:
    """``nodes.tsv`` and ``edges.tsv`` of ``release``."""
    return _KgxWriter(release).files()
