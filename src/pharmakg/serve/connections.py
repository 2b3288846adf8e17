"""HTTP connections that cannot hold the server: a deadline per request and a connection cap.

uvicorn closes an idle keep-alive connection, but not one that has sent half a request: a
client that opens connections and sends a header line now and then (slowloris) would hold a
file descriptor each until the server runs out of them. Here every request must arrive
whole, headers and body, within ``read_timeout`` seconds of its first byte (or of the
connection's opening); past it the connection is closed. Connections beyond
``max_connections`` are closed as soon as they open.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["ConnectionLimits", "guarded_http"]

_log = logging.getLogger("uvicorn.error")


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a request may take to arrive, and how many connections may be open."""

    read_timeout: float = 10.0
    max_connections: int = 512


class _GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a read deadline per request and a connection cap."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            _log.warning("connection refused: %d connections are open", len(self.connections) - 1)
            transport.abort()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.limits.read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            _log.info(
                "closed a connection whose request did not arrive within %g s",
                self.limits.read_timeout,
            )
            self.transport.close()


def guarded_http(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """The HTTP protocol class for uvicorn's ``http=`` setting, under ``limits``."""
    return type("GuardedHttp", (_GuardedHttp,), {"limits": limits})
