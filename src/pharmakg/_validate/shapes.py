"""Reading a shapes graph: deactivation, ``owl:imports``, ``sh:prefixes``, what the fast path runs.

* `SHACL §2.1.4 <https://www.w3.org/TR/shacl/#deactivated>`_: a deactivated shape or
  constraint is not evaluated.
* `SHACL §5.2.1 <https://www.w3.org/TR/shacl/#sparql-prefixes>`_: a SHACL-SPARQL query's
  prefixes are ``sh:prefixes/owl:imports*/sh:declare``; they become its PREFIX prologue.
* A user's shapes file may import local files (merged in; nothing is fetched), and may use
  SHACL-SPARQL that only pyshacl runs as SHACL says (:func:`fast_blockers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from rdflib import Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH
from rdflib.term import Node

from .._load import parse_file
from .prebinding import read_select

__all__ = [
    "active_sparql_texts",
    "deactivated",
    "fast_blockers",
    "prologue",
    "with_imported_prefixes",
    "with_local_imports",
]


def deactivated(shapes: Graph, node: Node) -> bool:
    """``sh:deactivated true`` (§2.1.4): the shape or constraint is not evaluated."""
    return (node, SH.deactivated, Literal(True)) in shapes


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


def prologue(shapes: Graph, constraint: Node) -> str:
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


def with_imported_prefixes(shapes: Graph) -> Graph:
    """``shapes`` with each ``sh:prefixes`` holder declaring what its ``owl:imports`` declare.

    SHACL reads a constraint's prefixes through ``sh:prefixes/owl:imports*/sh:declare``
    (§5.2.1); pyshacl follows no ``owl:imports`` there, so the declarations are copied up.
    """
    holders = set(shapes.objects(None, SH.prefixes))
    if not any((h, OWL.imports, None) in shapes for h in holders):
        return shapes
    flat = Graph()
    flat += shapes
    for holder in holders:
        for imported in _with_imports(shapes, [holder]) - {holder}:
            for declaration in shapes.objects(imported, SH.declare):
                flat.add((holder, SH.declare, declaration))
    return flat


def with_local_imports(shapes: Graph, shapes_path: Path) -> Graph:
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
        if merged is shapes:  # the caller's graph is never changed
            merged = Graph()
            merged += shapes
        imported = parse_file(path)
        merged += imported
        todo.extend(imported.objects(None, OWL.imports))
    return merged


def active_sparql_texts(shapes: Graph) -> Iterator[tuple[Node, Node, str]]:
    """(shape or target, holder, query text with its prologue) of each SELECT/ASK that runs."""
    for prop in (SH.select, SH.ask):
        for holder, text in shapes.subject_objects(prop):
            owners = [*shapes.subjects(SH.sparql, holder), *shapes.subjects(SH.target, holder)]
            if deactivated(shapes, holder) or any(deactivated(shapes, o) for o in owners):
                continue
            yield (owners[0] if owners else holder), holder, prologue(shapes, holder) + str(text)


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
    for shape, holder, sparql in active_sparql_texts(shapes):
        name = shape.n3()
        if (shape, SH.sparql, holder) not in shapes:
            continue  # a SPARQL-based target: see targets.targets_on_store
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
