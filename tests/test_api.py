"""Tests for the public face: a sorted __all__, the facade, and the module layers."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pharmakg
from pharmakg._load import LoadedGraph

SRC = Path(pharmakg.__file__).parent

#: STYLE.md's layers, ordered within each layer: a module (or package) imports only lower
#: numbers. A package's submodules share its layer and may import each other.
LAYERS = {
    "errors": 0,
    "resources": 1,
    "formats": 1,
    "rebase": 1,
    "vocab": 2,
    "model": 3,
    "store": 4,
    "_load": 5,
    "_validate": 6,
    "_reason": 6,
    "importers": 6,
    "_query": 7,
    "mechanism": 8,
    "knowledge": 8,
    "paths": 9,
    "_visualise": 10,
    "_export": 11,
    "_build": 12,
    "serve": 12,
    "__init__": 13,
    "cli": 14,
    "__main__": 15,
}


def test_all_is_sorted_and_complete() -> None:
    assert pharmakg.__all__ == sorted(pharmakg.__all__)
    for name in pharmakg.__all__:
        assert hasattr(pharmakg, name), name
    for name in ("load", "validate", "query", "list_queries", "build", "KnowledgeGraph"):
        assert callable(getattr(pharmakg, name))


def _sources() -> list[Path]:
    """Every Python file of the package, vendored code aside."""
    return [p for p in sorted(SRC.rglob("*.py")) if "_vendor" not in p.parts]


def _unit(path: Path) -> str:
    """The layer unit of a file: its top-level module or package (``export/kgx.py`` → export)."""
    first = path.relative_to(SRC).parts[0]
    return first.removesuffix(".py")


def test_module_all_lists_are_sorted() -> None:
    for path in _sources():
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                names = ast.literal_eval(node.value)
                assert names == sorted(names), path.name


def _package_of(path: Path) -> list[str]:
    """The dotted package (under pharmakg) that ``path`` lives in, as parts."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return parts[:-1]


def _internal_imports(path: Path) -> set[str]:
    """The layer units ``path`` imports, relative or absolute."""
    found = set()
    package = _package_of(path)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = [*base, *(node.module.split(".") if node.module else [])]
            if target:
                found.add(target[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pharmakg"):
            found.add((node.module or "").removeprefix("pharmakg").lstrip(".").split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pharmakg"):
                    found.add(alias.name.removeprefix("pharmakg").lstrip(".").split(".")[0])
    return {name or "__init__" for name in found}


def test_layers_import_only_downwards() -> None:
    units = {_unit(p) for p in _sources()}
    assert units <= set(LAYERS), f"add {sorted(units - set(LAYERS))} to LAYERS"
    for path in _sources():
        own = _unit(path)
        for imported in _internal_imports(path):
            assert imported in LAYERS, (path, imported)
            assert LAYERS[imported] < LAYERS[own] or imported == own, (path.name, imported)


#: Packages split into modules that each name one concern: their ``__init__`` is the public
#: face alone (imports and ``__all__``), and no module of theirs is over 500 lines.
SPLIT_PACKAGES = (
    "_export",
    "_validate",
    "_visualise",
    "cli",
    "importers",
    "model",
    "paths",
    "serve",
    "store",
)


def test_split_packages_keep_their_shape() -> None:
    for package in SPLIT_PACKAGES:
        face = ast.parse((SRC / package / "__init__.py").read_text())
        for node in face.body[1:]:  # the docstring first
            is_all = isinstance(node, ast.Assign) and [
                t.id for t in node.targets if isinstance(t, ast.Name)
            ] == ["__all__"]
            assert isinstance(node, ast.ImportFrom) or is_all, (package, ast.unparse(node))
        for path in sorted((SRC / package).glob("*.py")):
            lines = len(path.read_text().splitlines())
            assert lines <= 500, f"{package}/{path.name}: {lines} lines"


def test_cli_runs_the_stages_through_the_public_api() -> None:
    """The CLI is a thin layer: every stage it runs is a name of ``pharmakg.__all__``.

    From the modules it may import support alone: option tables (engines, bases, limits),
    parsers of option values and the atomic writers; never a stage's function.
    """
    public = set(pharmakg.__all__)
    stages = {"load", "validate", "query", "reason", "export", "build", "visualise", "publish"}
    modules = sorted((SRC / "cli").glob("*.py"))
    assert len(modules) > 1  # the package's modules, not only its face
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "pharmakg":
                assert {alias.name for alias in node.names} <= public, path.name
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pharmakg."):
                assert not {alias.name for alias in node.names} & stages, (path.name, node.module)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "pharmakg"
                and not node.attr.startswith("__")
            ):
                assert node.attr in public, (path.name, node.attr)


def test_public_face_is_curated() -> None:
    """About 35 names, no logic in ``__init__``, and no module hidden by a function."""
    assert len(pharmakg.__all__) <= 36
    tree = ast.parse((SRC / "__init__.py").read_text())
    assert not [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    for name in pharmakg.__all__:  # the implementation modules are private (_load, _export, …)
        assert importlib.util.find_spec(f"pharmakg.{name}") is None, name
    release = importlib.import_module("pharmakg._export.release")  # reached by its path
    assert release.prepare_release is pharmakg._export.prepare_release


def test_no_sys_exit_below_cli() -> None:
    for path in _sources():
        if _unit(path) in ("cli", "__main__"):
            continue
        assert "sys.exit" not in path.read_text(), path.name


def test_import_has_no_side_effects() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pharmakg, pharmakg.cli, pharmakg.vocab as v; "
        # The engines load when a stage first needs them, so `pharmakg query` starts fast.
        "assert not {'pyshacl', 'shacl', 'owlready2'} & set(sys.modules), sys.modules.keys(); "
        "from pharmakg.vocab import _terms_for, prefix_map; "
        "assert _terms_for.cache_info().currsize == 0; "
        "assert prefix_map.cache_info().currsize == 0"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_knowledge_graph_facade(fixtures: Path) -> None:
    kg = pharmakg.load(fixtures / "ontology.ttl", fixtures / "good.ttl")
    assert isinstance(kg, pharmakg.KnowledgeGraph)
    assert isinstance(kg, LoadedGraph)
    result = kg.query(fixtures / "queries" / "drugs.rq", drug="CHEBI:36704")
    assert len(result) == 1
    assert kg.with_engine("oxigraph") is kg  # the engine is chosen once: no copy
    assert kg.to_rdflib() is kg.to_rdflib()  # one view, made once
    assert len(kg.with_engine("rdflib").store) == len(kg) == len(kg.to_rdflib())
