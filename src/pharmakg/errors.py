"""The one error tree of pharmakg.

Every error pharmakg raises on purpose is a :class:`PharmakgError`. Each one
carries data (file, line, column, term, choices) as attributes, and its message
is one line that says what is wrong and, where possible, how to fix it. Each
class has the exit code the command line ends with (``exit_code``: 2 for bad
input or output, 3 for a broken installation or environment)::

    PharmakgError (ValueError)
    ├── InputError                  bad input: exit code 2
    │   ├── ParseError              a file does not parse (file, line, column)
    │   ├── UnsafeInputError        hostile input refused (remote context, XML entities)
    │   ├── UnknownFormatError      a format name or file suffix nobody reads (choices)
    │   ├── UnknownQueryError       no such named query (choices)
    │   ├── UnknownParameterError   a parameter the query does not declare (choices)
    │   ├── MissingParameterError   a parameter given without a value
    │   ├── InvalidParameterError   a value of the wrong kind (integer, …)
    │   ├── UnknownPrefixError      a CURIE prefix not in the prefix map (choices)
    │   ├── InvalidCurieError       a CURIE whose local ID fails its pattern
    │   ├── UnknownEntityError      an entity value that matches nothing (closest labels)
    │   ├── AmbiguousEntityError    an entity value that matches several entities
    │   ├── ShapesError             the SHACL shapes themselves are invalid (pyshacl refused them)
    │   ├── InconsistentGraphError  inferences asked of a graph the reasoner finds inconsistent
    │   ├── QuerySyntaxError        a query or update the SPARQL 1.1 grammar refuses (line, column)
    │   ├── ServiceRefusedError     a query uses SERVICE and ``allow_service`` was not given
    │   └── StoreError              a store cannot be opened, read or written (path, URL)
    ├── OutputError                 an output file or directory cannot be written: exit code 2
    ├── QueryTimeoutError           a query ran past its time limit and was stopped: exit code 3
    ├── ResourceError               a packaged file (ontology, shapes, …) is missing: exit code 3
    ├── ReasonerError               the OWL reasoner (HermiT) failed to run: exit code 3
    │   └── JavaNotFoundError       no ``java`` to run HermiT (says how to install one)
    ├── MissingToolError            an outside program is missing or failed: exit code 3
    └── UnknownTermError            a pkg: term the ontology does not declare: exit code 3

``AttributeError`` is also a base of :class:`UnknownTermError`, so ``hasattr``
and ``getattr(ns, name, default)`` keep working on the closed namespace.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "AmbiguousEntityError",
    "InconsistentGraphError",
    "InputError",
    "InvalidCurieError",
    "InvalidParameterError",
    "JavaNotFoundError",
    "MissingParameterError",
    "MissingToolError",
    "OutputError",
    "ParseError",
    "PharmakgError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ReasonerError",
    "ResourceError",
    "ServiceRefusedError",
    "ShapesError",
    "StoreError",
    "UnknownEntityError",
    "UnknownFormatError",
    "UnknownParameterError",
    "UnknownPrefixError",
    "UnknownQueryError",
    "UnknownTermError",
    "UnsafeInputError",
]


class PharmakgError(ValueError):
    """Base of every error pharmakg raises on purpose.

    :param message: what went wrong, one line.
    :param file: the file the problem is in, if any.
    :param line: 1-based line in ``file``.
    :param column: 1-based column in ``line``.
    :param term: the offending name, value, CURIE or IRI.
    :param choices: the valid values, when a name was not recognised; the message shows
        the first :attr:`SHOWN_CHOICES` and says how many more there are.
    """

    #: The command line's exit code for this kind of error.
    exit_code = 3
    #: How many choices the one-line message lists.
    SHOWN_CHOICES = 10

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        term: str | None = None,
        choices: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.term = term
        self.choices = tuple(choices)
        super().__init__(self.__str__())

    def location(self) -> str:
        """Return ``file:line:column`` (the parts that are known), or ``""``."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        """One line: location, message and the valid choices."""
        text = self.message.replace("\n", " ")
        where = self.location()
        if where:
            text = f"{where}: {text}"
        if self.choices:
            shown = ", ".join(self.choices[: self.SHOWN_CHOICES])
            more = len(self.choices) - self.SHOWN_CHOICES
            if more > 0:
                shown += f", and {more} more"
            text = f"{text} (choose from: {shown})"
        return text


class InputError(PharmakgError):
    """The user's input (a file, a name, a value) is wrong; exit code 2."""

    exit_code = 2


class OutputError(PharmakgError):
    """An output file or directory cannot be written (the path is named); exit code 2."""

    exit_code = 2


class ParseError(InputError):
    """A file does not parse; carries file, line and column when known."""


class UnsafeInputError(InputError):
    """Input refused because parsing it could fetch remote data or explode in size."""


class UnknownFormatError(InputError):
    """A format name or a file suffix that no reader or writer handles."""


class UnknownQueryError(InputError):
    """No query by that name; ``choices`` lists the named queries."""


class UnknownParameterError(InputError):
    """A parameter the query does not declare; ``choices`` lists the declared ones."""


class MissingParameterError(InputError):
    """A parameter was named without a value (``--param drug`` instead of ``drug=…``)."""


class InvalidParameterError(InputError):
    """A parameter value that is not of the declared kind."""


class UnknownPrefixError(InputError):
    """A CURIE prefix that is not in the prefix map."""


class InvalidCurieError(InputError):
    """A CURIE that is malformed or whose local ID does not match its prefix's pattern."""


class UnknownEntityError(InputError):
    """An entity value (IRI, CURIE or label) that matches nothing in the graph."""


class AmbiguousEntityError(InputError):
    """An entity label that matches more than one entity; ``choices`` lists them."""


class ShapesError(InputError):
    """The SHACL shapes graph is not valid SHACL (the validator refused to run)."""


class InconsistentGraphError(InputError):
    """Inferences were asked of a graph that the reasoner finds inconsistent."""


class QuerySyntaxError(InputError):
    """A query or update that the SPARQL 1.1 grammar refuses, or nests too deeply to parse."""


class ServiceRefusedError(InputError):
    """A query calls ``SERVICE`` (an outbound request) and it was not allowed."""


class StoreError(InputError):
    """A store cannot be opened, read or written: a bad location, a server error or refusal."""


class QueryTimeoutError(PharmakgError):
    """A query ran past its time limit; the process running it was stopped."""


class ResourceError(PharmakgError):
    """A packaged data file (ontology, shapes, prefix map, …) cannot be found."""


class ReasonerError(PharmakgError):
    """The OWL reasoner (HermiT, run by owlready2 on Java) failed; the message has its error."""


class JavaNotFoundError(ReasonerError):
    """No Java runtime to run HermiT; the message says how to install one."""


class MissingToolError(PharmakgError):
    """An outside program a format needs (Graphviz ``dot``) is missing or failed."""


class UnknownTermError(PharmakgError, AttributeError):
    """A ``pkg:`` term that the ontology does not declare."""
