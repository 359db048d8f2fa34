"""Non-parametric tests across events: sign, generalized sign, Wilcoxon, Corrado, GRANK.

As in :mod:`eventstudy.statistics.parametric`, every test is a function over arrays whose
rows are events and whose columns are the days (or windows) tested, returning one value and
one two-sided p-value per column; NaN marks a missing value.

References
----------
Campbell, C. J., Wasley, C. E. (1993). Measuring security price performance using daily
NASDAQ returns. Journal of Financial Economics 33(1), 73-92.
Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance in event
studies. Journal of Financial Economics 23(2), 385-395.
Cowan, A. R. (1992). Nonparametric event study tests. Review of Quantitative Finance and
Accounting 2(4), 343-358.
Kolari, J. W., Pynnönen, S. (2011). Nonparametric rank tests for event studies. Journal of
Empirical Finance 18(5), 953-971.
Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin 1(6),
80-83.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np

from eventstudy._blocks import map_blocks
from eventstudy._typing import check_option
from eventstudy.panel import FloatArray
from eventstudy.statistics.conventions import PHat
from eventstudy.statistics.pvalues import Statistic, normal_pvalue, t_pvalue
from eventstudy.statistics.ranks import RankSums, average_ranks, day_sums, rank_day_sums, rank_sums

RankMissing = Literal["available", "scaled", "average_centre"]

#: Largest cross-section for which the Wilcoxon p-value is exact.
WILCOXON_EXACT_MAX = 50
#: Values per block in the generalized rank test, whose blocks are (windows × events × days):
#: 64 events of 21 windows and 240 estimation days.
GRANK_BLOCK_SIZE = 64 * 21 * 240


def sign_test(x: FloatArray) -> Statistic:
    """Sign test: ``z = (w − n/2) / √(n/4)`` with w = #{X_i > 0} among the n nonzero X_i; N(0, 1).

    Zeros are dropped, as in :func:`wilcoxon`: under a null of a zero median a zero is
    neither a success nor a failure, and counting it as negative would bias the test
    towards a negative effect (Dixon & Mood 1946).

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)

    Returns
    -------
    Statistic
        The generalized sign test (:func:`generalized_sign`) with p̂ = ½ on the nonzero X_i.

    References
    ----------
    Dixon, W. J., Mood, A. M. (1946). The statistical sign test. Journal of the American
    Statistical Association 41(236), 557-566.
    """
    return generalized_sign(np.where(x == 0.0, np.nan, x), 0.5)


def positive_share(resid: FloatArray, valid: np.ndarray, how: PHat = "averaged") -> float:
    """Expected share p̂ of positive abnormal returns, from the estimation residuals.

    ``"averaged"``: p̂ = (1/N) Σ_i (1/L_i) #{s: e_is > 0} (Cowan 1992);
    ``"pooled"``: p̂ = Σ_i #{s: e_is > 0} / Σ_i L_i (estudy2).
    """
    check_option(how, PHat, "p_hat")
    pos = np.count_nonzero(valid & (resid > 0), axis=1).astype(float)
    length = valid.sum(axis=1).astype(float)
    has = length > 0
    if how == "pooled":
        return float(pos[has].sum() / length[has].sum())
    return float(np.mean(pos[has] / length[has]))


def generalized_sign(x: FloatArray, p_hat: float) -> Statistic:
    """Generalized sign test of Cowan (1992).

    ``z = (w − N p̂) / √(N p̂ (1 − p̂))`` with w = #{X_i > 0} and p̂ from
    :func:`positive_share` (Cowan 1992); N(0, 1). A zero counts as not positive, as it
    does in p̂: the test compares the share of positive values with the estimation
    period's, whatever the others are.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)
    p_hat : float

    Returns
    -------
    Statistic
    """
    valid = np.isfinite(x)
    n = valid.sum(axis=0).astype(float)
    w = (np.where(valid, x, 0.0) > 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (w - n * p_hat) / np.sqrt(n * p_hat * (1.0 - p_hat))
    return Statistic(z, normal_pvalue(z))


@lru_cache(maxsize=64)
def _signed_rank_cdf(n: int) -> FloatArray:
    """P(W+ ≤ w), w = 0..n(n+1)/2, under the null of the signed-rank test."""
    counts = np.zeros(n * (n + 1) // 2 + 1, dtype=np.int64)
    counts[0] = 1
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k].copy()
    return np.cumsum(counts) / 2.0**n


class WilcoxonTest(NamedTuple):
    """Wilcoxon signed-rank test: W+, its two-sided p-value and its normal score."""

    statistic: FloatArray
    pvalue: FloatArray
    z: FloatArray


def wilcoxon(x: FloatArray) -> WilcoxonTest:
    """Wilcoxon (1945) signed-rank test of a zero median, per column.

    W+ = Σ_{X_i > 0} rank(|X_i|) among the nonzero values (ties averaged, zeros dropped).
    ``z = (W+ − n(n+1)/4) / √(n(n+1)(2n+1)/24 − Σ(t³ − t)/48)`` (t: sizes of tied groups).
    The p-value is exact (the null distribution of W+, doubled smaller tail) when
    n ≤ 50 and nothing is tied, otherwise from z.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)

    Returns
    -------
    WilcoxonTest
        Arrays of shape (K,).
    """
    xt = np.asarray(x, dtype=float).T
    valid = np.isfinite(xt) & (xt != 0)
    ranks = average_ranks(np.abs(xt), valid)
    n = valid.sum(axis=1)
    w_plus = np.where(valid & (xt > 0), ranks, 0.0).sum(axis=1)
    sorted_abs = np.sort(np.where(valid, np.abs(xt), np.nan), axis=1)
    tie_term = np.zeros(len(n))
    tied = np.zeros(len(n), dtype=bool)
    for k in range(len(n)):
        _, sizes = np.unique(sorted_abs[k, : n[k]], return_counts=True)
        tie_term[k] = float(((sizes**3) - sizes).sum()) / 48.0
        tied[k] = bool((sizes > 1).any())
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = n * (n + 1) / 4.0
        z = (w_plus - mean) / np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0 - tie_term)
    p = normal_pvalue(z)
    for k in range(len(n)):
        if 0 < n[k] <= WILCOXON_EXACT_MAX and not tied[k]:
            cdf = _signed_rank_cdf(int(n[k]))
            w = int(w_plus[k])
            lower = cdf[w]
            upper = 1.0 - (cdf[w - 1] if w > 0 else 0.0)
            p[k] = min(1.0, 2.0 * min(lower, upper))
    z = np.where(n > 0, z, np.nan)
    return WilcoxonTest(np.where(n > 0, w_plus, np.nan), np.where(n > 0, p, np.nan), z)


def corrado_rank(
    ranks: FloatArray,
    valid: np.ndarray,
    codes: np.ndarray | None,
    n_days: int,
    tested: np.ndarray,
    *,
    missing: RankMissing = "available",
) -> Statistic:
    """Corrado (1989) rank test, for single days and windows.

    K_it is the rank of AR_it among event i's T_i ranked values (estimation residuals and
    event-window ARs; ties averaged). With D̄_t the mean of K_it − (T_i + 1)/2 over the
    N_t events present on day t,

    ``S_K = √((1/T) Σ_t (N_t/N) D̄_t²)`` and ``z = Σ_{t∈W} D̄_t / (√τ S_K)``

    over all T days, for a window W of τ days with a value (Corrado 1989; the multi-day sum
    as in Cowan 1992 and Campbell & Wasley 1993; NaN when no day of W has one). The weight
    N_t/N, from Kolari & Pynnönen (2011), makes days with missing events count by the
    variance of their mean; without missing values it is 1 and this is Corrado's statistic.
    N(0, 1).

    ``missing`` reproduces estudy2 0.10.0 where events are missing:
    ``"scaled"`` (its ``rank_stat``) uses D̂_t = D̄_t N/N_t, S_K² = (1/T̄) Σ_t D̂_t² with
    T̄ = mean_i T_i; ``"average_centre"`` (its ``car_rank_test``) centres every rank on the
    average of the (T_i + 1)/2 and uses S² = (1/T̄) Σ_t D̄_t².

    Parameters
    ----------
    ranks : numpy.ndarray, shape (N, M)
        K_it, each event's values ranked by :func:`.average_ranks`.
    valid : numpy.ndarray of bool, shape (N, M)
    codes : numpy.ndarray of int, shape (N, M), or None
        The cross-sectional day (0..n_days−1) of each value; None when the columns are the
        days.
    n_days : int
    tested : numpy.ndarray of bool, shape (K, n_days)
        The days summed into each statistic (one day for a daily test).
    missing : {"available", "scaled", "average_centre"}

    Returns
    -------
    Statistic
        Arrays of shape (K,).
    """
    return corrado_from_sums(rank_day_sums(ranks, valid, codes, n_days), tested, missing)


def corrado_from_sums(sums: RankSums, tested: np.ndarray, missing: RankMissing) -> Statistic:
    """:func:`corrado_rank` from the day sums of the ranks."""
    check_option(missing, RankMissing, "missing")
    has = sums.lengths > 0
    n = float(has.sum())
    mean_length = sums.lengths[has].mean() if n else np.nan
    counts = sums.counts
    if missing == "average_centre":
        deviations = sums.ranks - counts * (mean_length + 1.0) / 2.0
    else:
        deviations = sums.ranks - sums.centres
    present = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        dbar = np.where(present, deviations / counts, 0.0)
        if missing == "available":
            s_k = np.sqrt(np.sum(counts / n * dbar**2) / present.sum())
        else:
            if missing == "scaled":
                dbar = np.where(present, dbar * n / counts, 0.0)
            s_k = np.sqrt(np.sum(dbar**2) / mean_length)
        tau = (tested & present).sum(axis=1)
        z = np.where(tau > 0, (tested * dbar).sum(axis=1) / (np.sqrt(tau) * s_k), np.nan)
    return Statistic(z, normal_pvalue(z))


def generalized_rank(
    resid: FloatArray,
    sigma: FloatArray,
    est_valid: np.ndarray,
    codes: np.ndarray | None,
    n_days: int,
    gsar0: FloatArray,
    est_rank_sums: FloatArray | None = None,
) -> tuple[Statistic, Statistic]:
    """Generalized rank tests GRANK-T and GRANK-Z of Kolari & Pynnönen (2011).

    The window tested is collapsed into one day 0 whose value is the re-standardised
    cumulative abnormal return ``SCAR*_i = SCAR_i / S_SCAR`` (S_SCAR the cross-sectional
    standard deviation of SCAR_i, divisor N − 1); the estimation days keep
    ``SAR_is = e_is / σ_i`` (Kolari & Pynnönen 2011, section 2). Only these T_i = L_i + 1 values
    are ranked; ``U_it = K_it / (T_i + 1) − 1/2``. With Ū_t the mean over the N_t events
    present and ``S_Ū = √((1/T) Σ_t (N_t/N) Ū_t²)`` (Kolari & Pynnönen 2011):

    - ``Z = Ū_0 / S_Ū`` and ``GRANK-T = Z √((T − 2)/(T − 1 − Z²))``, p-value from t(T − 2)
      (Kolari & Pynnönen 2011);
    - ``GRANK-Z = Ū_0 / √(Var Ū_0)`` with the variance under cross-sectional independence,
      ``Var Ū_0 = Σ_i (T_i − 1)/(12 (T_i + 1)) / N_0²`` (EventStudyTools' "Generalized Rank
      Z"); N(0, 1).

    Adding day 0 moves an estimation rank k_is up by one where SAR_is > SCAR*_i (by ½ on a
    tie), so the estimation ranks enter only through their day sums (:func:`.rank_sums`) and
    each window costs one comparison pass, made in blocks of events.

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals e_is.
    sigma : numpy.ndarray, shape (N,)
        σ_i.
    est_valid : numpy.ndarray of bool, shape (N, L)
    codes, n_days
        From :func:`.day_codes`.
    gsar0 : numpy.ndarray, shape (N, K)
        SCAR*_i of each tested window (one day for a daily test).
    est_rank_sums : numpy.ndarray, shape (n_days,), optional
        :attr:`.RankSums.est_ranks` of these residuals, if already computed.

    Returns
    -------
    (Statistic, Statistic)
        GRANK-T and GRANK-Z, arrays of shape (K,).
    """
    if est_rank_sums is None:
        est_rank_sums = rank_sums(resid, est_valid, codes, n_days, resid[:, :0]).est_ranks
    n_events, n_windows = gsar0.shape
    length = est_valid.sum(axis=1).astype(float)
    has0 = np.isfinite(gsar0)
    active = has0.any(axis=0)
    if not active.all():  # a window without any day-0 value has no statistic
        out = [Statistic(np.full(n_windows, np.nan), np.full(n_windows, np.nan)) for _ in "tz"]
        if active.any():
            found = generalized_rank(
                resid, sigma, est_valid, codes, n_days, gsar0[:, active], est_rank_sums
            )
            for whole, part in zip(out, found, strict=True):
                whole.statistic[active], whole.pvalue[active] = part
        return out[0], out[1]
    g0 = np.where(has0, gsar0, np.inf)
    weight = 1.0 / (length[:, None] + has0 + 1.0)
    n_all = float(((length > 0) | has0.any(axis=1)).sum())
    # Σ_i k_is w_i for each window: the sums are for w_i = 1/(L_i + 2); an event without a
    # day-0 value has w_i = 1/(L_i + 1), corrected from its own ranks.
    sums = np.broadcast_to(est_rank_sums, (n_windows, n_days)).copy()
    lacking = np.flatnonzero(~has0.all(axis=1))
    if lacking.size:
        k_est = average_ranks(resid[lacking], est_valid[lacking])
        k_est *= (1.0 / (length[lacking] + 1.0) - 1.0 / (length[lacking] + 2.0))[:, None]
        # Windows that lack day 0 for the same events share one correction.
        patterns, which = np.unique(has0[lacking], axis=1, return_inverse=True)
        for j in range(patterns.shape[1]):
            rows = lacking[~patterns[:, j]]
            part = k_est[~patterns[:, j]]
            sums[which.ravel() == j] += day_sums(
                part, est_valid[rows], None if codes is None else codes[rows], n_days
            )[0]

    def block(rows: slice) -> tuple[FloatArray, FloatArray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(est_valid[rows], resid[rows] / sigma[rows, None], np.nan)[None, :, :]
        day0 = g0[rows].T[:, :, None]
        # above[k, i, s] = 1 where SAR_is > SCAR*_ik, ½ on a tie (windows × events × days)
        above = (g > day0).astype(float)
        tie = g == day0
        if bool(tie.any()):
            above += 0.5 * tie
        w = weight[rows].T
        if codes is None:
            above_sums = np.matmul(w[:, None, :], above)[:, 0, :]
        else:
            where = codes[rows][None, :, :] + (n_days * np.arange(n_windows))[:, None, None]
            above_sums = np.bincount(
                where.ravel(), weights=(above * w[:, :, None]).ravel(),
                minlength=n_windows * n_days,
            ).reshape(n_windows, n_days)
        return above.sum(axis=2).T, above_sums

    # Blocks of (windows × events × days) of about GRANK_BLOCK_SIZE values at most.
    rows_per_block = max(1, GRANK_BLOCK_SIZE // max(n_windows * resid.shape[1], 1))
    parts = map_blocks(block, n_events, rows_per_block)
    above_count = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, n_windows))
    for _, above_sums in parts:
        sums += above_sums
    with np.errstate(invalid="ignore", divide="ignore"):
        counts = (
            est_valid.sum(axis=0).astype(float)
            if codes is None
            else np.bincount(codes[est_valid], minlength=n_days).astype(float)
        )
        present = counts > 0
        ubar = np.where(present, (sums - 0.5 * counts) / counts, 0.0)
        u0 = (length[:, None] + 1.0 - above_count) * weight - 0.5
        n0 = has0.sum(axis=0).astype(float)
        ubar0 = np.where(has0, u0, 0.0).sum(axis=0) / n0
        t_days = present.sum() + 1.0
        s_u = np.sqrt((((counts / n_all) * ubar**2).sum(axis=1) + (n0 / n_all) * ubar0**2)
                      / t_days)
        zr = ubar0 / s_u
        t_stat = zr * np.sqrt((t_days - 2.0) / (t_days - 1.0 - zr**2))
        var_terms = np.where(has0, (length / (12.0 * (length + 2.0)))[:, None], 0.0)
        z_stat = ubar0 / np.sqrt(var_terms.sum(axis=0) / n0**2)
    return (
        Statistic(t_stat, t_pvalue(t_stat, np.full(t_stat.shape, t_days - 2.0))),
        Statistic(z_stat, normal_pvalue(z_stat)),
    )
