"""Where reports are parsed: a local process pool, or a Dask cluster.

Both take a list of file paths and yield one payload per file (see
:func:`helpers.cache.report_payload`) as parses finish; the caller stores them and builds
the tables, so the outputs do not depend on the engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from .cache import report_payload
from .report import parse_file

ENGINES = ("local", "dask")


def parse_payload(path: str) -> dict:
    """Parse one file into its payload (runs in a worker process)."""
    payload = report_payload(parse_file(path))
    payload["path"] = path
    return payload


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_local(paths: list[str], workers: int | None = None) -> Iterator[dict]:
    """Parse in a process pool (or in this process when one worker is asked for)."""
    workers = workers or default_workers()
    if workers == 1 or len(paths) <= 1:
        for path in paths:
            yield parse_payload(path)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(parse_payload, path) for path in paths]
        for future in as_completed(futures):
            yield future.result()


def run_dask(paths: list[str], scheduler: str | None) -> Iterator[dict]:
    """Parse on a Dask cluster (``scheduler`` is its address, e.g. ``tcp://10.0.0.5:8786``)."""
    from distributed import Client, as_completed as dask_completed

    client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        futures = client.map(parse_payload, paths, pure=False)
        for future in dask_completed(futures):
            yield future.result()
            future.release()
    finally:
        client.close()


def run(paths: list[str], engine: str = "local", workers: int | None = None, scheduler: str | None = None) -> Iterator[dict]:
    if engine == "local":
        return run_local(paths, workers)
    if engine == "dask":
        return run_dask(paths, scheduler)
    raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
