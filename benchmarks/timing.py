"""Timing shared by the reader benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


def timed(function: Callable, items: Iterable, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Seconds ``function`` takes on each item; a raised error is a result too (an error record)."""
    times = []
    for item in items:
        start = clock()
        try:
            function(item)
        except Exception:  # noqa: BLE001 - e.g. the attachment-only page gives an error record
            pass
        times.append(clock() - start)
    return times
