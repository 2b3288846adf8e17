"""Stage: validate a graph against the SHACL shapes and the prefix map.

* SHACL over *data + ontology* (their union) (so ``sh:targetClass`` follows
  ``rdfs:subClassOf``), shapes from ``ontology/shapes.ttl``, SHACL-SPARQL constraints on,
  no inference. The input graph is never changed. Two engines give the same report:

  - ``pyshacl``, the reference, on an rdflib copy of the data (``advanced=True``);
  - ``fast``: the ``shacl`` package (a Rust engine), fed the store's N-Triples dump, for
    SHACL Core. Its results are N-Triples strings; they are read back through its report
    graph, so both engines' results go through the same conversion. A result on a blank
    property shape is mapped to the same shape node of the shapes graph.
    The SHACL-SPARQL constraints of node shapes run as **one SPARQL query each on the store**
    (`SHACL §5 <https://www.w3.org/TR/shacl/#sparql-constraints>`_: the ``sh:prefixes``
    declarations become the query's prologue, ``$this`` is left unbound and the rows are
    kept for the shape's focus nodes), because the ``shacl`` engine runs them per focus node
    and grows quadratically here (0.5 s at 11k triples, 43 s at 100k).

  ``engine="auto"`` (the default) picks ``fast`` above :data:`FAST_ABOVE` triples.
  ``tests/test_validate_engines.py`` holds the two reports identical on every fixture.
* CURIEs, checked in Python: every ``pkg:id``/``pkg:xref`` literal has a prefix
  in the prefix map and a local ID that fully matches its pattern
  (``pkgsh:KnownCurie``); every ``@prefix`` declared in a Turtle source agrees
  with the prefix map (``pkgsh:KnownPrefix``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from . import resources, vocab
from .errors import InputError, MissingToolError, QuerySyntaxError, ShapesError
from .load import LoadedGraph, load_graph, parse_file
from .model import Severity, ValidationReport, ValidationResult
from .shacl_sparql import read_select
from .store import OxigraphStore, Store
from .store.text import parse_sparql

__all__ = [
    "ENGINES",
    "FAST_ABOVE",
    "IllTypedLiteralLog",
    "KNOWN_CURIE",
    "KNOWN_PREFIX",
    "WELL_TYPED_LITERAL",
    "check_curies",
    "check_literals",
    "check_prefix_declarations",
    "choose_engine",
    "validate_graph",
]

#: SHACL engines: the reference and the fast one (``auto`` chooses by size).
ENGINES = ("auto", "fast", "pyshacl")
#: ``auto`` uses the fast engine above this many triples (pyshacl: about 1 s on the monograph,
#: 9 s at 11k triples; the fast engine 0.06 s and 0.6 s).
FAST_ABOVE = 5_000

#: Shape IRI reported for a bad ``pkg:id``/``pkg:xref`` CURIE.
KNOWN_CURIE = vocab.PKGSH.KnownCurie
#: Shape IRI reported for a Turtle ``@prefix`` that disagrees with the prefix map.
KNOWN_PREFIX = vocab.PKGSH.KnownPrefix
#: The source shape of an ill-typed literal (``"abc"^^xsd:integer``).
WELL_TYPED_LITERAL = vocab.PKGSH.WellTypedLiteral

_PREFIX_DECL = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+(?P<prefix>[A-Za-z_][A-Za-z0-9._-]*)?:\s*<(?P<uri>[^>]*)>",
    re.IGNORECASE,
)


def _label(graph: Graph, node: Node | None) -> str | None:
    """The smallest ``rdfs:label`` of ``node`` in ``graph``, else its smallest prefLabel."""
    if node is None:
        return None
    for predicate in (RDFS.label, SKOS.prefLabel):
        values = sorted(str(v) for v in graph.objects(node, predicate))
        if values:
            return values[0]
    return None


_LABELS = """
SELECT ?focus ?label ?kind WHERE {
  { ?focus <http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(0 AS ?kind) }
  UNION { ?focus <http://www.w3.org/2004/02/skos/core#prefLabel> ?label BIND(1 AS ?kind) }
}
"""
# Every literal of an XSD datatype but xsd:string, whose lexical space is every string (most
# literals are strings: turning them into rdflib terms was most of this check's time).
_TYPED_LITERALS = """
SELECT ?focus ?predicate ?value WHERE {
  ?focus ?predicate ?value
  FILTER (isLiteral(?value)
          && STRSTARTS(STR(DATATYPE(?value)), "http://www.w3.org/2001/XMLSchema#")
          && DATATYPE(?value) != <http://www.w3.org/2001/XMLSchema#string>)
}
"""
_CURIES = """
SELECT ?focus ?predicate ?value WHERE {
  VALUES ?predicate { <https://w3id.org/pharmakg/ontology/id>
                      <https://w3id.org/pharmakg/ontology/xref> }
  ?focus ?predicate ?value
}
"""


def _store_label(store: Store, node: Node | None) -> str | None:
    """As :func:`_label`, read from a store (one query for one node)."""
    if node is None or not isinstance(node, URIRef):
        return None
    rows = store.query(_LABELS, {"focus": node}).rows
    found = sorted((int(str(kind)), str(label)) for _, label, kind in rows)
    return found[0][1] if found else None


def _violation(
    store: Store, triple: tuple[Node, Node, Node], shape: URIRef, label: str, message: str
) -> ValidationResult:
    """A violation found beside the shapes, on the triple's subject, property and value."""
    subject, predicate, value = triple
    return ValidationResult(
        focus_node=subject,
        focus_label=_store_label(store, subject),
        path=predicate,
        value=value,
        source_shape=shape,
        shape_label=label,
        severity=Severity.VIOLATION,
        message=message,
    )


def check_curies(data: Graph | Store) -> list[ValidationResult]:
    """Check every ``pkg:id`` and ``pkg:xref`` literal (of a graph or a store) on the prefix map."""
    store = data if isinstance(data, Store) else LoadedGraph.from_rdflib(data).store
    results = []
    rows = sorted((r for r in store.query(_CURIES).rows), key=lambda r: tuple(map(str, r)))
    for subject, predicate, value in rows:
        if subject is None or predicate is None or value is None:
            continue
        if not isinstance(value, Literal):
            problem: str | None = "the value must be a CURIE string literal"
        else:
            problem = vocab.check_curie(str(value))
        if problem is None:
            continue
        results.append(
            _violation(store, (subject, predicate, value), KNOWN_CURIE, "known CURIE", problem)
        )
    return results


class IllTypedLiteralLog(logging.Filter):
    """Drops rdflib's warning and traceback on an ill-typed literal (``"abc"^^xsd:integer``).

    The validation report names each such literal instead (``pkgsh:WellTypedLiteral``), so the
    command line installs this filter on the ``rdflib.term`` logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but rdflib's ill-typed-literal warning."""
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


def check_literals(store: Store) -> list[ValidationResult]:
    """Every XSD-typed literal outside its datatype's lexical space (RDF 1.1: ill-typed)."""
    rdflib_terms = logging.getLogger("rdflib.term")
    quiet = IllTypedLiteralLog()
    rdflib_terms.addFilter(quiet)
    try:
        rows = store.query(_TYPED_LITERALS).rows
    finally:
        rdflib_terms.removeFilter(quiet)
    results = []
    for subject, predicate, value in sorted(rows, key=lambda r: tuple(map(str, r))):
        if subject is None or predicate is None or not isinstance(value, Literal):
            continue
        if not value.ill_typed:
            continue
        datatype = vocab.shorten(str(value.datatype))
        message = f"ill-typed literal: {str(value)!r} is not a valid {datatype}"
        triple = (subject, predicate, value)
        results.append(_violation(store, triple, WELL_TYPED_LITERAL, "well-typed literal", message))
    return results


def check_prefix_declarations(path: Path) -> list[ValidationResult]:
    """Check the ``@prefix``/``PREFIX`` lines of one Turtle file against the prefix map."""
    namespaces = vocab.prefix_map().namespaces()
    by_uri = {uri: prefix for prefix, uri in namespaces.items()}
    results = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _PREFIX_DECL.match(line)
        if match is None:
            continue
        prefix, uri = match["prefix"] or "", match["uri"]
        expected = namespaces.get(prefix)
        if expected == uri or (prefix == "" and uri not in by_uri):
            continue
        if expected is not None:
            problem = f"@prefix {prefix}: is <{uri}> here but <{expected}> in the prefix map"
        elif uri in by_uri:
            problem = f"@prefix {prefix}: names <{uri}>, which the prefix map calls {by_uri[uri]}:"
        else:
            problem = f"@prefix {prefix}: is not in the prefix map (ontology/prefixes.json)"
        results.append(
            ValidationResult(
                focus_node=URIRef(path.resolve().as_uri()),
                value=Literal(f"{prefix}:"),
                source_shape=KNOWN_PREFIX,
                shape_label="known prefix",
                severity=Severity.VIOLATION,
                message=problem,
                file=str(path),
                line=number,
            )
        )
    return results


def _shape_label(shapes: Graph, shape: Node | None) -> str | None:
    """A shape's label; for a blank property shape, its node shape and path."""
    label = _label(shapes, shape)
    if label is not None or not isinstance(shape, BNode):
        return label
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    path = shapes.value(shape, SH.path)
    if parent is None:
        return None
    where = vocab.shorten(str(parent)) if isinstance(parent, URIRef) else "a shape"
    return f"{where}, property {vocab.shorten(str(path))}" if path is not None else where


class _ParsedOnceGraph(Graph):
    """A graph that parses each SPARQL text once, then reuses the parsed query.

    pyshacl runs a SPARQL constraint once per focus node with only ``$this`` bound
    differently, and rdflib parses the text again each time: on the monograph that parsing
    was 80 % of pyshacl's time (272 parses, about 14 of 17 s). A parsed query evaluated with
    the same bindings and namespaces is the same query, so the report cannot change.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parsed: dict[tuple[str, tuple[tuple[str, str], ...]], Query] = {}

    def query(  # rdflib's own signature
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """Evaluate ``query_object`` as :meth:`rdflib.Graph.query`, parsing a text once."""
        if isinstance(query_object, str):
            namespaces = dict(initNs or self.namespaces())  # what rdflib would resolve with
            key = (query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())))
            if key not in self._parsed:
                self._parsed[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = self._parsed[key]
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _with_imports(shapes: Graph, nodes: Iterable[Node]) -> set[Node]:
    """``nodes`` and every node they reach through ``owl:imports`` in ``shapes``."""
    found = set(nodes)
    todo = list(found)
    while todo:
        for imported in shapes.objects(todo.pop(), OWL.imports):
            if imported not in found:
                found.add(imported)
                todo.append(imported)
    return found


def _with_imported_prefixes(shapes: Graph) -> Graph:
    """``shapes`` with each ``sh:prefixes`` holder declaring what its ``owl:imports`` declare.

    SHACL reads a constraint's prefixes through ``sh:prefixes/owl:imports*/sh:declare``
    (§5.2.1); pyshacl follows no ``owl:imports`` there, so the declarations are copied up.
    """
    holders = set(shapes.objects(None, SH.prefixes))
    if not any((h, OWL.imports, None) in shapes for h in holders):
        return shapes
    flat = Graph()
    for triple in shapes:
        flat.add(triple)
    for holder in holders:
        for imported in _with_imports(shapes, [holder]) - {holder}:
            for declaration in shapes.objects(imported, SH.declare):
                flat.add((holder, SH.declare, declaration))
    return flat


def _pyshacl_report(data: Graph, shapes: Graph, shapes_path: Path) -> tuple[bool, Graph]:
    # Imported here, as the fast engine is: only `validate` pays for an engine (about 0.3 s).
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ConstraintLoadError, ShapeLoadError

    try:
        conforms, report, text = shacl_validate(
            data,
            shacl_graph=_with_imported_prefixes(shapes),
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            do_owl_imports=False,  # never fetch: local imports are merged by the caller
            inplace=True,  # ``data`` is the caller's scratch copy; a clone keeps no query cache
        )
    except (ConstraintLoadError, ShapeLoadError) as error:
        reason = " ".join(str(error).split())
        raise ShapesError(f"SHACL shapes refused by pyshacl: {reason}", file=shapes_path) from None
    except Exception as error:  # the engine's own failure, whatever its class: one line, exit 3
        reason = " ".join(str(error).split()) or type(error).__name__
        raise MissingToolError(f"pyshacl failed on {shapes_path}: {reason}") from None
    if not isinstance(report, Graph):  # pyshacl returns its exception in place of the graph
        reason = str(report).splitlines()[0] if str(report) else str(text)
        raise ShapesError(f"SHACL shapes refused by pyshacl: {reason}", file=shapes_path)
    return bool(conforms), report


_ROOT_SHAPE = URIRef("urn:pharmakg:rootShape")
#: The reasoner's test for the ontology being in the data already.
_HAS_ONTOLOGY = (
    "ASK { <https://w3id.org/pharmakg/ontology/Drug> a <http://www.w3.org/2002/07/owl#Class> }"
)


def _fast_report(data: bytes, shapes: Graph, shapes_path: Path) -> tuple[bool, Graph]:
    """The ``shacl`` engine's report graph for N-Triples ``data`` and the ``shapes`` graph."""
    import shacl

    try:
        compiled = shacl.Shapes.from_text(
            shapes.serialize(format="nt", encoding="utf-8").decode("utf-8"),
            format="ntriples",
            base=shapes_path.resolve().as_uri(),
        )
    except (ValueError, SyntaxError, RuntimeError) as error:
        raise ShapesError(
            f"SHACL shapes refused by the fast engine: {error}", file=shapes_path
        ) from error
    try:
        report = compiled.validate_text(
            data.decode("utf-8"), format="ntriples", allow_warnings=True
        )
    except (ValueError, SyntaxError, RuntimeError) as error:
        raise InputError(f"the fast SHACL engine failed: {error}") from error
    # Result i is the report's blank node _:r{i+1}; name its nearest named shape beside it.
    roots = "".join(
        f"_:r{i} <{_ROOT_SHAPE}> {result.root_shape} .\n"
        for i, result in enumerate(report.results, 1)
        if result.root_shape and result.root_shape.startswith("<")
    )
    graph = Graph()
    graph.parse(data=report.serialize("ntriples") + roots, format="nt")
    return bool(report.conforms), graph


#: A target class and its subclasses (``sh:targetClass`` follows ``rdfs:subClassOf``).
_SUBCLASSES = (
    "SELECT DISTINCT ?class ?target WHERE "
    "{ ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?target }"
)
# One pattern per query, each with its bound term: pyoxigraph plans a join without the bound
# value, and ``?this a ?class . ?class rdfs:subClassOf* ?target`` read every rdf:type triple.
_FOCUS = {
    SH.targetClass: "SELECT DISTINCT ?this ?class WHERE { ?this a ?class }",
    SH.targetSubjectsOf: "SELECT DISTINCT ?this ?target WHERE { ?this ?target ?o }",
    SH.targetObjectsOf: "SELECT DISTINCT ?this ?target WHERE { ?s ?target ?this }",
}
_MESSAGE_VARIABLE = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")


def _deactivated(shapes: Graph, node: Node) -> bool:
    """``sh:deactivated true`` (§2.1.4): the shape or constraint is not evaluated."""
    return (node, SH.deactivated, Literal(True)) in shapes


def _split_sparql(shapes: Graph) -> tuple[Graph, list[tuple[Node, Node]]]:
    """The shapes without their node shapes' ``sh:sparql``, and those (shape, constraint)."""
    core = Graph()
    for triple in shapes:
        core.add(triple)
    pairs = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if (shape, SH.path, None) in shapes:  # property shapes keep theirs in the engine
            continue
        if _deactivated(shapes, constraint) or _deactivated(shapes, shape):
            continue
        core.remove((shape, SH.sparql, constraint))
        pairs.append((shape, constraint))
    return core, pairs


#: Variables SHACL-AF lets a SPARQL-based target's query read pre-bound (§5.3): a target that
#: reads one is left to the engine, which binds them.
_TARGET_PREBOUND = re.compile(r"[$?](currentShape|shapesGraph)\b")


def _sparql_target_focus(store: Store, shapes: Graph, target: Node) -> set[Node] | None:
    """The focus nodes of a SPARQL-based target (``sh:SPARQLTarget``), read from the store.

    ``None`` when ``target`` is not such a target, or its query reads a pre-bound variable.
    """
    select = shapes.value(target, SH.select)
    if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
        return None
    if _TARGET_PREBOUND.search(str(select)):
        return None
    rows = store.query(_prologue(shapes, target) + str(select)).column("this")
    return {node for node in rows if node is not None}


def _targets_on_store(store: Store, shapes: Graph) -> dict[tuple[Node, Node], set[Node]]:
    """The focus nodes of each (shape, SPARQL-based target), its query run once on the store.

    The fast engine would run these queries with its own SPARQL engine, whose time for the same
    query on the same data varies tenfold from one run to the next (1 to 10 s at 400k triples,
    11 to 61 s at 1M); pyoxigraph answers them in well under a second. A target that selects a
    blank node stays with the engine: a blank node of the data cannot be named in the shapes.
    """
    answered: dict[tuple[Node, Node], set[Node]] = {}
    for shape, target in shapes.subject_objects(SH.target):
        nodes = _sparql_target_focus(store, shapes, target)
        if nodes is not None and not any(isinstance(node, BNode) for node in nodes):
            answered[(shape, target)] = nodes
    return answered


def _with_target_nodes(shapes: Graph, answered: dict[tuple[Node, Node], set[Node]]) -> Graph:
    """A copy of ``shapes`` with each answered SPARQL-based target as its ``sh:targetNode``s."""
    out = Graph()
    for subject, predicate, value in shapes:
        if predicate != SH.target or (subject, value) not in answered:
            out.add((subject, predicate, value))
    for (shape, _target), nodes in answered.items():
        for node in nodes:
            out.add((shape, SH.targetNode, node))
    return out


_CLASS_TYPES = (RDFS.Class, OWL.Class)


def _is_class(shapes: Graph, shape: Node) -> bool:
    """Whether ``shape`` is a class in the shapes graph (then it is an implicit class target)."""
    return any((shape, RDF.type, kind) in shapes for kind in _CLASS_TYPES)


def _focus_nodes(store: Store, shapes: Graph, shape: Node) -> set[Node]:
    """The focus nodes of ``shape``'s targets, read from the store."""
    focus: set[Node] = set(shapes.objects(shape, SH.targetNode))
    for target in shapes.objects(shape, SH.target):
        focus |= _sparql_target_focus(store, shapes, target) or set()
    implicit = {shape} if _is_class(shapes, shape) else set()
    for keyword, sparql in _FOCUS.items():
        targets = set(shapes.objects(shape, keyword))
        if keyword == SH.targetClass:
            targets |= implicit  # §2.1.3.3: a shape that is a class targets its instances
        for target in targets:
            if keyword == SH.targetClass:
                classes = store.query(_SUBCLASSES, {"target": target}).column("class")
                bindings = [{"class": c} for c in classes if c is not None]
            else:
                bindings = [{"target": target}]
            for bound in bindings:
                rows = store.query(sparql, bound).rows
                focus.update(row[0] for row in rows if row[0] is not None)
    return focus


def _prologue(shapes: Graph, constraint: Node) -> str:
    """The PREFIX lines of a SHACL-SPARQL constraint (§5.2.1).

    Its ``sh:prefixes`` declarations, and those of the ontologies they import
    (``sh:prefixes/owl:imports*/sh:declare``) as far as the shapes graph holds them.
    """
    lines = set()
    for holder in _with_imports(shapes, shapes.objects(constraint, SH.prefixes)):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.add(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(lines)) + "\n"


#: The SHACL-SPARQL properties that hold query text (constraints, targets, validators).
_SPARQL_TEXTS = (SH.select, SH.ask, SH.construct, SH.update)


def refuse_service_in_shapes(shapes: Graph, shapes_path: Path) -> None:
    """Refuse shapes whose SPARQL calls ``SERVICE``: validating must not send requests.

    Both engines would run it (pyoxigraph and rdflib evaluate SERVICE). Each text is parsed
    by the SPARQL 1.1 grammar with its ``sh:prefixes``, as the engines read it.

    :raises ShapesError: a text calls SERVICE, or is not SPARQL 1.1.
    """
    for prop in _SPARQL_TEXTS:
        for holder, text in shapes.subject_objects(prop):
            sparql = _prologue(shapes, holder) + str(text)
            try:
                parsed = parse_sparql(sparql, update=prop == SH.update)
            except QuerySyntaxError as error:
                raise ShapesError(
                    f"the SPARQL of {holder.n3()} does not parse: {error}",
                    file=shapes_path,
                    term=str(holder),
                ) from None
            if parsed.services:
                raise ShapesError(
                    f"the SPARQL of {holder.n3()} calls SERVICE <{parsed.services[0]}>: shapes "
                    "may not send requests to other servers",
                    file=shapes_path,
                    term=str(holder),
                )


def _active_sparql_texts(shapes: Graph) -> Iterable[tuple[Node, Node, str]]:
    """(shape or target, holder, query text with its prologue) of each SELECT/ASK that runs."""
    for prop in (SH.select, SH.ask):
        for holder, text in shapes.subject_objects(prop):
            owners = [*shapes.subjects(SH.sparql, holder), *shapes.subjects(SH.target, holder)]
            if _deactivated(shapes, holder) or any(_deactivated(shapes, o) for o in owners):
                continue
            yield (owners[0] if owners else holder), holder, _prologue(shapes, holder) + str(text)


def refuse_unsupported_sparql(shapes: Graph, shapes_path: Path) -> None:
    """Refuse the SHACL-SPARQL queries that SHACL §5.2.1 forbids, before either engine runs.

    `SHACL §5.2.1 <https://www.w3.org/TR/shacl/#pre-binding>`_: no MINUS, VALUES or SERVICE,
    no ``AS $this`` (or another pre-bound variable), every sub-select returns ``$this``. Run
    anyway, such a query answers as if the shape held (W3C tests pre-binding-*).

    :raises ShapesError: naming the shape and the reason.
    """
    for owner, _holder, sparql in _active_sparql_texts(shapes):
        refusal = read_select(sparql).refusal
        if refusal is not None:
            raise ShapesError(
                f"the SPARQL of shape {owner.n3()} is not allowed by SHACL §5.2.1: {refusal}",
                file=shapes_path,
                term=str(owner),
            )


#: Keywords whose value is a shape that must hold (or not) for each value node.
_SHAPE_KEYWORDS = (SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LIST_KEYWORDS = (SH["and"], SH["or"], SH.xone)
_VALIDATORS = (SH.validator, SH.nodeValidator, SH.propertyValidator)


def _referenced_shapes(shapes: Graph) -> set[Node]:
    """Every shape named by sh:node, sh:not, sh:qualifiedValueShape or an and/or/xone list."""
    found = {o for keyword in _SHAPE_KEYWORDS for o in shapes.objects(None, keyword)}
    for keyword in _SHAPE_LIST_KEYWORDS:
        for head in shapes.objects(None, keyword):
            found.update(Collection(shapes, head))
    return found


def fast_blockers(shapes: Graph) -> list[str]:
    """Why the fast path cannot give SHACL's answer for a user's ``shapes`` (empty: it can).

    It runs SHACL Core in the ``shacl`` engine and each node shape's SELECT constraint on the
    store per focus node; anything else of SHACL-SPARQL is left to pyshacl.
    """
    reasons = []
    referenced = _referenced_shapes(shapes)
    for shape, holder, sparql in _active_sparql_texts(shapes):
        name = shape.n3()
        if (shape, SH.sparql, holder) not in shapes:
            continue  # a SPARQL-based target: see _targets_on_store
        if (shape, SH.path, None) in shapes:
            reasons.append(f"shape {name}: a SPARQL constraint on a property shape")
        elif shape in referenced:
            reasons.append(f"shape {name}: has SPARQL constraints and is used by sh:node/not/…")
        elif (holder, SH.select, None) not in shapes:
            reasons.append(f"shape {name}: a SPARQL constraint that is not a SELECT")
        elif not read_select(sparql).runs_per_focus_node:
            reasons.append(
                f"shape {name}: its SELECT does not project $this (or $currentShape), reads "
                "$shapesGraph, or reads $this in bound() or BIND, where a substituted value is "
                "not a pre-bound one"
            )
    if any((None, keyword, None) in shapes for keyword in _VALIDATORS):
        reasons.append("SHACL-SPARQL constraint components (sh:validator)")
    return reasons


def _fill(values: dict[str, Node | None], match: re.Match[str]) -> str:
    """A message's ``{?var}`` replaced by the variable's value (as pyshacl does: its string)."""
    value = values.get(match[1])
    return str(value) if value is not None else match[0]


def _add_sparql_result(
    report: Graph,
    shapes: Graph,
    shape_and_constraint: tuple[Node, Node],
    this: Node,
    values: dict[str, Node | None],
) -> None:
    """One solution of a SHACL-SPARQL constraint for focus node ``this`` as a result (§5.3.2)."""
    shape, constraint = shape_and_constraint
    path, value = values.get("path"), values.get("value")
    node = BNode()
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, this))
    report.add((node, SH.value, value if value is not None else this))
    report.add((node, SH.resultSeverity, shapes.value(shape, SH.severity) or SH.Violation))
    report.add((node, SH.sourceShape, shape))
    report.add((node, SH.sourceConstraint, constraint))
    report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    if path is not None:
        report.add((node, SH.resultPath, path))
    for message in shapes.objects(constraint, SH.message):
        text = _MESSAGE_VARIABLE.sub(partial(_fill, values), str(message))
        lang = message.language if isinstance(message, Literal) else None
        report.add((node, SH.resultMessage, Literal(text, lang=lang)))


def _sparql_report(
    store: Store,
    shapes: Graph,
    pairs: list[tuple[Node, Node]],
    step: Callable[[], None] = lambda: None,
) -> Graph:
    """A report graph of the packaged shapes' SHACL-SPARQL constraints, each run once.

    Each query runs with ``$this`` unbound and its rows are kept for the shape's focus nodes:
    right for the packaged queries, each of which binds ``$this`` in a triple pattern and
    projects it (``tests/test_validate_engines.py`` holds them to pyshacl's answers), and one
    query instead of one per focus node keeps a million triples at 2 s. A user's shapes run
    per focus node instead (:func:`_sparql_report_per_focus`). ``step`` is called after each.
    """
    report = Graph()
    for shape, constraint in pairs:
        step()
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        result = store.query(_prologue(shapes, constraint) + str(select))
        if not result.rows:
            continue  # nothing to report: the focus nodes are not needed
        focus = _focus_nodes(store, shapes, shape)
        seen = set()
        for row in result.rows:
            values = dict(zip(result.variables, row, strict=True))
            this = values.get("this")
            if this is None or this not in focus:
                continue
            key = tuple(sorted((k, str(v)) for k, v in values.items()))
            if key not in seen:
                seen.add(key)
                _add_sparql_result(report, shapes, (shape, constraint), this, values)
    return report


def _sparql_report_per_focus(
    store: Store,
    shapes: Graph,
    pairs: list[tuple[Node, Node]],
    step: Callable[[], None] = lambda: None,
) -> Graph:
    """A report graph of a user's SHACL-SPARQL constraints, run once per focus node.

    `SHACL §5.3 <https://www.w3.org/TR/shacl/#sparql-constraints-validation>`_: ``$this`` is
    pre-bound to the focus node and ``$currentShape`` to the shape (§5.2.2), as pyoxigraph's
    ``substitutions`` do; :func:`_fast_blockers` sent every other query to pyshacl.
    """
    report = Graph()
    for shape, constraint in pairs:
        step()
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        sparql = _prologue(shapes, constraint) + str(select)
        wants_shape = "currentShape" in read_select(sparql).mentions
        for this in sorted(_focus_nodes(store, shapes, shape), key=str):
            bound: dict[str, Node] = {"this": this}
            if wants_shape:
                bound["currentShape"] = shape
            result = store.query(sparql, bound)
            for row in result.rows:
                values = dict(zip(result.variables, row, strict=True))
                values["this"] = this
                _add_sparql_result(report, shapes, (shape, constraint), this, values)
    return report


def _property_shape(shapes: Graph, report: Graph, node: Node, shape: Node | None) -> Node | None:
    """The shapes graph's own node for a result's source shape.

    The fast engine names a blank property shape by a label of its own; the same shape in
    ``shapes`` is the property of the nearest named shape with the same path.
    """
    if shape is None or not isinstance(shape, BNode) or (shape, None, None) in shapes:
        return shape
    path = report.value(node, SH.resultPath)
    wanted = _path_text(path, report) if path is not None else None
    root = report.value(node, _ROOT_SHAPE)
    candidates = [
        prop
        for prop in shapes.objects(root, SH.property)
        if wanted is not None
        and (p := shapes.value(prop, SH.path)) is not None
        and _path_text(p, shapes) == wanted
    ]
    component = report.value(node, SH.sourceConstraintComponent)
    if len(candidates) > 1 and component is not None:
        # keep the property shapes with a constraint of the reported component
        local = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        key = URIRef(str(SH) + local[:1].lower() + local[1:])
        narrowed = [c for c in candidates if (c, key, None) in shapes]
        candidates = narrowed or candidates
    return candidates[0] if len(candidates) == 1 else shape


def _results(
    report: Graph, shapes: Graph, label: Callable[[Node | None], str | None]
) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:
            continue  # §3.6.2.7: a detail explains its parent result; it is not one of its own
        focus = report.value(node, SH.focusNode)
        if focus is None:  # SHACL §3.6.2: every validation result has exactly one focus node
            raise ShapesError(f"the SHACL engine reported a result without sh:focusNode ({node})")
        shape = _property_shape(shapes, report, node, report.value(node, SH.sourceShape))
        messages = [str(m) for m in shapes.objects(shape, SH.message)] if shape is not None else []
        if not messages:
            messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        severity_iri = report.value(node, SH.resultSeverity)
        severity = Severity.from_iri(severity_iri)
        results.append(
            ValidationResult(
                focus_node=focus,
                focus_label=label(focus),
                path=_readable_path(report.value(node, SH.resultPath), report, shapes),
                value=report.value(node, SH.value),
                source_shape=shape,
                shape_label=_shape_label(shapes, shape),
                severity=severity,
                severity_iri=severity_iri if severity is Severity.CUSTOM else None,
                message="; ".join(sorted(messages)) or "constraint not satisfied",
                component=report.value(node, SH.sourceConstraintComponent),
            )
        )
    return results


def _path_text(node: Node, graph: Graph) -> str:
    """Write a SHACL property path in SPARQL's path syntax, with CURIEs."""
    if isinstance(node, URIRef):
        return vocab.shorten(node)
    for keyword, template in (
        (SH.alternativePath, "({})"),
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, keyword)
        if inner is not None:
            if keyword == SH.alternativePath:
                items = Collection(graph, inner)
                return template.format("|".join(_path_text(i, graph) for i in items))
            return template.format(_path_text(inner, graph))
    if graph.value(node, RDF.first) is not None:
        return "/".join(_path_text(i, graph) for i in Collection(graph, node))
    return f"_:{node}"


def _readable_path(path: Node | None, report: Graph, shapes: Graph) -> Node | None:
    """A complex path is a blank node in the report; curators read it as SPARQL path text."""
    if not isinstance(path, BNode):
        return path
    for graph in (report, shapes):
        if (path, None, None) in graph:
            return Literal(_path_text(path, graph))
    return path


def _sort_key(result: ValidationResult) -> tuple[str, ...]:
    order = list(Severity).index(result.severity)
    return (
        str(order),
        str(result.file or ""),
        f"{result.line or 0:09d}",
        str(result.focus_node),
        str(result.path or ""),
        str(result.source_shape or ""),
        result.message,
    )


#: Up to this much N-Triples, the SPARQL of a fast validation runs on a copy in memory.
MEMORY_COPY_LIMIT = 2 * 1024**3


def _store_for_constraints(store: Store, data: bytes, *, copy: bool) -> Store:
    """Where the SPARQL-based targets and constraints run: ``store``, or ``data`` in memory.

    ``data`` is the store's dump as the fast engine reads it (with the ontology when ``copy``
    says it was added). An on-disk or remote store is copied into memory too, below
    :data:`MEMORY_COPY_LIMIT`: the dump is in hand already and loading it takes about 3 s at a
    million triples. That repays itself on a remote store (a request per query) and on a
    directory that a bulk load left uncompacted (the constraints at 1M: 16 s there, 2 s in
    memory); on a directory compacted by ``pharmakg load`` it costs what it saves. The copy
    keeps the dump's blank node labels, so both name the same nodes.
    """
    in_memory = isinstance(store, OxigraphStore) and store.in_memory
    if copy or (not in_memory and len(data) <= MEMORY_COPY_LIMIT):
        return OxigraphStore.from_dump(data)
    return store


def choose_engine(engine: str, triples: int, blockers: Sequence[str] = ()) -> str:
    """The engine ``auto`` means for a graph of ``triples`` triples (others stay as they are).

    ``blockers`` (from :func:`fast_blockers`) are shape features the fast path does not run
    as SHACL says: ``auto`` then picks pyshacl, and ``fast`` is refused.

    :raises InputError: an unknown engine (the error lists them), or ``fast`` with blockers.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine {engine!r}", term=engine, choices=ENGINES)
    if engine == "fast" and blockers:
        raise InputError(
            f"the fast SHACL engine cannot run these shapes ({blockers[0]}); "
            "use --engine auto or --engine pyshacl"
        )
    if engine == "auto":
        return "fast" if triples > FAST_ABOVE and not blockers else "pyshacl"
    return engine


class _Steps:
    """Counts the steps of a validation for a ``progress(done, total)`` callback."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        if progress is not None:
            progress(0, total)

    def __call__(self) -> None:
        """One step more is done."""
        self.done = min(self.done + 1, self.total)
        if self.progress is not None:
            self.progress(self.done, self.total)


def _fast_validation(
    store: Store,
    shapes: Graph,
    shapes_path: Path,
    ontology_text: bytes | None,
    step: Callable[[], None],
    *,
    per_focus: bool,
) -> tuple[bool, Graph, Store]:
    """The fast engine's SHACL Core report plus the SHACL-SPARQL results, and their store.

    ``ontology_text`` (N-Triples) is added to the data first when it is not in the store.
    """
    core, pairs = _split_sparql(shapes)
    data = store.dump() + (ontology_text or b"")
    merged_store = _store_for_constraints(store, data, copy=ontology_text is not None)
    answered = _targets_on_store(merged_store, core)
    conforms, report = _fast_report(data, _with_target_nodes(core, answered), shapes_path)
    sparql_report = _sparql_report_per_focus if per_focus else _sparql_report
    for triple in sparql_report(merged_store, shapes, pairs, step):
        report.add(triple)
    return conforms, report, merged_store


def _with_local_imports(shapes: Graph, shapes_path: Path) -> Graph:
    """``shapes`` with the local files its ``owl:imports`` name merged in.

    Their ``sh:prefixes`` declarations then resolve. An import that is not a local file is
    left out: validating never fetches anything.
    """
    merged, todo, seen = shapes, list(shapes.objects(None, OWL.imports)), set()
    while todo:
        iri = str(todo.pop())
        if iri in seen or not iri.startswith("file:"):
            continue
        seen.add(iri)
        path = Path(url2pathname(urlparse(iri).path))
        if not path.is_file():
            continue
        if merged is shapes:
            merged = Graph()
            for triple in shapes:
                merged.add(triple)
        imported = parse_file(path)
        for triple in imported:
            merged.add(triple)
        todo.extend(imported.objects(None, OWL.imports))
    return merged


def _user_shapes(shapes_path: Path, engine: str, triples: int) -> tuple[Graph, str]:
    """A user's shapes graph, checked, and the engine that gives SHACL's answer for it."""
    shapes_graph = _with_local_imports(parse_file(shapes_path), shapes_path)
    refuse_service_in_shapes(shapes_graph, shapes_path)
    refuse_unsupported_sparql(shapes_graph, shapes_path)
    return shapes_graph, choose_engine(engine, triples, fast_blockers(shapes_graph))


def _engine_notes(shapes: Graph, chosen: str, per_focus: bool) -> list[str]:
    """One line per shape: which engine checks it (``pharmakg validate --verbose``)."""
    notes = []
    named = sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)})
    for shape in named:
        where = "pyshacl"
        if chosen == "fast":
            where = "the shacl engine (SHACL Core)"
            if any(True for _ in shapes.objects(shape, SH.sparql)):
                how = "once per focus node" if per_focus else "once for all focus nodes"
                where += f" + pyoxigraph (SHACL-SPARQL, {how})"
        if _deactivated(shapes, shape):
            where = "nobody (sh:deactivated)"
        notes.append(f"shape {vocab.shorten(shape)}: {where}")
    return notes


def validate_graph(
    kg: LoadedGraph | Iterable[str | Path],
    *,
    shapes: str | Path | None = None,
    ontology: str | Path | None = None,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    project_checks: bool | None = None,
    notes: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate a loaded graph (or the files ``kg`` names) and return a report.

    :param shapes: a SHACL file (default: the packaged ``ontology/shapes.ttl``). A user's
        shapes are read as SHACL says: any result, whatever its severity, breaks conformance,
        and ``auto`` picks pyshacl when the fast path cannot run them (:func:`fast_blockers`).
        The packaged shapes keep the project's rule: only a Violation breaks conformance.
    :param ontology: the OWL ontology merged into the data (default: the packaged one).
    :param engine: ``pyshacl`` (the reference), ``fast`` (the ``shacl`` package) or ``auto``
        (``fast`` above :data:`FAST_ABOVE` triples).
    :param progress: called as ``progress(steps_done, steps_total)`` as the validation goes
        (the SHACL engine, each SHACL-SPARQL constraint it leaves to the store, each check).
    :param project_checks: also run the checks beyond SHACL (prefix map, CURIEs, ill-typed
        literals); default: with the packaged shapes only.
    :param notes: called with one line per shape saying which engine checked it.
    :raises ShapesError: the shapes do not parse, or use SPARQL that SHACL §5.2.1 forbids.
    """
    if not isinstance(kg, LoadedGraph):
        kg = load_graph(*kg)
    packaged = shapes is None
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    ontology_path = Path(ontology) if ontology is not None else resources.ontology_file()
    triples = len(kg.store)
    if packaged:
        shapes_graph = parse_file(shapes_path)
        chosen = choose_engine(engine, triples)
    else:
        shapes_graph, chosen = _user_shapes(shapes_path, engine, triples)
    run_checks = packaged if project_checks is None else project_checks
    if notes is not None:
        for line in _engine_notes(shapes_graph, chosen, per_focus=not packaged):
            notes(line)
    _core, pairs = _split_sparql(shapes_graph)
    step = _Steps(progress, (1 + len(pairs) if chosen == "fast" else 1) + 3)
    shacl_conforms, results, checked = _shacl_results(
        kg, (shapes_graph, shapes_path), ontology_path, chosen, step, packaged=packaged
    )
    step()
    results += _project_checks(kg, checked, step) if run_checks else _skip(step, 2)
    results.sort(key=_sort_key)
    if packaged:  # the project's rule: warnings are shown but do not stop a release
        conforms = shacl_conforms and not any(r.severity is Severity.VIOLATION for r in results)
    else:  # SHACL §3.6.1: a report conforms iff it has no results, whatever their severity
        conforms = not results
    return ValidationReport(conforms=conforms, results=tuple(results))


def _skip(step: Callable[[], None], steps: int) -> list[ValidationResult]:
    for _ in range(steps):
        step()
    return []


def _project_checks(
    kg: LoadedGraph, checked: Store, step: Callable[[], None]
) -> list[ValidationResult]:
    """The checks beyond SHACL: CURIEs, ill-typed literals, the Turtle files' prefixes."""
    results = check_curies(checked)
    step()
    results += check_literals(checked)
    step()
    for source in kg.sources:
        if source.suffix == ".ttl":
            results += check_prefix_declarations(source)
    return results


def _shacl_results(
    kg: LoadedGraph,
    shapes: tuple[Graph, Path],
    ontology_path: Path,
    chosen: str,
    step: Callable[[], None],
    *,
    packaged: bool,
) -> tuple[bool, list[ValidationResult], Store]:
    """The chosen engine's SHACL results, and the store the labels and checks read."""
    shapes_graph, shapes_path = shapes
    store = kg.store
    add_ontology = ontology_path.resolve() not in {p.resolve() for p in kg.sources} and (
        not store.query(_HAS_ONTOLOGY).boolean
    )
    checked = store  # the data alone, for the labels and the checks beyond SHACL
    if chosen == "fast":
        ontology_text = (
            parse_file(ontology_path).serialize(format="nt", encoding="utf-8")
            if add_ontology
            else None
        )
        shacl_conforms, report, merged_store = _fast_validation(
            store, shapes_graph, shapes_path, ontology_text, step, per_focus=not packaged
        )
        if not add_ontology:
            checked = merged_store  # the same data, faster to read
    else:
        merged = _ParsedOnceGraph()
        for triple in kg.to_rdflib():
            merged.add(triple)
        if add_ontology:
            for triple in parse_file(ontology_path):
                merged.add(triple)
        shacl_conforms, report = _pyshacl_report(merged, shapes_graph, shapes_path)
    step()
    results = _results(report, shapes_graph, lambda node: _store_label(checked, node))
    return shacl_conforms, results, checked
