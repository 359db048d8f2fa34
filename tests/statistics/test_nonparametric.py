"""Non-parametric tests across events against direct computations and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from residual_samples import random_residuals
from scipy import stats

from eventstudy.statistics.nonparametric import (
    corrado_rank,
    generalized_rank,
    generalized_sign,
    sign_test,
    wilcoxon,
)
from eventstudy.statistics.ranks import average_ranks, day_codes


def direct_grank(
    g: np.ndarray, valid: np.ndarray, keys: np.ndarray, g0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """GRANK-T and GRANK-Z window by window, event by event (Kolari & Pynnönen 2011)."""
    n, n_windows = g0.shape
    length = valid.sum(axis=1)
    n_all = int(((length > 0) | np.isfinite(g0).any(axis=1)).sum())
    t_out, z_out = [], []
    for k in range(n_windows):
        u_days: dict[object, list[float]] = {}
        u0, var0 = [], 0.0
        for i in range(n):
            est = g[i][valid[i]]
            has0 = np.isfinite(g0[i, k])
            values = np.append(est, g0[i, k]) if has0 else est
            u = stats.rankdata(values) / (len(values) + 1.0) - 0.5
            for key, value in zip(keys[i][valid[i]], u[: len(est)], strict=True):
                u_days.setdefault(key, []).append(float(value))
            if has0:
                u0.append(float(u[-1]))
                var0 += (len(values) - 1.0) / (12.0 * (len(values) + 1.0))
        ubar0 = np.mean(u0)
        t_days = len(u_days) + 1.0
        s2 = sum(len(v) / n_all * np.mean(v) ** 2 for v in u_days.values())
        s_u = np.sqrt((s2 + len(u0) / n_all * ubar0**2) / t_days)
        zr = ubar0 / s_u
        t_out.append(zr * np.sqrt((t_days - 2.0) / (t_days - 1.0 - zr**2)))
        z_out.append(ubar0 / np.sqrt(var0 / len(u0) ** 2))
    return np.array(t_out), np.array(z_out)


@pytest.mark.parametrize("alignment", ["relative", "calendar"])
def test_grank_in_blocks_equals_event_by_event(alignment: str) -> None:
    # More events than one block, missing estimation days, events without a day-0 value
    # in some windows and a day-0 value tied with an estimation value.
    resid, valid, dates = random_residuals(6, n=600, length=30)
    rng = np.random.default_rng(7)
    sigma = rng.uniform(0.5, 2.0, len(resid))
    g0 = rng.standard_normal((len(resid), 3))
    g0[rng.random(g0.shape) < 0.05] = np.nan
    first = np.flatnonzero(valid[10])[0]
    g0[10, 1] = resid[10, first] / sigma[10]
    codes, n_days = day_codes(dates, valid, alignment)  # type: ignore[arg-type]
    keys = np.broadcast_to(np.arange(resid.shape[1]), resid.shape) if codes is None else dates
    got_t, got_z = generalized_rank(resid, sigma, valid, codes, n_days, g0)
    want_t, want_z = direct_grank(resid / sigma[:, None], valid, keys, g0)
    assert_allclose(got_t.statistic, want_t, rtol=1e-10)
    assert_allclose(got_z.statistic, want_z, rtol=1e-10)


def test_grank_window_without_day0_values_is_nan_and_leaves_the_others() -> None:
    resid, valid, _ = random_residuals(10, n=300, length=30)
    sigma = np.ones(len(resid))
    g0 = np.random.default_rng(11).standard_normal((300, 3))
    g0[:, 1] = np.nan
    codes, n_days = day_codes(np.empty(resid.shape), valid, "relative")
    got = generalized_rank(resid, sigma, valid, codes, n_days, g0)
    want = generalized_rank(resid, sigma, valid, codes, n_days, g0[:, [0, 2]])
    for g, w in zip(got, want, strict=True):
        assert np.isnan(g.statistic[1]) and np.isnan(g.pvalue[1])
        assert_allclose(g.statistic[[0, 2]], w.statistic, rtol=1e-15)



@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(-1, 1, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
        min_size=2, max_size=20, unique=True,
    )
)
def test_wilcoxon_exact_matches_scipy(values: list[float]) -> None:
    if len(set(np.abs(values))) < len(values):
        return
    res = wilcoxon(np.array(values)[:, None])
    ref = stats.wilcoxon(values, method="exact")
    w_plus = sum(r for r, v in zip(stats.rankdata(np.abs(values)), values, strict=True) if v > 0)
    assert res.statistic[0] == w_plus
    assert_allclose(res.pvalue[0], ref.pvalue, rtol=1e-12)



def test_rank_test_scaled_equals_available_without_missing() -> None:
    rng = np.random.default_rng(0)
    values = rng.standard_normal((5, 40))
    valid = np.ones_like(values, dtype=bool)
    codes = np.broadcast_to(np.arange(40), values.shape)
    tested = np.zeros((2, 40), dtype=bool)
    tested[0, 35] = True
    tested[1, 35:] = True
    res = [corrado_rank(average_ranks(values, valid), valid, codes, 40, tested, missing=m).statistic
           for m in ("available", "scaled", "average_centre")]
    assert_allclose(res[0], res[1])
    assert_allclose(res[0], res[2])


def test_sign_test_drops_zeros_as_wilcoxon_does() -> None:
    x = np.array([[0.0, 0.01, 0.0], [0.0, -0.02, 0.0], [0.0, 0.03, 0.0], [0.02, 0.0, 0.0],
                  [-0.01, 0.0, np.nan]])
    got = sign_test(x)
    # Column 0: 2 nonzero values, 1 positive; column 1: 3 nonzero, 2 positive; column 2: none.
    want = np.array([(1 - 2 / 2) / np.sqrt(2 / 4), (2 - 3 / 2) / np.sqrt(3 / 4), np.nan])
    assert_allclose(got.statistic, want, rtol=1e-15)
    assert_allclose(got.pvalue, 2 * stats.norm.sf(np.abs(want)), rtol=1e-15)
    assert_allclose(wilcoxon(x).statistic[:2], [2.0, 4.0])  # W+ of the nonzero values


def test_generalized_sign_counts_zeros_as_not_positive_as_its_p_hat_does() -> None:
    x = np.array([[0.0], [0.0], [0.0], [0.02], [-0.01]])
    got = generalized_sign(x, 0.4)
    assert_allclose(got.statistic, (1 - 5 * 0.4) / np.sqrt(5 * 0.4 * 0.6), rtol=1e-15)

