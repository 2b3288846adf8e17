"""Tests for namespaces, the closed pkg: namespace and the prefix map."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from pharmakg import resources, vocab
from pharmakg.errors import InvalidCurieError, UnknownPrefixError, UnknownTermError

PREFIXES = json.loads(resources.prefixes_file().read_text(encoding="utf-8"))
PATTERNED = sorted(p for p, e in PREFIXES.items() if e["pattern"])


def test_prefix_file_is_canonical_and_complete() -> None:
    text = resources.prefixes_file().read_text(encoding="utf-8")
    assert text == json.dumps(PREFIXES, indent=2, ensure_ascii=False) + "\n"
    assert list(PREFIXES) == sorted(PREFIXES, key=str.casefold)
    for prefix, entry in PREFIXES.items():
        assert entry["uri_prefix"].startswith(("http://", "https://")), prefix
        assert entry["source"], prefix
        if entry["pattern"] is not None:
            re.compile(entry["pattern"])
            assert entry["pattern_source"].startswith("bioregistry"), prefix
    needed = {"pkg", "pkr", "pkgsh", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "sh"}
    needed |= {
        "unit",
        "biolink",
        "RO",
        "CHEBI",
        "UniProtKB",
        "NCBIGene",
        "GO",
        "CL",
        "MONDO",
        "MESH",
    }
    assert needed <= set(PREFIXES)
    assert PREFIXES["unit"]["uri_prefix"] == "http://qudt.org/vocab/unit/"


def test_uri_prefixes_are_unique() -> None:
    uris = [e["uri_prefix"] for e in PREFIXES.values()]
    assert len(uris) == len(set(uris))


def test_expand_and_compress() -> None:
    assert vocab.expand_curie("CHEBI:36704") == URIRef("http://purl.obolibrary.org/obo/CHEBI_36704")
    assert vocab.expand_curie("MESH:D000077271") == URIRef("http://id.nlm.nih.gov/mesh/D000077271")
    assert vocab.compress("https://w3id.org/pharmakg/resource/imiquimod") == "pkr:imiquimod"
    # No silent fallback: an IRI with no prefix is an error, or shown as an IRI on purpose.
    with pytest.raises(UnknownPrefixError):
        vocab.compress("http://example.org/x")
    assert vocab.shorten("http://example.org/x") == "<http://example.org/x>"
    assert vocab.shorten("https://w3id.org/pharmakg/resource/imiquimod") == "pkr:imiquimod"


@pytest.mark.parametrize(
    ("curie", "fragment"),
    [
        ("NCBITaxon:123abc", "does not match"),  # the unanchored-alternation trap
        ("NCBITaxon:10566x", "does not match"),
        ("CHEBI:abc", "does not match"),
        ("GO:123", "does not match"),
        ("chebi:36704", "write CHEBI:"),
        ("UniProt:Q9NYK1", "write UniProtKB:"),
        ("FOO:1", "not in ontology/prefixes.json"),
        ("no-colon", "not a CURIE"),
    ],
)
def test_check_curie_problems(curie: str, fragment: str) -> None:
    problem = vocab.check_curie(curie)
    assert problem is not None
    assert fragment in problem


@pytest.mark.parametrize(
    "curie", ["CHEBI:36704", "NCBITaxon:10566", "UniProtKB:Q9NYK1", "MONDO:0005647", "FPLX:IFNA"]
)
def test_check_curie_accepts(curie: str) -> None:
    assert vocab.check_curie(curie) is None


def test_expand_refuses_bad_curies() -> None:
    with pytest.raises(UnknownPrefixError) as info:
        vocab.expand_curie("Orphanet:137583")
    assert info.value.choices == ("orphanet",)
    with pytest.raises(InvalidCurieError):
        vocab.expand_curie("NCBITaxon:123abc")


def test_normalize_curie_uses_synonyms() -> None:
    assert vocab.normalize_curie("UniProt:Q9NYK1") == "UniProtKB:Q9NYK1"
    assert vocab.normalize_curie("CHEBI:1") == "CHEBI:1"


@settings(max_examples=200, deadline=None)
@given(data=st.data(), prefix=st.sampled_from(PATTERNED))
def test_curie_round_trip(data: st.DataObject, prefix: str) -> None:
    pattern = PREFIXES[prefix]["pattern"]
    local = data.draw(st.from_regex(pattern, fullmatch=True).filter(lambda s: s.strip() == s))
    curie = f"{prefix}:{local}"
    if vocab.CURIE.fullmatch(curie) is None:  # e.g. a local ID with whitespace
        return
    assert vocab.check_curie(curie) is None
    iri = vocab.expand_curie(curie)
    assert vocab.compress(iri) == curie or vocab.expand_curie(vocab.compress(iri)) == iri


def test_bind_prefixes_replaces_rdflib_defaults() -> None:
    graph = vocab.bind_prefixes(Graph())
    bound = dict(graph.namespaces())
    assert str(bound["schema"]) == "http://schema.org/"
    assert str(bound["pkr"]) == vocab.PKR_URI


def test_closed_namespace_rejects_typos() -> None:
    assert vocab.PKG.id == vocab.PKG_ID  # the ontology declares the terms the code uses
    assert vocab.PKG.xref == vocab.PKG_XREF
    with pytest.raises(UnknownTermError) as info:
        vocab.PKG.idd  # noqa: B018
    assert "id" in info.value.choices
    assert not hasattr(vocab.PKG, "surelyNotATerm")
    assert vocab.PKG_ID in vocab.PKG
    assert URIRef(vocab.PKG_URI + "surelyNotATerm") not in vocab.PKG
