"""Find pharmakg's packaged data files: the one resolver.

The card keeps ``ontology/``, ``graphs/``, ``queries/`` and ``sources/`` at the
top of the repository. A wheel carries them as ``pharmakg/_data/<dir>`` (hatch
``force-include``). :func:`data_root` looks in the installed package first
(``importlib.resources``) and then in the checkout around ``src/pharmakg``
(a plain checkout or an editable install). Nothing is read at import time.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import tempfile
from pathlib import Path

from .errors import OutputError, ResourceError

__all__ = [
    "DATA_DIRS",
    "data_root",
    "graph_files",
    "ontology_file",
    "prefixes_file",
    "queries_dir",
    "shapes_file",
    "source_file",
    "vocabulary_files",
    "write_bytes_atomic",
    "write_text_atomic",
]

#: The top-level data directories a release needs.
DATA_DIRS = ("ontology", "graphs", "queries", "sources")


def _candidates() -> list[Path]:
    candidates: list[Path] = []
    packaged = importlib.resources.files("pharmakg") / "_data"
    if isinstance(packaged, Path):
        candidates.append(packaged)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "pharmakg").is_dir():
        candidates.append(checkout)
    return candidates


@functools.cache
def data_root() -> Path:
    """Return the directory that holds ``ontology/``, ``graphs/``, ``queries/``, ``sources/``.

    :raises ResourceError: neither an installed copy nor a checkout has them.
    """
    candidates = _candidates()
    for root in candidates:
        if (root / "ontology").is_dir():
            return root
    tried = ", ".join(str(c) for c in candidates) or "(no candidate)"
    raise ResourceError(
        f"pharmakg data directories not found; looked in {tried}. "
        "Reinstall pharmakg, or run from a checkout."
    )


def _existing(path: Path) -> Path:
    if not path.exists():
        raise ResourceError(f"packaged file missing: {path}", file=path)
    return path


def ontology_file() -> Path:
    """Return ``ontology/pharmakg.ttl``, the OWL ontology."""
    return _existing(data_root() / "ontology" / "pharmakg.ttl")


def vocabulary_files() -> list[Path]:
    """Every file that declares ``pkg:`` terms: the ontology and the curated-import terms."""
    return [ontology_file(), _existing(data_root() / "ontology" / "drugmechdb.ttl")]


def shapes_file() -> Path:
    """Return ``ontology/shapes.ttl``, the SHACL shapes."""
    return _existing(data_root() / "ontology" / "shapes.ttl")


def prefixes_file() -> Path:
    """Return ``ontology/prefixes.json``, the one prefix map."""
    return _existing(data_root() / "ontology" / "prefixes.json")


def graph_files() -> list[Path]:
    """Return every ``graphs/*.ttl``, sorted by name.

    :raises ResourceError: the packaged ``graphs/`` directory is missing.
    """
    return sorted(_existing(data_root() / "graphs").glob("*.ttl"))


def queries_dir() -> Path:
    """Return the ``queries/`` directory of named ``.rq`` queries.

    :raises ResourceError: it is missing (a broken installation, never "no queries").
    """
    return _existing(data_root() / "queries")


def internal_query(name: str) -> str:
    """The text of ``src/pharmakg/sparql/<name>.rq``: a query a stage runs itself.

    Not one of the named queries (``queries/``) a user lists and runs; kept as a file, like
    them, so that no SPARQL is built from strings in the code.

    :raises ResourceError: the package lacks it (a broken installation).
    """
    found = importlib.resources.files("pharmakg") / "sparql" / f"{name}.rq"
    if not found.is_file():
        raise ResourceError(f"packaged query sparql/{name}.rq is missing", term=name)
    return found.read_text(encoding="utf-8")


def source_file(name: str) -> Path:
    """Return ``sources/<name>`` (for example ``imiquimod-monograph.txt``)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise ResourceError(f"not a plain file name: {name!r}", term=name)
    return _existing(data_root() / "sources" / name)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path``; see :func:`write_bytes_atomic`."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def current_umask() -> int:
    """The process's umask, read without changing it where the OS allows."""
    try:
        status = Path("/proc/self/status").read_text().splitlines()
    except OSError:  # no /proc (not Linux)
        status = []
    for line in status:
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    # No /proc: set and restore (the only portable way before Python 3.13's os.umask read).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename.

    The file gets the permissions a plain ``open()`` would give it (0666 less the umask:
    0644 under umask 022), not the 0600 of the temporary file.

    :raises OutputError: the file or its directory cannot be written (the path is named).
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror}", file=target) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~current_umask())
        Path(temporary).replace(target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {error.strerror}", file=target) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
