"""Work on blocks of events, spread over the machine's processors.

numpy releases the interpreter lock inside its loops (sorting, comparisons, reductions,
BLAS), so blocks of events can run in threads at the same time. Results come back in block
order and are combined in that order, so the numbers do not depend on the number of threads
or on timing. Inside a task of another scheduler (a Dask worker's), which decides itself how
many tasks run at once, blocks run one after the other (:func:`serial`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

_state = threading.local()  # ``busy`` is set in a thread working on a block


def _processors() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_processors(), thread_name_prefix="eventstudy")


if hasattr(os, "register_at_fork"):  # a forked child has none of the parent's threads
    os.register_at_fork(after_in_child=_pool.cache_clear)


def map_blocks(work: Callable[[slice], T], n_rows: int, block_rows: int) -> list[T]:
    """``work`` on each block of ``block_rows`` rows of ``n_rows``, results in block order.

    Blocks run in threads when there are several blocks and processors; work that is itself
    part of a block runs its own blocks in its thread, so that no thread waits on another.

    Examples
    --------
    >>> map_blocks(lambda rows: (rows.start, rows.stop), 5, 2)
    [(0, 2), (2, 4), (4, 6)]
    """
    blocks = [slice(a, a + block_rows) for a in range(0, n_rows, block_rows)]
    if len(blocks) < 2 or _processors() < 2 or getattr(_state, "busy", False):
        return [work(rows) for rows in blocks]

    def in_thread(rows: slice) -> T:
        _state.busy = True
        try:
            return work(rows)
        finally:
            _state.busy = False

    return list(_pool().map(in_thread, blocks))


@contextmanager
def serial() -> Iterator[None]:
    """Run blocks in the calling thread only, for the duration of the ``with`` block.

    Examples
    --------
    >>> with serial():
    ...     map_blocks(lambda rows: threading.current_thread().name, 5, 2)[0]
    'MainThread'
    """
    before = getattr(_state, "busy", False)
    _state.busy = True
    try:
        yield
    finally:
        _state.busy = before
