"""Worker processes held to a wall time per file and a memory limit per process.

:func:`supervise` runs batches of items in worker processes. A worker tells the parent which
item it starts; an item that runs past ``limits.timeout_s`` has its worker killed, and a worker
that dies (a crash in a library, the kernel's out-of-memory killer, a kill from outside) is
replaced. Either way the item it was on gets a failure result (``failed(item, kind, detail)``)
and the other items of its batch run again in another batch, so the run goes on and every item
ends with a result. A worker's address space may grow by at most ``limits.worker_memory_mb``,
so a file that needs more fails inside its worker (``MemoryError``) instead of taking the machine.

``concurrent.futures`` can neither stop one task nor survive a dead worker, and a batch-level
timeout (as in ``pebble``) cannot say which file of a batch stalled; hence this small
supervisor on ``multiprocessing``'s pipes and process sentinels.
"""

from __future__ import annotations

import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing import connection, get_context

from ..errors import TIMEOUT, WORKER_DIED
from ..limits import DEFAULT_LIMITS, Limits

_GRACE_S = 5.0  # how long a worker asked to stop may take
# work(batch, started) -> results, in the worker; it calls started(i) as it starts item i
Work = Callable[[list, Callable[[int], None]], list]


def _address_space() -> int:
    """This process's address space in bytes (Linux; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(megabytes: float | None) -> None:
    """Let this process's address space grow by at most ``megabytes`` beyond its size now
    (enforced on Linux). A forked worker starts with its parent's mappings, whatever their size."""
    if not megabytes:
        return
    with suppress(ImportError, ValueError, OSError):
        import resource

        limit = _address_space() + int(megabytes * (1 << 20))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker_main(conn, work: Work, memory_mb: float | None, initializer: Callable[[], None] | None) -> None:
    """A worker's loop: a batch in, ``("start", i)`` per item, ``("done", results)`` out; None ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if initializer is not None:
        initializer()
    limit_memory(memory_mb)
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        conn.send(("done", work(batch, lambda i: conn.send(("start", i)))))


@dataclass
class _Batch:
    items: list
    tries: int = 0  # times a worker died on it before it started an item


@dataclass
class _Worker:
    process: object
    conn: object
    batch: _Batch | None = None
    index: int | None = None  # the item of the batch it is on
    since: float = 0.0  # when it started that item (or got the batch)


class _Supervisor:
    def __init__(self, batches: Iterable[list], work: Work, failed, workers: int, limits: Limits,
                 initializer: Callable[[], None] | None):
        self.source = iter(batches)
        self.queue: deque[_Batch] = deque()  # batches to run again come first
        self.work, self.failed, self.limits, self.initializer = work, failed, limits, initializer
        self.slots: list[_Worker | None] = [None] * max(1, workers)
        self.ctx = get_context()

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker_main, name="ogi-worker", daemon=True,
                                   args=(child, self.work, self.limits.worker_memory_mb, self.initializer))
        process.start()
        child.close()
        return _Worker(process, parent)

    def _next(self) -> _Batch | None:
        if self.queue:
            return self.queue.popleft()
        items = next(self.source, None)
        return None if items is None else _Batch(list(items))

    def fill(self) -> None:
        """Give a batch to every idle slot (starting its worker if need be) while batches remain."""
        for i, worker in enumerate(self.slots):
            if worker is not None and worker.batch is not None:
                continue
            batch = self._next()
            if batch is None:
                return
            if worker is None:
                worker = self.slots[i] = self._start()
            worker.batch, worker.index, worker.since = batch, None, time.monotonic()
            worker.conn.send(batch.items)

    def busy(self) -> list[_Worker]:
        return [w for w in self.slots if w is not None and w.batch is not None]

    def step(self) -> Iterator[object]:
        """Wait for a message, a death or the nearest deadline; yield the results that came."""
        busy = self.busy()
        timeout = self.limits.timeout_s
        deadline = min(w.since for w in busy) + timeout
        waitables = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        ready = set(connection.wait(waitables, timeout=max(0.0, deadline - time.monotonic())))
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                yield from self._receive(worker)
        now = time.monotonic()
        for worker in self.busy():
            if now - worker.since > timeout:
                yield from self._fail(worker, TIMEOUT, f"reading it took over {timeout:g} s (the limit: "
                                                       "--limit timeout_s=…); its worker was stopped")

    def _receive(self, worker: _Worker) -> Iterator[object]:
        try:
            while worker.conn.poll():
                kind, value = worker.conn.recv()
                if kind == "start":
                    worker.index, worker.since = value, time.monotonic()
                else:  # "done"
                    worker.batch = worker.index = None
                    yield from value
                    return
        except (EOFError, OSError):  # its end of the pipe closed: it is exiting
            worker.process.join(timeout=_GRACE_S)
        if not worker.process.is_alive():
            worker.process.join()
            code = worker.process.exitcode
            how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
            yield from self._fail(worker, WORKER_DIED, f"the process reading it died ({how})")

    def _fail(self, worker: _Worker, kind: str, detail: str) -> Iterator[object]:
        """Stop and replace the worker; its item fails, the rest of its batch is queued again."""
        batch, index = worker.batch, worker.index
        _stop(worker)
        self.slots[self.slots.index(worker)] = None  # fill() starts a new one when there is work
        if index is None:  # it died before its first item: the batch runs once more, then fails whole
            if batch.tries == 0:
                batch.tries += 1
                self.queue.appendleft(batch)
                return
            for item in batch.items:
                yield self.failed(item, kind, detail)
            return
        yield self.failed(batch.items[index], kind, detail)
        rest = batch.items[:index] + batch.items[index + 1:]
        if rest:
            self.queue.appendleft(_Batch(rest))

    def close(self) -> None:
        workers = [w for w in self.slots if w is not None]
        for worker in workers:
            with suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(timeout=_GRACE_S if worker.batch is None else 0)
            _stop(worker)


def _stop(worker: _Worker) -> None:
    if worker.process.is_alive():
        with suppress(OSError):
            os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(timeout=_GRACE_S)
    with suppress(OSError):
        worker.conn.close()


def supervise(batches: Iterable[list], work: Work, failed: Callable[[object, str, str], object], workers: int,
              limits: Limits = DEFAULT_LIMITS, initializer: Callable[[], None] | None = None,
              on_start: Callable[[], None] | None = None) -> Iterator[object]:
    """Run ``work`` on every batch in up to ``workers`` processes; yield every item's result.

    ``failed(item, kind, detail)`` makes the result of an item whose worker timed out (``kind``
    ``timeout``) or died (``worker_died``): the error kinds of :mod:`helpers.errors`.
    ``initializer`` runs first in each worker;
    ``on_start`` is called once the first workers run.
    """
    supervisor = _Supervisor(batches, work, failed, workers, limits, initializer)
    try:
        supervisor.fill()
        if on_start is not None:
            on_start()
        while supervisor.busy():
            yield from supervisor.step()
            supervisor.fill()
    finally:
        supervisor.close()


__all__ = ["limit_memory", "supervise"]
