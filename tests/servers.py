"""A real ``pharmakg serve`` on a loopback port, for the tests that talk to one over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx


@dataclass(frozen=True)
class Server:
    """A running server: its base URL, its process and the file its log goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        """The endpoint's URL."""
        return self.url + "/sparql"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(log: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run ``python -m pharmakg serve ARGS`` until the block ends, then stop it and its workers."""
    port = free_port()
    command = [sys.executable, "-m", "pharmakg", "serve", "--port", str(port), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text()}")
            try:
                if (
                    httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@dataclass
class Listener:
    """A loopback TCP listener that counts the connections it accepts, then drops them."""

    host: str
    connections: int = 0
    _socket: socket.socket = field(default_factory=socket.socket, repr=False)

    @property
    def endpoint(self) -> str:
        """A SPARQL endpoint's URL on the listener."""
        return self.host + "sparql"

    def connected_since(self, before: int, wait: float = 1.0) -> bool:
        """Whether a connection came in since the count was ``before`` (accepts lag a little)."""
        deadline = time.monotonic() + wait
        while self.connections == before and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.connections > before

    def serve(self) -> None:
        """Accept, count and close connections until the socket is closed."""
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@contextmanager
def listening() -> Iterator[Listener]:
    """A :class:`Listener` on a free loopback port until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    found = Listener(f"http://127.0.0.1:{sock.getsockname()[1]}/", _socket=sock)
    thread = threading.Thread(target=found.serve, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        sock.close()
