"""The store at the centre: one protocol for reading, one for loading, and its locations.

Every stage reads through a :class:`Store`: SELECT and ASK (:meth:`Store.query`), CONSTRUCT
and DESCRIBE (:meth:`Store.construct`), the triple count (``len``) and an N-Triples dump
(:meth:`Store.dump`, for the SHACL engine and the reasoner). Loading is a second protocol,
:class:`LoadableStore`. A store is named by its location (:func:`connect`):

========================  ==================================================================
``memory``                pyoxigraph in memory, the default
``DIR`` (a directory)     pyoxigraph on disk: ``pharmakg load FILE... --store DIR`` writes it
                          once; every command given ``--store DIR`` opens it read-only
``sparql:URL``            any SPARQL 1.1 server (:mod:`~pharmakg.store.remote`)
``rdflib``                rdflib's graph and engine (the second engine queries are tested on)
========================  ==================================================================

:func:`answer` runs one query with the limits a user asks for: ``SERVICE`` refused unless
allowed (before any engine sees the query, so no request goes out), and a hard time limit
(:mod:`~pharmakg.store.limits`). Results are normalised (:mod:`~pharmakg.store.terms`), so
every store gives the same answer.
"""

from __future__ import annotations

from .answer import answer
from .local import OxigraphStore
from .locations import (
    ENGINES,
    SPARQL_PREFIX,
    connect,
    memory_copy,
    open_store,
    with_triples,
    without_triples,
)
from .protocol import LoadableStore, Store
from .rdflibstore import RdflibStore
from .remote import SparqlStore
from .terms import to_oxigraph_term

__all__ = [
    "ENGINES",
    "LoadableStore",
    "OxigraphStore",
    "RdflibStore",
    "SPARQL_PREFIX",
    "SparqlStore",
    "Store",
    "answer",
    "connect",
    "memory_copy",
    "open_store",
    "to_oxigraph_term",
    "with_triples",
    "without_triples",
]
