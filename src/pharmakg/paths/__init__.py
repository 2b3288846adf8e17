"""Mechanism paths: "why does this drug treat that disease?".

The monograph ties each indication to the drug's mechanism *as a whole* ("Imiquimod's mechanism
makes it effective for: …"); it never says that one effect makes the drug effective for one
disease. So :func:`mechanism_paths` answers in two parts (:class:`PathsResult`):

* the mechanism as a whole: its arms, every path of the mechanism graph
  (:mod:`pharmakg.mechanism`) from the drug along statements that say their subject changes
  their object, to where such statements end (drug → target → cytokine induction → effects,
  drug → NK cell activation, drug → immune surveillance → elimination of abnormal cells …),
  ranked shortest first, then by how well each hop is cited; a statement that only says where
  a target is found is never an arm;
* per indication, the one route the text states: drug → has mechanism → the mechanism → makes
  the drug effective for → the disease, with its citations and approval status.

* per record of a curated database (a DrugMechDB entry, when an import is loaded and
  ``curated`` is among the ``bases``): the record's own path from the drug to its disease, each
  link with its basis and the record it comes from (database, ``infores:`` id, entry ``_id``).
  A record is never joined with the monograph's statements (nor with another record) into one
  path: the sources stay apart.

A group on the paths (a node with members, such as "cytokine induction") is listed with its
members and whether the list is exhaustive; what a path says of the group stays the group's.

No effect → indication pairing is ever presented. Every hop shows the basis of its statements
(stated, interpreted, curated …) and their qualifiers; by default only stated and interpreted
statements are walked (``bases``). When the bases leave the drug with no statement but others
would not (a drug only DrugMechDB describes, asked for its stated statements), the answer is an
error that names the bases that would match, never an empty result. Rendered as text, Markdown
or JSON through the format registry.

The modules of this package:

* :mod:`.results`: the frozen results and their rendering (text, Markdown, JSON);
* :mod:`.ranking`: walking the mechanism graph's arms and ranking them;
* :mod:`.curated`: the curated records' own routes;
* :mod:`.groups`: the groups on the paths, with their members;
* :mod:`.find`: :func:`mechanism_paths`, which puts them together.
"""

from __future__ import annotations

from .find import mechanism_paths
from .ranking import MAX_HOPS, arm_relations
from .results import (
    CuratedRoute,
    Group,
    Hop,
    IndicationPaths,
    MechanismPath,
    PathEdge,
    PathsResult,
)

__all__ = [
    "CuratedRoute",
    "Group",
    "Hop",
    "IndicationPaths",
    "MAX_HOPS",
    "MechanismPath",
    "PathEdge",
    "PathsResult",
    "arm_relations",
    "mechanism_paths",
]
