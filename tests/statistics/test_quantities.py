"""One reduction for every statistic: blocks, threads and groups do not change the numbers.

The statistics of a group computed in one pass with other groups, from blocks of any size,
on one thread or several, equal those of the group's events studied alone.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy._blocks
import eventstudy.statistics.tables as tables
from eventstudy.engine import Batch, prepare
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.groups import Groups
from eventstudy.statistics.nonparametric import wilcoxon, wilcoxon_by_group
from eventstudy.statistics.parametric import Moments, skew_adj_t
from eventstudy.statistics.quantities import Columns, event_arrays

WINDOWS = ((0, 0), (-1, 1), (-3, 2), (-5, 5))


def synthetic_prices(n_firms: int = 40, days: int = 420, seed: int = 5) -> pd.DataFrame:
    """Synthetic prices of a market and firms with suspended days and tied returns."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2018-01-01", periods=days)
    market = rng.normal(0.0003, 0.01, days)
    frames = [pd.DataFrame({"ticker": "MKT", "date": dates,
                            "adj_close": 1000 * np.cumprod(1 + market)})]
    for i in range(n_firms):
        r = rng.uniform(0.5, 1.5) * market + rng.normal(0, 0.02, days)
        if i % 6 == 0:
            r = np.round(r, 3)
        keep = rng.random(days) > (0.03 if i % 4 == 1 else 0.0)
        frames.append(pd.DataFrame({"ticker": f"S{i:02d}", "date": dates[keep],
                                    "adj_close": (50 * np.cumprod(1 + r))[keep]}))
    table = pd.concat(frames, ignore_index=True)
    table["close"] = table["adj_close"]
    return table


@pytest.fixture(scope="module")
def batch() -> Batch:
    prices = synthetic_prices()
    dates = prices["date"].unique()
    rng = np.random.default_rng(6)
    events = pd.DataFrame({
        "ticker": [f"S{i:02d}" for i in rng.integers(0, 40, 600)],
        "date": dates[rng.integers(200, 400, 600)],
    })
    spec = StudySpec(market="MKT", estimation=(-150, -11), window=(-5, 5), data=prices,
                     min_estimation=60)
    return prepare(events, spec)


def _tables(batch: Batch, labels: np.ndarray, conventions: Conventions) -> tables.StudyTables:
    arrays = event_arrays(batch.panel, batch.fit, conventions, Groups.of_labels(labels))
    return tables.study_tables(arrays, Columns(arrays.rel_days, True, WINDOWS))


def _assert_same(got: tables.StudyTables, g: int, want: tables.StudyTables, w: int) -> None:
    for name, values in want.stats.items():
        assert_allclose(got.stats[name][got.row(g)], values[want.row(w)], rtol=1e-12,
                        atol=1e-13, err_msg=name)
    for name in ("rbar", "s_bw", "p_hat"):
        assert_allclose(getattr(got, name)[got.row(g)], getattr(want, name)[want.row(w)],
                        rtol=1e-12, err_msg=name)


@pytest.mark.parametrize(
    "conventions", [Conventions(), Conventions.estudy2(), Conventions(rank_days="car")],
    ids=["paper", "estudy2", "car-days"],
)
def test_groups_in_one_pass_equal_their_events_alone(
    batch: Batch, conventions: Conventions
) -> None:
    n = batch.panel.n_events
    group = np.random.default_rng(1).integers(0, 3, n)
    group[:2] = 2  # a group of its own blocks too
    labels = np.column_stack([np.zeros(n, dtype=int), 1 + group])  # the whole, and 3 groups
    together = _tables(batch, labels, conventions)
    assert together.groups.tolist() == [0, 1, 2, 3]
    whole = _tables(batch, np.zeros(n, dtype=int), conventions)
    _assert_same(together, 0, whole, 0)
    for g in range(3):
        rows = np.flatnonzero(group == g)
        alone = replace(batch, panel=batch.panel.take(rows), fit=batch.fit.take(rows))
        _assert_same(together, 1 + g, _tables(alone, np.zeros(len(rows), dtype=int),
                                              conventions), 0)


def test_blocks_and_threads_do_not_change_the_numbers(
    batch: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = batch.panel.n_events
    labels = np.arange(n) % 4
    reference = _tables(batch, labels, Conventions(alignment="calendar"))
    monkeypatch.setattr(eventstudy._blocks, "_processors", lambda: 1)
    one_thread = _tables(batch, labels, Conventions(alignment="calendar"))
    for name, values in reference.stats.items():  # same blocks, same order: same bits
        np.testing.assert_array_equal(one_thread.stats[name], values, err_msg=name)
    for rows in (1, 7, 1000):
        monkeypatch.setattr(tables, "BLOCK_ROWS", rows)
        _assert_same(_tables(batch, labels, Conventions(alignment="calendar")), 2, reference, 2)


def test_an_event_in_two_groups_counts_in_each(batch: Batch) -> None:
    n = batch.panel.n_events
    labels = np.full((n, 2), -1)
    labels[: n // 2, 0] = 0
    labels[n // 3 :, 1] = 1  # the middle third is in both groups
    both = _tables(batch, labels, Conventions())
    for g, rows in ((0, np.arange(n // 2)), (1, np.arange(n // 3, n))):
        alone = replace(batch, panel=batch.panel.take(rows), fit=batch.fit.take(rows))
        _assert_same(both, g, _tables(alone, np.zeros(len(rows), dtype=int), Conventions()), 0)


def test_moments_from_sums_equal_two_pass_moments() -> None:
    x = np.random.default_rng(2).normal(0.3, 2.0, (50, 3))
    x[::7, 1] = np.nan
    m = Moments.of(x)
    for k in range(3):
        v = x[:, k][np.isfinite(x[:, k])]
        assert_allclose(m.sd()[k], v.std(ddof=1), rtol=1e-13)
        assert_allclose(m.third()[k], ((v - v.mean()) ** 3).sum(), rtol=1e-11)


def test_skewness_needs_three_values() -> None:
    got = skew_adj_t(np.array([[0.01, 0.02], [0.03, 0.01], [np.nan, 0.05]]))
    assert np.isnan(got.statistic[0]) and np.isnan(got.pvalue[0])
    assert np.isfinite(got.statistic[1])


def test_wilcoxon_by_group_equals_each_group_alone() -> None:
    rng = np.random.default_rng(3)
    values = np.round(rng.normal(0, 1, (200, 2)), 1)  # ties
    values[::9, 0] = 0.0
    groups = rng.integers(0, 5, 200)
    got = wilcoxon_by_group(values, groups, 5)
    for g in range(5):
        want = wilcoxon(values[groups == g])
        for a, b in zip(got, want, strict=True):
            assert_allclose(a[g], b, rtol=1e-14)
