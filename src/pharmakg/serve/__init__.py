"""Stage: ``pharmakg serve``, a SPARQL 1.1 Protocol endpoint and linked-data server.

Safe by default: read-only (SPARQL Update only with a token, on in-memory data), SERVICE
refused unless its endpoint is allow-listed (decided by a real parse, in workers that have no
network), every query time-limited and memory-limited in a killable worker process and its
result capped, a bounded number of queries at once, with workers kept for the server's own
light requests, request size and read-time limits, and a ``/health`` that runs a query.

>>> from pharmakg.serve import ServeOptions
>>> ServeOptions(base_iri="https://example.org/kg").base_iri
'https://example.org/kg/'

The parts, by concern:

* what runs and what is served: :mod:`~pharmakg.serve.options` (:class:`ServeOptions`),
  :mod:`~pharmakg.serve.data` (a store ``pharmakg load`` wrote, or a release of the graphs);
* the routes: :mod:`~pharmakg.serve.sparql` (the SPARQL 1.1 Protocol),
  :mod:`~pharmakg.serve.service` (its service description and named queries),
  :mod:`~pharmakg.serve.graph_store` (the Graph Store Protocol),
  :mod:`~pharmakg.serve.linked_data` (resource pages, pathway pictures), what they share
  (:mod:`~pharmakg.serve.state`), and :mod:`~pharmakg.serve.app`, which assembles them;
* the formats: :mod:`~pharmakg.serve.protocol` (negotiation over the format registry);
* the workers: :mod:`~pharmakg.serve.pool` (killable workers in two lanes),
  :mod:`~pharmakg.serve.template` (the process they are forked from),
  :mod:`~pharmakg.serve.worker` (what a worker runs), :mod:`~pharmakg.serve.sandbox` (no
  network, a memory ceiling), :mod:`~pharmakg.serve.describe` (a resource's page, one page
  at a time) and :mod:`~pharmakg.serve.pages` (the HTML);
* :mod:`~pharmakg.serve.connections` (slow clients), and :mod:`~pharmakg.serve.run`, which
  runs it all under uvicorn.

Served under another base (``--base-iri``), the data, the named queries and the pathway
pictures are all moved by the one rule of :mod:`pharmakg.rebase`.
"""

from __future__ import annotations

from .app import create_app
from .data import ServedData, prepare_data
from .options import ServeOptions
from .run import serve

__all__ = ["ServeOptions", "ServedData", "create_app", "prepare_data", "serve"]
