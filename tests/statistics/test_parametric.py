"""Parametric tests across events: r̄ and S_BW by day sums against direct computations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from residual_samples import random_residuals

from eventstudy.statistics.parametric import (
    adjusted_patell,
    mean_residual_correlation,
    mean_residual_sd,
    patell,
)
from eventstudy.statistics.ranks import day_codes


def direct_rbar(resid: np.ndarray, valid: np.ndarray, keys: np.ndarray) -> float:
    """Mean over all pairs of Σ z_is z_js on shared days, pair by pair."""
    z = []
    for i in range(len(resid)):
        e = pd.Series(resid[i][valid[i]], index=keys[i][valid[i]])
        d = e - e.mean()
        z.append(d / np.sqrt((d**2).sum()))
    pairs = [
        float((z[i] * z[j]).dropna().sum()) for i, j in itertools.combinations(range(len(z)), 2)
    ]
    return float(np.mean(pairs))


@pytest.mark.parametrize("alignment", ["relative", "calendar"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rbar_by_sums_equals_pairwise(alignment: str, seed: int) -> None:
    resid, valid, dates = random_residuals(seed)
    codes, n_days = day_codes(dates, valid, alignment)  # type: ignore[arg-type]
    relative = np.broadcast_to(np.arange(resid.shape[1]), resid.shape)
    keys = relative if alignment == "relative" else dates
    assert_allclose(
        mean_residual_correlation(resid, valid, codes, n_days), direct_rbar(resid, valid, keys),
        rtol=1e-12,
    )


def test_rbar_is_mean_pearson_correlation_without_missing_days() -> None:
    resid, valid, _ = random_residuals(4, missing=0.0)
    corr = np.corrcoef(resid)
    n = len(resid)
    expected = (corr.sum() - n) / (n * (n - 1))
    assert_allclose(mean_residual_correlation(resid, valid, None, resid.shape[1]), expected)


def test_bw85_sd_calendar_alignment_matches_groupby() -> None:
    resid, valid, dates = random_residuals(5)
    codes, n_days = day_codes(dates, valid, "calendar")
    s_bw, days = mean_residual_sd(resid, valid, codes, n_days)
    frame = pd.DataFrame({"date": dates[valid], "e": resid[valid]})
    by_date = frame.groupby("date")["e"].mean()
    assert days == len(by_date)
    assert_allclose(s_bw, by_date.std(ddof=1))


def test_patell_leaves_out_events_whose_sar_has_no_finite_variance() -> None:
    """SAR_i ~ t(df_i) has variance df_i / (df_i − 2) only for df_i > 2."""
    sar = np.random.default_rng(3).standard_normal((5, 4))
    sar[4, 1] = np.nan
    df = np.array([1, 2, 238, 100, 30])
    for got, want in [
        (patell(sar, df), patell(sar[2:], df[2:])),
        (adjusted_patell(sar, df, 0.05), adjusted_patell(sar[2:], df[2:], 0.05)),
    ]:
        assert_allclose(got.statistic, want.statistic, rtol=1e-15)
        assert_allclose(got.pvalue, want.pvalue, rtol=1e-15)
    assert_allclose(
        patell(sar[2:], df[2:]).statistic[0],
        sar[2:, 0].sum() / np.sqrt(238 / 236 + 100 / 98 + 30 / 28),
        rtol=1e-15,
    )


def test_patell_without_an_event_of_df_over_2_has_no_statistic() -> None:
    sar = np.random.default_rng(4).standard_normal((3, 2))
    for test in (patell(sar, np.array([2, 2, 1])), adjusted_patell(sar, np.array([2, 2, 1]), 0.1)):
        assert np.isnan(test.statistic).all() and np.isnan(test.pvalue).all()
