"""JSON-LD: the context, the compacted release, and one framed document per drug.

pyld never fetches anything: its document loader refuses every URL
(:class:`~pharmakg.errors.UnsafeInputError`), and the context is always inlined.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast
from urllib.parse import quote

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .. import resources, vocab
from ..errors import UnsafeInputError
from ..vocab import PKG, PKR_URI
from .canonical import OxTerm, Rebaser, sort_key
from .release import DEFAULT_BASE, Release, release_prefixes

__all__ = ["DRUG_FRAME", "compact_jsonld", "context_document", "dump", "framed", "jsonld_context"]


def _refuse_remote(url: str, options: Any = None) -> Any:
    raise UnsafeInputError(
        f"JSON-LD document loading refused ({url}); pharmakg never fetches remote documents",
        term=url,
    )


_JSONLD_OPTIONS = {"documentLoader": _refuse_remote, "processingMode": "json-ld-1.1"}


def dump(document: Any) -> str:
    """``document`` as indented JSON with sorted keys and a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _pyld_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    if isinstance(term, ox.Literal):
        if term.language:
            return {
                "type": "literal",
                "value": term.value,
                "datatype": str(RDF.langString),
                "language": term.language,
            }
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    raise TypeError(f"not an RDF term: {term!r}")


def _to_jsonld_input(triples: Iterable[ox.Triple]) -> Any:
    """Expanded JSON-LD of ``triples``, handed to pyld as an RDF dataset.

    Not as N-Quads text: pyld's N-Quads reader does not unescape UCHAR escapes.
    """
    dataset = [
        {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)}
        for s, p, o in triples
    ]
    return jsonld.from_rdf({"@default": dataset}, dict(_JSONLD_OPTIONS))


def compact_jsonld(triples: Iterable[ox.Triple], base_iri: str) -> str:
    """``triples`` (already under ``base_iri``) as JSON-LD 1.1 compacted with the context."""
    context = jsonld_context(base_iri)
    # pyld's RDF reader gives expanded JSON-LD already: expanding it again would double the time.
    options = {**_JSONLD_OPTIONS, "skipExpansion": True}
    compacted = jsonld.compact(_to_jsonld_input(triples), {"@context": context}, options)
    return dump(compacted)


#: Term names for well-known properties in the JSON-LD context.
_WELL_KNOWN = {
    "label": ("rdfs:label", "en"),
    "altLabel": ("skos:altLabel", "en"),
    "definition": ("skos:definition", "en"),
    "editorialNote": ("skos:editorialNote", "en"),
}
_RESERVED = {"id", "type", "@context"}


def _term_definition(ontology: Graph, prop: Node) -> dict[str, str] | None:
    """The context entry of one pharmakg property, or None when it is not a property."""
    kinds = set(ontology.objects(prop, RDF.type))
    ranges = set(ontology.objects(prop, RDFS.range))
    definition = {"@id": vocab.compress(str(prop))}
    is_xsd = [str(r).startswith(str(XSD)) for r in ranges]
    if OWL.ObjectProperty in kinds or (OWL.AnnotationProperty in kinds and not any(is_xsd)):
        return {**definition, "@type": "@id"}
    if OWL.DatatypeProperty in kinds:
        typed = sorted(str(r) for r in ranges if str(r).startswith(str(XSD)) and r != XSD.string)
        if typed:
            definition["@type"] = vocab.compress(typed[0])
        return definition
    return None


def jsonld_context(base_iri: str = DEFAULT_BASE) -> dict[str, Any]:
    """The JSON-LD 1.1 context: the prefix map plus a term per pharmakg property.

    Object properties are ``@type: @id``; datatype properties with a non-string range are
    typed; ``label`` etc. take English strings. A property whose local name is a prefix
    (``unit``) keeps its CURIE. ``pkg:id`` is the term ``identifier``.
    """
    prefixes = release_prefixes(base_iri)
    context: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type"}
    for prefix, uri in sorted(prefixes.items(), key=lambda kv: kv[0].casefold()):
        context[prefix] = uri if uri[-1] in ":/?#[]@" else {"@id": uri, "@prefix": True}
    for term, (curie, lang) in _WELL_KNOWN.items():
        context[term] = {"@id": curie, "@language": lang}
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    terms: dict[str, dict[str, str]] = {}
    for prop in sorted(set(ontology.subjects(RDF.type, None)), key=str):
        if str(prop) not in PKG:
            continue
        definition = _term_definition(ontology, prop)
        local = str(prop)[len(vocab.PKG_URI) :]
        name = "identifier" if local == "id" else local
        if definition is None or name in prefixes or name in _RESERVED or name in _WELL_KNOWN:
            continue
        terms[name] = definition
    context.update(sorted(terms.items()))
    return context


def context_document(base_iri: str = DEFAULT_BASE) -> str:
    """``ontology/context.jsonld``: the context as a JSON-LD document."""
    return dump({"@context": jsonld_context(base_iri)})


# ---------------------------------------------------------------- framed JSON-LD per drug


def _slug(iri: OxTerm) -> str:
    """The file name of a drug's document: its local name under ``pkr:``, else a hash."""
    text = iri.value
    local = (
        text[len(PKR_URI) :]
        if text.startswith(PKR_URI)
        else hashlib.sha256(text.encode()).hexdigest()[:16]
    )
    return quote(local, safe="-._~")


def _always(**properties: Any) -> dict[str, Any]:
    return {"@embed": "@always", **properties}


_NEVER = {"@embed": "@never"}

#: The frame of a drug document: the drug at the root; its effects, indications (with the
#: disease, the supporting claim and its references) and mechanism embedded in full; the
#: claims whose subject is the drug (``claims``, a reverse property) with their references.
#: Anything else is embedded once, where pyld first meets it, and referenced by id after.
DRUG_FRAME: dict[str, Any] = {
    "@embed": "@once",
    "hasTherapeuticEffect": _always(),
    "hasIndication": _always(
        indicationDisease=_always(), supportedBy=_always(citation=_always(citedIn=_NEVER))
    ),
    "hasMechanism": _always(makesEffectiveFor=_NEVER),
    "claims": _always(
        citation=_always(citedIn=_NEVER), claimSubject=_NEVER, claimObject=_NEVER, statedIn=_NEVER
    ),
}


def _instance_index(release: Release) -> dict[OxTerm, list[ox.Triple]]:
    """The instance data (subjects under ``pkr:`` and blank nodes), by subject."""
    by_subject: dict[OxTerm, list[ox.Triple]] = defaultdict(list)
    for name in release.DATA_GRAPHS:
        for triple in release.canonical[name]:
            subject = cast("ox.NamedNode | ox.BlankNode", triple.subject)
            if isinstance(subject, ox.BlankNode) or subject.value.startswith(PKR_URI):
                by_subject[subject].append(triple)
    return by_subject


def _closure(
    drug: OxTerm, by_subject: Mapping[OxTerm, list[ox.Triple]], claims: Iterable[OxTerm]
) -> list[ox.Triple]:
    """Every triple a drug's document can embed: what the drug and its claims link to, on.

    A frame embeds only nodes reached from the framed node (and, here, from the claims about
    the drug), so framing these triples gives the document framing the whole data gives.
    """
    seen: set[OxTerm] = set()
    todo = [drug, *claims]
    found: list[ox.Triple] = []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in by_subject.get(node, ()):
            found.append(triple)
            if isinstance(triple.object, ox.NamedNode | ox.BlankNode):
                todo.append(triple.object)
    return sorted(found, key=sort_key)


def framed(release: Release) -> dict[str, str]:
    """One framed JSON-LD document per drug: ``{<slug>.jsonld: text}``.

    Each is framed from the drug's own part of the data (:func:`_closure`), so a release of
    many drugs frames each in the time of one.
    """
    by_subject = _instance_index(release)
    claim_subject = ox.NamedNode(str(PKG.claimSubject))
    claims_of: dict[OxTerm, list[OxTerm]] = defaultdict(list)
    drugs: set[OxTerm] = set()
    drug_class = ox.NamedNode(str(PKG.Drug))
    rdf_type = ox.NamedNode(str(RDF.type))
    for subject, triples in by_subject.items():
        for _, predicate, obj in triples:
            if predicate == claim_subject:
                claims_of[cast("OxTerm", obj)].append(subject)
    # Every drug of the data, ours or not (a drug of a curated database keeps its own IRI).
    for name in release.DATA_GRAPHS:
        for subject, predicate, obj in release.canonical[name]:
            if predicate == rdf_type and obj == drug_class:
                drugs.add(cast("OxTerm", subject))
    context = {**jsonld_context(release.base_iri), "claims": {"@reverse": "pkg:claimSubject"}}
    rebaser = Rebaser(release.base_iri)
    out: dict[str, str] = {}
    for drug in sorted(drugs, key=str):
        own = list(rebaser.triples(_closure(drug, by_subject, claims_of.get(drug, ()))))
        frame = {"@context": context, "@id": release.rebase_iri(drug.value), **DRUG_FRAME}
        document = jsonld.frame(
            _to_jsonld_input(sorted(own, key=sort_key)),
            frame,
            {**_JSONLD_OPTIONS, "omitGraph": True},
        )
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"  # pyld's order: id first
        out[f"{_slug(drug)}.jsonld"] = text
    return out
