"""Running the server: the data prepared, then the app under uvicorn with its limits."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path

import uvicorn

from .app import create_app
from .connections import ConnectionLimits, guarded_http
from .data import prepare_data
from .options import ServeOptions

__all__ = ["serve"]


def serve(
    options: ServeOptions,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    access_log: bool = False,
    root_path: str = "",
    forwarded_allow_ips: str | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> None:
    """Run the server under uvicorn until it is stopped (Ctrl-C or SIGTERM).

    :param access_log: log every request to stderr (off by default: it costs about a tenth
        of a millisecond per request).
    :param root_path: the path prefix a proxy forwards without stripping it.
    :param forwarded_allow_ips: proxies whose ``X-Forwarded-For`` and ``-Proto`` are
        trusted (None: no one's).
    :param progress: called with each start-up step as it starts (before the server listens).
    :raises PharmakgError: the data cannot be loaded or the store cannot be opened.
    """
    if options.public_url is None:  # where it listens, never what a client's Host says
        shown = f"[{host}]" if ":" in host else host
        options = dataclasses.replace(options, public_url=f"http://{shown}:{port}{root_path}/")
    limits = ConnectionLimits(options.read_timeout, options.max_connections)
    with tempfile.TemporaryDirectory(prefix="pharmakg-serve-") as workdir:
        data = prepare_data(options, Path(workdir), progress)  # bad input fails here
        progress(f"starting {options.workers} + {options.light_workers} query workers")
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
