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
* :mod:`~pharmakg.serve.connections` (slow clients).

Served under another base (``--base-iri``), the data, the named queries and the pathway
pictures are all moved by the one rule of :mod:`pharmakg.rebase`.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import uvicorn

from .app import create_app
from .connections import ConnectionLimits, guarded_http
from .data import ServedData, prepare_data
from .options import ServeOptions

__all__ = ["ServeOptions", "ServedData", "create_app", "prepare_data", "serve"]


def serve(
    options: ServeOptions,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    access_log: bool = False,
    root_path: str = "",
    forwarded_allow_ips: str | None = None,
) -> None:
    """Run the server under uvicorn until it is stopped (Ctrl-C or SIGTERM).

    :param access_log: log every request to stderr (off by default: it costs about a tenth
        of a millisecond per request).
    :param root_path: the path prefix a proxy forwards without stripping it.
    :param forwarded_allow_ips: proxies whose ``X-Forwarded-For`` and ``-Proto`` are
        trusted (None: no one's).
    :raises PharmakgError: the data cannot be loaded or the store cannot be opened.
    """
    if options.public_url is None:  # where it listens, never what a client's Host says
        shown = f"[{host}]" if ":" in host else host
        options = dataclasses.replace(options, public_url=f"http://{shown}:{port}{root_path}/")
    limits = ConnectionLimits(options.read_timeout, options.max_connections)
    with tempfile.TemporaryDirectory(prefix="pharmakg-serve-") as workdir:
        data = prepare_data(options, Path(workdir))  # bad input fails here, before uvicorn
        uvicorn.run(
            create_app(options, data),
            host=host,
            port=port,
            http=guarded_http(limits),
            log_level="info",
            access_log=access_log,
            root_path=root_path,
            proxy_headers=forwarded_allow_ips is not None,
            forwarded_allow_ips=forwarded_allow_ips,
            server_header=False,
            timeout_graceful_shutdown=5,
        )
