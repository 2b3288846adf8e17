"""DrugMechDB entries to pharmakg triples, built as pyoxigraph terms.

Each entry is a ``pkg:CuratedPath`` (its ``_id``, drug, disease, names, references, comment)
``pkg:inDatabase`` DrugMechDB. Each distinct link of an entry is a plain triple, its key mapped
through the table, and a ``pkg:Claim`` (``pkg:basis pkg:CuratedDatabaseBasis``, ``pkg:fromPath``
its entry). What an entry gets wrong is a :class:`~.report.SourceProblem`, never an error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from .entries import Entry, Malformed, Roles, clean_id, clean_name, read_entry
from .identifiers import Entity, Identifiers
from .report import ProblemKind, Problems, Tally
from .table import Mapping
from .terms import (
    DCT_REFERENCES,
    DRUGMECHDB,
    PATH_BASE,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    XSD_ANYURI,
    pkg_terms,
)

#: A link as the file gives it: source id, key, target id (the unit of duplicates).
_Link = tuple[str, str, str]


class EntryMapper:
    """Maps entries, one at a time, to triples; keeps the entities they name for later."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.problems = Problems()
        self.ids = Identifiers(mapping, self.problems)
        self.tally = Tally()
        self.triples: list[ox.Triple] = []
        self.t = pkg_terms()
        self._predicates = {k: ox.NamedNode(v) for k, v in mapping.predicates.items() if v}

    def add(self, line: int, item: object) -> None:
        """Map one list item of the file (first line ``line``): an entry, or a problem."""
        entry = read_entry(line, item)
        if isinstance(entry, Malformed):
            self.problems.add(ProblemKind.MALFORMED_ENTRY, entry.term, entry.detail, None, line)
            return
        self.tally.entries += 1
        path = ox.NamedNode(PATH_BASE + quote(entry.id, safe="-._~"))
        self._path_triples(path, entry)
        roles = self._roles(entry)
        seen: dict[str, Entity] = {}
        drug: Entity | None = None
        for node in entry.nodes:
            found = self._add_node(node, roles, seen, path, entry)
            drug = found if found is not None else drug
        self._path_ends(path, drug, roles, seen, entry)
        done: set[_Link] = set()
        for number, link in enumerate(entry.links, 1):
            self._add_link(number, link, seen, done, path, entry)

    def _roles(self, entry: Entry) -> Roles:
        graph = entry.graph
        drug_ids = {clean_id(str(graph[k]))[0] for k in ("drugbank", "drug_mesh") if graph.get(k)}
        disease_id = clean_id(str(graph.get("disease_mesh", "")))[0]
        drugbank = graph.get("drugbank")
        drugbank_curie = (
            self.ids.normalise(clean_id(str(drugbank))[0], entry.id, entry.line)
            if drugbank
            else None
        )
        return Roles(frozenset(drug_ids), disease_id, drugbank_curie)

    def _path_triples(self, path: ox.NamedNode, entry: Entry) -> None:
        """The curated path's own triples: id, database, names, references, comment."""
        t = self.t
        drug_name, disease_name = entry.drug_name, entry.disease_name
        label = f"{drug_name} → {disease_name} (DrugMechDB {entry.id})"
        self.triples += [
            ox.Triple(path, RDF_TYPE, t.CuratedPath),
            ox.Triple(path, t.recordId, ox.Literal(entry.id)),
            ox.Triple(path, t.inDatabase, DRUGMECHDB),
            ox.Triple(path, RDFS_LABEL, ox.Literal(label)),
            ox.Triple(path, t.drugName, ox.Literal(drug_name)),
            ox.Triple(path, t.diseaseName, ox.Literal(disease_name)),
        ]
        for reference in entry.references:
            self.tally.references += 1
            value = ox.Literal(clean_name(reference), datatype=XSD_ANYURI)
            self.triples.append(ox.Triple(path, DCT_REFERENCES, value))
        if entry.comment is not None:
            self.triples.append(ox.Triple(path, RDFS_COMMENT, ox.Literal(entry.comment)))

    # -- nodes

    def _add_node(
        self,
        node: object,
        roles: Roles,
        seen: dict[str, Entity],
        path: ox.NamedNode,
        entry: Entry,
    ) -> Entity | None:
        """Read one node of an entry; return its entity when it is the entry's drug."""
        tally = self.tally
        tally.nodes += 1
        if not isinstance(node, dict) or "id" not in node:
            self.problems.add(
                ProblemKind.MALFORMED_ENTRY,
                str(node),
                "a node without an id",
                entry.id,
                entry.line,
            )
            return None
        ent = self.ids.entity(node["id"], entry.id, entry.line)
        label = str(node.get("label", ""))
        tally.categories[label] += 1
        prefix = ent.raw.partition(":")[0]
        tally.prefixes[prefix] += 1
        if ent.curie is None and self.ids.unmapped(prefix):
            tally.unmapped_prefixes[prefix] += 1
        if ent.raw in seen:
            self.problems.add(
                ProblemKind.DUPLICATE_NODE,
                ent.raw,
                "listed twice in one entry",
                entry.id,
                entry.line,
            )
        seen[ent.raw] = ent
        self._node_names(ent, node, entry)
        role = self._node_role(ent, label, roles, entry)
        if label and label not in self.mapping.categories:
            tally.unmapped_categories[label] += 1
        self.triples.append(ox.Triple(path, self.t.pathNode, ent.node))
        return ent if role == "drug" else None

    def _node_names(self, ent: Entity, node: dict[str, Any], entry: Entry) -> None:
        """A node's name, alternative names and alternative ids, on its entity."""
        if node.get("name") is not None:
            ent.names[clean_name(node["name"])] += 1
        for alt in node.get("alt_names") or ():
            ent.alt_names.add(clean_name(alt))
        for alt_id in node.get("alt_ids") or ():
            self.ids.add_alt_id(ent, alt_id, entry.id, entry.line)

    def _node_role(self, ent: Entity, label: str, roles: Roles, entry: Entry) -> str | None:
        """The node's role in the entry (drug, disease or none), its label checked against it."""
        role = roles.of(ent.raw)
        if (role == "drug" and label != "Drug") or (role == "disease" and label != "Disease"):
            self.problems.add(
                ProblemKind.SWAPPED_LABEL,
                ent.raw,
                f"the entry's {role} is labelled {label}",
                entry.id,
                entry.line,
            )
        elif label:
            ent.labels[label] += 1
        if role:
            ent.roles.add(role)
        if role == "drug" and roles.drugbank is not None and roles.drugbank != ent.curie:
            ent.xrefs.add(roles.drugbank)
        return role

    def _path_ends(
        self,
        path: ox.NamedNode,
        drug: Entity | None,
        roles: Roles,
        seen: dict[str, Entity],
        entry: Entry,
    ) -> None:
        """The path's drug and disease, or the problem that one of them is missing."""
        if drug is None:
            self.problems.add(
                ProblemKind.MISSING_DRUG_NODE,
                ", ".join(sorted(roles.drug_ids)) or "-",
                "no node has the entry's drug id",
                entry.id,
                entry.line,
            )
        else:
            self.tally.drugs.add(drug.raw)
            self.triples.append(ox.Triple(path, self.t.pathDrug, drug.node))
        if roles.disease in seen:
            self.tally.diseases.add(roles.disease)
            self.triples.append(ox.Triple(path, self.t.pathDisease, seen[roles.disease].node))
        else:
            self.problems.add(
                ProblemKind.DANGLING_LINK,
                roles.disease,
                "disease_mesh is no node of the entry",
                entry.id,
                entry.line,
            )

    # -- links

    def _add_link(
        self,
        number: int,
        link: object,
        seen: dict[str, Entity],
        done: set[_Link],
        path: ox.NamedNode,
        entry: Entry,
    ) -> None:
        """One link of an entry: a plain triple and a curated claim, or the problem with it."""
        self.tally.links += 1
        if not isinstance(link, dict) or not {"key", "source", "target"} <= link.keys():
            self.problems.add(
                ProblemKind.MALFORMED_ENTRY,
                str(link),
                "a link needs key, source and target",
                entry.id,
                entry.line,
            )
            return
        key = str(link["key"])
        self.tally.predicates[key] += 1
        source = self.ids.entity(link["source"], entry.id, entry.line)
        target = self.ids.entity(link["target"], entry.id, entry.line)
        self._link_problems(number, key, (source, target), seen, entry)
        triple = (source.raw, key, target.raw)
        if triple in done:
            self.tally.duplicates += 1
            self.problems.add(
                ProblemKind.DUPLICATE_LINK,
                f"{source.raw} {key} {target.raw}",
                f"link {number} repeats an earlier link",
                entry.id,
                entry.line,
            )
            return
        done.add(triple)
        claim = ox.NamedNode(f"{path.value}/link/{number}")
        self._claim_triples(claim, key, (source, target), path)

    def _link_problems(
        self,
        number: int,
        key: str,
        ends: tuple[Entity, Entity],
        seen: dict[str, Entity],
        entry: Entry,
    ) -> None:
        """Dangling ends and self-loops of one link, as problems."""
        source, target = ends
        for end in (source, target):
            if end.raw not in seen:
                self.problems.add(
                    ProblemKind.DANGLING_LINK,
                    end.raw,
                    f"link {number} ({key}) names no node of the entry",
                    entry.id,
                    entry.line,
                )
        if source is target:
            self.problems.add(
                ProblemKind.SELF_LOOP,
                f"{source.raw} {key} {target.raw}",
                "",
                entry.id,
                entry.line,
            )

    def _claim_triples(
        self,
        claim: ox.NamedNode,
        key: str,
        ends: tuple[Entity, Entity],
        path: ox.NamedNode,
    ) -> None:
        """The plain triple of a link and the curated claim behind it."""
        t = self.t
        predicate = self._predicates.get(key)
        if predicate is None:
            self.tally.unmapped_predicates[key] += 1
            predicate = t.curatedRelation
        self.tally.claims += 1
        subject, obj = ends[0].node, ends[1].node
        self.triples += [
            ox.Triple(subject, predicate, obj),
            ox.Triple(claim, RDF_TYPE, t.Claim),
            ox.Triple(claim, t.claimSubject, subject),
            ox.Triple(claim, t.claimPredicate, predicate),
            ox.Triple(claim, t.claimObject, obj),
            ox.Triple(claim, t.basis, t.CuratedDatabaseBasis),
            ox.Triple(claim, t.fromPath, path),
            ox.Triple(claim, t.inDatabase, DRUGMECHDB),
            ox.Triple(claim, t.sourcePredicate, ox.Literal(key)),
        ]
