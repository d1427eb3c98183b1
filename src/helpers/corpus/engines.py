"""Where reports are parsed: local worker processes, or a Dask cluster.

Both take a list of :data:`Task` (a file and the hash the caller computed for it), parse each
file into its cache entry (see :func:`helpers.corpus.cache.report_entry`), store it, and yield one
:func:`brief` per file as parses finish; the caller builds the tables from the cache, so the
outputs do not depend on the engine.

The local engine holds every file to the run limits (:mod:`helpers.corpus.workers`): a file that runs
past ``timeout_s`` or whose worker dies gets an error record (``timeout``, ``worker_died``) and
the rest go on. On a Dask cluster the reading limits apply, but not the time and memory limits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from .cache import Cache, report_entry
from ..limits import DEFAULT_LIMITS
from ..report import error_report, parse_file
from .workers import supervise

ENGINES = ("local", "dask")
BATCH = 16  # files per task: fewer round trips to the workers, fewer cache packs

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


def parse_to_cache(items: list[Task], cache_root: str, options: dict | None = None, started=None) -> list[dict]:
    """Parse a batch of files and store their entries in the cache, as one pack (runs in a worker process).

    Workers write the cache themselves so that the large entries never travel back to the
    parent: it receives only :func:`brief` records. ``started(i)`` is called as file ``i`` starts.
    The pack is written once the whole batch is parsed: a worker stopped midway stores nothing.
    """
    entries = []
    for i, item in enumerate(items):
        if started is not None:
            started(i)
        entries.append(parse_entry(item, options))
    Cache(Path(cache_root), options).store([entry for entry in entries if entry["summary"]["sha256"]])
    return [brief(entry) for entry in entries]


def _parse_batch(cache_root: str, options: dict | None, items: list[Task], started) -> list[dict]:
    return parse_to_cache(items, cache_root, options, started)


def _failed(cache_root: str, options: dict | None, item: Task, kind: str, detail: str) -> dict:
    """The entry of a file whose worker timed out or died: an error record, stored as an error
    of this run (the next ingest tries the file again)."""
    report = error_report(item[0], _known_sha(item), kind, detail, retry=True)
    entry = report_entry(report)
    entry["path"] = item[0]
    if report.sha256:
        Cache(Path(cache_root), options).store([entry])
    return brief(entry)


def _parse_reports(options: dict, paths: list[str], started) -> list:
    reports = []
    for i, path in enumerate(paths):
        started(i)
        reports.append(parse_file(path, **options))
    return reports


def _failed_report(path: str, kind: str, detail: str):
    return error_report(path, None, kind, detail, retry=True)


def parse_files(paths: list[str], options: dict | None = None) -> Iterator:
    """Each file's :class:`~helpers.report.Report`, in order, parsed in a worker process held to
    the run limits of ``options["limits"]`` (what ``ogi parse`` does)."""
    options = dict(options or {})
    limits = options.get("limits") or DEFAULT_LIMITS
    return supervise(([str(path)] for path in paths), partial(_parse_reports, options), _failed_report, 1, limits)


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
    """Parse in worker processes held to the run limits of ``options["limits"]``; yield briefs.

    ``on_start`` is called once the workers are running.
    """
    workers = workers or default_workers()
    limits = (options or {}).get("limits") or DEFAULT_LIMITS
    yield from supervise(_guided_batches(items, workers), partial(_parse_batch, cache_root, options),
                         partial(_failed, cache_root, options), min(workers, max(1, len(items))), limits,
                         initializer=_share_cores, on_start=on_start)


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
