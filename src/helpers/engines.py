"""Where reports are parsed: a local process pool, or a Dask cluster.

Both take a list of file paths and yield one payload per file (see
:func:`helpers.cache.report_payload`) as parses finish; the caller stores them and builds
the tables, so the outputs do not depend on the engine.
"""

from __future__ import annotations

import os
from collections import deque
from functools import partial
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from .cache import Cache, report_payload
from .report import parse_file

ENGINES = ("local", "dask")
BATCH = 16  # files per task: fewer round trips to the pool
IN_FLIGHT = 2  # tasks queued per worker: keeps every core busy without holding results


def parse_payload(path: str, options: dict | None = None) -> dict:
    """Parse one file into its payload (runs in a worker process); ``options`` go to the reader."""
    payload = report_payload(parse_file(path, **(options or {})))
    payload["path"] = path
    return payload


def brief(payload: dict) -> dict:
    """What the caller needs while parsing goes on: status, meta, counts (not the cells)."""
    return {
        "path": payload["path"], "sha256": payload["sha256"], "input_format": payload["input_format"],
        "status": payload["status"], "error": payload["error"], "meta": payload["meta"],
        "n_failed_checks": sum(1 for c in payload["checks"] if c[2] == "fail"),
        "n_warnings": len(payload["warnings"]),
    }


def parse_to_cache(paths: list[str], cache_root: str, options: dict | None = None) -> list[dict]:
    """Parse a batch of files and store each payload in the cache (runs in a worker process).

    Workers write the cache themselves so that the large payloads never travel back to the
    parent: it receives only :func:`brief` records.
    """
    cache = Cache(Path(cache_root), options)
    out = []
    for path in paths:
        payload = parse_payload(path, options)
        if payload.get("sha256"):
            cache.store(payload)
        out.append(brief(payload))
    return out


def _share_cores() -> None:
    """In a pool worker: OCR inference on one thread, since the workers already fill the cores."""
    os.environ.setdefault("OGI_OCR_THREADS", "1")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _batches(paths: list[str], size: int) -> list[list[str]]:
    return [paths[i:i + size] for i in range(0, len(paths), size)]


def run_local(paths: list[str], cache_root: str, workers: int | None = None,
              options: dict | None = None) -> Iterator[dict]:
    """Parse in a process pool (in this process when one worker is asked for); yield briefs."""
    workers = workers or default_workers()
    if workers == 1 or len(paths) <= 1:
        for path in paths:
            yield from parse_to_cache([path], cache_root, options)
        return
    size = max(1, min(BATCH, len(paths) // (workers * 4) or 1))
    pending = deque(_batches(paths, size))
    with ProcessPoolExecutor(max_workers=workers, initializer=_share_cores) as pool:
        running = set()
        while pending or running:
            while pending and len(running) < workers * IN_FLIGHT:
                running.add(pool.submit(parse_to_cache, pending.popleft(), cache_root, options))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()


def run_dask(paths: list[str], cache_root: str, scheduler: str | None,
             options: dict | None = None) -> Iterator[dict]:
    """Parse on a Dask cluster (``scheduler`` is its address, e.g. ``tcp://10.0.0.5:8786``).

    Workers may not share this machine's disk, so payloads come back and are cached here.
    """
    from distributed import Client, as_completed as dask_completed

    cache = Cache(Path(cache_root), options)
    client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        futures = client.map(partial(parse_payload, options=options), paths, pure=False)
        for future in dask_completed(futures):
            payload = future.result()
            future.release()
            if payload.get("sha256"):
                cache.store(payload)
            yield brief(payload)
    finally:
        client.close()


def run(paths: list[str], cache_root: str, engine: str = "local", workers: int | None = None,
        scheduler: str | None = None, options: dict | None = None) -> Iterator[dict]:
    """Parse ``paths`` on ``engine``; ``options`` go to every parse (e.g. ``{"ocr": False}``)."""
    if engine == "local":
        return run_local(paths, cache_root, workers, options)
    if engine == "dask":
        return run_dask(paths, cache_root, scheduler, options)
    raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
