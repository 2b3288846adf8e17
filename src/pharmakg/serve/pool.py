"""A bounded pool of killable query workers (:mod:`pharmakg.serve.worker`).

* At most ``size`` queries run at once, one per worker process.
* A query waits at most ``queue_timeout`` seconds for a free worker, and at most
  ``max_waiting`` queries wait; beyond either the pool raises :class:`Busy` (503).
* A query that runs past ``timeout`` seconds gets :class:`QueryTimeout` at once; its worker
  is killed (SIGKILL, the only way to stop a pyoxigraph query) and a new one is started in
  the background, so the pool is back to full strength within a worker's start-up time.

Workers are started through :mod:`multiprocessing`'s ``forkserver``: the fork server imports
pyoxigraph and this package once, and each worker forks from it, so a replacement starts in
milliseconds and the server process itself never forks.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..errors import PharmakgError
from .worker import GraphWrite, Reply, Request, StoreSource, UpdateRequest, main

__all__ = ["Busy", "PoolLimits", "QueryTimeout", "WorkerCrashed", "WorkerPool"]

_START_TIMEOUT = 120.0


class Busy(PharmakgError):
    """Every worker is busy and the wait is over (or too many queries are waiting)."""


class QueryTimeout(PharmakgError):
    """A query ran past the time limit and was stopped."""


class WorkerCrashed(PharmakgError):
    """A worker died while answering (for example, it ran out of memory)."""


@dataclass(frozen=True)
class PoolLimits:
    """How many queries run, how long they may run, and how long others wait."""

    size: int = 2
    timeout: float = 30.0
    queue_timeout: float = 10.0
    max_waiting: int = 64


class _Worker:
    def __init__(
        self, process: BaseProcess, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer

    async def receive(self) -> bytes:
        (size,) = struct.unpack("!i", await self.reader.readexactly(4))
        if size == -1:
            (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
        return await self.reader.readexactly(size)

    async def call(self, request: Request | UpdateRequest | GraphWrite) -> Reply:
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(struct.pack("!i", len(data)) + data)
        await self.writer.drain()
        reply: Reply = pickle.loads(await self.receive())  # noqa: S301 - our own worker
        return reply

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.writer.close()


class WorkerPool:
    """``limits.size`` workers over the store ``source``; :meth:`run` answers one request."""

    def __init__(self, source: StoreSource, limits: PoolLimits) -> None:
        self.source = source
        self.limits = limits
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pharmakg.serve.worker"])
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._reaping: set[asyncio.Task[object]] = set()
        self._closed = False
        self._generation = 0

    async def _start_worker(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=main, args=(child, self.source), name="pharmakg-query-worker", daemon=True
        )
        await asyncio.to_thread(process.start)
        child.close()
        sock = socket.socket(fileno=os.dup(parent.fileno()))
        parent.close()
        reader, writer = await asyncio.open_connection(sock=sock)
        worker = _Worker(process, reader, writer)
        try:
            ready = await asyncio.wait_for(worker.receive(), _START_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError, OSError) as error:
            worker.kill()
            raise WorkerCrashed(
                f"a query worker did not start (store {self.source.path}): {error!r}"
            ) from error
        if ready != b"ready":
            worker.kill()
            raise WorkerCrashed(f"a query worker sent {ready[:40]!r} instead of 'ready'")
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Start every worker; raises :class:`WorkerCrashed` if one cannot open the store."""
        workers = await asyncio.gather(*(self._start_worker() for _ in range(self.limits.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def _replace(self) -> None:
        if self._closed:
            return
        worker = await self._start_worker()
        if self.closed:
            worker.kill()
            return
        self._idle.put_nowait(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        task = asyncio.get_running_loop().create_task(self._replace())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        reap = asyncio.get_running_loop().create_task(asyncio.to_thread(worker.process.join, 5))
        self._reaping.add(reap)
        reap.add_done_callback(self._reaping.discard)

    async def run(self, request: Request) -> Reply:
        """Answer ``request`` in a free worker, within the limits.

        :raises Busy: no worker became free in time, or too many queries wait.
        :raises QueryTimeout: the query ran past the limit; its worker was killed.
        :raises WorkerCrashed: the worker died while answering.
        """
        if self._waiting >= self.limits.max_waiting:
            raise Busy(f"{self._waiting} queries are already waiting; try again later")
        self._waiting += 1
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.limits.queue_timeout)
        except TimeoutError as error:
            raise Busy(
                f"all {self.limits.size} query workers stayed busy for "
                f"{self.limits.queue_timeout:g} s; try again later"
            ) from error
        finally:
            self._waiting -= 1
        try:
            reply = await asyncio.wait_for(worker.call(request), self.limits.timeout)
        except TimeoutError as error:
            self._retire(worker)
            raise QueryTimeout(
                f"the query ran past the time limit of {self.limits.timeout:g} s and was stopped"
            ) from error
        except (asyncio.IncompleteReadError, OSError, EOFError) as error:
            self._retire(worker)
            raise WorkerCrashed("the query worker died while answering") from error
        except BaseException:
            self._retire(worker)  # cancelled mid-query: the worker's state is unknown
            raise
        self._idle.put_nowait(worker)
        return reply

    async def write(
        self, make: Callable[[Path], UpdateRequest | GraphWrite], workdir: Path
    ) -> Reply:
        """Apply a write (SPARQL Update or Graph Store write) to in-memory data, then restart.

        The write runs in one worker, which writes its store to a new N-Quads file; the
        other workers still hold the old data, so all of them are replaced by workers that
        load the new file. Queries wait meanwhile (within ``queue_timeout``).
        """
        held: list[_Worker] = []
        try:
            for _ in range(self.limits.size):
                held.append(await asyncio.wait_for(self._idle.get(), self.limits.timeout * 2))
        except TimeoutError as error:
            for worker in held:
                self._idle.put_nowait(worker)
            raise Busy("the workers stayed busy; the update was not applied") from error
        self._generation += 1
        dump = workdir / f"release-{self._generation}.nq"
        try:
            reply = await asyncio.wait_for(held[0].call(make(dump)), self.limits.timeout)
        except (TimeoutError, asyncio.IncompleteReadError, OSError) as error:
            for worker in held:
                self._retire(worker)
            raise QueryTimeout(f"the update was stopped after {self.limits.timeout:g} s") from error
        if reply.status not in (200, 201):
            for worker in held:
                self._idle.put_nowait(worker)
            return reply
        self.source = StoreSource("memory", dump)
        for worker in held:
            self._retire(worker)
        return reply

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            await asyncio.to_thread(worker.process.join, 5)
        self._all.clear()
        for task in list(self._tasks):
            task.cancel()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def waiting(self) -> int:
        """How many queries wait for a worker."""
        return self._waiting
