"""Reading DrugMechDB's ``indication_paths.yaml``: the bytes, their digest, the YAML entries.

The file is one YAML list of entries. It is cut into its items first, so that each batch
parses on its own (the unit of the progress callback) and a YAML error names its line in the
whole file.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...errors import InputError, ParseError

#: Files whose digest we know, and what they are (from DrugMechDB's SOURCE.md beside the data).
KNOWN_FILES = {
    "b61293c19acbaea33cb6f565e791b35e716a3417bcb28da808a64655be1df2ec": (
        "DrugMechDB indication paths as kept by SuLab/DrugMechDB-agentic at commit "
        "b83cc5ddb6803ed4fb32a5355150d0469647f904 (kb/paths unchanged since 71a083f1, "
        "2026-06-26), assembled into one indication_paths.yaml; the latest DrugMechDB "
        "release is 2.0.1 (doi:10.5281/zenodo.8139357)"
    ),
}
UNKNOWN_VERSION = "unknown: a file whose SHA-256 pharmakg does not know"
#: Entries parsed per YAML call (the unit of the progress callback).
BATCH = 100


@dataclass(frozen=True)
class Source:
    """The file read: its digest, its version (by digest) and its entries as YAML text.

    ``chunks`` holds ``(first line, text)`` per top-level list item.
    """

    file: Path
    sha256: str
    version: str
    chunks: tuple[tuple[int, str], ...]


def read_source(path: str | Path) -> Source:
    """Read the file at ``path`` and cut it into its entries.

    :raises InputError: the file cannot be read.
    :raises ParseError: it is not UTF-8, or not a top-level YAML list (file and line).
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", file=file) from error
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            "not valid UTF-8", file=file, line=data.count(b"\n", 0, error.start) + 1
        ) from error
    return Source(file, sha, KNOWN_FILES.get(sha, UNKNOWN_VERSION), _split_entries(text, file))


def _split_entries(text: str, file: Path) -> tuple[tuple[int, str], ...]:
    """Cut the top-level YAML list into ``(first line, text)`` per item.

    DrugMechDB's file is a block sequence whose items start with ``- `` in column 0; nothing
    else does (mappings inside are indented), so each item parses on its own, and a YAML
    error is reported at its line in the whole file.
    """
    starts = [m.start() for m in re.finditer(r"(?m)^- ", text)]
    head = text[: starts[0]] if starts else text
    if not starts or any(
        line.strip() and not line.lstrip().startswith("#") for line in head.splitlines()
    ):
        raise ParseError(
            "not a DrugMechDB file: expected a top-level YAML list of entries ('- directed: …')",
            file=file,
            line=1,
        )
    starts.append(len(text))
    chunks = []
    line = text.count("\n", 0, starts[0]) + 1
    for begin, end in itertools.pairwise(starts):
        chunk = text[begin:end]
        chunks.append((line, chunk))
        line += chunk.count("\n")
    return tuple(chunks)


def parse_entries(
    source: Source, progress: Callable[[int, int], None] | None = None
) -> Iterator[tuple[int, object]]:
    """Each item of the list as PyYAML's safe loader reads it, with its first line.

    :param progress: called as ``progress(entries_done, entries_total)`` after each batch.
    :raises ParseError: a batch is not YAML, or not one list item per entry (file and line).
    """
    chunks, done = source.chunks, 0
    for first in range(0, len(chunks), BATCH):
        batch = chunks[first : first + BATCH]
        items = _parse_batch(batch, source.file)
        yield from zip((n for n, _ in batch), items, strict=True)
        done += len(batch)
        if progress is not None:
            progress(done, len(chunks))


def _parse_batch(batch: tuple[tuple[int, str], ...], file: Path) -> list[object]:
    text = "".join(c for _, c in batch)
    try:
        items = yaml.load(text, Loader=yaml.CSafeLoader)  # the C *safe* loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = batch[0][0] + mark.line if mark is not None else batch[0][0]
        raise ParseError(
            f"YAML error: {getattr(error, 'problem', None) or error}", file=file, line=line
        ) from error
    if not isinstance(items, list) or len(items) != len(batch):
        raise ParseError("expected one YAML list item per entry", file=file, line=batch[0][0])
    return items
