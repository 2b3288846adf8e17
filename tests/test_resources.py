"""Tests for the resource resolver and for packaging (a wheel finds its data)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from pharmakg import resources
from pharmakg.errors import ResourceError

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_root_has_the_data() -> None:
    root = resources.data_root()
    assert (root / "ontology").is_dir()
    assert (root / "sources").is_dir()
    assert resources.ontology_file().name == "pharmakg.ttl"
    assert resources.prefixes_file().is_file()
    assert resources.source_file("imiquimod-monograph.txt").is_file()
    assert all(p.suffix == ".ttl" for p in resources.graph_files())


@pytest.mark.parametrize("name", ["../pyproject.toml", ".hidden", "a/b"])
def test_source_file_refuses_paths(name: str) -> None:
    with pytest.raises(ResourceError):
        resources.source_file(name)


def test_a_missing_packaged_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken installation fails loudly; it never looks like "no queries" or "no graphs"."""
    import pharmakg

    (tmp_path / "ontology").mkdir()
    monkeypatch.setattr(resources, "data_root", lambda: tmp_path)
    with pytest.raises(ResourceError, match="queries"):
        pharmakg.list_queries()
    with pytest.raises(ResourceError, match="graphs"):
        resources.graph_files()


def test_internal_queries_are_files_that_parse() -> None:
    """The queries the stages run themselves are packaged .rq files, and each one parses."""
    import pyoxigraph as ox

    folder = Path(resources.__file__).parent / "sparql"
    names = sorted(p.stem for p in folder.glob("*.rq"))
    assert names, "src/pharmakg/sparql/ holds the stages' own queries"
    for name in names:
        text = resources.internal_query(name)
        bound = {ox.Variable("drug"): ox.NamedNode("urn:x:drug")} if "?drug" in text else {}
        ox.Store().query(text, substitutions=bound)
    with pytest.raises(ResourceError, match="no-such-query"):
        resources.internal_query("no-such-query")


def test_written_files_get_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        target = resources.write_text_atomic(tmp_path / "f.txt", "x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o640


def test_write_text_atomic(tmp_path: Path) -> None:
    target = resources.write_text_atomic(tmp_path / "sub" / "f.txt", "a\r\nb")
    assert target.read_bytes() == b"a\r\nb"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


@pytest.mark.slow
def test_wheel_in_fresh_venv_finds_its_data(tmp_path: Path) -> None:
    """Build a wheel, install it into a new venv, and run it away from the checkout.

    The new venv gets the wheel only; the dependencies come from this venv's
    site-packages through a path entry that sorts after the venv's own, so the
    checkout's editable install is not seen.
    """
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    [wheel] = list(wheels.glob("pharmakg-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, symlinks=True)
    python = env_dir / "bin" / "python"
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, str(wheel)],
        check=True,
    )
    deps = sysconfig.get_paths()["purelib"]
    (Path(target) / "zz_deps.pth").write_text(deps + "\n")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    code = (
        "import pharmakg, pharmakg.resources as r; "
        "root = r.data_root(); print(root); "
        "assert 'site-packages' in str(root) and root.name == '_data', root; "
        "assert r.ontology_file().is_file() and r.prefixes_file().is_file(); "
        "assert r.source_file('imiquimod-monograph.txt').is_file(); "
        "page = pharmakg.visualise(pharmakg.load(), 'imiquimod', 'html'); "
        "assert b'Cytoscape Consortium' in page and b'pharmakgGraph' in page; "
        "print(len(pharmakg.load()))"
    )
    done = subprocess.run(
        [str(python), "-c", code], cwd=workdir, capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert str(ROOT) not in done.stdout
    listed = subprocess.run(
        [str(python), "-m", "pharmakg", "queries"],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    shutil.rmtree(env_dir)
