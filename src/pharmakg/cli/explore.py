"""The commands that answer questions of the data: queries, query, paths, stats, visualise."""

from __future__ import annotations

import click

import pharmakg
from pharmakg import GraphResult
from pharmakg._query import parse_assignments, parse_bases
from pharmakg._visualise import DEFAULT_MAX_NODES
from pharmakg.formats import Kind, choices
from pharmakg.mechanism import graph_stats, mechanism_graph
from pharmakg.paths import MAX_HOPS
from pharmakg.resources import write_bytes_atomic
from pharmakg.store import ENGINES as QUERY_ENGINES
from pharmakg.vocab import BASES, DEFAULT_BASES

from .group import main
from .options import (
    EPILOG,
    DataSource,
    FormatChoice,
    emit,
    errors_to_exit,
    output_format,
    source_options,
    write_stdout,
)

__all__ = ["paths", "queries", "query", "stats", "visualise"]


@main.command(epilog=EPILOG)
@errors_to_exit
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
@source_options
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
@errors_to_exit
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
        emit(result.render("turtle" if fmt == "table" else fmt).decode("utf-8"), output)
    elif fmt in rdf_formats:
        raise click.UsageError("a SELECT or ASK answers rows: --format table, csv, tsv or json")
    else:
        emit(result.render(fmt), output)


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
@source_options
@click.option(
    "--basis",
    default=",".join(sorted(DEFAULT_BASES)),
    show_default=True,
    metavar="BASES",
    help=f"Walk the statements of these bases, comma-separated: {', '.join(BASES)}.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the paths here.")
@errors_to_exit
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
    emit(result.render(fmt).decode("utf-8"), output)


@main.command(epilog=EPILOG)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@source_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the counts here.")
@errors_to_exit
def stats(fmt: str, top: int, source: DataSource, output: str | None) -> None:
    """Count the mechanism graph's nodes by category and edges by predicate."""
    result = graph_stats(mechanism_graph(source.load()), top=top)
    emit(result.to_json() if fmt == "json" else result.to_text(), output)


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
    default=",".join(sorted(DEFAULT_BASES)),
    show_default=True,
    help=f"Draw the edges of these bases, comma-separated: {', '.join(BASES)}.",
)
@source_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the picture here.")
@errors_to_exit
def visualise(
    drug: str,
    fmt: str | None,
    max_nodes: int,
    bases: str,
    source: DataSource,
    output: str | None,
) -> None:
    """Draw the pathway of DRUG (label, CURIE or IRI), layered by mechanism stage."""
    chosen = output_format(Kind.PICTURE, fmt, output, "html")
    kg = source.load()
    picture = pharmakg.visualise(kg, drug, chosen, max_nodes=max_nodes, bases=bases)
    if output:
        write_bytes_atomic(output, picture)
        click.echo(f"pharmakg: wrote {output}", err=True)
    else:
        write_stdout(picture)
