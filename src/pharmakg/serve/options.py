"""How ``pharmakg serve`` runs: :class:`ServeOptions`, checked when they are made."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..rebase import DEFAULT_BASE, norm_base, sparql_base

__all__ = ["DEFAULT_MEMORY_LIMIT", "MIN_MEMORY_LIMIT", "ServeOptions"]

#: Bytes one query may take beyond the data, by default (``--memory-limit``).
DEFAULT_MEMORY_LIMIT = 2 * 2**30
#: The least memory limit a worker can start and answer with (Python and the parser).
MIN_MEMORY_LIMIT = 256 * 2**20


@dataclass(frozen=True)
class ServeOptions:
    """How ``pharmakg serve`` runs.

    :param base_iri: the base of every IRI the server dereferences; the same as
        ``pharmakg build --base-iri`` for the release it serves.
    :param store: a pyoxigraph store directory, opened read-only; default: the packaged
        graphs (or ``graphs``) loaded in memory, with the release's named graphs.
    :param store_on_disk: answer a ``store``'s queries on its RocksDB files. By default its
        quads are read once at start-up into memory (held once, by the process the workers
        are forked from), where pyoxigraph answers the heavy queries 3-8x faster than on
        RocksDB (``bench_serve.py --layers``); a store whose files exceed
        :data:`MEMORY_COPY_LIMIT` is always answered on disk.
    :param graphs: RDF files to serve in memory instead of the packaged ones.
    :param workers: how many queries run at once (one worker process each).
    :param light_workers: more workers, kept for the server's own light requests (resource
        pages, named queries sent as offered, ``/health``), so that heavy client queries
        never make them wait (:mod:`~pharmakg.serve.pool`); 0 for none.
    :param timeout: seconds a query may run before it is stopped (503).
    :param queue_timeout: seconds a query waits for a free worker before a 503.
    :param max_waiting: how many queries may wait at once (more get 503 at once).
    :param max_request_bytes: the largest request body or query (413 above it).
    :param max_result_bytes: the largest result; a larger one is refused (503).
    :param service_allow: endpoint IRI prefixes a SERVICE clause may call (default none).
        Without any, the query workers also run where no network connection can be opened.
    :param memory_limit: bytes one query may take beyond the data (None: no limit); past it
        the query is stopped with a 503.
    :param update_token: enables SPARQL Update for requests with ``Authorization: Bearer TOKEN``
        (in-memory data only; a read-only store refuses updates).
    :param cors_origins: origins allowed by CORS (``*``: any).
    :param inferred: add what HermiT infers as the ``<base>graph/inferred`` named graph
        (in-memory data only; needs Java).
    :param public_url: the URL clients reach the server at (behind a proxy: the proxy's),
        which names the endpoint in the service description and prefixes the pages' links;
        None: the address it listens on. A client's ``Host`` header is never used.
    :param read_timeout: seconds a request may take to arrive, headers and body.
    :param max_connections: open connections; more are closed at once.
    :param query_log: log every query: time, status, size, duration (never its text).
    """

    base_iri: str = DEFAULT_BASE
    store: Path | None = None
    store_on_disk: bool = False
    graphs: tuple[Path, ...] = ()
    workers: int = 2
    light_workers: int = 1
    timeout: float = 30.0
    queue_timeout: float = 10.0
    max_waiting: int = 64
    max_request_bytes: int = 1024 * 1024
    max_result_bytes: int = 64 * 1024 * 1024
    service_allow: tuple[str, ...] = ()
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    update_token: str | None = None
    cors_origins: tuple[str, ...] = ("*",)
    inferred: bool = False
    public_url: str | None = None
    read_timeout: float = 10.0
    max_connections: int = 512
    query_log: bool = True

    def __post_init__(self) -> None:
        base = norm_base(self.base_iri)  # as pharmakg build normalises it
        if base.endswith("#"):
            raise InputError(
                "a served base IRI must end in '/': a '#' fragment never reaches the server",
                term=base,
            )
        sparql_base(base)  # raises if SPARQL cannot spell the base
        object.__setattr__(self, "base_iri", base)
        if self.workers < 1 or self.timeout <= 0 or self.queue_timeout < 0:
            raise InputError("workers must be at least 1 and the timeouts positive")
        if self.light_workers < 0:
            raise InputError("light workers must be 0 or more", term=str(self.light_workers))
        if self.memory_limit is not None and self.memory_limit < MIN_MEMORY_LIMIT:
            raise InputError(
                f"a query's memory limit must be at least {MIN_MEMORY_LIMIT // 2**20} MiB",
                term=str(self.memory_limit),
            )
        if self.store is not None and not Path(self.store).is_dir():
            raise InputError("not a pyoxigraph store directory", file=self.store)
        if self.public_url is not None:
            if not self.public_url.startswith(("http://", "https://")):
                raise InputError("--public-url must be an http(s) URL", term=self.public_url)
            object.__setattr__(self, "public_url", self.public_url.rstrip("/") + "/")
        if self.read_timeout <= 0 or self.max_connections < 1:
            raise InputError("the read timeout and the connection limit must be positive")
        if self.store is not None and (self.graphs or self.inferred):
            raise InputError("--store serves the store as it is: give no files and no --inferred")
