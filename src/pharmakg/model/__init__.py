"""Typed, frozen records that the stages return, together.

* :mod:`.validation`: :class:`ValidationReport` / :class:`ValidationResult` / :class:`Severity`;
* :mod:`.query`: :class:`QueryResult` (SELECT rows or an ASK boolean, with table/CSV/TSV/JSON
  writers), :class:`GraphResult` (CONSTRUCT or DESCRIBE triples), :class:`QueryInfo` /
  :class:`QueryParam`;
* :mod:`.reasoning`: :class:`ReasoningResult` / :class:`InconsistentIndividual`;
* :mod:`.release`: :class:`BuildResult`, :class:`PublishResult`.
"""

from __future__ import annotations

from .query import GraphResult, QueryInfo, QueryParam, QueryResult
from .reasoning import InconsistentIndividual, ReasoningResult
from .release import BuildResult, PublishResult
from .validation import Severity, ValidationReport, ValidationResult

__all__ = [
    "BuildResult",
    "GraphResult",
    "InconsistentIndividual",
    "PublishResult",
    "QueryInfo",
    "QueryParam",
    "QueryResult",
    "ReasoningResult",
    "Severity",
    "ValidationReport",
    "ValidationResult",
]
