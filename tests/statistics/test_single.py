"""Single-firm statistics: the exact p-value of the Corrado rank test of one firm.

The FAW Jiefang numbers are the oracle's (tests/results/faw_jiefang/, see its README).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import eventstudy
from eventstudy.statistics.single import exact_rank_pvalue

EXPECTED = json.loads(
    (Path(__file__).parents[1] / "results" / "faw_jiefang" / "expected.json").read_text()
)


def test_faw_day0_rank_p_value_is_exact() -> None:
    """Day 0's AR ranks 246th of T = 251: p = 2 min(246, 6) / 251, below 5%.

    The normal p-value of the same statistic, 0.098, can never fall below about 0.085 for
    one firm with T = 251.
    """
    result = eventstudy.run(
        "000800.SZ", "2021-09-13", market="399001.SZ", estimation=(-250, -11),
        window=(-5, 5), data="bundled",
    )
    day0 = result.abnormal.loc[0]
    t = 251
    rank = (t + 1) / 2 + EXPECTED["daily"]["MM_399001"]["0"]["corrado"] * np.sqrt((t**2 - 1) / 12)
    assert_allclose(rank, 246, rtol=0, atol=1e-9)
    assert_allclose(day0["rank"], EXPECTED["daily"]["MM_399001"]["0"]["corrado"], atol=1e-8)
    assert_allclose(day0["rank_pvalue"], 12 / 251, rtol=1e-15)
    assert day0["rank_pvalue"] < 0.05 < EXPECTED["daily"]["MM_399001"]["0"]["p_corrado_normal"]


def _by_permutation(values: np.ndarray, col: int) -> float:
    """Doubled smaller tail of the rank of ``values[col]`` when any value could have been there.

    Under the null the values are exchangeable: the value at ``col`` is swapped with each of
    the T values in turn (the identity included) and the whole row ranked again by scipy.
    """
    observed = stats.rankdata(values)[col]
    ranks = []
    for other in range(len(values)):
        swapped = values.copy()
        swapped[[col, other]] = swapped[[other, col]]
        ranks.append(stats.rankdata(swapped)[col])
    lower = np.mean(np.array(ranks) <= observed)
    upper = np.mean(np.array(ranks) >= observed)
    return float(min(1.0, 2.0 * min(lower, upper)))


@pytest.mark.parametrize("seed", range(6))
def test_exact_rank_p_value_equals_the_permutation_distribution_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(-4, 5, size=(3, 30)).astype(float)  # many ties
    valid = rng.random(values.shape) > 0.1
    cols = np.array([0, 7, 29])
    valid[:, cols] = True
    got = exact_rank_pvalue(values, valid, cols)
    for i in range(len(values)):
        row = values[i][valid[i]]
        where = np.cumsum(valid[i]) - 1
        want = [_by_permutation(row, int(where[c])) for c in cols]
        assert_allclose(got[i], want, rtol=1e-15)


def test_exact_rank_p_value_without_ties_is_doubled_rank_share() -> None:
    values = np.arange(1.0, 11.0)[None, ::-1]  # ranks 10, 9, ..., 1
    got = exact_rank_pvalue(values, np.ones_like(values, dtype=bool), np.arange(10))
    ranks = np.arange(10, 0, -1)
    assert_allclose(got[0], np.minimum(1.0, 2 * np.minimum(ranks, 10 - ranks + 1) / 10))


def test_exact_rank_p_value_is_nan_where_the_tested_value_is_missing() -> None:
    values = np.array([[1.0, np.nan, 3.0, 2.0]])
    valid = np.isfinite(values)
    got = exact_rank_pvalue(values, valid, np.array([1, 2]))
    assert np.isnan(got[0, 0])
    assert_allclose(got[0, 1], 2 * 1 / 3)
