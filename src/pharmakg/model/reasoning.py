"""What the reasoner found: consistency, the clashing individuals, the inferences."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from .. import vocab

__all__ = ["InconsistentIndividual", "ReasoningResult"]

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class InconsistentIndividual:
    """One individual of a minimal clash: its asserted classes and contradicted negations."""

    iri: URIRef
    label: str
    types: tuple[URIRef, ...] = ()
    negations: tuple[Triple, ...] = ()

    def to_text(self) -> str:
        """One line: the CURIE, the label and what it is asserted to be."""
        types = ", ".join(vocab.shorten(t) for t in self.types) or "no asserted class"
        text = f"{vocab.shorten(self.iri)} ({self.label}): asserted {types}"
        for _, p, o in self.negations:
            text += (
                f"; asserts {vocab.shorten(str(p))} {vocab.shorten(str(o))},"
                f" which a negative property assertion denies"
            )
        return text


@dataclass(frozen=True)
class ReasoningResult:
    """What HermiT found. ``graph`` holds the inferred triples only (never asserted ones)."""

    consistent: bool
    memberships: tuple[tuple[URIRef, URIRef], ...] = ()
    values: tuple[tuple[URIRef, URIRef, URIRef], ...] = ()
    offenders: tuple[InconsistentIndividual, ...] = ()
    graph: Graph = field(default_factory=Graph, compare=False)
    asserted_triples: int = 0
    seconds: float = 0.0

    @property
    def explanation(self) -> str:
        """Why the input is inconsistent (empty when it is consistent)."""
        if self.consistent:
            return ""
        if not self.offenders:
            return "the ontology itself is inconsistent"
        return "; ".join(o.to_text() for o in self.offenders)

    def to_text(self) -> str:
        """A report for people, CURIEs for IRIs."""
        if not self.consistent:
            lines = ["Inconsistent: these assertions cannot all hold together:"]
            lines += [f"  {o.to_text()}" for o in self.offenders] or [
                "  the ontology itself is inconsistent"
            ]
            return "\n".join(lines) + "\n"
        lines = [
            f"Consistent ({self.asserted_triples} asserted triples; "
            f"{len(self.graph)} inferred triples)",
            "",
            f"Inferred class memberships ({len(self.memberships)}):",
        ]
        lines += [f"  {vocab.shorten(i)}  a  {vocab.shorten(c)}" for i, c in self.memberships]
        lines += ["", f"Inferred property values ({len(self.values)}):"]
        lines += [
            f"  {vocab.shorten(s)}  {vocab.shorten(p)}  {vocab.shorten(o)}"
            for s, p, o in self.values
        ]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The same as JSON, with CURIEs."""
        body = {
            "consistent": self.consistent,
            "explanation": self.explanation,
            "offenders": [
                {
                    "individual": vocab.shorten(o.iri),
                    "label": o.label,
                    "types": [vocab.shorten(t) for t in o.types],
                    "negations": [[vocab.shorten(str(t)) for t in n] for n in o.negations],
                }
                for o in self.offenders
            ],
            "memberships": [
                {"individual": vocab.shorten(i), "class": vocab.shorten(c)}
                for i, c in self.memberships
            ],
            "values": [
                {
                    "subject": vocab.shorten(s),
                    "predicate": vocab.shorten(p),
                    "object": vocab.shorten(o),
                }
                for s, p, o in self.values
            ],
            "assertedTriples": self.asserted_triples,
            "inferredTriples": len(self.graph),
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
