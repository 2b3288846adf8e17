"""A shape's focus nodes, read from the store.

`SHACL §2.1.3 <https://www.w3.org/TR/shacl/#targets>`_ (targets) and the SPARQL-based targets
of `SHACL-AF <https://www.w3.org/TR/shacl-af/>`_. The fast path asks the store, not the
``shacl`` engine, for the focus nodes of SPARQL-based targets and of the node shapes whose
SHACL-SPARQL constraints it runs itself.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from ..store import Store
from .shapes import prologue

__all__ = ["focus_nodes", "targets_on_store", "with_target_nodes"]

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
    rows = store.query(prologue(shapes, target) + str(select)).column("this")
    return {node for node in rows if node is not None}


def targets_on_store(store: Store, shapes: Graph) -> dict[tuple[Node, Node], set[Node]]:
    """The focus nodes of each (shape, SPARQL-based target), its query run once on the store.

    The fast engine would run these queries with its own SPARQL engine, whose time for the same
    query on the same data varies tenfold from one run to the next; pyoxigraph answers them
    in well under a second at a million triples. A target that selects a
    blank node stays with the engine: a blank node of the data cannot be named in the shapes.
    """
    answered: dict[tuple[Node, Node], set[Node]] = {}
    for shape, target in shapes.subject_objects(SH.target):
        nodes = _sparql_target_focus(store, shapes, target)
        if nodes is not None and not any(isinstance(node, BNode) for node in nodes):
            answered[(shape, target)] = nodes
    return answered


def with_target_nodes(shapes: Graph, answered: dict[tuple[Node, Node], set[Node]]) -> Graph:
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


def focus_nodes(store: Store, shapes: Graph, shape: Node) -> set[Node]:
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
