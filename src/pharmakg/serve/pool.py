"""A bounded pool of killable query workers (:mod:`pharmakg.serve.worker`).

* At most ``size`` queries run at once, one per worker process.
* A query waits at most ``queue_timeout`` seconds for a free worker, and at most
  ``max_waiting`` queries wait; beyond either the pool raises :class:`Busy` (503).
* A query that runs past ``timeout`` seconds gets :class:`QueryTimeout` at once; its worker
  is killed (SIGKILL, the only way to stop a pyoxigraph query) and a new one is started in
  the background, so the pool is back to full strength within a worker's start-up time.

One template process (:func:`pharmakg.serve.worker.template`, started through
:mod:`multiprocessing`'s ``forkserver``, so the server process itself never forks) loads the
in-memory store once; every worker is forked from it and shares its pages, so the data is held
once however many workers there are, and a replacement starts in milliseconds, without
reloading. The template also kills and reaps the workers on the pool's request.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import signal
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..errors import PharmakgError
from .describe import PageRequest
from .worker import (
    GraphWrite,
    Reply,
    Request,
    StoreSource,
    UpdateRequest,
    WorkerRules,
    template,
)

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
    """How many queries run, how long they may run, and how long others wait.

    ``rules`` say what each worker may do (reach the network, grow in memory).
    """

    size: int = 2
    timeout: float = 30.0
    queue_timeout: float = 10.0
    max_waiting: int = 64
    rules: WorkerRules = field(default_factory=WorkerRules)


class _Template:
    """The template process and the pool's end of its control socket."""

    def __init__(self, process: BaseProcess, channel: socket.socket) -> None:
        self.process = process
        self.channel = channel
        self.lock = asyncio.Lock()  # one fork at a time: the answers come in order

    async def fork(self) -> tuple[int, socket.socket]:
        """A new worker's pid and the server's end of its socket pair."""
        async with self.lock:
            self.channel.sendall(b"F" + bytes(8))
            data, fds, _, _ = await asyncio.to_thread(socket.recv_fds, self.channel, 8, 1)
        if len(data) != 8 or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise WorkerCrashed("the query workers' template process is gone")
        return int.from_bytes(data, "big"), socket.socket(fileno=fds[0])

    def kill(self, pid: int) -> None:
        """Have the template kill (SIGKILL) and reap its worker ``pid``."""
        try:
            self.channel.sendall(b"K" + pid.to_bytes(8, "big"))
        except OSError:  # the template is gone, and the worker is no longer its child
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        """Close the control socket: the template kills its workers and exits."""
        self.channel.close()


class _Worker:
    def __init__(
        self,
        pid: int,
        template: _Template,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.pid = pid
        self.template = template
        self.reader = reader
        self.writer = writer

    async def receive(self) -> bytes:
        (size,) = struct.unpack("!i", await self.reader.readexactly(4))
        if size == -1:
            (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
        return await self.reader.readexactly(size)

    async def call(self, request: Request | PageRequest | UpdateRequest | GraphWrite) -> Reply:
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(struct.pack("!i", len(data)) + data)
        await self.writer.drain()
        reply: Reply = pickle.loads(await self.receive())  # noqa: S301 - our own worker
        return reply

    def kill(self) -> None:
        self.template.kill(self.pid)
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
        self._template: _Template | None = None
        #: Why the workers can still reach the network ("" when they cannot, or may).
        self.network_exposure = ""

    async def _start_template(self) -> _Template:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=template,
            args=(child, self.source, self.limits.rules),
            name="pharmakg-query-template",
            daemon=True,
        )
        await asyncio.to_thread(process.start)
        child.close()
        channel = socket.socket(fileno=os.dup(parent.fileno()))
        parent.close()
        channel.settimeout(_START_TIMEOUT)
        try:
            ready = await asyncio.to_thread(channel.recv, 4096)
        except OSError as error:
            ready = repr(error).encode()
        channel.settimeout(None)
        ready, _, exposure = ready.partition(b"\n")
        self.network_exposure = exposure.decode("utf-8", "replace")
        if ready != b"ready":
            channel.close()
            with contextlib.suppress(OSError, ValueError):
                process.kill()
            raise WorkerCrashed(
                f"the query workers' template did not start (store {self.source.path}): "
                f"{ready[:80]!r}"
            )
        return _Template(process, channel)

    async def _start_worker(self) -> _Worker:
        if self._template is None:
            raise WorkerCrashed("the pool is not started")
        pid, sock = await self._template.fork()
        reader, writer = await asyncio.open_connection(sock=sock)
        worker = _Worker(pid, self._template, reader, writer)
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
        """Start the template and every worker; :class:`WorkerCrashed` if the store fails."""
        self._template = await self._start_template()
        workers = await asyncio.gather(*(self._start_worker() for _ in range(self.limits.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    def _close_template(self, old: _Template) -> None:
        old.close()
        reap = asyncio.get_running_loop().create_task(asyncio.to_thread(old.process.join, 5))
        self._reaping.add(reap)
        reap.add_done_callback(self._reaping.discard)

    async def _replace(self) -> None:
        if self._closed:
            return
        try:
            worker = await self._start_worker()
        except WorkerCrashed:
            if self._template is None or self._template.process.is_alive():
                raise
            self._template = await self._start_template()  # it died: start another once
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

    async def run(self, request: Request | PageRequest) -> Reply:
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
            raise WorkerCrashed(self._death_notice()) from error
        except BaseException:
            self._retire(worker)  # cancelled mid-query: the worker's state is unknown
            raise
        self._idle.put_nowait(worker)
        return reply

    def _death_notice(self) -> str:
        limit = self.limits.rules.memory_limit
        if limit is None:
            return "the query worker died while answering"
        return (
            "the query worker stopped while answering: the query most likely needed more "
            f"than the memory limit of {limit / 2**20:,.0f} MiB per query (--memory-limit)"
        )

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
        old, self._template = self._template, await self._start_template()
        for worker in held:
            self._retire(worker)
        if old is not None:
            self._close_template(old)
        return reply

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        if self._template is not None:
            self._template.close()
            await asyncio.to_thread(self._template.process.join, 5)
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
