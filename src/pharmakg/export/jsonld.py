"""JSON-LD: the context, the compacted release, and one framed document per drug.

pyld never fetches anything: its document loader refuses every URL
(:class:`~pharmakg.errors.UnsafeInputError`), and the context is always inlined.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .. import resources, vocab
from ..errors import UnsafeInputError
from ..vocab import PKG, PKR_URI
from .dataset import sorted_nodes
from .release import DEFAULT_BASE, Release, release_prefixes, triple_key

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


def _pyld_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "IRI", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    if isinstance(term, Literal):
        if term.language:
            return {
                "type": "literal",
                "value": str(term),
                "datatype": str(RDF.langString),
                "language": term.language,
            }
        return {"type": "literal", "value": str(term), "datatype": str(term.datatype or XSD.string)}
    raise TypeError(f"not an RDF term: {term!r}")


def _to_jsonld_input(graph: Graph) -> Any:
    """Expanded JSON-LD of ``graph``, handed to pyld as an RDF dataset.

    Not as N-Quads text: pyld's N-Quads reader does not unescape UCHAR escapes.
    """
    triples = [
        {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)}
        for s, p, o in sorted(graph, key=triple_key)
    ]
    return jsonld.from_rdf({"@default": triples}, dict(_JSONLD_OPTIONS))


def compact_jsonld(graph: Graph, base_iri: str) -> str:
    """``graph`` (already under ``base_iri``) as JSON-LD 1.1 compacted with the context."""
    context = jsonld_context(base_iri)
    compacted = jsonld.compact(_to_jsonld_input(graph), {"@context": context}, _JSONLD_OPTIONS)
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


def _slug(iri: Node) -> str:
    """The file name of a drug's document: its local name under ``pkr:``, else a hash."""
    text = str(iri)
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


def framed(release: Release) -> dict[str, str]:
    """One framed JSON-LD document per drug: ``{<slug>.jsonld: text}``."""
    data = release.data()
    instance = Graph()
    for triple in data:
        subject = triple[0]
        if isinstance(subject, BNode) or str(subject).startswith(PKR_URI):
            instance.add(triple)
    context = {**jsonld_context(release.base_iri), "claims": {"@reverse": "pkg:claimSubject"}}
    expanded_input = _to_jsonld_input(release.rebased(instance))
    out: dict[str, str] = {}
    for drug in sorted_nodes(data.subjects(RDF.type, PKG.Drug)):
        frame = {"@context": context, "@id": release.rebase_iri(str(drug)), **DRUG_FRAME}
        document = jsonld.frame(expanded_input, frame, {**_JSONLD_OPTIONS, "omitGraph": True})
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"  # pyld's order: id first
        out[f"{_slug(drug)}.jsonld"] = text
    return out
