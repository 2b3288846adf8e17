"""The entities of an import, once every entry is read: merged with the monograph, described.

A node merges with an entity of the monograph graph only where one of its identifiers (its id,
or the entry's DrugBank id for the drug) is exactly that entity's ``pkg:id`` or ``pkg:xref``:
TLR7 by ``UniProtKB:Q9NYK1``, imiquimod by ``DRUGBANK:DB00724`` (DrugMechDB's ``MESH:C056493``
is an outdated supplementary record). A merged entity keeps the monograph's types and label;
the import adds only its DrugMechDB id (``pkg:sourceIdentifier``), names (``skos:altLabel``)
and Biolink categories.
"""

from __future__ import annotations

import collections

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from ... import vocab
from .identifiers import Entity
from .report import ProblemKind, Problems
from .table import Mapping
from .terms import DRUGMECHDB, PKG, RDF_TYPE, RDFS_LABEL, SKOS_ALT, SKOS_EXACT, pkg_terms


def identifier_index(graph: Graph) -> dict[str, str]:
    """Every ``pkg:id``/``pkg:xref`` CURIE of ``graph`` → its entity's IRI (unique ones only)."""
    found: dict[str, set[str]] = collections.defaultdict(set)
    for predicate in (vocab.PKG_ID, vocab.PKG_XREF):
        for subject, value in graph.subject_objects(predicate):
            if isinstance(value, Literal) and isinstance(subject, URIRef):
                found[str(value)].add(str(subject))
    return {curie: next(iter(iris)) for curie, iris in found.items() if len(iris) == 1}


def merge(
    entities: dict[str, Entity], index: dict[str, str], problems: Problems
) -> dict[ox.NamedNode, ox.NamedNode]:
    """Give each entity one identifier of ``index`` names its monograph IRI.

    :returns: each merged entity's own IRI → its monograph IRI.
    """
    renamed: dict[ox.NamedNode, ox.NamedNode] = {}
    for ent in entities.values():
        ids = {ent.curie, *ent.xrefs} - {None}
        matches = {index[i] for i in ids if i in index}
        if len(matches) == 1:
            merged = ox.NamedNode(matches.pop())
            renamed[ent.node] = merged
            ent.node, ent.merged = merged, True
        elif matches:
            problems.add(
                ProblemKind.AMBIGUOUS_MERGE, ent.raw, "matches " + ", ".join(sorted(matches))
            )
    return renamed


def merged_pairs(entities: dict[str, Entity]) -> list[tuple[str, str]]:
    """``(DrugMechDB CURIE or id, monograph IRI)`` of each merged entity, sorted."""
    return sorted((ent.curie or ent.raw, ent.node.value) for ent in entities.values() if ent.merged)


class EntityDescriber:
    """The triples that describe each entity: identity, names, categories (and problems)."""

    def __init__(self, mapping: Mapping, problems: Problems) -> None:
        self.mapping = mapping
        self.problems = problems
        self.t = pkg_terms()

    def triples(self, entities: dict[str, Entity]) -> list[ox.Triple]:
        """Every entity's triples, in the order the entities were first seen."""
        out: list[ox.Triple] = []
        for ent in entities.values():
            e = ent.node
            names = self._names_of(ent)
            out.append(ox.Triple(e, self.t.sourceIdentifier, ox.Literal(ent.raw)))
            labels = set(ent.labels)
            labels |= {"Drug"} if "drug" in ent.roles else set()
            labels |= {"Disease"} if "disease" in ent.roles else set()
            biolink = self.mapping.biolink
            out += [
                ox.Triple(e, self.t.biolinkCategory, ox.NamedNode(biolink[x]))
                for x in sorted(labels & set(biolink))
            ]
            alt = set(ent.alt_names) | set(names[1:])
            if ent.merged:
                alt |= set(names[:1])
            else:
                out += self._own_triples(ent, names, labels)
            for name in sorted(alt - set(names[:1] if not ent.merged else [])):
                out.append(ox.Triple(e, SKOS_ALT, ox.Literal(name)))
        return out

    def _own_triples(self, ent: Entity, names: list[str], labels: set[str]) -> list[ox.Triple]:
        """What an entity the monograph does not have gets: label, identity, types."""
        e, t = ent.node, self.t
        out = [ox.Triple(e, RDFS_LABEL, ox.Literal(names[0]))] if names else []
        if ent.curie is not None:
            out.append(ox.Triple(e, t.id, ox.Literal(ent.curie)))
            # The identifier's IRI, so that a monograph entity's close or broad match
            # to the same term can be seen beside it (the cross-check query).
            exact = self._identifier_iri(ent)
            out += [ox.Triple(e, SKOS_EXACT, exact)] if exact is not None else []
        out += [ox.Triple(e, t.xref, ox.Literal(x)) for x in sorted(ent.xrefs - {ent.curie})]
        out.append(ox.Triple(e, t.identifierSource, DRUGMECHDB))
        classes = {cls for label in labels if (cls := self.mapping.categories.get(label))}
        self._check_schemes(ent, labels)
        out += [
            ox.Triple(e, RDF_TYPE, ox.NamedNode(c))
            for c in sorted(classes or {PKG + "BiomedicalEntity"})
        ]
        return out

    def _identifier_iri(self, ent: Entity) -> ox.NamedNode | None:
        """The IRI of the entity's CURIE; None (reported) where the expansion is no valid IRI."""
        try:
            return ox.NamedNode(str(vocab.expand_curie(ent.curie or "")))
        except ValueError as error:
            # A prefix pattern loose enough to let through what no IRI may hold (a space, "<").
            self.problems.add(ProblemKind.MALFORMED_ID, ent.raw, f"no IRI: {error}")
            return None

    def _check_schemes(self, ent: Entity, labels: set[str]) -> None:
        """An id whose prefix its type does not take (the table's ``scheme`` rows) is a problem."""
        prefix = (ent.curie or "").partition(":")[0]
        for label in sorted(labels):
            allowed = self.mapping.schemes.get(label)
            if prefix and allowed is not None and prefix not in allowed:
                self.problems.add(
                    ProblemKind.SCHEME_OUTSIDE_TYPE,
                    ent.raw,
                    f"a {label} identified by {prefix}; Biolink's {label} takes "
                    + ", ".join(sorted(allowed, key=str.casefold)),
                )

    def _names_of(self, ent: Entity) -> list[str]:
        """The entity's names, most used first; several names or categories are problems."""
        names = [n for n, _ in sorted(ent.names.items(), key=lambda kv: (-kv[1], kv[0]))]
        if len(names) > 1:
            self.problems.add(ProblemKind.SEVERAL_NAMES, ent.raw, " | ".join(names))
        if len(ent.labels) > 1:
            self.problems.add(
                ProblemKind.SEVERAL_CATEGORIES, ent.raw, ", ".join(sorted(ent.labels))
            )
        return names
