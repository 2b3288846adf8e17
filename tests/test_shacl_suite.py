"""The W3C SHACL test suite (Core and SHACL-SPARQL) run through ``pharmakg validate``, per engine.

Suite: https://w3c.github.io/data-shapes/data-shapes-test-suite/ (the files, their origin and
licence: ``tests/data/w3c-shacl/``). Each ``sht:Validate`` test names a data graph, a shapes
graph and either the expected ``sh:ValidationReport`` or ``sht:Failure``. Every test runs on
each engine as ``pharmakg validate DATA --shapes SHAPES --ontology DATA --engine E --format
json``, in process. There is no option to validate without an ontology; naming the data file as
``--ontology`` merges nothing else, as ``validate_graph`` adds no ontology that is one of the
data's own files.

What is compared (issue 21): ``conforms``, and the multiset of results, each as its focus node,
path, value, ``sh:sourceConstraintComponent`` and severity (the source shape and the message are
not). The JSON writes an IRI as a CURIE of the prefix map or as ``<IRI>``, a literal as its
lexical form, a complex path as SPARQL path text, a blank node as ``_:label``. So:

* a blank focus node or value stands for any blank node: its label is the engine's own, and its
  structure is not compared;
* a complex path (a blank node in the expected report) is compared as SPARQL path text;
* a literal is matched on its lexical form; an expected datatype other than ``xsd:string``, or a
  language tag, that the JSON does not carry is a failure of its own ("the JSON drops ...").

Where the suite expects ``sht:Failure``, the command must refuse with exit 2 or 3 and a
one-line error.

A test that fails today is listed in :data:`KNOWN_FAILURES` with the problems it shows, and is an
``xfail(strict=True)``: when a fix makes it pass it XPASSes and fails, so the table shrinks; when
it fails differently, the test fails and says what to write in the table. The pass counts per
engine follow from the table; ``docs/validation.md`` shows them and a test holds it to them.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from conftest import DATA, ROOT
from pharmakg import vocab
from pharmakg.cli import main

SUITE = DATA / "w3c-shacl"
DOCS = ROOT / "docs" / "validation.md"
ENGINES = ("fast", "pyshacl", "auto")

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

#: A blank node of the expected report: it matches any blank node.
BLANK = ("blank",)


# -- the suite's manifests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One expected validation result, each term as a comparison key (``None``: absent)."""

    focus: tuple[str, ...]
    path: tuple[str, ...] | None
    value: tuple[str, ...] | None
    component: tuple[str, ...] | None
    severity: tuple[str, ...] | None
    #: the value's datatype or language, which the JSON must carry too (``None``: nothing to carry)
    typing: str | None = None


@dataclass(frozen=True)
class SuiteTest:
    """One ``sht:Validate`` entry; ``conforms`` and ``results`` are ``None`` for ``sht:Failure``."""

    id: str
    data: Path
    shapes: Path
    conforms: bool | None
    results: tuple[Expected, ...] | None


def _path_of(iri: Node) -> Path:
    return Path(unquote(urlparse(str(iri)).path))


@functools.cache
def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _manifests(path: Path) -> Iterator[tuple[Graph, Node]]:
    """Each manifest reachable from ``path`` by ``mf:include``, with its graph."""
    graph = _parse(path)
    for manifest in sorted(graph.subjects(RDF.type, MF.Manifest)):
        yield graph, manifest
        for included in sorted(graph.objects(manifest, MF.include)):
            yield from _manifests(_path_of(included))


def _key(term: Node | None) -> tuple[str, ...] | None:
    """A term as the JSON can say it: an IRI, a lexical form, or any blank node."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return BLANK
    if isinstance(term, Literal):
        return ("literal", str(term))
    return ("iri", str(term))


def _typing(term: Node | None) -> str | None:
    if not isinstance(term, Literal):
        return None
    if term.language:
        return f"@{term.language}"
    if term.datatype is not None and term.datatype != XSD.string:
        return vocab.shorten(str(term.datatype))
    return None


def _path_text(node: Node, graph: Graph, *, inner: bool = False) -> str:
    """A SHACL property path in SPARQL 1.1 path syntax (IRIs as ``vocab.shorten`` shows them)."""
    if isinstance(node, URIRef):
        return vocab.shorten(str(node))
    if graph.value(node, RDF.first) is not None:
        text = "/".join(_path_text(i, graph, inner=True) for i in Collection(graph, node))
        return f"({text})" if inner else text
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(i, graph) for i in Collection(graph, alternatives)) + ")"
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(inverse, graph, inner=True)
    for keyword, mark in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        operand = graph.value(node, keyword)
        if operand is not None:
            return _path_text(operand, graph, inner=True) + mark
    raise ValueError(f"not a SHACL path: {node}")


def _expected(graph: Graph, result: Node) -> Expected:
    path = graph.value(result, SH.resultPath)
    value = graph.value(result, SH.value)
    return Expected(
        focus=_key(graph.value(result, SH.focusNode)) or BLANK,
        path=("path", _path_text(path, graph)) if isinstance(path, BNode) else _key(path),
        value=_key(value),
        component=_key(graph.value(result, SH.sourceConstraintComponent)),
        severity=_key(graph.value(result, SH.resultSeverity)),
        typing=_typing(value),
    )


def _entry(graph: Graph, entry: Node) -> SuiteTest:
    action = graph.value(entry, MF.action)
    outcome = graph.value(entry, MF.result)
    data = _path_of(graph.value(action, SHT.dataGraph))
    shapes = _path_of(graph.value(action, SHT.shapesGraph))
    name = str(entry).removeprefix(SUITE.resolve().as_uri() + "/")
    if outcome == SHT.Failure:
        return SuiteTest(name, data, shapes, None, None)
    conforms = graph.value(outcome, SH.conforms)
    assert isinstance(conforms, Literal), f"{name}: no sh:conforms"
    results = tuple(_expected(graph, r) for r in graph.objects(outcome, SH.result))
    return SuiteTest(name, data, shapes, bool(conforms.toPython()), results)


@functools.cache
def suite() -> tuple[SuiteTest, ...]:
    """Every ``sht:Validate`` test of the suite, in manifest order, each read once."""
    tests = []
    for graph, manifest in _manifests(SUITE.resolve() / "manifest.ttl"):
        for entries in graph.objects(manifest, MF.entries):
            for entry in Collection(graph, entries):
                assert (entry, RDF.type, SHT.Validate) in graph, f"{entry}: not sht:Validate"
                tests.append(_entry(graph, entry))
    return tuple(tests)


# -- the command's report ----------------------------------------------------------------------

_CURIE = re.compile(r"[A-Za-z_][\w.-]*:[^\s<>\"]*")


def _iri(text: str) -> str | None:
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if _CURIE.fullmatch(text):
        expanded: str | None = vocab.prefix_map().converter.expand(text, strict=False)
        return expanded
    return None


def _keys(text: str | None) -> set[tuple[str, ...] | None]:
    """What a term written in the JSON may be: an IRI, a literal, a path text, a blank node."""
    if text is None:
        return {None}
    if text.startswith("_:"):
        return {BLANK}
    keys: set[tuple[str, ...] | None] = {("literal", text), ("path", text)}
    iri = _iri(text)
    if iri is not None:
        keys.add(("iri", iri))
    return keys


_FIELDS = ("focus", "path", "value", "component", "severity")
_SEVERITIES = {s: str(SH) + s for s in ("Violation", "Warning", "Info")}


@dataclass(frozen=True)
class Actual:
    """One result of the command's JSON report."""

    row: dict[str, str | None]

    def field(self, name: str) -> str | None:
        """The JSON's text for one compared field."""
        if name == "severity":
            severity = self.row["severity"] or ""
            if severity in _SEVERITIES:
                return f"<{_SEVERITIES[severity]}>"
            return f"<{severity}>" if "://" in severity else severity  # a custom one, as an IRI
        return self.row[{"focus": "focus_node"}.get(name, name)]

    def matches(self, expected: Expected, *, skip: str = "") -> bool:
        """Whether every compared field but ``skip`` agrees with ``expected``."""
        return all(
            getattr(expected, name) in _keys(self.field(name)) for name in _FIELDS if name != skip
        )

    @property
    def label(self) -> str:
        """The result's constraint component, or its source shape for a check beyond SHACL."""
        return self.row["component"] or self.row["source_shape"] or "no component"


def _label(expected: Expected) -> str:
    if expected.component is None:
        return "no component"
    return vocab.shorten(expected.component[-1])


def _actual_typing(row: dict[str, str | None]) -> str | None:
    """The JSON value's language or datatype, written as :func:`_typing` writes the expected."""
    if row.get("value_language"):
        return f"@{row['value_language']}"
    datatype = row.get("value_datatype")
    if datatype and datatype != str(XSD.string):
        return vocab.shorten(datatype)
    return None


def _pair(expected: list[Expected], actual: list[Actual], skip: str = "") -> list[str]:
    """Remove from both lists each expected result and the actual result that matches it.

    Returns the typing problem of a pair whose literal value lacks its datatype or language.
    """
    problems = []
    for wanted in list(expected):
        candidates = [found for found in actual if found.matches(wanted, skip=skip)]
        if not candidates:
            continue
        # Of results that differ only in a literal's datatype or language, the one that agrees.
        typed = [c for c in candidates if _actual_typing(c.row) == wanted.typing]
        found = (typed or candidates)[0]
        expected.remove(wanted)
        actual.remove(found)
        if wanted.typing is not None and _actual_typing(found.row) != wanted.typing:
            problems.append(TYPING)
    return problems


def _near_misses(expected: list[Expected], actual: list[Actual]) -> list[str]:
    """Problems of results that agree on all fields but one (paired and removed)."""
    problems = []
    for name in _FIELDS:
        for wanted in list(expected):
            found = next((a for a in actual if a.matches(wanted, skip=name)), None)
            if found is None:
                continue
            expected.remove(wanted)
            actual.remove(found)
            if name == "severity" and wanted.severity is not None:
                shown = vocab.shorten(wanted.severity[-1])
                problems.append(f"{shown} reported as {found.row['severity']}")
            else:
                problems.append(f"{_label(wanted)}: wrong {name}")
    return problems


def _compare(test: SuiteTest, conforms: bool, rows: list[dict[str, str | None]]) -> list[str]:
    assert test.results is not None
    expected = list(test.results)
    actual = [Actual(row) for row in rows]
    # pharmakg's checks beyond SHACL (prefixes, CURIEs, literals) report pkgsh: shapes
    project = [a for a in actual if str(a.row["source_shape"]).startswith("pkgsh:")]
    actual = [a for a in actual if a not in project]
    problems = [f"project checks add {a.row['source_shape']}" for a in project]
    problems += _pair(expected, actual)
    problems += _near_misses(expected, actual)
    problems += [f"missing {_label(e)} result" for e in expected]
    problems += [f"extra {a.label} result" for a in actual]
    # A wrong `conforms` beyond the one the project checks cause (they are all Violations).
    if conforms != (test.conforms and not project):
        problems.append(f"conforms is {conforms}, expected {test.conforms}".lower())
    return sorted(set(problems))


_BLANK_LABEL = re.compile(r"_:\w+")


def run(test: SuiteTest, engine: str) -> list[str]:
    """The problems of one test on one engine, sorted (none: the test passes)."""
    files = [str(test.data)]
    args = ["validate", *files, "--shapes", str(test.shapes), "--ontology", str(test.data)]
    result = CliRunner().invoke(main, [*args, "--engine", engine, "--format", "json"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return [f"crash: {type(result.exception).__name__}"]
    error = _BLANK_LABEL.sub("_:b", result.stderr.strip().replace(str(SUITE.resolve()), "…"))
    if test.results is None:
        if result.exit_code not in (2, 3):
            return [f"accepts what the suite refuses (exit {result.exit_code})"]
        return [] if len(error.splitlines()) == 1 else ["refuses with more than one line"]
    if result.exit_code not in (0, 1):
        last = error.splitlines()[-1] if error else ""
        if result.exit_code == 2 and "the fast SHACL engine cannot run these shapes" in last:
            return [FAST_REFUSES]
        if result.exit_code == 3 and "Shapes Graph is not currently supported" in last:
            return [SHAPES_GRAPH]
        return [f"refused (exit {result.exit_code}): {last}"]
    report = json.loads(result.stdout)
    if result.exit_code != (0 if report["conforms"] else 1):
        return [f"exit {result.exit_code} with conforms {report['conforms']}"]
    return _compare(test, report["conforms"], report["results"])


# -- the tests ---------------------------------------------------------------------------------

# The problems, as :func:`run` words them; the causes are in docs/validation.md.
#: a literal value's datatype or language missing from the JSON report.
TYPING = "the JSON drops a literal's datatype or language"
#: ``--engine fast`` refuses SHACL-SPARQL it cannot run as SHACL says (auto gives it to pyshacl).
FAST_REFUSES = "the fast engine refuses shapes it cannot run (exit 2)"
#: pyshacl does not implement ``$shapesGraph``; pharmakg says so in one line (exit 3).
SHAPES_GRAPH = "pyshacl does not support $shapesGraph (exit 3)"
#: both engines take ``sh:uniqueLang "1"^^xsd:boolean`` as true.
UNIQUE_LANG = "extra sh:UniqueLangConstraintComponent result"
#: ... and so report a conforming graph as not conforming.
CONFORMS_FALSE = "conforms is false, expected true"
#: Each problem by the name docs/validation.md gives it.
PROBLEMS = {
    "FAST_REFUSES": FAST_REFUSES,
    "SHAPES_GRAPH": SHAPES_GRAPH,
    "UNIQUE_LANG": UNIQUE_LANG,
    "CONFORMS_FALSE": CONFORMS_FALSE,
}


def _why(*problems: str) -> str:
    return "; ".join(sorted(problems))


#: The tests that fail today, with the problems each shows.
KNOWN_FAILURES: dict[tuple[str, str], str] = {
    ("core/property/uniqueLang-002", "auto"): _why(CONFORMS_FALSE, UNIQUE_LANG),
    ("core/property/uniqueLang-002", "fast"): _why(CONFORMS_FALSE, UNIQUE_LANG),
    ("core/property/uniqueLang-002", "pyshacl"): _why(CONFORMS_FALSE, UNIQUE_LANG),
    ("sparql/component/optional-001", "fast"): _why(FAST_REFUSES),
    ("sparql/component/propertyValidator-select-001", "fast"): _why(FAST_REFUSES),
    ("sparql/component/validator-001", "fast"): _why(FAST_REFUSES),
    ("sparql/pre-binding/pre-binding-003", "fast"): _why(FAST_REFUSES),
    ("sparql/pre-binding/pre-binding-004", "fast"): _why(FAST_REFUSES),
    ("sparql/pre-binding/pre-binding-005", "fast"): _why(FAST_REFUSES),
    ("sparql/pre-binding/shapesGraph-001", "auto"): _why(SHAPES_GRAPH),
    ("sparql/pre-binding/shapesGraph-001", "fast"): _why(FAST_REFUSES),
    ("sparql/pre-binding/shapesGraph-001", "pyshacl"): _why(SHAPES_GRAPH),
    ("sparql/property/sparql-001", "fast"): _why(FAST_REFUSES),
}


class SuiteMismatch(AssertionError):
    """The command's report differs from the suite's expected one, as the table says it does."""


def _cases() -> Iterator[object]:
    for test in suite():
        for engine in ENGINES:
            reason = KNOWN_FAILURES.get((test.id, engine))
            marks = (
                [pytest.mark.xfail(strict=True, raises=SuiteMismatch, reason=reason)]
                if reason is not None
                else []
            )
            yield pytest.param(test, engine, id=f"{test.id}-{engine}", marks=marks)


@pytest.mark.parametrize(("test", "engine"), list(_cases()))
def test_w3c_shacl(test: SuiteTest, engine: str) -> None:
    problems = "; ".join(run(test, engine))
    if not problems:
        return  # passes; an entry in KNOWN_FAILURES makes this an XPASS, which fails
    known = KNOWN_FAILURES.get((test.id, engine))
    assert known in (None, problems), f"fails differently: set KNOWN_FAILURES to {problems!r}"
    raise SuiteMismatch(problems)


def test_known_failures_name_suite_tests() -> None:
    ids = {t.id for t in suite()}
    assert {test_id for test_id, _ in KNOWN_FAILURES} <= ids
    assert {engine for _, engine in KNOWN_FAILURES} <= set(ENGINES)
    shown = {p for reason in KNOWN_FAILURES.values() for p in reason.split("; ")}
    assert shown == set(PROBLEMS.values()), "docs/validation.md names each problem"


def _failing(engine: str) -> list[set[str]]:
    return [set(r.split("; ")) for (_, e), r in KNOWN_FAILURES.items() if e == engine]


def passes(engine: str, aside: frozenset[str] = frozenset()) -> int:
    """How many tests pass on ``engine``, by the table, once the ``aside`` problems are fixed."""
    return len(suite()) - sum(1 for problems in _failing(engine) if not problems <= aside)


def test_docs_show_the_pass_counts() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"Out of {len(suite())} tests per engine." in text
    for engine in ENGINES:
        assert f"| {engine} | {passes(engine)} |" in text


def test_docs_count_the_runs_per_problem() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| ((?:`[A-Z_]+`(?:, )?)+) \| (\d+) \| (\d+) \| (\d+) \|", text, re.MULTILINE
    )
    named = [name.strip("`") for names, *_ in rows for name in names.split(", ")]
    assert sorted(named) == sorted(PROBLEMS)
    for names, *shown in rows:
        problems = {PROBLEMS[name.strip("`")] for name in names.split(", ")}
        runs = [sum(1 for p in _failing(engine) if p & problems) for engine in ENGINES]
        assert list(map(int, shown)) == runs, names


def test_suite_is_whole() -> None:
    """The manifests name 120 tests, each over files that exist.

    ``sparql/component/nodeValidator-001.ttl`` is the one test file no manifest includes.
    """
    tests = suite()
    assert Counter(t.id.split("/")[0] for t in tests) == {"core": 98, "sparql": 22}
    assert all(t.data.is_file() and t.shapes.is_file() for t in tests)
    files = {t.id + ".ttl" for t in tests}
    on_disk = {str(p.relative_to(SUITE)) for p in SUITE.glob("*/*/*.ttl")}
    named = {f for f in on_disk if "sht:Validate" in (SUITE / f).read_text(encoding="utf-8")}
    assert named - files == {"sparql/component/nodeValidator-001.ttl"}


def test_readme_shows_the_pass_counts() -> None:
    text = " ".join((DOCS.parents[1] / "README.md").read_text(encoding="utf-8").split())
    counts = ", ".join(f"{engine} {passes(engine)}" for engine in ENGINES)
    assert f"`make test`: {counts} pass" in text
