"""``pharmakg serve``: the SPARQL endpoint and linked-data server, and its many limits."""

from __future__ import annotations

import click

from pharmakg import ServeOptions
from pharmakg import serve_endpoint as serve

from .group import main
from .options import BASE_IRI, EPILOG, ByteSize, errors_to_exit

__all__ = ["serve_command"]


@main.command("serve", epilog=EPILOG)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--store",
    type=click.Path(file_okay=False, exists=True),
    help="Serve this pyoxigraph store directory, opened read-only (default: FILES or the "
    "packaged graphs, loaded in memory with the release's named graphs).",
)
@click.option(
    "--store-on-disk",
    is_flag=True,
    help="Answer --store's queries on its RocksDB files (less memory, slower) instead of "
    "reading its quads into memory at start-up (a store over 4 GiB on disk always is).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@BASE_IRI
@click.option("--workers", default=2, show_default=True, help="Queries that run at once.")
@click.option(
    "--light-workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="More workers, kept for the server's own light requests (resource pages, named "
    "queries as offered, /health), so heavy queries never make them wait; 0 for none.",
)
@click.option("--timeout", default=30.0, show_default=True, help="Seconds a query may run (503).")
@click.option(
    "--queue-timeout", default=10.0, show_default=True, help="Seconds a query waits for a worker."
)
@click.option("--max-waiting", default=64, show_default=True, help="Queries that may wait.")
@click.option(
    "--max-request-bytes", default=1024 * 1024, show_default=True, help="Request size limit (413)."
)
@click.option(
    "--max-result-bytes", default=64 * 1024 * 1024, show_default=True, help="Result size cap."
)
@click.option(
    "--allow-service",
    multiple=True,
    metavar="PREFIX",
    help="Allow SERVICE calls to endpoints under this IRI prefix (repeatable; default: none).",
)
@click.option(
    "--memory-limit",
    type=ByteSize(),
    default="2G",
    show_default=True,
    help="Memory one query may take beyond the data (503 past it); 'none' for no limit.",
)
@click.option(
    "--update-token",
    envvar="PHARMAKG_UPDATE_TOKEN",
    help="Enable SPARQL Update for 'Authorization: Bearer TOKEN' (in-memory data only; "
    "also read from $PHARMAKG_UPDATE_TOKEN).",
)
@click.option(
    "--cors-origin", multiple=True, default=("*",), show_default=True, help="CORS origins."
)
@click.option("--access-log/--no-access-log", default=False, help="Log every request.")
@click.option(
    "--query-log/--no-query-log",
    default=True,
    show_default=True,
    help="Log every query: status, size, duration (never its text).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The URL clients reach the server at (behind a proxy, the proxy's); it names the "
    "endpoint in the service description. Default: the address it listens on.",
)
@click.option(
    "--root-path", default="", metavar="PATH", help="A path prefix the proxy does not strip."
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    help="Proxies whose X-Forwarded-For/-Proto headers are trusted (comma-separated).",
)
@click.option(
    "--read-timeout",
    default=10.0,
    show_default=True,
    help="Seconds a request may take to arrive, headers and body; then it is closed.",
)
@click.option("--max-connections", default=512, show_default=True, help="Open connections at most.")
@click.option(
    "--inferred", is_flag=True, help="Add HermiT's inferences as <base>graph/inferred (needs Java)."
)
@errors_to_exit
def serve_command(
    files: tuple[str, ...],
    store: str | None,
    store_on_disk: bool,
    host: str,
    port: int,
    base_iri: str,
    workers: int,
    light_workers: int,
    timeout: float,
    queue_timeout: float,
    max_waiting: int,
    max_request_bytes: int,
    max_result_bytes: int,
    allow_service: tuple[str, ...],
    memory_limit: int | None,
    update_token: str | None,
    cors_origin: tuple[str, ...],
    access_log: bool,
    query_log: bool,
    public_url: str | None,
    root_path: str,
    forwarded_allow_ips: str | None,
    read_timeout: float,
    max_connections: int,
    inferred: bool,
) -> None:
    """Serve the graph: SPARQL 1.1 Protocol at /sparql, linked data for every IRI under the base."""
    from pathlib import Path

    options = ServeOptions(
        base_iri=base_iri,
        store=Path(store) if store else None,
        store_on_disk=store_on_disk,
        graphs=tuple(Path(f) for f in files),
        workers=workers,
        light_workers=light_workers,
        timeout=timeout,
        queue_timeout=queue_timeout,
        max_waiting=max_waiting,
        max_request_bytes=max_request_bytes,
        max_result_bytes=max_result_bytes,
        service_allow=allow_service,
        memory_limit=memory_limit,
        update_token=update_token,
        cors_origins=cors_origin,
        inferred=inferred,
        public_url=public_url,
        read_timeout=read_timeout,
        max_connections=max_connections,
        query_log=query_log,
    )
    serve(
        options,
        host=host,
        port=port,
        access_log=access_log,
        root_path=root_path,
        forwarded_allow_ips=forwarded_allow_ips,
        progress=lambda step: click.echo(f"pharmakg: {step}...", err=True),
    )
