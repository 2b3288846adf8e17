"""Tests for the public face: a sorted __all__, the facade, and the module layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pharmakg
from pharmakg.load import LoadedGraph

SRC = Path(pharmakg.__file__).parent

#: STYLE.md's layers, ordered within each layer: a module imports only lower numbers.
LAYERS = {
    "errors": 0,
    "resources": 1,
    "vocab": 2,
    "model": 3,
    "store": 4,
    "load": 5,
    "validate": 6,
    "query": 6,
    "reason": 6,
    "paths": 7,
    "export": 8,
    "visualise": 8,
    "build": 9,
    "__init__": 10,
    "cli": 11,
    "__main__": 12,
}


def test_all_is_sorted_and_complete() -> None:
    assert pharmakg.__all__ == sorted(pharmakg.__all__)
    for name in pharmakg.__all__:
        assert hasattr(pharmakg, name), name
    for name in ("load", "validate", "query", "list_queries", "build", "KnowledgeGraph"):
        assert callable(getattr(pharmakg, name))


def test_module_all_lists_are_sorted() -> None:
    for path in SRC.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                names = ast.literal_eval(node.value)
                assert names == sorted(names), path.name


def _internal_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:
                found.update(alias.name for alias in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pharmakg"):
            found.add((node.module or "").removeprefix("pharmakg").lstrip(".") or "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pharmakg"):
                    found.add(alias.name.removeprefix("pharmakg").lstrip(".") or "__init__")
    return found


def test_layers_import_only_downwards() -> None:
    modules = {p.stem for p in SRC.glob("*.py")}
    assert modules <= set(LAYERS), "add new modules to LAYERS"
    for path in SRC.glob("*.py"):
        own = LAYERS[path.stem]
        for imported in _internal_imports(path):
            assert LAYERS[imported] < own or (imported == path.stem), (path.stem, imported)


def test_no_sys_exit_below_cli() -> None:
    for path in SRC.glob("*.py"):
        if path.stem in ("cli", "__main__"):
            continue
        assert "sys.exit" not in path.read_text(), path.name


def test_import_has_no_side_effects() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pharmakg, pharmakg.vocab as v; "
        "assert 'pyshacl' in sys.modules; "
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
    assert kg.store("oxigraph") is kg.store("oxigraph")
    assert len(kg.store("rdflib")) == len(kg) == len(kg.store("oxigraph"))
