"""What a SHACL-SPARQL constraint's query may contain, and which engine can run it.

`SHACL §5.2.1 <https://www.w3.org/TR/shacl/#pre-binding>`_ (pre-binding of variables): a
query whose variables a processor pre-binds (``$this``, ``$shapesGraph``, ``$currentShape``)
must not contain MINUS, VALUES, SERVICE, ``AS $var`` for a pre-bound variable, or a sub-select
that does not return the pre-bound variables. Such a query is refused, not run.

Every decision here reads rdflib's SPARQL 1.1 parse tree of the text, never the text itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib.term import Variable

from ..store.text import walk_tree

__all__ = ["PRE_BOUND", "SparqlText", "read_select"]

#: The variables a SHACL-SPARQL constraint may read pre-bound (§5.2.1; ``$value`` is a
#: SHACL-AF validator's, which pharmakg does not run).
PRE_BOUND = frozenset({"this", "shapesGraph", "currentShape"})


@dataclass(frozen=True)
class SparqlText:
    """What the parse of one ``sh:select`` says.

    :param refusal: why §5.2.1 refuses the query, or None.
    :param mentions: the pre-bound variables the query names anywhere.
    :param projects: the variables of its outer SELECT clause (all in scope for ``SELECT *``).
    :param substituted_wrongly: a pre-bound variable is read where pyoxigraph's substitution
        differs from SHACL's pre-binding: ``bound(…)`` in a group with no triple pattern on it,
        or a BIND before one (W3C pre-binding-003, -004, -005).
    """

    refusal: str | None
    mentions: frozenset[str]
    projects: frozenset[str]
    substituted_wrongly: bool = False

    @property
    def runs_per_focus_node(self) -> bool:
        """Whether pyoxigraph can run it with ``$this`` (and ``$currentShape``) substituted.

        pyoxigraph substitutes only a projected variable; ``$shapesGraph`` needs the shapes
        graph in the dataset, which the fast path does not build.
        """
        needed = self.mentions - {"shapesGraph"} | {"this"}
        return (
            "shapesGraph" not in self.mentions
            and needed <= self.projects
            and not self.substituted_wrongly
        )


def _get(node: Any, key: str) -> Any:
    """A key of a parse-tree node (CompValue's own ``get`` resolves variables: not wanted)."""
    return dict.get(node, key) if isinstance(node, dict) else None


def _name(node: Any) -> str | None:
    """The grammar rule of a parse-tree node (``SelectQuery``, ``Bind``…), or None."""
    name = getattr(node, "name", None)
    return name if isinstance(name, str) and isinstance(node, dict) else None


def _projection(select: Any) -> list[Any] | None:
    """The ``vars`` entries of a SELECT or sub-select clause; None for ``SELECT *``."""
    projection = _get(select, "projection")
    return list(projection) if projection is not None else None


def _projected(select: Any) -> frozenset[str]:
    """The variables a SELECT or sub-select returns."""
    entries = _projection(select)
    if entries is None:  # SELECT *: every variable in scope
        return frozenset(
            str(v) for v in walk_tree(_get(select, "where")) if isinstance(v, Variable)
        )
    return frozenset(str(_get(e, "var") or _get(e, "evar")) for e in entries)


#: Parse-tree nodes §5.2.1 refuses outright.
_REFUSED = {
    "MinusGraphPattern": "it has a MINUS clause",
    "InlineData": "it has a VALUES clause",
    "ServiceGraphPattern": "it calls SERVICE",
}


def _refusal(query: Any) -> str | None:
    """Why §5.2.1 refuses the query (rdflib's parse tree of it), or None."""
    if _get(query, "valuesClause") is not None:
        return "it has a VALUES clause"
    for node in walk_tree(query):
        name = _name(node)
        refusal = _REFUSED.get(name or "") or _binding_refusal(node, name)
        if refusal is not None:
            return refusal
    return None


def _binding_refusal(node: Any, name: str | None) -> str | None:
    """Why a BIND, a SELECT clause or a sub-select breaks pre-binding, or None."""
    if name == "Bind" and str(_get(node, "var")) in PRE_BOUND:
        return f"it binds ${_get(node, 'var')} with BIND … AS"
    if name not in {"SelectQuery", "SubSelect"}:
        return None
    bound = [str(_get(e, "evar")) for e in _projection(node) or [] if _get(e, "evar") is not None]
    if any(var in PRE_BOUND for var in bound):
        return f"its SELECT binds ${next(v for v in bound if v in PRE_BOUND)} with AS"
    if name == "SubSelect" and _projection(node) is None:
        return "a sub-select is SELECT *; it must name the pre-bound variables"
    if name == "SubSelect" and "this" not in _projected(node):
        return "a sub-select does not return $this"
    return None


def _walk_expression(node: Any) -> Iterator[Any]:
    """Every value of an expression, but not of the groups nested in it (``EXISTS {…}``)."""
    return walk_tree(node, into=lambda item: _name(item) != "GroupGraphPatternSub")


def _pre_bound_in(node: Any) -> set[str]:
    """The pre-bound variables an expression or triple block names (nested groups aside)."""
    return {str(v) for v in _walk_expression(node) if isinstance(v, Variable)} & PRE_BOUND


def _group_substitutes_wrongly(parts: list[Any]) -> bool:
    """Whether a group reads a pre-bound variable in ``bound()`` or BIND before binding it.

    pyoxigraph joins a substituted value into the group's triple patterns: a BIND placed
    before them, or ``bound()`` in a group that has none mentioning the variable, sees it
    unbound, where SHACL's pre-binding sees it bound everywhere.
    """
    patterns: set[str] = set()
    in_group = {
        str(v)
        for part in parts
        if _name(part) == "TriplesBlock"
        for v in _walk_expression(part)
        if isinstance(v, Variable)
    }
    for part in parts:
        name = _name(part)
        if name == "TriplesBlock":
            patterns |= _pre_bound_in(part)
        elif name == "Bind" and _pre_bound_in(_get(part, "expr")) - patterns:
            return True
        elif name == "Filter":
            tested = {
                str(_get(node, "arg"))
                for node in _walk_expression(_get(part, "expr"))
                if _name(node) == "Builtin_BOUND"
            }
            if tested & PRE_BOUND - in_group:
                return True
    return False


def _substituted_wrongly(query: Any) -> bool:
    """Whether any group of the query reads a pre-bound variable where substitution differs."""
    return any(
        _group_substitutes_wrongly(list(_get(node, "part") or []))
        for node in walk_tree(query)
        if _name(node) == "GroupGraphPatternSub"
    )


@functools.lru_cache(maxsize=256)
def read_select(text: str) -> SparqlText:
    """Parse a constraint's SELECT query (with its PREFIX prologue) and read what it needs.

    :raises pyparsing.ParseException: the text is not SPARQL 1.1 (callers parse it first with
        :func:`pharmakg.store.text.parse_sparql`, which gives a one-line error).
    """
    from rdflib.plugins.sparql import parser

    query = parser.parseQuery(text)[1]
    mentions = frozenset(
        str(v) for v in walk_tree(query) if isinstance(v, Variable) and str(v) in PRE_BOUND
    )
    return SparqlText(_refusal(query), mentions, _projected(query), _substituted_wrongly(query))
