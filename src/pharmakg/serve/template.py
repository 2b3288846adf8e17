"""The template process, which forks the query workers, and the pool's handle on it.

One template process (started through :mod:`multiprocessing`'s ``forkserver``, so the server
process itself never forks) opens the in-memory store once; every worker is forked from it
and shares its pages, so the data is held once however many workers there are, and a
replacement starts in milliseconds, without reloading. The template also kills and reaps the
workers on the pool's request. :func:`template` is the process's side, :class:`TemplateHandle`
the pool's (:mod:`pharmakg.serve.pool`); what a worker does once forked is
:mod:`pharmakg.serve.worker`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import PharmakgError
from .data import StoreSource
from .sandbox import isolate_network, limit_memory
from .worker import serve_requests

__all__ = [
    "START_TIMEOUT",
    "TEMPLATE_NAME",
    "TemplateHandle",
    "WORKER_NAME",
    "WorkerCrashed",
    "WorkerRules",
    "template",
]

#: Seconds a template or a worker may take to say it is ready.
START_TIMEOUT = 120.0


class WorkerCrashed(PharmakgError):
    """A worker died while answering (for example, it ran out of memory), or could not start."""


@dataclass(frozen=True)
class WorkerRules:
    """What every worker may do.

    :param isolate_network: fork the workers in a network namespace of their own, where no
        connection can be opened (off when SERVICE may call allow-listed endpoints).
    :param memory_limit: bytes a worker's address space may grow by while it answers
        (None: no limit).
    """

    isolate_network: bool = True
    memory_limit: int | None = None


def _fork_worker(
    channel: socket.socket, store: ox.Store | None, source: StoreSource, rules: WorkerRules
) -> int:
    """Fork one worker, send the server its pid and its end of a new socket pair; the pid."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the worker
        _name_process(WORKER_NAME)
        channel.close()
        ours.close()
        try:
            own = store if store is not None else source.open()
            if rules.memory_limit is not None:
                limit_memory(rules.memory_limit)
            serve_requests(Connection(theirs.detach()), own)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(0)
    theirs.close()
    socket.send_fds(channel, [pid.to_bytes(8, "big")], [ours.fileno()])
    ours.close()
    return pid


#: The names ``ps``, ``top`` and the kernel's OOM reports show for the template and the
#: workers (at most 15 bytes, the kernel's limit).
TEMPLATE_NAME, WORKER_NAME = "pharmakg-tmpl", "pharmakg-worker"


def _name_process(name: str) -> None:
    """Name this process as the kernel shows it (Linux only; elsewhere nothing happens)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/comm").write_text(name, encoding="ascii")


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def template(control: Connection, source: StoreSource, rules: WorkerRules) -> None:
    """The template process: load the store once, then fork a worker for each request.

    Workers forked from here share the template's in-memory store page by page (copy on
    write), so N workers hold the data once and a killed worker is replaced in milliseconds,
    with no reload. An on-disk store is opened by each worker after the fork (a RocksDB
    handle and its threads do not survive one), so the template holds none.

    First, while it has one thread, the template leaves the network if ``rules`` say so
    (:func:`~pharmakg.serve.sandbox.isolate_network`); its first message, ``ready``, is
    followed by a line that says why the workers can still reach the network (empty: they
    cannot, or were not asked not to).

    The server then writes 9-byte messages on ``control``: ``F`` (fork a worker: the answer is its
    pid, with its socket as an SCM_RIGHTS file descriptor) or ``K`` and a pid (kill that
    worker, SIGKILL, and reap it). At EOF every worker is killed and the template exits.
    """
    _name_process(TEMPLATE_NAME)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    not_isolated = isolate_network() if rules.isolate_network else None
    store = source.open() if source.kind == "memory" else None
    channel = socket.socket(fileno=os.dup(control.fileno()))
    control.close()
    channel.sendall(b"ready\n" + (not_isolated or "").encode("utf-8", "replace")[:1000])
    children: set[int] = set()
    while len(message := _receive(channel, 9)) == 9:
        if message[:1] == b"F":
            children.add(_fork_worker(channel, store, source, rules))
        elif message[:1] == b"K":
            pid = int.from_bytes(message[1:], "big")
            if pid in children:
                children.discard(pid)
                _stop(pid)
    for pid in children:
        _stop(pid)
    os._exit(0)


def _receive(channel: socket.socket, size: int) -> bytes:
    """``size`` bytes from ``channel``, or fewer at EOF."""
    data = b""
    while len(data) < size:
        part = channel.recv(size - len(data))
        if not part:
            break
        data += part
    return data


class TemplateHandle:
    """The template process and the pool's end of its control socket."""

    def __init__(self, process: BaseProcess, channel: socket.socket) -> None:
        self.process = process
        self.channel = channel
        self.lock = asyncio.Lock()  # one fork at a time: the answers come in order
        self.broken = False  # a fork or a kill failed on the control socket

    @classmethod
    async def start(
        cls, context: Any, source: StoreSource, rules: WorkerRules
    ) -> tuple[TemplateHandle, str]:
        """Start a template over ``source`` (in ``context``, a :mod:`multiprocessing` context).

        Returns the handle and why its workers can still reach the network ("" when they
        cannot, or may).

        :raises WorkerCrashed: the template did not say it was ready (the store failed).
        """
        parent, child = context.Pipe(duplex=True)
        process = context.Process(
            target=template,
            args=(child, source, rules),
            name="pharmakg-query-template",
            daemon=True,
        )
        await asyncio.to_thread(process.start)
        child.close()
        channel = socket.socket(fileno=os.dup(parent.fileno()))
        parent.close()
        channel.settimeout(START_TIMEOUT)
        try:
            ready = await asyncio.to_thread(channel.recv, 4096)
        except OSError as error:
            ready = repr(error).encode()
        channel.settimeout(None)
        ready, _, exposure = ready.partition(b"\n")
        if ready != b"ready":
            channel.close()
            with contextlib.suppress(OSError, ValueError):
                process.kill()
            raise WorkerCrashed(
                f"the query workers' template did not start (store {source.path}): {ready[:80]!r}"
            )
        return cls(process, channel), exposure.decode("utf-8", "replace")

    @property
    def alive(self) -> bool:
        """Whether the template can still fork workers, as far as the pool can tell."""
        return not self.broken and self.process.is_alive()

    async def fork(self) -> tuple[int, socket.socket]:
        """A new worker's pid and the server's end of its socket pair."""
        async with self.lock:
            try:
                self.channel.sendall(b"F" + bytes(8))
                data, fds, _, _ = await asyncio.to_thread(socket.recv_fds, self.channel, 8, 1)
            except OSError as error:  # BrokenPipeError: the template is gone
                data, fds = repr(error).encode(), []
        if len(data) != 8 or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            self.broken = True
            raise WorkerCrashed("the query workers' template process is gone")
        return int.from_bytes(data, "big"), socket.socket(fileno=fds[0])

    def kill(self, pid: int) -> None:
        """Have the template kill (SIGKILL) and reap its worker ``pid``."""
        try:
            self.channel.sendall(b"K" + pid.to_bytes(8, "big"))
        except OSError:  # the template is gone, and the worker is no longer its child
            self.broken = True
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Close the control socket (the template kills its workers and exits); wait for it.

        Blocking: run it in a thread. A template that does not exit in time is killed.
        """
        self.channel.close()
        self.process.join(5)
        if self.process.exitcode is None:
            with contextlib.suppress(OSError, ValueError):
                self.process.kill()
            self.process.join(5)
