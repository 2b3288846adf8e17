"""Stage: ``pharmakg serve``, a SPARQL 1.1 Protocol endpoint and linked-data server.

Safe by default: read-only (SPARQL Update only with a token, on in-memory data), SERVICE
refused unless its endpoint is allow-listed, every query time-limited in a killable worker
process and its result capped, a bounded number of queries at once, a request-size limit.

>>> from pharmakg.serve import ServeOptions
>>> ServeOptions(base_iri="https://example.org/kg").base_iri
'https://example.org/kg/'

The parts: :mod:`~pharmakg.serve.app` (the Starlette routes), :mod:`~pharmakg.serve.pool`
(the killable workers), :mod:`~pharmakg.serve.worker` (what a worker runs),
:mod:`~pharmakg.serve.protocol` (negotiation, the SERVICE check) and
:mod:`~pharmakg.serve.pages` (the HTML).
"""

from __future__ import annotations

from .app import ServeOptions, create_app

__all__ = ["ServeOptions", "create_app", "serve"]


def serve(
    options: ServeOptions, *, host: str = "127.0.0.1", port: int = 8000, access_log: bool = False
) -> None:
    """Run the server under uvicorn until it is stopped (Ctrl-C or SIGTERM).

    :param access_log: log every request to stderr (off by default: it costs about a tenth
        of a millisecond per request).
    """
    import uvicorn

    uvicorn.run(
        create_app(options),
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
