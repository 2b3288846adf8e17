"""The release registry: one exporter per release format of :mod:`pharmakg.formats`.

Every file a release holds, from the RDF serialisations to the pictures and the validation
report, is made here, by one exporter per :attr:`~pharmakg.formats.Kind.RELEASE` format, from
one :class:`~pharmakg._export.release.Release`. An exporter returns ``{relative path: bytes}``
(relative to the format's folder); :func:`write_export` and :func:`write_release_files` write
them through a temporary file and a rename.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .. import _visualise as visualise
from .. import mechanism, resources
from .._load import LoadedGraph
from ..errors import InputError
from ..formats import Format, Kind, find, of_kind
from ..rebase import rebase_model
from .dataset import schema_org
from .jsonld import context_document, dump, framed
from .kgx import kgx
from .rdf import quads, serialize, write
from .release import Release
from .sssom import sssom

__all__ = [
    "EXPORTERS",
    "ExportOutput",
    "HOLDS_INFERENCES",
    "HOLDS_REPORT",
    "export",
    "release_formats",
    "write_export",
    "write_release_files",
]

Exporter = Callable[[Release], Mapping[str, str | bytes]]


@dataclass(frozen=True)
class ExportOutput:
    """The files one format makes: (relative path, bytes), sorted by path."""

    format: Format
    files: tuple[tuple[str, bytes], ...] = ()

    def single(self) -> bytes:
        """The bytes of a one-file format.

        :raises InputError: the format writes several files (pass ``-o DIR``).
        """
        if self.format.multi_file or len(self.files) != 1:
            raise InputError(
                f"format {self.format.name!r} writes {len(self.files)} files; pass -o DIR",
                term=self.format.name,
            )
        return self.files[0][1]

    def text(self) -> str:
        """The text of a one-file format."""
        return self.single().decode("utf-8")


def _single_graph(release: Release, fmt: str) -> dict[str, str]:
    triples = release.triples(*release.DATA_GRAPHS, "description")
    return {find(Kind.RELEASE, fmt).release_file or fmt: write(triples, fmt, release.base_iri)}


def _canonical_kg(release: Release) -> LoadedGraph:
    """The release's data as a graph the named queries read (they use the default base)."""
    return release.loaded()


def _mechanism_network(release: Release) -> nx.MultiDiGraph[str]:
    """The mechanism graph of :mod:`pharmakg.mechanism`, its node IRIs under the base."""
    network = mechanism.mechanism_graph(_canonical_kg(release))
    moved = {node: release.rebase_iri(node) for node in network}
    renamed: nx.MultiDiGraph[str] = nx.relabel_nodes(network, moved)
    return renamed


def _pictures(release: Release) -> dict[str, bytes]:
    """Every drug's pathway in every picture format: ``<drug>-pathway.<suffix>``."""
    kg = _canonical_kg(release)
    files: dict[str, bytes] = {}
    for iri, label in visualise.drugs_with_mechanism(kg):
        pathway = rebase_model(visualise.build_pathway(kg, iri), release.base_iri)
        for fmt in of_kind(Kind.PICTURE):
            name = f"{visualise.drug_slug(label)}-pathway{fmt.suffix}"
            files[name] = visualise.render(pathway, fmt.name)
    return files


def _validation(release: Release) -> dict[str, str]:
    """The build's validation report, as Turtle and as text."""
    if release.report is None:
        raise InputError(
            "this release has no validation report: it is written by `pharmakg build`",
            term="validation",
        )
    graph = release.rebased(release.report.to_graph())
    return {
        "validation-report.ttl": str(graph.serialize(format="turtle")),
        "validation-report.txt": release.report.to_text(),
    }


def _described(release: Release) -> dict[str, str]:
    return {"void.ttl": serialize(release.rebased(release.description), "turtle", release.base_iri)}


#: The exporter of each release format, by format name: a release in, files out.
EXPORTERS: dict[str, Exporter] = {
    "turtle": lambda r: _single_graph(r, "turtle"),
    "nt": lambda r: _single_graph(r, "nt"),
    "nquads": lambda r: {"pharmakg.nq": quads(r, "nquads")},
    "trig": lambda r: {"pharmakg.trig": quads(r, "trig")},
    "xml": lambda r: _single_graph(r, "xml"),
    "json-ld": lambda r: _single_graph(r, "json-ld"),
    "drugs": framed,
    "kgx": kgx,
    "sssom": sssom,
    "void": _described,
    "schema-org": lambda r: {
        "dataset.jsonld": dump(schema_org(r.description, r.about, r.base_iri))
    },
    "context": lambda r: {"context.jsonld": context_document(r.base_iri)},
    "graphml": lambda r: {"pharmakg.graphml": mechanism.graphml_text(_mechanism_network(r))},
    "node-link": lambda r: {
        "pharmakg.nodelink.json": mechanism.node_link_text(_mechanism_network(r))
    },
    "inferred": lambda r: {
        "pharmakg-inferred.ttl": write(r.triples("inferred"), "turtle", r.base_iri)
    },
    "pictures": _pictures,
    "validation": _validation,
}


#: Release formats whose bytes depend on the reasoner's triples: those that hold them (N-Quads,
#: TriG, KGX, ``inferred``) and those whose dataset description counts the inferred graph
#: (``void:triples``). An export in one of them reasons first, so it is the file a build writes.
#: Then the formats that hold the validation report.
HOLDS_INFERENCES = frozenset(
    {"inferred", "json-ld", "kgx", "nquads", "nt", "trig", "turtle", "void", "xml"}
)
HOLDS_REPORT = frozenset({"validation"})


def release_formats() -> tuple[Format, ...]:
    """The formats a release holds, in registry order: the one list of release files."""
    return tuple(fmt for fmt in of_kind(Kind.RELEASE) if fmt.release_file is not None)


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def export(release: Release, fmt: Format | str) -> ExportOutput:
    """The files of ``fmt`` for ``release`` (nothing is written).

    :raises UnknownFormatError: ``fmt`` is not a release format; the error lists them.
    """
    chosen = find(Kind.RELEASE, fmt)
    files = EXPORTERS[chosen.name](release)
    return ExportOutput(chosen, tuple(sorted((k, _bytes(v)) for k, v in files.items())))


def write_export(output: ExportOutput, target: str | Path) -> list[Path]:
    """Write ``output`` to ``target``: the file of a one-file format, else a directory.

    Each file goes through a temporary file and a rename.
    """
    target = Path(target)
    if not output.format.multi_file and not target.is_dir():
        return [resources.write_bytes_atomic(target, output.single())]
    return [resources.write_bytes_atomic(target / name, data) for name, data in output.files]


def write_release_files(
    release: Release,
    directory: str | Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write every release format into ``directory`` (each in its folder); return the paths.

    :param progress: called as ``progress(formats_done, formats_total)``, from ``(0, total)``.
    """
    directory = Path(directory)
    written: list[Path] = []
    formats = release_formats()
    for done, fmt in enumerate(formats):
        if progress is not None:
            progress(done, len(formats))
        folder = directory / (fmt.release_file or "") if fmt.multi_file else directory
        for name, data in export(release, fmt).files:
            written.append(resources.write_bytes_atomic(folder / name, data))
    if progress is not None:
        progress(len(formats), len(formats))
    return written
