"""The ``pharmakg`` group, on which the command modules register their commands."""

from __future__ import annotations

import logging

import click

import pharmakg
from pharmakg._validate import IllTypedLiteralLog

from .options import EPILOG

__all__ = ["main"]


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(pharmakg.__version__, prog_name="pharmakg")
def main() -> None:
    """Pharmakg: drug mechanism-of-action monographs as a linked-data knowledge graph."""
    # rdflib logs a traceback for an ill-typed literal; the validation report names it instead.
    logging.getLogger("rdflib.term").addFilter(IllTypedLiteralLog())
