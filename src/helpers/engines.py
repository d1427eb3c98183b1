"""Where reports are parsed: a local process pool, or a Dask cluster.

Both take a list of :data:`Task` (a file and the hash the caller computed for it), parse each
file into its cache entry (see :func:`helpers.cache.report_entry`), store it, and yield one
:func:`brief` per file as parses finish; the caller builds the tables from the cache, so the
outputs do not depend on the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import partial
from itertools import islice
from pathlib import Path

from .cache import Cache, report_entry
from .report import parse_file

ENGINES = ("local", "dask")
BATCH = 16  # files per task: fewer round trips to the pool
IN_FLIGHT = 2  # tasks queued per worker: keeps every core busy without holding results

# (path, sha256, size, mtime_ns): a file and its hash as the caller computed it, with the
# size and mtime it had then; the hash may be None (unknown)
Task = tuple[str, "str | None", int, int]


def task(path: str | Path, sha256: str | None, stat: os.stat_result | None) -> Task:
    """A :data:`Task` for ``path`` hashed as ``sha256`` when it had ``stat``."""
    return (str(path), sha256, stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1)


def _known_sha(item: Task) -> str | None:
    """The caller's hash, if the file still has the size and mtime it was hashed at (one stat
    instead of hashing the file a second time); else None, and the parse hashes it."""
    path, sha, size, mtime_ns = item
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return sha if (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns) else None


def parse_entry(item: Task, options: dict | None = None) -> dict:
    """Parse one file into its cache entry (runs in a worker); ``options`` go to the reader."""
    entry = report_entry(parse_file(item[0], sha256=_known_sha(item), **(options or {})))
    entry["path"] = item[0]
    return entry


def brief(entry: dict) -> dict:
    """What the caller needs while parsing goes on: status, meta, counts (not the values or rows)."""
    summary = entry["summary"]
    return {"path": entry["path"], **{k: summary[k] for k in ("sha256", "input_format", "status", "error", "meta",
                                                              "n_failed_checks", "n_warnings")}}


def parse_to_cache(items: list[Task], cache_root: str, options: dict | None = None) -> list[dict]:
    """Parse a batch of files and store their entries in the cache, as one pack (runs in a worker process).

    Workers write the cache themselves so that the large entries never travel back to the
    parent: it receives only :func:`brief` records.
    """
    entries = [parse_entry(item, options) for item in items]
    Cache(Path(cache_root), options).store([entry for entry in entries if entry["summary"]["sha256"]])
    return [brief(entry) for entry in entries]


def _share_cores() -> None:
    """In a pool worker: OCR inference on one thread, since the workers already fill the cores."""
    os.environ.setdefault("OGI_OCR_THREADS", "1")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _guided_batches(items: list[Task], workers: int) -> Iterator[list[Task]]:
    """Batches of up to :data:`BATCH` files, smaller towards the end so that the workers finish
    together rather than one waiting for another's last batch.

    >>> [len(b) for b in _guided_batches(list(range(40)), 2)]
    [5, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    start = 0
    while start < len(items):
        size = max(1, min(BATCH, (len(items) - start) // (workers * 4)))
        yield items[start:start + size]
        start += size


def run_local(items: list[Task], cache_root: str, workers: int | None = None, options: dict | None = None,
              on_start: Callable[[], None] | None = None) -> Iterator[dict]:
    """Parse in a process pool (in this process when one worker is asked for); yield briefs.

    ``on_start`` is called once the pool's processes are running (never for an in-process
    parse): from then on this process may use threads without forking them.
    """
    workers = workers or default_workers()
    if workers == 1 or len(items) <= 1:
        for item in items:
            yield from parse_to_cache([item], cache_root, options)
        return
    batches = _guided_batches(items, workers)
    with ProcessPoolExecutor(max_workers=workers, initializer=_share_cores) as pool:
        running = {pool.submit(parse_to_cache, batch, cache_root, options)
                   for batch in islice(batches, workers * IN_FLIGHT)}
        if on_start is not None:  # a fork-based pool starts all its processes at the first submit
            on_start()
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.update(pool.submit(parse_to_cache, batch, cache_root, options)
                               for batch in islice(batches, 1))
                yield from future.result()


def run_dask(items: list[Task], cache_root: str, scheduler: str | None, options: dict | None = None,
             on_start: Callable[[], None] | None = None) -> Iterator[dict]:
    """Parse on a Dask cluster (``scheduler`` is its address, e.g. ``tcp://10.0.0.5:8786``).

    Workers may not share this machine's disk, so entries come back and are cached here.
    ``on_start`` is called once the tasks are submitted.
    """
    from distributed import Client
    from distributed import as_completed as dask_completed

    cache = Cache(Path(cache_root), options)
    client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        futures = client.map(partial(parse_entry, options=options), items, pure=False)
        if on_start is not None:
            on_start()
        for future in dask_completed(futures):
            entry = future.result()
            future.release()
            if entry["summary"]["sha256"]:
                cache.store([entry])
            yield brief(entry)
    finally:
        client.close()


def run(items: list[Task], cache_root: str, engine: str = "local", workers: int | None = None,
        scheduler: str | None = None, options: dict | None = None,
        on_start: Callable[[], None] | None = None) -> Iterator[dict]:
    """Parse the files of ``items`` on ``engine``; ``options`` go to every parse (e.g. ``{"ocr": False}``).

    ``on_start`` is called once parsing runs in other processes (see :func:`run_local`)."""
    if engine == "local":
        return run_local(items, cache_root, workers, options, on_start)
    if engine == "dask":
        return run_dask(items, cache_root, scheduler, options, on_start)
    raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
