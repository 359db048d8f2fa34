"""Blocks of events spread over threads: order kept, nested blocks do not wait on each other."""

from __future__ import annotations

import multiprocessing
import os
import threading

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy import _blocks
from eventstudy._blocks import map_blocks


def test_results_come_back_in_block_order() -> None:
    got = map_blocks(lambda rows: list(range(rows.start, min(rows.stop, 1000))), 1000, 7)
    assert [v for block in got for v in block] == list(range(1000))


def test_nested_blocks_run_in_their_own_thread() -> None:
    def outer(rows: slice) -> tuple[int, set[str]]:
        inner = map_blocks(lambda r: threading.current_thread().name, 100, 10)
        return rows.start, set(inner)

    got = map_blocks(outer, 40, 10)
    assert [start for start, _ in got] == [0, 10, 20, 30]
    for _, names in got:
        assert len(names) == 1  # the inner blocks ran in the outer block's thread


def test_no_rows_no_blocks() -> None:
    assert map_blocks(lambda rows: 1, 0, 10) == []


def test_study_numbers_do_not_depend_on_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # More events than one block of every step, run threaded and then on one processor.
    rng = np.random.default_rng(0)
    dates = pd.bdate_range("2015-01-01", periods=700)
    market = 0.01 * rng.standard_normal(len(dates))
    returns = {"MKT": market}
    returns.update({f"S{i}": 0.8 * market + 0.02 * rng.standard_normal(len(dates))
                    for i in range(30)})
    prices = pd.concat(
        [pd.DataFrame({"ticker": t, "date": dates, "adj_close": 50 * np.cumprod(1 + r)})
         .assign(close=lambda f: f["adj_close"]) for t, r in returns.items()],
        ignore_index=True,
    )
    events = pd.DataFrame({"ticker": [f"S{i % 30}" for i in range(1200)],
                           "date": dates[rng.integers(300, 680, 1200)]})

    def tables() -> list[pd.DataFrame]:
        res = eventstudy.study(events, market="MKT", data=prices)
        return [res.aar, res.caars, res.events]

    threaded = tables()
    monkeypatch.setattr(_blocks, "_processors", lambda: 1)
    for a, b in zip(threaded, tables(), strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def _sum_of_blocks(_: int) -> int:
    return sum(map_blocks(lambda rows: rows.start, 100, 10))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is a POSIX call")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_process_has_threads_of_its_own() -> None:
    assert _sum_of_blocks(0) == 450  # the parent's pool is started
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map_async(_sum_of_blocks, [0]).get(timeout=60) == [450]
