"""The commands that run a stage over the data: build, export, validate, reason, load, publish."""

from __future__ import annotations

import sys

import click

import pharmakg
from pharmakg._validate import ENGINES as SHACL_ENGINES
from pharmakg.formats import Kind, choices

from .group import main
from .options import (
    BASE_IRI,
    CREATED,
    EPILOG,
    EXIT_NONCONFORMING,
    EXIT_OK,
    INPUT_FORMAT,
    SPARQL_ENDPOINT,
    DataSource,
    emit,
    errors_to_exit,
    export_options,
    progress_bar,
    source_options,
    steps_bar,
    working,
    write_stdout,
)

__all__ = ["build", "export_command", "load_command", "publish", "reason", "validate"]


@main.command(epilog=EPILOG)
@click.option("-o", "--out-dir", default="dist", show_default=True, help="Release directory.")
@source_options
@click.option(
    "--graph", "legacy_graphs", multiple=True, hidden=True, type=click.Path(dir_okay=False)
)
@BASE_IRI
@SPARQL_ENDPOINT
@CREATED
@errors_to_exit
def build(
    out_dir: str,
    source: DataSource,
    base_iri: str,
    sparql_endpoint: str | None,
    created: str | None,
) -> None:
    """Load, validate and, if the data conform, write a release (atomically)."""
    options = export_options(base_iri, sparql_endpoint, created)
    kg = source.load()
    with steps_bar() as progress:
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
@BASE_IRI
@SPARQL_ENDPOINT
@CREATED
@source_options
@errors_to_exit
def export_command(
    fmt: str,
    output: str | None,
    base_iri: str,
    sparql_endpoint: str | None,
    created: str | None,
    source: DataSource,
) -> None:
    """Export the graph in one release FORMAT (turtle, nt, nquads, kgx, ...)."""
    options = export_options(base_iri, sparql_endpoint, created)
    result = pharmakg.export(source.load(), fmt, options=options)
    if output:
        for path in pharmakg.write_export(result, output):
            click.echo(f"pharmakg: wrote {path}", err=True)
    else:
        write_stdout(result.single())


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
@source_options
@errors_to_exit
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
    with steps_bar() as progress:
        report = pharmakg.validate(
            kg,
            shapes=shapes,
            ontology=ontology,
            engine=shacl_engine,
            progress=lambda done, total: progress("validating", done, total),
            project_checks=project_checks,
            notes=(lambda line: click.echo(f"pharmakg: {line}", err=True)) if verbose else None,
        )
    emit(report.to_json() if fmt == "json" else report.to_text(), output)
    sys.exit(EXIT_OK if report.conforms else EXIT_NONCONFORMING)


@main.command("load", epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--store",
    "store",
    required=True,
    metavar="DIR",
    help="The store directory (created if new; the files are added to it), or sparql:URL.",
)
@INPUT_FORMAT
@errors_to_exit
def load_command(files: tuple[str, ...], store: str, input_format: str | None) -> None:
    """Load FILES into a store once; then give --store DIR to query, validate, ..."""
    with progress_bar(list(files)) as progress:
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
@BASE_IRI
@INPUT_FORMAT
@errors_to_exit
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
        options=export_options(base_iri, None, None),
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
@source_options
@errors_to_exit
def reason(fmt: str, ontology: str | None, output: str | None, source: DataSource) -> None:
    """Run the OWL reasoner (HermiT) on FILES (as --data; default: the packaged graphs)."""
    kg = source.load()
    with working("reasoning (HermiT)"):
        result = pharmakg.reason(kg, ontology=ontology)
    emit(result.to_json() if fmt == "json" else result.to_text(), output)
    click.echo(f"pharmakg: HermiT took {result.seconds:.1f} s", err=True)
    sys.exit(EXIT_OK if result.consistent else EXIT_NONCONFORMING)
