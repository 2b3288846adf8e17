"""The command line: a thin click layer over the public API.

Results go to stdout, logs and errors to stderr (one line each). ``-o FILE``
writes exactly what stdout would, through a temporary file and a rename.
Exit codes come from the error tree (:mod:`pharmakg.errors`): 0 ok, 1 the data do not
conform (or are inconsistent), 2 bad input, output or usage, 3 a broken installation or
environment (no Java for HermiT, a packaged file missing) or a query stopped at its ``--timeout``.

``--store LOCATION`` (``memory``, a directory written by ``pharmakg load``, or ``sparql:URL``)
reads the data from a store instead of parsing files.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

import pharmakg
from pharmakg import GraphResult, PharmakgError, ServeOptions
from pharmakg import serve_endpoint as serve
from pharmakg._export import DEFAULT_BASE, parse_date
from pharmakg._load import default_paths
from pharmakg._query import parse_assignments, parse_bases
from pharmakg._validate import ENGINES as SHACL_ENGINES
from pharmakg._validate import IllTypedLiteralLog
from pharmakg._visualise import DEFAULT_MAX_NODES
from pharmakg.errors import QueryTimeoutError, UnknownFormatError
from pharmakg.formats import Kind, choices, find, for_path
from pharmakg.mechanism import graph_stats, mechanism_graph
from pharmakg.paths import MAX_HOPS
from pharmakg.resources import write_bytes_atomic, write_text_atomic
from pharmakg.store import ENGINES as QUERY_ENGINES
from pharmakg.vocab import BASES, DEFAULT_BASES

__all__ = ["main"]

EXIT_OK, EXIT_NONCONFORMING, EXIT_BAD_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = """\b
Exit codes:
  0  success (the data conform)
  1  the data do not conform to the shapes
  2  bad input, output or usage (parse error, unknown query/format/prefix/entity,
     an output path that cannot be written, a store that cannot be opened)
  3  a broken installation or environment (a packaged file missing, no Java),
     or a query that ran past --timeout and was stopped
"""


def _errors_to_exit(func: F) -> F:
    """Report a PharmakgError as one line on stderr and exit with its code (errors.py)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QueryTimeoutError as error:
            click.echo(f"pharmakg: error: {error}", err=True)
            sys.exit(EXIT_TIMEOUT)
        except PharmakgError as error:
            click.echo(f"pharmakg: error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


def _write_stdout(data: bytes) -> None:
    """Write bytes to stdout (after any text click has buffered)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _emit(text: str, output: str | None) -> None:
    if output:
        write_text_atomic(output, text)
        click.echo(f"pharmakg: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@dataclass(frozen=True)
class DataSource:
    """Where a command reads its data: the one meaning of the source options of every command.

    The packaged ontology and graphs by default; ``--data FILE`` (or FILES) instead of them;
    ``--add-data FILE`` beside them; or ``--store LOCATION`` (a directory written by
    ``pharmakg load``, or ``sparql:URL``) alone.
    """

    data: tuple[str, ...] = ()
    add_data: tuple[str, ...] = ()
    input_format: str | None = None
    store: str | None = None

    def files(self) -> tuple[str, ...]:
        """The files to parse (none for a store)."""
        if self.store is not None:
            return ()
        if self.add_data:
            return (*(str(p) for p in default_paths()), *self.data, *self.add_data)
        return self.data

    def load(self, engine: str | None = None) -> pharmakg.KnowledgeGraph:
        """The data, with a progress bar on a terminal for the files."""
        files = self.files()
        with _progress(list(files)) as progress:
            return pharmakg.load(
                *files,
                input_format=self.input_format,
                store=self.store,
                engine=engine,
                progress=progress,
            )


def _source_options(func: F) -> F:
    """Add the source options (``--data``, ``--add-data``, ``--input-format``, ``--store``).

    The command gets them as one :class:`DataSource`, ``source``; FILES, where a command takes
    them, mean what ``--data`` means.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        data = (*kwargs.pop("files", ()), *kwargs.pop("data"))
        source = DataSource(
            data=data,
            add_data=kwargs.pop("add_data") + kwargs.pop("legacy_graphs", ()),
            input_format=kwargs.pop("input_format"),
            store=kwargs.pop("store"),
        )
        if source.store is not None and (source.data or source.add_data):
            raise click.UsageError("give --store LOCATION or files, not both")
        return func(*args, source=source, **kwargs)

    options = [
        click.option(
            "--data",
            multiple=True,
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Read this RDF file instead of the packaged graphs (repeatable).",
        ),
        click.option(
            "--add-data",
            multiple=True,
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Read this RDF file beside the packaged graphs (repeatable).",
        ),
        click.option(
            "--input-format",
            type=click.Choice(choices(Kind.RDF)),
            default=None,
            help="RDF format of the files (default: by suffix).",
        ),
        click.option(
            "--store",
            "store",
            metavar="LOCATION",
            help="Read the data from a store instead: a directory written by 'pharmakg load', "
            "or sparql:URL.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


@contextlib.contextmanager
def _progress(files: list[str]) -> Iterator[Callable[[Path], None]]:
    """A progress bar over ``files`` on a terminal (stderr); nothing elsewhere."""
    if not sys.stderr.isatty():
        yield lambda path: None
        return
    bar: Any = click.progressbar(
        length=len(files),
        label="loading",
        file=sys.stderr,
        item_show_func=lambda path: str(path) if path else None,
    )
    with bar:
        yield lambda path: bar.update(1, str(path))


@contextlib.contextmanager
def _working(what: str) -> Iterator[None]:
    """Say on a terminal (stderr) that a long step without steps of its own is running."""
    if sys.stderr.isatty():
        click.echo(f"pharmakg: {what}...", err=True)
    yield


@contextlib.contextmanager
def _steps_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per stage (``progress(stage, done, total)``) on a terminal; else nothing."""
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if stage not in bars:
            for other in bars.values():
                other.__exit__(None, None, None)
            bars.clear()
            bars[stage] = click.progressbar(length=total, label=stage, file=sys.stderr)
            bars[stage].__enter__()
        bars[stage].update(done - bars[stage].pos)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(pharmakg.__version__, prog_name="pharmakg")
def main() -> None:
    """Pharmakg: drug mechanism-of-action monographs as a linked-data knowledge graph."""
    # rdflib logs a traceback for an ill-typed literal; the validation report names it instead.
    logging.getLogger("rdflib.term").addFilter(IllTypedLiteralLog())


def _export_options(
    base_iri: str, sparql_endpoint: str | None, created: str | None
) -> pharmakg.ExportOptions:
    return pharmakg.ExportOptions(
        base_iri=base_iri,
        created=parse_date(created) if created else None,
        sparql_endpoint=sparql_endpoint,
    )


class FormatChoice(click.Choice[str]):
    """A format of one kind by name, alias, suffix or media type; the registry's name comes out."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(choices(kind))
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return find(self.kind, str(value)).name
        except UnknownFormatError:
            return super().convert(value, param, ctx)  # click's own message, with the choices


def _output_format(kind: Kind, fmt: str | None, output: str | None, default: str) -> str:
    """The format to write: ``--format``, else ``-o``'s suffix, else ``default``.

    :raises click.UsageError: ``-o``'s suffix names another format than ``--format``.
    """
    by_suffix = None
    if output is not None and Path(output).suffix:
        with contextlib.suppress(UnknownFormatError):
            by_suffix = for_path(kind, output).name
    if fmt is None:
        return by_suffix or default
    if by_suffix is not None and by_suffix != fmt:
        raise click.UsageError(
            f"{Path(output or '').name} is named as {by_suffix}, but --format {fmt} was asked; "
            "give the file the suffix of the format, or drop --format"
        )
    return fmt


class ByteSize(click.ParamType[int | None]):
    """A size in bytes, written ``2G``, ``512M``, ``300000000``, or ``none`` for no limit."""

    name = "size"
    _UNITS: ClassVar[dict[str, int]] = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("IB").removesuffix("B")
        if text == "NONE":
            return None
        number, unit = text.rstrip("KMGT"), text[len(text.rstrip("KMGT")) :]
        try:
            return int(float(number) * self._UNITS[unit])
        except (ValueError, KeyError):
            self.fail(f"{value!r} is not a size such as 2G, 512M or none", param, ctx)


_BASE_IRI = click.option(
    "--base-iri",
    default=DEFAULT_BASE,
    show_default=True,
    help="Mint pharmakg's own IRIs (resources, ontology, shapes) under this base.",
)
_SPARQL = click.option(
    "--sparql-endpoint", metavar="URL", help="Name this SPARQL endpoint in the description."
)
_CREATED = click.option(
    "--created",
    metavar="YYYY-MM-DD",
    help="Creation date (default: $SOURCE_DATE_EPOCH, else the monograph's date).",
)


@main.command(epilog=EPILOG)
@click.option("-o", "--out-dir", default="dist", show_default=True, help="Release directory.")
@_source_options
@click.option(
    "--graph", "legacy_graphs", multiple=True, hidden=True, type=click.Path(dir_okay=False)
)
@_BASE_IRI
@_SPARQL
@_CREATED
@_errors_to_exit
def build(
    out_dir: str,
    source: DataSource,
    base_iri: str,
    sparql_endpoint: str | None,
    created: str | None,
) -> None:
    """Load, validate and, if the data conform, write a release (atomically)."""
    options = _export_options(base_iri, sparql_endpoint, created)
    kg = source.load()
    with _steps_bar() as progress:
        result = pharmakg.build(out_dir, kg, options=options, progress=progress)
    if not result.conforms:
        click.echo(result.report.to_text(), nl=False)
        for note in result.notes:
            click.echo(f"pharmakg: {note}", err=True)
        if result.removed_stale:
            click.echo(f"pharmakg: removed the stale release {out_dir}/", err=True)
        click.echo("pharmakg: the data do not conform; no release written", err=True)
        sys.exit(EXIT_NONCONFORMING)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"pharmakg: released {result.triples} triples into {out_dir}/", err=True)


@main.command("export", epilog=EPILOG)
@click.option(
    "--format",
    "fmt",
    required=True,
    metavar="FORMAT",
    help="A name, suffix or media type: " + ", ".join(choices(Kind.RELEASE)) + ".",
)
@click.option("-o", "--output", help="FILE (one-file formats; default stdout) or DIR.")
@_BASE_IRI
@_SPARQL
@_CREATED
@_source_options
@_errors_to_exit
def export_command(
    fmt: str,
    output: str | None,
    base_iri: str,
    sparql_endpoint: str | None,
    created: str | None,
    source: DataSource,
) -> None:
    """Export the graph in one release FORMAT (turtle, nt, nquads, kgx, ...)."""
    options = _export_options(base_iri, sparql_endpoint, created)
    result = pharmakg.export(source.load(), fmt, options=options)
    if output:
        for path in pharmakg.write_export(result, output):
            click.echo(f"pharmakg: wrote {path}", err=True)
    else:
        _write_stdout(result.single())


@main.command(epilog=EPILOG)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--shapes", type=click.Path(dir_okay=False), help="SHACL shapes (default: packaged).")
@click.option("--ontology", type=click.Path(dir_okay=False), help="Ontology (default: packaged).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--engine",
    "shacl_engine",
    type=click.Choice(SHACL_ENGINES),
    default="auto",
    show_default=True,
    help="pyshacl (the reference), fast (the shacl package), auto (fast on large graphs "
    "whose shapes it runs as SHACL says).",
)
@click.option(
    "--project-checks/--no-project-checks",
    default=None,
    help="Also check the prefix map, CURIEs and ill-typed literals "
    "(default: with the packaged shapes only).",
)
@click.option("-v", "--verbose", is_flag=True, help="Say which engine checks each shape.")
@_source_options
@_errors_to_exit
def validate(
    fmt: str,
    shapes: str | None,
    ontology: str | None,
    output: str | None,
    shacl_engine: str,
    project_checks: bool | None,
    verbose: bool,
    source: DataSource,
) -> None:
    """Validate FILES (as --data; default: the packaged ontology and graphs) or a --store.

    Exit 0 if they conform, 1 if not, 2 for bad input or shapes, 3 if an engine fails.
    """
    kg = source.load()
    with _steps_bar() as progress:
        report = pharmakg.validate(
            kg,
            shapes=shapes,
            ontology=ontology,
            engine=shacl_engine,
            progress=lambda done, total: progress("validating", done, total),
            project_checks=project_checks,
            notes=(lambda line: click.echo(f"pharmakg: {line}", err=True)) if verbose else None,
        )
    _emit(report.to_json() if fmt == "json" else report.to_text(), output)
    sys.exit(EXIT_OK if report.conforms else EXIT_NONCONFORMING)


@main.command(epilog=EPILOG)
@_errors_to_exit
def queries() -> None:
    """List the named queries and what each answers."""
    infos = pharmakg.list_queries()
    width = max((len(q.name) for q in infos), default=0)
    for info in infos:
        params = ", ".join(p.name for p in info.params)
        suffix = f"  [params: {params}]" if params else ""
        click.echo(f"{info.name.ljust(width)}  {info.description}{suffix}")


@main.command(epilog=EPILOG)
@click.argument("name")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(Kind.RESULT) + choices(Kind.RDF)),
    default="table",
    show_default=True,
    help="SELECT/ASK: table, csv, tsv, json. CONSTRUCT/DESCRIBE: turtle (default), nt, "
    "json-ld, xml.",
)
@click.option(
    "--engine",
    type=click.Choice(sorted(QUERY_ENGINES)),
    default=None,
    help="Query an in-memory copy in this engine (default: the store itself).",
)
@_source_options
@click.option(
    "--inferred",
    is_flag=True,
    help="Query the asserted triples plus those the reasoner infers (default: asserted only).",
)
@click.option(
    "--basis",
    metavar="BASES",
    help="Ask only the plain triples whose claims have these bases, comma-separated: "
    + ", ".join(BASES)
    + " (default: every triple loaded).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the result here.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after SECONDS (exit 3).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE send requests to other servers (refused by default).",
)
@_errors_to_exit
def query(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    engine: str | None,
    source: DataSource,
    inferred: bool,
    basis: str | None,
    output: str | None,
    timeout: float | None,
    allow_service: bool,
) -> None:
    """Run the named query NAME (or a FILE.rq): SELECT, ASK, CONSTRUCT or DESCRIBE."""
    bound: dict[str, object] = dict(parse_assignments(params))
    kg = source.load(engine=engine)
    result = pharmakg.query(
        kg,
        name,
        bound,
        inferred=inferred,
        basis=basis,
        timeout=timeout,
        allow_service=allow_service,
    )
    rdf_formats = choices(Kind.RDF)
    if isinstance(result, GraphResult):
        if fmt not in rdf_formats and fmt != "table":
            raise click.UsageError(
                f"a CONSTRUCT or DESCRIBE answers triples: --format {', '.join(rdf_formats)}"
            )
        _emit(result.render("turtle" if fmt == "table" else fmt).decode("utf-8"), output)
    elif fmt in rdf_formats:
        raise click.UsageError("a SELECT or ASK answers rows: --format table, csv, tsv or json")
    else:
        _emit(result.render(fmt), output)


@main.command("load", epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--store",
    "store",
    required=True,
    metavar="DIR",
    help="The store directory (created if new; the files are added to it), or sparql:URL.",
)
@click.option(
    "--input-format",
    type=click.Choice(choices(Kind.RDF)),
    default=None,
    help="RDF format of the files (default: by suffix).",
)
@_errors_to_exit
def load_command(files: tuple[str, ...], store: str, input_format: str | None) -> None:
    """Load FILES into a store once; then give --store DIR to query, validate, ..."""
    with _progress(list(files)) as progress:
        kg = pharmakg.load(*files, input_format=input_format, store=store, progress=progress)
    click.echo(f"pharmakg: {len(kg)} triples in {store}", err=True)


@main.command(epilog=EPILOG)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--store",
    "server",
    required=True,
    metavar="sparql:URL",
    help="The server's SPARQL query endpoint, e.g. sparql:http://localhost:7878/query.",
)
@click.option(
    "--graph-store",
    metavar="URL",
    help="Its Graph Store Protocol endpoint (default: the query URL ending in /store).",
)
@click.option("--add", "add", is_flag=True, help="Add to the named graphs (default: replace them).")
@_BASE_IRI
@click.option(
    "--input-format",
    type=click.Choice(choices(Kind.RDF)),
    default=None,
    help="RDF format of the files (default: by suffix).",
)
@_errors_to_exit
def publish(
    files: tuple[str, ...],
    server: str,
    graph_store: str | None,
    add: bool,
    base_iri: str,
    input_format: str | None,
) -> None:
    """Write FILES (default: the packaged graphs) to a SPARQL server, as named graphs."""
    kg = DataSource(data=files, input_format=input_format).load()
    result = pharmakg.publish(
        kg,
        server,
        graph_store=graph_store,
        replace=not add,
        options=_export_options(base_iri, None, None),
    )
    for graph, triples in result.graphs:
        click.echo(f"{graph}\t{triples}")
    verb = "added to" if add else "replaced"
    click.echo(f"pharmakg: {verb} {len(result.graphs)} named graphs at {server}", err=True)


REASON_EPILOG = """\b
Exit codes:
  0  the graph is consistent
  1  the graph is inconsistent (the clashing individuals are printed)
  2  bad input, output or usage
  3  no Java to run HermiT, or HermiT failed
"""


@main.command(epilog=REASON_EPILOG)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--ontology", type=click.Path(dir_okay=False), help="Ontology (default: packaged).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@_source_options
@_errors_to_exit
def reason(fmt: str, ontology: str | None, output: str | None, source: DataSource) -> None:
    """Run the OWL reasoner (HermiT) on FILES (as --data; default: the packaged graphs)."""
    kg = source.load()
    with _working("reasoning (HermiT)"):
        result = pharmakg.reason(kg, ontology=ontology)
    _emit(result.to_json() if fmt == "json" else result.to_text(), output)
    click.echo(f"pharmakg: HermiT took {result.seconds:.1f} s", err=True)
    sys.exit(EXIT_OK if result.consistent else EXIT_NONCONFORMING)


@main.command(epilog=EPILOG)
@click.argument("drug")
@click.argument("indication", required=False)
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(Kind.PATHS),
    default="text",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(min=1), help="At most N paths per indication.")
@click.option(
    "--max-hops",
    type=click.IntRange(min=1),
    default=MAX_HOPS,
    show_default=True,
    help="Longest path.",
)
@_source_options
@click.option(
    "--basis",
    default=",".join(sorted(DEFAULT_BASES)),
    show_default=True,
    metavar="BASES",
    help=f"Walk the statements of these bases, comma-separated: {', '.join(BASES)}.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the paths here.")
@_errors_to_exit
def paths(
    drug: str,
    indication: str | None,
    fmt: str,
    limit: int | None,
    max_hops: int,
    source: DataSource,
    basis: str,
    output: str | None,
) -> None:
    """List the mechanism paths from DRUG to INDICATION (default: to each indication)."""
    bases = parse_bases(basis)
    kg = source.load()
    result = pharmakg.mechanism_paths(
        kg, drug, indication, max_hops=max_hops, limit=limit, bases=bases
    )
    _emit(result.render(fmt).decode("utf-8"), output)


@main.command(epilog=EPILOG)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@_source_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the counts here.")
@_errors_to_exit
def stats(fmt: str, top: int, source: DataSource, output: str | None) -> None:
    """Count the mechanism graph's nodes by category and edges by predicate."""
    result = graph_stats(mechanism_graph(source.load()), top=top)
    _emit(result.to_json() if fmt == "json" else result.to_text(), output)


@main.command(epilog=EPILOG)
@click.argument("drug")
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(Kind.PICTURE),
    default=None,
    help="html: interactive page (offline); svg/png: static; mermaid: text. Default: by -o's "
    "suffix, else html.",
)
@click.option(
    "--max-nodes", default=DEFAULT_MAX_NODES, show_default=True, help="Draw at most this many."
)
@click.option(
    "--basis",
    "bases",
    default=",".join(DEFAULT_BASES),
    show_default=True,
    help=f"Draw the edges of these bases, comma-separated: {', '.join(BASES)}.",
)
@_source_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the picture here.")
@_errors_to_exit
def visualise(
    drug: str,
    fmt: str | None,
    max_nodes: int,
    bases: str,
    source: DataSource,
    output: str | None,
) -> None:
    """Draw the pathway of DRUG (label, CURIE or IRI), layered by mechanism stage."""
    chosen = _output_format(Kind.PICTURE, fmt, output, "html")
    kg = source.load()
    picture = pharmakg.visualise(kg, drug, chosen, max_nodes=max_nodes, bases=bases)
    if output:
        write_bytes_atomic(output, picture)
        click.echo(f"pharmakg: wrote {output}", err=True)
    else:
        _write_stdout(picture)


@main.command("serve", epilog=EPILOG)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--store",
    type=click.Path(file_okay=False, exists=True),
    help="Serve this pyoxigraph store directory, opened read-only (default: FILES or the "
    "packaged graphs, loaded in memory with the release's named graphs).",
)
@click.option(
    "--store-on-disk",
    is_flag=True,
    help="Answer --store's queries on its RocksDB files (less memory, slower) instead of "
    "reading its quads into memory at start-up (a store over 4 GiB on disk always is).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@_BASE_IRI
@click.option("--workers", default=2, show_default=True, help="Queries that run at once.")
@click.option(
    "--light-workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="More workers, kept for the server's own light requests (resource pages, named "
    "queries as offered, /health), so heavy queries never make them wait; 0 for none.",
)
@click.option("--timeout", default=30.0, show_default=True, help="Seconds a query may run (503).")
@click.option(
    "--queue-timeout", default=10.0, show_default=True, help="Seconds a query waits for a worker."
)
@click.option("--max-waiting", default=64, show_default=True, help="Queries that may wait.")
@click.option(
    "--max-request-bytes", default=1024 * 1024, show_default=True, help="Request size limit (413)."
)
@click.option(
    "--max-result-bytes", default=64 * 1024 * 1024, show_default=True, help="Result size cap."
)
@click.option(
    "--allow-service",
    multiple=True,
    metavar="PREFIX",
    help="Allow SERVICE calls to endpoints under this IRI prefix (repeatable; default: none).",
)
@click.option(
    "--memory-limit",
    type=ByteSize(),
    default="2G",
    show_default=True,
    help="Memory one query may take beyond the data (503 past it); 'none' for no limit.",
)
@click.option(
    "--update-token",
    envvar="PHARMAKG_UPDATE_TOKEN",
    help="Enable SPARQL Update for 'Authorization: Bearer TOKEN' (in-memory data only; "
    "also read from $PHARMAKG_UPDATE_TOKEN).",
)
@click.option(
    "--cors-origin", multiple=True, default=("*",), show_default=True, help="CORS origins."
)
@click.option("--access-log/--no-access-log", default=False, help="Log every request.")
@click.option(
    "--query-log/--no-query-log",
    default=True,
    show_default=True,
    help="Log every query: status, size, duration (never its text).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The URL clients reach the server at (behind a proxy, the proxy's); it names the "
    "endpoint in the service description. Default: the address it listens on.",
)
@click.option(
    "--root-path", default="", metavar="PATH", help="A path prefix the proxy does not strip."
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    help="Proxies whose X-Forwarded-For/-Proto headers are trusted (comma-separated).",
)
@click.option(
    "--read-timeout",
    default=10.0,
    show_default=True,
    help="Seconds a request may take to arrive, headers and body; then it is closed.",
)
@click.option("--max-connections", default=512, show_default=True, help="Open connections at most.")
@click.option(
    "--inferred", is_flag=True, help="Add HermiT's inferences as <base>graph/inferred (needs Java)."
)
@_errors_to_exit
def serve_command(
    files: tuple[str, ...],
    store: str | None,
    store_on_disk: bool,
    host: str,
    port: int,
    base_iri: str,
    workers: int,
    light_workers: int,
    timeout: float,
    queue_timeout: float,
    max_waiting: int,
    max_request_bytes: int,
    max_result_bytes: int,
    allow_service: tuple[str, ...],
    memory_limit: int | None,
    update_token: str | None,
    cors_origin: tuple[str, ...],
    access_log: bool,
    query_log: bool,
    public_url: str | None,
    root_path: str,
    forwarded_allow_ips: str | None,
    read_timeout: float,
    max_connections: int,
    inferred: bool,
) -> None:
    """Serve the graph: SPARQL 1.1 Protocol at /sparql, linked data for every IRI under the base."""
    from pathlib import Path

    options = ServeOptions(
        base_iri=base_iri,
        store=Path(store) if store else None,
        store_on_disk=store_on_disk,
        graphs=tuple(Path(f) for f in files),
        workers=workers,
        light_workers=light_workers,
        timeout=timeout,
        queue_timeout=queue_timeout,
        max_waiting=max_waiting,
        max_request_bytes=max_request_bytes,
        max_result_bytes=max_result_bytes,
        service_allow=allow_service,
        memory_limit=memory_limit,
        update_token=update_token,
        cors_origins=cors_origin,
        inferred=inferred,
        public_url=public_url,
        read_timeout=read_timeout,
        max_connections=max_connections,
        query_log=query_log,
    )
    serve(
        options,
        host=host,
        port=port,
        access_log=access_log,
        root_path=root_path,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@main.group("import", epilog=EPILOG)
def import_group() -> None:
    """Import curated third-party data (DrugMechDB) beside the monograph."""


@import_group.command("drugmechdb", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the RDF here (.nt or .ttl); default: N-Triples on stdout.",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False),
    help="Load the packaged ontology and graphs plus the import into this store, as "
    "'pharmakg load' does (created if new, else added to).",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    help="Write the full import report here (.json: JSON; otherwise text).",
)
@_errors_to_exit
def import_drugmechdb(
    file: str, output: str | None, store_dir: str | None, report_file: str | None
) -> None:
    """Import DrugMechDB's indication_paths.yaml (FILE), merged with the monograph by identifier."""
    kg = pharmakg.load()
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="DrugMechDB entries", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = pharmakg.import_drugmechdb(file, kg=kg, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    report = result.report
    if report_file:
        text = report.to_json() if report_file.endswith(".json") else report.to_text()
        write_text_atomic(report_file, text)
        click.echo(f"pharmakg: wrote {report_file}", err=True)
    if store_dir:
        result.load_store(store_dir)
        click.echo(f"pharmakg: loaded {store_dir}", err=True)
    if output:
        result.write(output)
        click.echo(f"pharmakg: wrote {output}", err=True)
    elif not store_dir:
        _write_stdout(result.serialize("nt"))
    problems = ", ".join(f"{k} {v}" for k, v in report.problem_counts().items()) or "none"
    click.echo(
        f"pharmakg: imported {report.entries} entries ({report.nodes} nodes, {report.links} "
        f"links, {report.claims} claims) in {report.seconds:.1f} s; "
        f"merged {len(report.merged)} with the monograph; source problems: {problems}",
        err=True,
    )
