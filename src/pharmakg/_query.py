"""Stage: run named SPARQL queries (``queries/NAME.rq``) with bound parameters.

A query file starts with ``#`` header lines, then the SPARQL::

    # title: Mechanism summary
    # description: One line saying what it answers.
    # param: drug (entity) The drug, by IRI, CURIE or label. Optional.

Every parameter is optional: unbound, the query answers over everything; bound,
it narrows. Values are bound through the engine's own mechanism (pyoxigraph
``substitutions``, rdflib ``initBindings``), never formatted into the text.

Kinds: ``entity`` (see :func:`resolve_entity`), ``string``, ``integer``.

Queries run on the loaded graph's store (:mod:`pharmakg.store`), whose engine was chosen when
it was loaded. :func:`query` answers every form: SELECT and ASK with a
:class:`~pharmakg.model.QueryResult`, CONSTRUCT and DESCRIBE with a
:class:`~pharmakg.model.GraphResult`. It refuses ``SERVICE`` unless ``allow_service`` (no
request goes out) and stops a query at ``timeout`` seconds
(:class:`~pharmakg.errors.QueryTimeoutError`).

Rules for query authors, so that both engines give the same answer (checked
by ``tests/test_query.py`` for every file in ``queries/``):

1. Every parameter variable appears in the SELECT clause (pyoxigraph's
   substitution refuses a variable that is not projected).
2. Never test ``BOUND(?param)``: pyoxigraph substitutes the value but
   ``BOUND`` still sees the variable unbound. Use the parameter in a triple
   pattern (``?drug a pkg:Drug``) or through ``COALESCE(?param, default)``.
3. Order on ``STR(?label)`` when labels mix language tags and plain strings;
   the engines order such terms differently. Make ``ORDER BY`` total (end
   with an IRI), or tied rows come back in different orders.
4. ``GROUP_CONCAT`` order is engine-defined, and over an unbound value
   (``STR(?unbound)`` from an OPTIONAL) rdflib gives ``""`` where pyoxigraph
   leaves the result unbound: aggregate ``COALESCE(STR(?x), "")`` or avoid it.
5. Values of derived integer types (``xsd:positiveInteger``) come back as
   ``xsd:integer`` from pyoxigraph, which stores them so (the dump keeps the original,
   see :mod:`pharmakg.store.local`), and unchanged from rdflib: cast
   (``xsd:integer(?x)``) before aggregating or comparing datatypes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from . import resources, vocab
from ._load import LoadedGraph
from .errors import (
    AmbiguousEntityError,
    InputError,
    InvalidCurieError,
    InvalidParameterError,
    MissingParameterError,
    ParseError,
    UnknownEntityError,
    UnknownParameterError,
    UnknownPrefixError,
    UnknownQueryError,
)
from .model import GraphResult, QueryInfo, QueryParam, QueryResult
from .store import answer, without_triples

__all__ = [
    "PARAM_KINDS",
    "list_queries",
    "parse_assignments",
    "parse_bases",
    "parse_header",
    "query",
    "resolve_entity",
    "resolve_param",
    "select",
    "with_bases",
]

#: Parameter kinds a query header may declare.
PARAM_KINDS = ("entity", "integer", "string")

_HEADER = re.compile(r"#\s*(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*)")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>[a-z]+)\)\s*(?P<description>.*)"
)
_PKG_OWN = ("pkg", "pkr")

#: The stages' own queries (``src/pharmakg/sparql/``): entities by CURIE, by label, every label.
_BY_CURIE, _BY_LABEL, _LABELS = "entities-by-curie", "entities-by-label", "labels"
#: The language tags a label is looked up with before every label is read (none: a plain one).
_LABEL_LANGUAGES = (None, "en")


def parse_header(path: Path, text: str | None = None) -> QueryInfo:
    """Read the ``#`` header of a query file into a :class:`QueryInfo`."""
    text = path.read_text(encoding="utf-8") if text is None else text
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.fullmatch(stripped)
        if match is None:
            continue  # a free comment line
        key, value = match["key"].lower(), match["value"].strip()
        if key == "param":
            param = _PARAM.fullmatch(value)
            if param is None:
                raise ParseError(
                    "bad param line; write '# param: NAME (KIND) description'",
                    file=path,
                    line=number,
                    column=1,
                )
            if param["kind"] not in PARAM_KINDS:
                raise ParseError(
                    f"unknown param kind {param['kind']!r}",
                    file=path,
                    line=number,
                    term=param["kind"],
                    choices=PARAM_KINDS,
                )
            params.append(QueryParam(param["name"], param["kind"], param["description"].strip()))
        else:
            fields[key] = value
    return QueryInfo(
        name=path.stem,
        title=fields.get("title", path.stem),
        description=fields.get("description", ""),
        params=tuple(params),
        path=path,
    )


def list_queries(directory: Path | None = None) -> list[QueryInfo]:
    """Every named query in ``directory`` (default: the packaged ``queries/``), by name.

    :raises ResourceError: the packaged ``queries/`` is missing (a broken installation).
    :raises InputError: the ``directory`` given is not a directory.
    """
    directory = resources.queries_dir() if directory is None else directory
    if not directory.is_dir():
        raise InputError(f"not a directory of queries: {directory}", file=directory)
    return sorted((parse_header(p) for p in directory.glob("*.rq")), key=lambda q: q.name)


def _find(name_or_file: str | Path) -> QueryInfo:
    candidate = Path(name_or_file)
    if candidate.suffix == ".rq" or candidate.is_file():
        if not candidate.is_file():
            raise UnknownQueryError(f"query file not found: {candidate}", file=candidate)
        return parse_header(candidate)
    direct = resources.queries_dir() / f"{name_or_file}.rq"
    if re.fullmatch(r"[A-Za-z0-9_-]+", str(name_or_file)) and direct.is_file():
        return parse_header(direct)
    queries = {q.name: q for q in list_queries()}
    if str(name_or_file) not in queries:
        raise UnknownQueryError(
            f"unknown query {str(name_or_file)!r}", term=str(name_or_file), choices=sorted(queries)
        )
    return queries[str(name_or_file)]


def _label_index(kg: LoadedGraph) -> dict[str, set[Node]]:
    index: dict[str, set[Node]] = {}
    result = kg.store.query(resources.internal_query(_LABELS))
    for entity, label in result.rows:
        if entity is not None and label is not None:
            index.setdefault(str(label).casefold(), set()).add(entity)
    return index


def _casings(text: str) -> tuple[str, ...]:
    """The usual casings of a name: as given, lower, upper, capitalised, title case."""
    return tuple(dict.fromkeys((text, text.lower(), text.upper(), text.capitalize(), text.title())))


def _by_label(kg: LoadedGraph, text: str) -> set[URIRef]:
    """The entities one of ``text``'s usual casings labels exactly (bound lookups, no scan)."""
    by_label = resources.internal_query(_BY_LABEL)
    store = kg.store
    found: set[URIRef] = set()
    for casing in _casings(text):
        for language in _LABEL_LANGUAGES:
            label = Literal(casing, lang=language)
            found |= {
                e
                for e in store.query(by_label, {"label": label}).column("entity")
                if isinstance(e, URIRef)
            }
    return found


def _one(entities: list[URIRef], value: str, what: str) -> URIRef | None:
    """The single entity of ``entities``; ``None`` for none.

    :raises AmbiguousEntityError: several (``what`` says how they matched).
    """
    if len(entities) > 1:
        raise AmbiguousEntityError(
            f"{value!r} {what}", term=value, choices=[vocab.shorten(e) for e in entities]
        )
    return entities[0] if entities else None


def _by_curie(kg: LoadedGraph, value: str) -> URIRef:
    """The entity a CURIE of a known prefix names: ours expanded, others by pkg:id/pkg:xref."""
    try:
        curie = vocab.normalize_curie(value.strip())
    except (InvalidCurieError, UnknownPrefixError) as error:
        raise UnknownEntityError(f"entity {value!r}: {error.message}", term=value) from error
    if curie.split(":", 1)[0] in _PKG_OWN:
        return vocab.expand_curie(curie)
    by_curie = resources.internal_query(_BY_CURIE)
    found = kg.store.query(by_curie, {"curie": Literal(curie)}).column("entity")
    entities = sorted({e for e in found if isinstance(e, URIRef)})
    entity = _one(entities, value, "is the pkg:id or pkg:xref of several entities")
    if entity is None:
        raise UnknownEntityError(f"no entity has pkg:id or pkg:xref {curie!r}", term=value)
    return entity


def _unknown(value: str, curie: re.Match[str] | None, labels: list[str]) -> InputError:
    """The error for a value nothing matched: a likely prefix mistake, else the closest labels."""
    text = value.strip()
    if curie is not None and not any(c.isspace() for c in text):
        # Shaped like a CURIE, matched by no label: the prefix is the likely mistake.
        prefixes = sorted(vocab.prefix_map().entries)
        close = difflib.get_close_matches(curie["prefix"], prefixes, n=5, cutoff=0.3)
        return UnknownPrefixError(
            f"unknown CURIE prefix {curie['prefix']!r} in {value!r}",
            term=curie["prefix"],
            choices=close or prefixes,
        )
    return UnknownEntityError(
        f"no entity with IRI, CURIE or label {value!r}",
        term=value,
        choices=closest_names(text, labels),
    )


def closest_names(text: str, labels: list[str], limit: int = 5) -> list[str]:
    """The labels closest to ``text``, best first, the shortest first among equals.

    A label scores by its best fuzzy substring match (``wart`` in "external genital and
    perianal warts") or its words in another order ("keratosis actinic"); a whole-string
    ratio would offer "year" for ``wart``.
    """
    from rapidfuzz import fuzz, process

    def score(query: str, label: str, **_: object) -> float:
        return max(fuzz.partial_ratio(query, label), fuzz.token_sort_ratio(query, label))

    found = process.extract(text.casefold(), labels, scorer=score, limit=None, score_cutoff=70)
    ranked = sorted(found, key=lambda match: (-match[1], len(match[0]), match[0]))
    return [label for label, _score, _index in ranked[:limit]]


def resolve_entity(kg: LoadedGraph, value: str) -> URIRef:
    """Resolve an entity given by IRI, CURIE or label to its IRI in ``kg``.

    1. ``<IRI>`` or an ``http(s)://`` IRI: taken as is.
    2. A CURIE whose prefix is in the prefix map: ``pkr:``/``pkg:`` are expanded;
       any other is looked up as the ``pkg:id`` or ``pkg:xref`` of an entity.
    3. Otherwise a case-insensitive match on ``rdfs:label`` or ``skos:altLabel``: first the
       name's usual casings (as given, lower, upper, capitalised, title case; plain or ``@en``),
       looked up with bound queries; only when none matches is every label read (a rarer casing
       or language, and the closest names for the error). A name that one of its usual casings
       labels is therefore not compared with other casings of other entities' labels.

    :raises UnknownEntityError: nothing matches; the error names the closest labels.
    :raises AmbiguousEntityError: a label or CURIE matches several entities.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"https?://", text):
        return URIRef(text)
    curie = vocab.CURIE.fullmatch(text)
    known = vocab.prefix_map()
    if curie is not None and (
        curie["prefix"] in known.entries or curie["prefix"] in known.synonyms
    ):
        return _by_curie(kg, value)
    hits = sorted(_by_label(kg, text))
    index: dict[str, set[Node]] = {}
    if not hits:  # no usual casing matches: every label, for other casings and the closest names
        index = _label_index(kg)
        hits = sorted(e for e in index.get(text.casefold(), set()) if isinstance(e, URIRef))
    entity = _one(hits, value, "is the label of several entities; use a CURIE or IRI")
    if entity is None:
        raise _unknown(value, curie, list(index))
    return entity


def resolve_param(kg: LoadedGraph, param: QueryParam, value: object) -> Node:
    """Turn one parameter value into an RDF term of the declared kind."""
    if isinstance(value, URIRef | Literal):
        return value
    if param.kind == "entity":
        return resolve_entity(kg, str(value))
    if param.kind == "integer":
        try:
            return Literal(int(str(value)))
        except ValueError as error:
            raise InvalidParameterError(
                f"parameter {param.name!r} must be an integer, not {value!r}", term=param.name
            ) from error
    return Literal(str(value))


def query(
    kg: LoadedGraph,
    name_or_file: str | Path,
    params: Mapping[str, object] | None = None,
    *,
    inferred: bool = False,
    basis: str | Iterable[str] | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
    **more_params: object,
) -> QueryResult | GraphResult:
    """Run the named query ``name_or_file`` (or a ``.rq`` file) on ``kg`` with parameters bound.

    Parameters come as ``params`` or as keywords (``drug="imiquimod"``); a value is an IRI,
    CURIE or label for an ``entity`` parameter. SELECT and ASK answer a
    :class:`~pharmakg.model.QueryResult`, CONSTRUCT and DESCRIBE a
    :class:`~pharmakg.model.GraphResult`.

    :param inferred: ask the asserted triples plus those HermiT infers
        (:func:`~pharmakg._reason.with_inferences`); by default only the asserted ones.
    :param basis: ask only the plain triples that claims of these bases back (``"stated"``,
        ``"interpreted"``, ``"curated"``, ``"inferred"``; a comma-separated string or names);
        by default every triple loaded (:func:`with_bases`).
    :param timeout: stop the query after this many seconds.
    :param allow_service: let ``SERVICE`` send requests to other servers.
    :raises UnknownQueryError: no such query; the error lists the names.
    :raises UnknownParameterError: a parameter the query does not declare.
    :raises UnknownEntityError: an entity value matches nothing; it names the closest labels.
    :raises ServiceRefusedError: the query calls ``SERVICE`` and it is not allowed.
    :raises QueryTimeoutError: the query ran past ``timeout``.
    :raises InconsistentGraphError: ``inferred`` and the graph is inconsistent.
    """
    if inferred:
        from ._reason import with_inferences  # the reasoner needs the query stage: no cycle

        kg = with_inferences(kg)
    if basis is not None:
        kg = with_bases(kg, basis)
    info = _find(name_or_file)
    assert info.path is not None  # noqa: S101 - _find always sets it
    sparql = info.path.read_text(encoding="utf-8")
    bindings = _bindings(kg, info, {**(params or {}), **more_params})
    try:
        return answer(kg.store, sparql, bindings, timeout=timeout, allow_service=allow_service)
    except InputError as error:
        if error.file is not None:
            raise
        raise type(error)(
            error.message, file=info.path, term=error.term, choices=error.choices
        ) from error


def _bindings(kg: LoadedGraph, info: QueryInfo, params: Mapping[str, object]) -> dict[str, Node]:
    """Each given parameter as an RDF term of its declared kind (``None`` leaves it unbound)."""
    bindings: dict[str, Node] = {}
    for name, value in params.items():
        if value is None:
            continue
        param = info.param(name)
        if param is None:
            raise UnknownParameterError(
                f"query {info.name!r} has no parameter {name!r}",
                term=name,
                choices=[p.name for p in info.params] or ["(none)"],
            )
        bindings[name] = resolve_param(kg, param, value)
    return bindings


def select(
    kg: LoadedGraph, name_or_file: str | Path, params: Mapping[str, object] | None = None
) -> QueryResult:
    """The rows of a named SELECT or ASK query (the stages' own reads)."""
    result = query(kg, name_or_file, params)
    if isinstance(result, GraphResult):
        raise InputError("the query is a CONSTRUCT or DESCRIBE", file=_find(name_or_file).path)
    return result


def parse_bases(value: str | Iterable[str]) -> frozenset[str]:
    """The bases named by ``value``: ``"stated,interpreted"`` or an iterable of names.

    :raises InvalidParameterError: an unknown basis; the error lists them (:data:`vocab.BASES`).
    """
    names = value.split(",") if isinstance(value, str) else list(value)
    chosen = frozenset(name.strip() for name in names if name.strip())
    unknown = sorted(chosen - set(vocab.BASES))
    if unknown or not chosen:
        term = unknown[0] if unknown else str(value)
        raise InvalidParameterError(f"unknown basis {term!r}", term=term, choices=vocab.BASES)
    return chosen


def with_bases(kg: LoadedGraph, bases: str | Iterable[str]) -> LoadedGraph:
    """``kg`` without the plain triples that only claims of other bases back.

    A plain triple stays when a claim of one of ``bases`` backs it, or when no claim does (the
    ontology, the entities, structural links). Claims themselves stay, so provenance can still
    be asked. ``kg`` is not changed: the result is an in-memory copy of its store.

    :raises InvalidParameterError: an unknown basis; the error lists them.
    """
    chosen = parse_bases(bases)
    if chosen >= set(vocab.BASES):
        return kg
    names = {vocab.PKG.term(local): name for name, local in vocab.BASIS_TERMS.items()}
    backing: dict[tuple[Node, Node, Node], set[str]] = {}
    for subject, predicate, obj, basis in kg.store.query(resources.internal_query(_BASES)).rows:
        ends = (subject, predicate, obj)
        if isinstance(basis, URIRef) and basis in names and None not in ends:
            backing.setdefault(ends, set()).add(names[basis])  # type: ignore[arg-type]
    dropped = [triple for triple, backed in backing.items() if not backed & chosen]
    return type(kg)(without_triples(kg.store, dropped), kg.sources)


_BASES = "claim-bases"


def parse_assignments(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Turn ``["drug=imiquimod", …]`` into ``{"drug": "imiquimod", …}``.

    :raises MissingParameterError: an item has no ``=`` or an empty name or value.
    """
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise MissingParameterError(
                f"parameter {item!r} has no value; write NAME=VALUE", term=name.strip() or item
            )
        params[name.strip()] = value.strip()
    return params
