"""Stage: OWL reasoning with HermiT (run by owlready2), apart from the asserted graph.

:func:`reason` copies the graph (and the ontology, if the graph lacks it) into an
``owlready2.World()`` of its own and runs HermiT on it. The caller's graph and the
source files are never changed. The answer is a frozen :class:`ReasoningResult`:

* **consistency**: an inconsistent input is narrowed down, with HermiT as the oracle,
  to a minimal set of individuals whose assertions clash (deletion search over the
  assertions grouped by subject; a negative property assertion counts with its source
  individual), and each one is named with its asserted classes and the negative
  assertions it contradicts;
* **inferred class memberships** of our own ``pkr:`` individuals in ``pkg:`` classes,
  leaving out those that follow from an asserted class by a told ``rdfs:subClassOf``
  (so no ``owl:Thing``, no ``pkg:BiomedicalEntity`` noise);
* **inferred property values** between ``pkr:`` individuals: HermiT's values (property
  chains such as ``pkg:treats``), closed under ``rdfs:subPropertyOf`` and ``owl:inverseOf``;
* ``graph``: the inferred triples only, none of them asserted.

HermiT needs Java (17 works; owlready2's bundled Pellet needs 25 and is not used). Without
``java`` on the ``PATH``, :class:`~pharmakg.errors.JavaNotFoundError` says how to install it.
HermiT does not support ``xsd:gYear`` or ``xsd:dayTimeDuration``; it is told to ignore them.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from . import resources, vocab
from ._load import LoadedGraph, parse_file
from .errors import InconsistentGraphError, JavaNotFoundError, ReasonerError
from .model import InconsistentIndividual, ReasoningResult
from .store import with_triples

if TYPE_CHECKING:
    import owlready2

__all__ = [
    "InconsistentIndividual",
    "ReasoningResult",
    "consistent_inferences",
    "java_executable",
    "reason",
    "with_inferences",
]

Triple = tuple[Node, Node, Node]

#: The IRI the reasoner's input ontology is loaded under, inside its private World.
_INPUT_IRI = "https://w3id.org/pharmakg/reasoner-input"
_INFERENCES_IRI = "http://inferrences/"  # sic: owlready2's name for HermiT's results
_JAVA_HINT = (
    "HermiT needs a Java runtime (17 or later) and 'java' is not on the PATH. "
    "Install one, e.g. 'sudo apt-get install -y default-jre-headless' (Debian/Ubuntu), "
    "'brew install openjdk' (macOS), or set owlready2.JAVA_EXE to a java binary"
)


def _owlready() -> Any:  # owlready2 has no type hints
    """owlready2, imported when HermiT is first needed: only `reason` pays for it."""
    import owlready2

    return owlready2


def java_executable() -> str:
    """The ``java`` that runs HermiT (``owlready2.JAVA_EXE``, looked up on the PATH).

    :raises JavaNotFoundError: there is none; the message says how to install one.
    """
    java = str(_owlready().JAVA_EXE)
    found = shutil.which(java)
    if found is None:
        raise JavaNotFoundError(_JAVA_HINT, term=java)
    return found


def _own(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(vocab.PKR_URI)


def _pkg(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(vocab.PKG_URI)


def _reasoner_input(kg: LoadedGraph, ontology: str | Path | None) -> Graph:
    """``kg``'s triples (never changed), plus the ontology in a new graph if ``kg`` lacks it."""
    graph = kg.to_rdflib()
    if ontology is None and (vocab.PKG.Drug, RDF.type, OWL.Class) in graph:
        return graph
    path = Path(ontology) if ontology is not None else resources.ontology_file()
    merged = Graph()
    for triple in graph:
        merged.add(triple)
    for triple in parse_file(path):
        merged.add(triple)
    return merged


def _hermit_world(graph: Graph) -> owlready2.World | None:
    """Load ``graph`` into a World of its own and run HermiT; ``None`` if inconsistent."""
    java_executable()
    owlready2 = _owlready()
    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
    world.get_ontology(_INPUT_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=True
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        world.close()
        return None
    except owlready2.OwlReadyJavaError as error:
        world.close()
        raise ReasonerError(f"HermiT failed: {str(error).strip().splitlines()[-1]}") from error
    except FileNotFoundError as error:  # java vanished between the check and the run
        world.close()
        raise JavaNotFoundError(_JAVA_HINT) from error
    return world


def _consistent(graph: Graph) -> bool:
    """Ask HermiT only whether ``graph`` is consistent (one JVM run, no classification)."""
    hermit = Path(_owlready().__file__).parent / "hermit"
    classpath = os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])
    handle, name = tempfile.mkstemp(suffix=".nt", prefix="pharmakg-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(graph.serialize(format="nt", encoding="utf-8"))
        command = [
            java_executable(),
            "-cp",
            classpath,
            "org.semanticweb.HermiT.cli.CommandLine",
            "-k",
            "--ignoreUnsupportedDatatypes",
            Path(name).as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    finally:
        Path(name).unlink(missing_ok=True)
    if done.returncode == 0:
        return True
    if "Inconsistent ontology" in done.stderr:
        return False
    raise ReasonerError(f"HermiT failed: {done.stderr.strip().splitlines()[-1:]}")


def _group_key(graph: Graph, subject: Node) -> URIRef | None:
    """The individual an assertion belongs to (``None``: background, always kept)."""
    if not _own(subject):
        return None
    if (subject, RDF.type, OWL.NegativePropertyAssertion) in graph:
        source = graph.value(subject, OWL.sourceIndividual)
        return source if isinstance(source, URIRef) else None
    assert isinstance(subject, URIRef)  # noqa: S101 - _own checked it
    return subject


def _assertion_groups(graph: Graph) -> tuple[Graph, dict[URIRef, list[Triple]]]:
    """The background (triples of no individual) and each individual's assertion group."""
    background = Graph()
    groups: dict[URIRef, list[Triple]] = {}
    for triple in graph:
        key = _group_key(graph, triple[0])
        if key is None:
            background.add(triple)
        else:
            groups.setdefault(key, []).append(triple)
    return background, groups


def _first_inconsistent(
    candidates: list[URIRef], consistent: Callable[[list[URIRef]], bool]
) -> int:
    """The index of the last group of the shortest inconsistent prefix (binary search)."""
    low, high = 0, len(candidates) - 1
    while low < high:
        middle = (low + high) // 2
        if consistent(candidates[: middle + 1]):
            low = middle + 1
        else:
            high = middle
    return low


def _minimal_clash(graph: Graph) -> list[URIRef]:
    """The individuals of one minimal inconsistent set of assertion groups.

    Deletion search with HermiT as the oracle: binary-search the shortest inconsistent
    prefix of the groups, keep its last group, repeat on the groups before it.
    """
    background, groups = _assertion_groups(graph)
    if not _consistent(background):
        return []
    candidates = sorted(groups)
    conflict: list[URIRef] = []

    def consistent_with(keys: list[URIRef]) -> bool:
        trial = Graph()
        for triple in background:
            trial.add(triple)
        for key in [*conflict, *keys]:
            for triple in groups[key]:
                trial.add(triple)
        return _consistent(trial)

    while candidates and not (conflict and not consistent_with([])):
        last = _first_inconsistent(candidates, consistent_with)
        conflict.append(candidates[last])
        candidates = candidates[:last]
    return sorted(conflict)


def _describe(graph: Graph, iri: URIRef, closure: set[Triple]) -> InconsistentIndividual:
    types = tuple(sorted(t for t in graph.objects(iri, RDF.type) if isinstance(t, URIRef)))
    negations: list[Triple] = []
    for npa in graph.subjects(OWL.sourceIndividual, iri):
        prop = graph.value(npa, OWL.assertionProperty)
        target = graph.value(npa, OWL.targetIndividual)
        if prop is not None and target is not None and (iri, prop, target) in closure:
            negations.append((iri, prop, target))
    label = graph.value(iri, RDFS.label)
    return InconsistentIndividual(
        iri=iri,
        label=str(label) if label is not None else vocab.shorten(iri),
        types=types,
        negations=tuple(sorted(negations, key=str)),
    )


def _told_superclasses(graph: Graph, classes: Iterable[Node]) -> set[Node]:
    told: set[Node] = set()
    for cls in classes:
        told.update(t for t in graph.transitive_objects(cls, RDFS.subClassOf) if t is not None)
    return told


def _memberships(world: owlready2.World, graph: Graph) -> list[tuple[URIRef, URIRef]]:
    found: list[tuple[URIRef, URIRef]] = []
    individuals = sorted({s for s in graph.subjects(RDF.type) if isinstance(s, URIRef) and _own(s)})
    for iri in individuals:
        entity = world[str(iri)]
        if entity is None or not hasattr(entity, "INDIRECT_is_a"):
            continue
        told = _told_superclasses(graph, graph.objects(iri, RDF.type))
        for cls in entity.INDIRECT_is_a:
            cls_iri = URIRef(str(getattr(cls, "iri", "")))
            if _pkg(cls_iri) and cls_iri not in told:
                found.append((iri, cls_iri))
    return sorted(set(found))


def _hermit_values(world: owlready2.World) -> Iterator[Triple]:
    """The property values HermiT added (owlready2 keeps them in its inferences ontology)."""
    for s, p, o in world.get_ontology(_INFERENCES_IRI).get_triples():
        if not (isinstance(s, int) and isinstance(p, int) and isinstance(o, int)):
            continue
        if s < 0 or o < 0:
            continue  # blank nodes
        yield (
            URIRef(world._unabbreviate(s)),
            URIRef(world._unabbreviate(p)),
            URIRef(world._unabbreviate(o)),
        )


def _close_properties(graph: Graph, facts: set[Triple]) -> set[Triple]:
    """Close ``facts`` under told ``rdfs:subPropertyOf`` and ``owl:inverseOf``."""
    inverses: dict[Node, set[Node]] = {}
    for p, q in graph.subject_objects(OWL.inverseOf):
        inverses.setdefault(p, set()).add(q)
        inverses.setdefault(q, set()).add(p)
    supers: dict[Node, set[Node]] = {}
    closed = set(facts)
    todo = list(facts)
    while todo:
        s, p, o = todo.pop()
        if p not in supers:
            supers[p] = {
                q for q in graph.transitive_objects(p, RDFS.subPropertyOf) if q is not None
            }
        derived: list[Triple] = [(s, q, o) for q in supers[p] if isinstance(q, URIRef)]
        derived += [(o, q, s) for q in inverses.get(p, ())]
        for triple in derived:
            if triple not in closed:
                closed.add(triple)
                todo.append(triple)
    return closed


def _object_facts(graph: Graph) -> set[Triple]:
    return {
        (s, p, o)
        for s, p, o in graph
        if _own(s) and _own(o) and _pkg(p) and (p, RDF.type, OWL.ObjectProperty) in graph
    }


def reason(kg: LoadedGraph, *, ontology: str | Path | None = None) -> ReasoningResult:
    """Run HermiT on ``kg`` (plus the ontology) and return what it infers; ``kg`` is unchanged.

    :param ontology: the OWL ontology to reason with (default: the packaged one, added
        only when ``kg`` does not already contain it).
    :raises JavaNotFoundError: no ``java`` to run HermiT.
    :raises ReasonerError: HermiT failed for another reason.
    """
    start = time.perf_counter()
    graph = _reasoner_input(kg, ontology)
    world = _hermit_world(graph)
    if world is None:
        offenders = _minimal_clash(graph)
        closure = _close_properties(graph, _object_facts(graph))
        return ReasoningResult(
            consistent=False,
            offenders=tuple(_describe(graph, iri, closure) for iri in offenders),
            asserted_triples=len(kg),
            seconds=time.perf_counter() - start,
        )
    try:
        memberships = _memberships(world, graph)
        hermit = {t for t in _hermit_values(world) if _own(t[0]) and _own(t[2]) and _pkg(t[1])}
    finally:
        world.close()
    closed = _close_properties(graph, _object_facts(graph) | hermit)
    values = sorted(
        (s, p, o)
        for s, p, o in closed
        if (s, p, o) not in graph
        and isinstance(s, URIRef)
        and isinstance(p, URIRef)
        and isinstance(o, URIRef)
    )
    inferred = vocab.bind_prefixes(Graph())
    for individual, cls in memberships:
        inferred.add((individual, RDF.type, cls))
    for triple in values:
        inferred.add(triple)
    return ReasoningResult(
        consistent=True,
        memberships=tuple(memberships),
        values=tuple(values),
        graph=inferred,
        asserted_triples=len(kg),
        seconds=time.perf_counter() - start,
    )


def consistent_inferences(kg: LoadedGraph) -> ReasoningResult:
    """HermiT's inferences on ``kg``.

    :raises InconsistentGraphError: the graph is inconsistent, so everything would follow.
    """
    result = reason(kg)
    if not result.consistent:
        raise InconsistentGraphError(
            f"the graph is inconsistent, so nothing can be inferred: {result.explanation}"
        )
    return result


def with_inferences(kg: LoadedGraph) -> LoadedGraph:
    """A new graph: ``kg``'s triples plus HermiT's inferences, in memory (``kg`` is unchanged).

    :raises InconsistentGraphError: the graph is inconsistent, so everything would follow.
    """
    inferred = consistent_inferences(kg).graph
    return type(kg)(with_triples(kg.store, inferred), kg.sources)
