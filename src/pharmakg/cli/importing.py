"""``pharmakg import``: curated third-party data (DrugMechDB) brought in beside the monograph."""

from __future__ import annotations

import sys
from typing import Any

import click

import pharmakg
from pharmakg.resources import write_text_atomic

from .group import main
from .options import EPILOG, errors_to_exit, write_stdout

__all__ = ["import_drugmechdb", "import_group"]


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
@errors_to_exit
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
        write_stdout(result.serialize("nt"))
    problems = ", ".join(f"{k} {v}" for k, v in report.problem_counts().items()) or "none"
    click.echo(
        f"pharmakg: imported {report.entries} entries ({report.nodes} nodes, {report.links} "
        f"links, {report.claims} claims) in {report.seconds:.1f} s; "
        f"merged {len(report.merged)} with the monograph; source problems: {problems}",
        err=True,
    )
