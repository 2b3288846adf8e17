"""What the commands share: exit codes, the source and export options, progress, output.

:class:`DataSource` is the one meaning of the source options (``--data``, ``--add-data``,
``--input-format``, ``--store``) that :func:`source_options` adds to a command;
:func:`errors_to_exit` turns a :class:`~pharmakg.PharmakgError` into one line on stderr and its
exit code; :func:`emit` and :func:`write_stdout` write a result to ``-o FILE`` or stdout.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

import pharmakg
from pharmakg import PharmakgError
from pharmakg._export import DEFAULT_BASE, parse_date
from pharmakg._load import default_paths
from pharmakg.errors import QueryTimeoutError, UnknownFormatError
from pharmakg.formats import Kind, choices, find, for_path
from pharmakg.resources import write_text_atomic

__all__ = [
    "BASE_IRI",
    "ByteSize",
    "CREATED",
    "DataSource",
    "EPILOG",
    "EXIT_BAD_INPUT",
    "EXIT_NONCONFORMING",
    "EXIT_OK",
    "EXIT_TIMEOUT",
    "FormatChoice",
    "INPUT_FORMAT",
    "SPARQL_ENDPOINT",
    "emit",
    "errors_to_exit",
    "export_options",
    "output_format",
    "progress_bar",
    "source_options",
    "steps_bar",
    "working",
    "write_stdout",
]

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


def errors_to_exit(func: F) -> F:
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


def write_stdout(data: bytes) -> None:
    """Write bytes to stdout (after any text click has buffered)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def emit(text: str, output: str | None) -> None:
    """Write ``text`` to ``output`` (atomically, saying so on stderr), else to stdout."""
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
        with progress_bar(list(files)) as progress:
            return pharmakg.load(
                *files,
                input_format=self.input_format,
                store=self.store,
                engine=engine,
                progress=progress,
            )


#: The RDF format of the files a command reads (every command that reads files takes it).
INPUT_FORMAT = click.option(
    "--input-format",
    type=click.Choice(choices(Kind.RDF)),
    default=None,
    help="RDF format of the files (default: by suffix).",
)


def source_options(func: F) -> F:
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
        INPUT_FORMAT,
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
def progress_bar(files: list[str]) -> Iterator[Callable[[Path], None]]:
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
def working(what: str) -> Iterator[None]:
    """Say on a terminal (stderr) that a long step without steps of its own is running."""
    if sys.stderr.isatty():
        click.echo(f"pharmakg: {what}...", err=True)
    yield


@contextlib.contextmanager
def steps_bar() -> Iterator[Callable[[str, int, int], None]]:
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


def export_options(
    base_iri: str, sparql_endpoint: str | None, created: str | None
) -> pharmakg.ExportOptions:
    """The export options that ``--base-iri``, ``--sparql-endpoint`` and ``--created`` give."""
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
        """The registry's name of the format ``value`` names."""
        try:
            return find(self.kind, str(value)).name
        except UnknownFormatError:
            return super().convert(value, param, ctx)  # click's own message, with the choices


def output_format(kind: Kind, fmt: str | None, output: str | None, default: str) -> str:
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
        """The size ``value`` gives, in bytes; ``None`` for no limit."""
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


BASE_IRI = click.option(
    "--base-iri",
    default=DEFAULT_BASE,
    show_default=True,
    help="Mint pharmakg's own IRIs (resources, ontology, shapes) under this base.",
)
SPARQL_ENDPOINT = click.option(
    "--sparql-endpoint", metavar="URL", help="Name this SPARQL endpoint in the description."
)
CREATED = click.option(
    "--created",
    metavar="YYYY-MM-DD",
    help="Creation date (default: $SOURCE_DATE_EPOCH, else the monograph's date).",
)
