"""A bounded pool of killable query workers (:mod:`pharmakg.serve.worker`), in two lanes.

* At most ``size + light_size`` queries run at once, one per worker process.
* A query waits at most ``queue_timeout`` seconds for a free worker, and at most
  ``max_waiting`` queries wait; beyond either the pool raises :class:`Busy` (503).
* A query that runs past ``timeout`` seconds gets :class:`QueryTimeout` at once; its worker
  is killed (SIGKILL, the only way to stop a pyoxigraph query) and a new one is started in
  the background, so the pool is back to full strength within a worker's start-up time.

Two lanes, so that heavy work never makes light work wait. The *general* lane's ``size``
workers answer the clients' own queries. The *light* lane's ``light_size`` workers are
reserved for the server's own requests, whose text the server wrote or recognises (resource
pages, named-query examples sent verbatim, health checks): a light request takes a free light
worker, else a free general one, else waits for whichever frees first; a general request
never takes a light worker. The caller picks the lane (:meth:`WorkerPool.run`), never the
client: however a query is written, arbitrary SPARQL stays in the general lane. This is the
reserved-capacity design of public endpoints (a separate pool for the site's own pages), and
simpler than moving a running query between lanes, which a killable worker cannot do.

Every worker is forked from one template process (:mod:`pharmakg.serve.template`), which
holds the in-memory store once and kills and reaps the workers on the pool's request.

Recovery: if the template dies (the kernel's OOM killer may pick the process that holds
the data), the pool notices when a fork or a kill fails, before it forks a worker's
replacement, and on a health check, and starts another template (which loads the store
again); a replacement that still cannot start is retried with a growing pause, so the pool
always returns to full strength. An idle worker that died is replaced when it is next picked, and
no query is sent to it. :meth:`WorkerPool.health` runs ``ASK {}`` through a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import multiprocessing
import pickle
import struct
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PharmakgError
from .data import StoreSource
from .describe import PageRequest
from .protocol import CSV
from .template import START_TIMEOUT, TemplateHandle, WorkerCrashed, WorkerRules
from .worker import GraphWrite, Reply, Request, UpdateRequest

__all__ = [
    "Busy",
    "Lane",
    "PoolHealth",
    "PoolLimits",
    "QueryTimeout",
    "WorkerCrashed",
    "WorkerPool",
]

#: The pause before a worker that could not start is tried again, doubled up to the cap.
_RETRY_FIRST, _RETRY_CAP = 0.1, 10.0
_log = logging.getLogger(__name__)


class Busy(PharmakgError):
    """Every worker is busy and the wait is over (or too many queries are waiting)."""


class QueryTimeout(PharmakgError):
    """A query ran past the time limit and was stopped."""


class Lane(enum.Enum):
    """Which workers a request may run on (see the module's docstring)."""

    GENERAL = "general"
    LIGHT = "light"


#: The lanes whose workers a request of each lane may take, its own first.
_DRAWS = {Lane.GENERAL: (Lane.GENERAL,), Lane.LIGHT: (Lane.LIGHT, Lane.GENERAL)}


@dataclass(frozen=True)
class PoolLimits:
    """How many queries run, how long they may run, and how long others wait.

    ``size`` workers answer the clients' queries; ``light_size`` more are kept for the
    server's own light requests (0: none, every request shares the general lane).
    ``rules`` say what each worker may do (reach the network, grow in memory).
    """

    size: int = 2
    timeout: float = 30.0
    queue_timeout: float = 10.0
    max_waiting: int = 64
    rules: WorkerRules = field(default_factory=WorkerRules)
    light_size: int = 1

    def lane_size(self, lane: Lane) -> int:
        """How many workers ``lane`` has."""
        return self.light_size if lane is Lane.LIGHT else self.size


@dataclass(frozen=True)
class PoolHealth:
    """Whether a trivial query ran in a worker in time, and the pool's state.

    :param reason: why the pool is not healthy ("" when it is).
    :param idle: free workers by lane; ``workers``: live workers by lane.
    :param template_restarts: how often a dead template was replaced.
    """

    ok: bool
    reason: str
    workers: dict[str, int]
    idle: dict[str, int]
    waiting: int
    template_restarts: int


class _Worker:
    def __init__(
        self,
        pid: int,
        lane: Lane,
        template: TemplateHandle,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.pid = pid
        self.lane = lane
        self.template = template
        self.reader = reader
        self.writer = writer

    @property
    def gone(self) -> bool:
        """Whether the worker's socket is closed: it died while idle (the loop saw EOF)."""
        return self.reader.at_eof() or self.writer.is_closing()

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


@dataclass(eq=False)
class _Waiter:
    """A request waiting for a worker from one of ``lanes`` (its own lane first)."""

    lanes: tuple[Lane, ...]
    future: asyncio.Future[_Worker]


class WorkerPool:
    """Workers over the store ``source`` in two lanes; :meth:`run` answers one request."""

    def __init__(self, source: StoreSource, limits: PoolLimits) -> None:
        self.source = source
        self.limits = limits
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pharmakg.serve.template"])
        self._idle: dict[Lane, list[_Worker]] = {lane: [] for lane in Lane}
        self._waiters: list[_Waiter] = []
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._reaping: set[asyncio.Task[object]] = set()
        self._closed = False
        self._generation = 0
        self._template: TemplateHandle | None = None
        self._template_lock = asyncio.Lock()
        self._template_restarts = 0
        #: Why the workers can still reach the network ("" when they cannot, or may).
        self.network_exposure = ""

    async def _start_template(self) -> TemplateHandle:
        handle, self.network_exposure = await TemplateHandle.start(
            self._context, self.source, self.limits.rules
        )
        return handle

    async def _live_template(self) -> TemplateHandle:
        """The template, started afresh if the current one died."""
        async with self._template_lock:
            current = self._template
            if current is None or self._closed:
                raise WorkerCrashed("the pool is not running")
            if current.alive:
                return current
            _log.warning(
                "the query workers' template process %s is gone (exit code %s); starting another",
                current.process.pid,
                current.process.exitcode,
            )
            self._template = await self._start_template()
            self._template_restarts += 1
            self._stop_template(current)
            return self._template

    async def _start_worker(self, lane: Lane) -> _Worker:
        template = await self._live_template()
        pid, sock = await template.fork()
        reader, writer = await asyncio.open_connection(sock=sock)
        worker = _Worker(pid, lane, template, reader, writer)
        try:
            ready = await asyncio.wait_for(worker.receive(), START_TIMEOUT)
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
        lanes = [lane for lane in Lane for _ in range(self.limits.lane_size(lane))]
        workers = await asyncio.gather(*(self._start_worker(lane) for lane in lanes))
        for worker in workers:
            self._release(worker)

    def _stop_template(self, old: TemplateHandle) -> None:
        """Stop a template the pool no longer forks from, in the background."""
        reap = asyncio.get_running_loop().create_task(asyncio.to_thread(old.stop))
        self._reaping.add(reap)
        reap.add_done_callback(self._reaping.discard)

    def _in_background(self, work: Coroutine[object, object, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, lane: Lane) -> None:
        """Start a worker for ``lane``, retrying (a new template if need be) until it runs."""
        pause = _RETRY_FIRST
        while not self._closed:
            try:
                worker = await self._start_worker(lane)
            except WorkerCrashed as error:
                if self.closed:  # closing kills the template under a starting worker
                    return
                _log.warning("a query worker could not start (%s); retrying", error.message)
                await asyncio.sleep(pause)
                pause = min(pause * 2, _RETRY_CAP)
                continue
            if self.closed:
                worker.kill()
                return
            self._release(worker)
            return

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        self._in_background(self._replace(worker.lane))

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the first request of its own lane, else to one that may borrow it.

        With no such request waiting, the worker stays idle in its lane.
        """
        if worker.gone:
            self._retire(worker)
            return
        for own_lane_only in (True, False):
            for waiter in self._waiters:
                wanted = waiter.lanes[:1] if own_lane_only else waiter.lanes
                if worker.lane in wanted and not waiter.future.done():
                    self._waiters.remove(waiter)
                    waiter.future.set_result(worker)
                    return
        self._idle[worker.lane].append(worker)

    def _take_idle(self, lanes: tuple[Lane, ...]) -> _Worker | None:
        for lane in lanes:
            idle = self._idle[lane]
            while idle:
                worker = idle.pop()  # the most recently used: its pages are warm
                if not worker.gone:
                    return worker
                self._retire(worker)
        return None

    async def _acquire(self, lanes: tuple[Lane, ...], wait: float) -> _Worker:
        """A free worker of ``lanes``, waiting at most ``wait`` seconds (:class:`Busy`)."""
        worker = self._take_idle(lanes)
        if worker is not None:
            return worker
        if len(self._waiters) >= self.limits.max_waiting:
            raise Busy(f"{len(self._waiters)} queries are already waiting; try again later")
        waiter = _Waiter(lanes, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            await asyncio.wait((waiter.future,), timeout=wait)
        except BaseException:  # cancelled (the client left): give up the place in line
            self._abandon(waiter)
            raise
        if not waiter.future.done():
            self._abandon(waiter)
            workers = sum(self.limits.lane_size(lane) for lane in lanes)
            raise Busy(f"all {workers} query workers stayed busy for {wait:g} s; try again later")
        return waiter.future.result()

    def _abandon(self, waiter: _Waiter) -> None:
        if waiter.future.done():  # a worker was handed over just as the wait ended
            self._release(waiter.future.result())
        else:
            self._waiters.remove(waiter)
            waiter.future.cancel()

    async def run(self, request: Request | PageRequest, *, lane: Lane = Lane.GENERAL) -> Reply:
        """Answer ``request`` in a free worker of ``lane``, within the limits.

        :param lane: :attr:`Lane.LIGHT` only for the server's own requests (never for a
            client's arbitrary query): they may take the reserved light workers.
        :raises Busy: no worker became free in time, or too many queries wait.
        :raises QueryTimeout: the query ran past the limit; its worker was killed.
        :raises WorkerCrashed: the worker died while answering.
        """
        return await self._run(request, lane, self.limits.queue_timeout, self.limits.timeout)

    async def _run(
        self, request: Request | PageRequest, lane: Lane, wait: float, limit: float
    ) -> Reply:
        worker = await self._acquire(_DRAWS[lane], wait)
        try:
            reply = await asyncio.wait_for(worker.call(request), limit)
        except TimeoutError as error:
            self._retire(worker)
            raise QueryTimeout(
                f"the query ran past the time limit of {limit:g} s and was stopped"
            ) from error
        except (asyncio.IncompleteReadError, OSError, EOFError) as error:
            self._retire(worker)
            raise WorkerCrashed(self._death_notice()) from error
        except BaseException:
            self._retire(worker)  # cancelled mid-query: the worker's state is unknown
            raise
        self._release(worker)
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
        held = await self._hold_every_worker()
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
                self._release(worker)
            return reply
        self.source = StoreSource("memory", dump)
        async with self._template_lock:
            old, self._template = self._template, await self._start_template()
        for worker in held:
            self._retire(worker)
        if old is not None:
            self._stop_template(old)
        return reply

    async def _hold_every_worker(self) -> list[_Worker]:
        """Every worker of both lanes, once each is free (:class:`Busy` if one stays busy)."""
        held: list[_Worker] = []
        try:
            for lane in Lane:
                for _ in range(self.limits.lane_size(lane)):
                    held.append(await self._acquire((lane,), self.limits.timeout * 2))
        except Busy as error:
            for worker in held:
                self._release(worker)
            raise Busy("the workers stayed busy; the update was not applied") from error
        return held

    async def health(self, deadline: float = 2.0) -> PoolHealth:
        """Whether ``ASK {}`` runs in a worker (of the light lane first) in time.

        A worker must be free within ``deadline`` seconds and answer within ``deadline``
        more. A dead template is replaced meanwhile, in the background.
        """
        if self._template is not None and not self._template.alive:
            self._in_background(self._restart_template())
        try:
            reply = await self._run(Request("ASK {}", accept=CSV), Lane.LIGHT, deadline, deadline)
        except (Busy, QueryTimeout, WorkerCrashed) as error:
            return self._health(error.message)
        if reply.status != 200 or b"true" not in reply.body:
            return self._health(f"ASK {{}} answered {reply.status}: {reply.body[:80]!r}")
        return self._health("")

    async def _restart_template(self) -> None:
        with contextlib.suppress(WorkerCrashed):  # logged; the next replacement tries again
            await self._live_template()

    def _health(self, reason: str) -> PoolHealth:
        live = {lane.value: 0 for lane in Lane}
        for worker in self._all:
            live[worker.lane.value] += 1
        return PoolHealth(
            ok=not reason,
            reason=reason,
            workers=live,
            idle={lane.value: len(self._idle[lane]) for lane in Lane},
            waiting=len(self._waiters),
            template_restarts=self._template_restarts,
        )

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        if self._template is not None:
            await asyncio.to_thread(self._template.stop)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def waiting(self) -> int:
        """How many queries wait for a worker."""
        return len(self._waiters)
