"""Rank kernels: ranks in blocks equal the ranks of all events at once, and scipy's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from residual_samples import random_residuals
from scipy import stats

from eventstudy.statistics.nonparametric import corrado_from_sums, corrado_rank
from eventstudy.statistics.ranks import average_ranks, day_codes, rank_sums


@pytest.mark.parametrize("alignment", ["relative", "calendar"])
def test_rank_sums_in_blocks_equal_ranks_of_all_events(alignment: str) -> None:
    resid, valid, dates = random_residuals(8, n=600, length=30)
    event = np.random.default_rng(9).standard_normal((600, 5))
    event[::7, 2] = np.nan
    codes, n_days = day_codes(dates, valid, alignment)  # type: ignore[arg-type]
    sums = rank_sums(resid, valid, codes, n_days, event)
    all_valid = np.concatenate([valid, np.isfinite(event)], axis=1)
    ranks = average_ranks(np.concatenate([resid, event], axis=1), all_valid)
    all_codes = None if codes is None else np.concatenate(
        [codes, np.broadcast_to(n_days + np.arange(5), event.shape)], axis=1
    )
    tested = np.zeros((2, n_days + 5), dtype=bool)
    tested[0, n_days + 2] = True
    tested[1, n_days:] = True
    for missing in ("available", "scaled", "average_centre"):
        want = corrado_rank(ranks, all_valid, all_codes, n_days + 5, tested, missing=missing)
        got = corrado_from_sums(sums, tested, missing)  # type: ignore[arg-type]
        assert_allclose(got.statistic, want.statistic, rtol=1e-12)
    est_ranks = average_ranks(resid, valid) / (valid.sum(axis=1) + 2.0)[:, None]
    want_est = pd.Series(est_ranks[valid]).groupby(
        (np.broadcast_to(np.arange(30), valid.shape) if codes is None else codes)[valid]
    ).sum()
    assert_allclose(sums.est_ranks, want_est.to_numpy(), rtol=1e-12)



@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=3, max_size=30))
def test_average_ranks_match_scipy(values: list[int]) -> None:
    x = np.array(values, dtype=float)[None, :]
    got = average_ranks(x, np.ones_like(x, dtype=bool))
    assert_allclose(got[0], stats.rankdata(values))
