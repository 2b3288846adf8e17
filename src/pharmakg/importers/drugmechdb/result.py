"""An import's result: its RDF (written by pyoxigraph's serialisers), its report, its store.

The N-Triples hold the import alone; :meth:`DrugMechDBImport.with_terms` adds the definitions of
the terms it uses (``ontology/drugmechdb.ttl``), which every output carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ... import resources, vocab
from ..._load import add_file, default_paths
from ...errors import InputError
from ...formats import Kind, find, for_path
from ...store import LoadableStore, connect
from .report import ImportReport
from .terms import terms_file

_NTRIPLES = ("nt", "ntriples", "n-triples")
_TURTLE = ("ttl", "turtle")


@dataclass(frozen=True)
class DrugMechDBImport:
    """An import: its N-Triples (terms file not included) and its report."""

    ntriples: bytes
    report: ImportReport

    def with_terms(self) -> bytes:
        """The N-Triples plus the definitions of the terms they use (ontology/drugmechdb.ttl)."""
        terms = ox.serialize(
            ox.parse(path=terms_file(), format=ox.RdfFormat.TURTLE),
            format=ox.RdfFormat.N_TRIPLES,
        )
        # N-Triples is one triple a line, so two documents end to end are one document.
        return (terms or b"") + self.ntriples

    def serialize(self, fmt: str = "nt") -> bytes:
        """The import with its terms as ``nt`` (N-Triples) or ``ttl`` (Turtle)."""
        data = self.with_terms()
        if fmt in _NTRIPLES:
            return data
        if fmt in _TURTLE:
            prefixes = {p: e.uri_prefix for p, e in vocab.prefix_map().entries.items()}
            turtle = ox.serialize(
                ox.parse(data, format=ox.RdfFormat.N_TRIPLES),
                format=ox.RdfFormat.TURTLE,
                prefixes=prefixes,
            )
            return turtle or b""
        raise InputError(f"unknown import output format {fmt!r}", term=fmt, choices=["nt", "ttl"])

    def write(self, path: str | Path) -> Path:
        """Write the import to ``path`` (``.nt`` or ``.ttl``) atomically."""
        suffix = Path(path).suffix.lstrip(".") or "nt"
        if suffix not in ("nt", "ttl"):
            raise InputError(
                f"write the import to a .nt or .ttl file, not {path}",
                file=path,
                choices=[".nt", ".ttl"],
            )
        return resources.write_bytes_atomic(path, self.serialize(suffix))

    def load_store(
        self, location: str | Path, *, paths: Sequence[str | Path] | None = None
    ) -> LoadableStore:
        """Load ``paths`` (default: the packaged ontology and graphs) and the import into a store.

        This is ``pharmakg load PATHS... IMPORT.nt --store LOCATION``: the same loader, so the
        store answers and validates as that one does (its typed literals kept, for instance).

        :param location: a store directory (created, or added to), or ``sparql:URL``.
        :raises StoreError: the store cannot be opened.
        """
        store = connect(location, read_only=False)
        for path in default_paths() if paths is None else paths:
            add_file(store, path, for_path(Kind.RDF, path))
        store.load_rdf(self.with_terms(), find(Kind.RDF, "nt").media_type)
        store.flush()
        return store
