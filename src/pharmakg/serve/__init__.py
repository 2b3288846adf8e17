"""Stage: ``pharmakg serve``, a SPARQL 1.1 Protocol endpoint and linked-data server.

Safe by default: read-only (SPARQL Update only with a token, on in-memory data), SERVICE
refused unless its endpoint is allow-listed, every query time-limited in a killable worker
process and its result capped, a bounded number of queries at once, with workers kept for the
server's own light requests, a request-size limit, and a ``/health`` that runs a query.

>>> from pharmakg.serve import ServeOptions
>>> ServeOptions(base_iri="https://example.org/kg").base_iri
'https://example.org/kg/'

The parts: :mod:`~pharmakg.serve.app` (the Starlette routes), :mod:`~pharmakg.serve.pool`
(the killable workers), :mod:`~pharmakg.serve.worker` (what a worker runs),
:mod:`~pharmakg.serve.protocol` (negotiation, the SERVICE check) and
:mod:`~pharmakg.serve.pages` (the HTML).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import uvicorn

from .app import ServedData, ServeOptions, create_app, prepare_data

__all__ = ["ServeOptions", "ServedData", "create_app", "prepare_data", "serve"]


def serve(
    options: ServeOptions, *, host: str = "127.0.0.1", port: int = 8000, access_log: bool = False
) -> None:
    """Run the server under uvicorn until it is stopped (Ctrl-C or SIGTERM).

    :param access_log: log every request to stderr (off by default: it costs about a tenth
        of a millisecond per request).
    :raises PharmakgError: the data cannot be loaded or the store cannot be opened.
    """
    with tempfile.TemporaryDirectory(prefix="pharmakg-serve-") as workdir:
        data = prepare_data(options, Path(workdir))  # bad input fails here, before uvicorn
        uvicorn.run(
            create_app(options, data),
            host=host,
            port=port,
            log_level="info",
            access_log=access_log,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=5,
        )
