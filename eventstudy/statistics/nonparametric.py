"""Non-parametric tests across events: sign, generalized sign, Wilcoxon, Corrado, GRANK.

As in :mod:`eventstudy.statistics.parametric`, every test is a function over arrays whose
rows are events and whose columns are the days (or windows) tested, returning one value and
one two-sided p-value per column; NaN marks a missing value. The ``*_from`` functions
compute each test from its sums over the events (with leading axes: one row per group), the
Wilcoxon test from the values of each group (:func:`wilcoxon_by_group`).

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
from eventstudy.statistics.groups import BlockGroups, Groups
from eventstudy.statistics.pvalues import Statistic, normal_pvalue, t_pvalue
from eventstudy.statistics.ranks import (
    BLOCK_ROWS,
    RankSums,
    average_ranks,
    day_sums,
    rank_day_sums,
    rank_sums,
)

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
    valid = np.isfinite(x)
    return generalized_sign_from(
        (np.where(valid, x, 0.0) > 0).sum(axis=0), (valid & (x != 0)).sum(axis=0), 0.5
    )


def positive_share(resid: FloatArray, valid: np.ndarray, how: PHat = "averaged") -> float:
    """Expected share p̂ of positive abnormal returns, from the estimation residuals.

    ``"averaged"``: p̂ = (1/N) Σ_i (1/L_i) #{s: e_is > 0} (Cowan 1992);
    ``"pooled"``: p̂ = Σ_i #{s: e_is > 0} / Σ_i L_i (estudy2).
    """
    pos = np.count_nonzero(valid & (resid > 0), axis=1).astype(float)
    length = valid.sum(axis=1).astype(float)
    has = length > 0
    shares = ShareSums(
        (pos[has] / length[has]).sum(), has.sum().astype(float), pos.sum(), length.sum()
    )
    return float(positive_share_from(shares, how))


class ShareSums(NamedTuple):
    """Sums behind p̂: Σ_i #{e_is > 0}/L_i and the events with residuals; Σ_i #{e_is > 0}, Σ L_i."""

    share: FloatArray
    n: FloatArray
    positive: FloatArray
    length: FloatArray


def positive_share_from(s: ShareSums, how: PHat = "averaged") -> FloatArray:
    """:func:`positive_share` from its sums."""
    check_option(how, PHat, "p_hat")
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "pooled":
            return np.asarray(s.positive / s.length)
        return np.asarray(s.share / s.n)


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
    return generalized_sign_from(
        (np.where(valid, x, 0.0) > 0).sum(axis=0), valid.sum(axis=0), p_hat
    )


def generalized_sign_from(
    positive: FloatArray, n: FloatArray, p_hat: FloatArray | float
) -> Statistic:
    """:func:`generalized_sign` from w and N; ``p_hat`` broadcasts against them."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (positive - n * p_hat) / np.sqrt(n * p_hat * (1.0 - p_hat))
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
    x = np.asarray(x, dtype=float)
    test = wilcoxon_by_group(x, np.zeros(len(x), dtype=np.intp), 1)
    return WilcoxonTest(*(np.asarray(a[0]) for a in test))


def wilcoxon_by_group(values: FloatArray, groups: np.ndarray, n_groups: int) -> WilcoxonTest:
    """:func:`wilcoxon` of each group's values: ``values`` (M, K), ``groups`` (M,) in 0..G−1.

    The values of each group and column are ranked by their absolute value (one sort per
    column for all groups). Returns arrays of shape (G, K).
    """
    n_cols = values.shape[1]
    shape = (n_groups, n_cols)
    w_plus, n, tie_term, tied = np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for k in range(n_cols):
        v = values[:, k]
        ok = np.isfinite(v) & (v != 0)
        g, a, positive = groups[ok], np.abs(v[ok]), v[ok] > 0
        order = np.argsort(a)
        if n_groups > 1:
            order = order[np.argsort(g[order], kind="stable")]
        g, a, positive = g[order], a[order], positive[order]
        m = len(g)
        new_group = np.r_[True, g[1:] != g[:-1]] if m else np.zeros(0, dtype=bool)
        new_run = new_group | np.r_[True, a[1:] != a[:-1]] if m else new_group
        pos = np.arange(m)
        group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
        run_start = np.flatnonzero(new_run)
        run_size = np.diff(np.r_[run_start, m])
        run_of = np.cumsum(new_run) - 1
        # average rank of a run within its group: (first + last position) / 2 + 1
        rank = (run_start + run_size / 2.0 - 0.5)[run_of] - group_start + 1.0
        w_plus[:, k] = np.bincount(g, weights=rank * positive, minlength=n_groups)
        n[:, k] = np.bincount(g, minlength=n_groups)
        run_group = g[run_start]
        tie_term[:, k] = np.bincount(
            run_group, weights=(run_size**3 - run_size).astype(float), minlength=n_groups
        ) / 48.0
        tied[:, k] = np.bincount(run_group, weights=run_size > 1, minlength=n_groups) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = n * (n + 1) / 4.0
        z = (w_plus - mean) / np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0 - tie_term)
    p = normal_pvalue(z)
    exact = (n > 0) & (n <= WILCOXON_EXACT_MAX) & (tied == 0)
    for size in np.unique(n[exact]).astype(int):
        at = exact & (n == size)
        cdf = _signed_rank_cdf(int(size))
        w = w_plus[at].astype(int)
        lower = cdf[w]
        upper = 1.0 - np.where(w > 0, cdf[np.maximum(w - 1, 0)], 0.0)
        p[at] = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    none = n == 0
    return WilcoxonTest(np.where(none, np.nan, w_plus), np.where(none, np.nan, p),
                        np.where(none, np.nan, z))


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
    """:func:`corrado_rank` from the day sums of the ranks (leading axes: groups).

    ``tested`` has shape (K, n_days); the statistics have shape (..., K).
    """
    check_option(missing, RankMissing, "missing")
    n = np.asarray(sums.n, dtype=float)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_length = np.where(n > 0, np.asarray(sums.length)[..., None] / n, np.nan)
    counts = sums.counts
    if missing == "average_centre":
        deviations = sums.ranks - counts * (mean_length + 1.0) / 2.0
    else:
        deviations = sums.ranks - sums.centres
    present = counts > 0
    tested_f = np.asarray(tested, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        dbar = np.where(present, deviations / np.where(present, counts, 1.0), 0.0)
        if missing == "available":
            s_k = np.sqrt((counts / n * dbar**2).sum(axis=-1, keepdims=True)
                          / present.sum(axis=-1, keepdims=True))
        else:
            if missing == "scaled":
                dbar = np.where(present, dbar * n / np.where(present, counts, 1.0), 0.0)
            s_k = np.sqrt((dbar**2).sum(axis=-1, keepdims=True) / mean_length)
        tau = present.astype(float) @ tested_f.T
        z = np.where(tau > 0, (dbar @ tested_f.T) / (np.sqrt(tau) * s_k), np.nan)
    return Statistic(z, normal_pvalue(z))


def block_grank_sums(
    members: BlockGroups,
    resid: FloatArray,
    sigma: FloatArray,
    est_valid: np.ndarray,
    keys: np.ndarray | None,
    n_days: int,
    gsar0: FloatArray,
    active: np.ndarray,
) -> dict[str, FloatArray]:
    """The sums behind the generalized rank tests, per group of a block of events.

    Parameters
    ----------
    members : BlockGroups
    resid, sigma, est_valid
        As for :func:`generalized_rank`, the block's events.
    keys : numpy.ndarray of int, shape (n, L), or None
        The cross-sectional day of each residual (None: the column is the day).
    n_days : int
    gsar0 : numpy.ndarray, shape (m, K)
        SCAR*_i of each membership of ``members`` and tested window.
    active : numpy.ndarray of bool, shape (g, K)
        The windows each group tests: those where some member of the group has SCAR*_i.

    Returns
    -------
    dict
        ``above`` (g, n_days, K): Σ_i w_i (k_is − k⁰_is) per day, the estimation ranks
        beyond the first pass's ``est_ranks`` (:class:`.RankSums`): from day 0 above
        (k_is moves up by 1 where SAR_is > SCAR*_i, ½ on a tie) and, for events without
        day 0, from the weight w_i = 1/(L_i + 1) instead of 1/(L_i + 2);
        ``n0``, ``u0``, ``var0`` (g, K): the events with day 0, Σ U_i0 and
        Σ (T_i − 1)/(12 (T_i + 1)); ``n_all`` (g,): the events ranked.
    """
    ev, local = members.event, members.local
    length = est_valid.sum(axis=1).astype(float)
    n_windows = gsar0.shape[1]
    has0 = np.isfinite(gsar0)
    weight = 1.0 / (length[ev][:, None] + has0 + 1.0)
    above_sums = np.zeros((members.n, n_days, n_windows))
    above_count = np.zeros(gsar0.shape)
    lacking_in = active[local] & ~has0
    lacking = np.flatnonzero(lacking_in.any(axis=1))
    if lacking.size:
        e = ev[lacking]
        k_est = average_ranks(resid[e], est_valid[e])
        k_est *= (1.0 / (length[e] + 1.0) - 1.0 / (length[e] + 2.0))[:, None]
        fix = members.of_members(lacking)
        for window in np.flatnonzero(lacking_in[lacking].any(axis=0)):
            above_sums[:, :, window] += fix.keyed_sums(
                None if keys is None else keys[e], k_est,
                est_valid[e] & lacking_in[lacking, window, None], n_days,
            )
    g0 = np.where(has0, gsar0, np.inf).T[:, :, None]
    step = max(1, GRANK_BLOCK_SIZE // max(n_windows * resid.shape[1], 1))
    # Counts of twice "above" over a block's days or members fit in 16 bits when both are few.
    count_type = np.int16 if 2 * max(step, resid.shape[1]) < 2**15 else np.int64
    for start in range(0, len(ev), step):
        part = slice(start, start + step)
        e = ev[part]
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(est_valid[e], resid[e] / sigma[e, None], np.nan)[None, :, :]
        day0 = g0[:, part]
        # twice[k, i, s] = 2 where SAR_is > SCAR*_ik, 1 on a tie (windows × members × days):
        # counted in small integers, exactly
        twice = (g > day0).view(np.uint8) + (g >= day0).view(np.uint8)
        above_count[part] = 0.5 * twice.sum(axis=2, dtype=count_type).T
        sub = members.of_members(part)
        lengths = length[e]
        if keys is None and sub.simple and (lengths == lengths[0]).all():
            # One group, and one weight 1/(L + 2) for every member with day 0 (a member
            # without it is above nowhere): the sums are counts.
            counts = twice.sum(axis=1, dtype=count_type).T
            above_sums += (counts * (0.5 / (lengths[0] + 2.0)))[None]
            continue
        above = 0.5 * twice
        if keys is None and sub.simple:
            # Σ over the members of w_ik above[k, i, s]: one product per window.
            above_sums += np.matmul(weight[part].T[:, None, :], above).transpose(1, 2, 0)
        elif keys is None:
            weighted = above.transpose(1, 0, 2) * weight[part][:, :, None]
            above_sums += sub.sum_rows(weighted).transpose(0, 2, 1)
        else:
            for k in range(n_windows):
                above_sums[:, :, k] += sub.keyed_sums(
                    keys[e], above[k] * weight[part, k, None], est_valid[e], n_days
                )
    with np.errstate(invalid="ignore", divide="ignore"):
        u0 = (length[ev][:, None] + 1.0 - above_count) * weight - 0.5
        var0 = (length / (12.0 * (length + 2.0)))[ev][:, None]
    counted = (length[ev] > 0) | has0.any(axis=1)
    per_member = np.concatenate(
        [has0, np.where(has0, u0, 0.0), np.where(has0, var0, 0.0), counted[:, None]],
        axis=1,
        dtype=float,
    )
    sums = members.of_members(slice(None)).sum_rows(per_member)
    k = n_windows
    return {
        "above": above_sums,
        "n0": sums[:, :k],
        "u0": sums[:, k : 2 * k],
        "var0": sums[:, 2 * k : 3 * k],
        "n_all": sums[:, 3 * k],
    }


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
    each window costs one comparison pass, made in blocks of events
    (:func:`block_grank_sums`).

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
    groups = Groups.one(len(resid))
    active = np.isfinite(gsar0).any(axis=0)[None, :]

    def block(rows: slice) -> dict[str, FloatArray]:
        return block_grank_sums(
            groups.block(rows), resid[rows], sigma[rows], est_valid[rows],
            None if codes is None else codes[rows], n_days, gsar0[rows], active,
        )

    parts = map_blocks(block, len(resid), BLOCK_ROWS)
    sums = {k: np.sum([p[k] for p in parts], axis=0) for k in parts[0]}
    _, counts = day_sums(resid, est_valid, codes, n_days)
    found = generalized_rank_from(
        counts[None], est_rank_sums[None], sums["above"], sums["n0"], sums["u0"],
        sums["var0"], sums["n_all"],
    )
    return Statistic(*(a[0] for a in found[0])), Statistic(*(a[0] for a in found[1]))


def generalized_rank_from(
    counts: FloatArray,
    est_ranks: FloatArray,
    above: FloatArray,
    n0: FloatArray,
    u0: FloatArray,
    var0: FloatArray,
    n_all: FloatArray,
) -> tuple[Statistic, Statistic]:
    """:func:`generalized_rank` from its sums, per group.

    ``counts`` and ``est_ranks`` (G, D): the events and Σ k_is/(L_i + 2) of each estimation
    day (:class:`.RankSums`); ``above``, ``n0``, ``u0``, ``var0``, ``n_all`` from
    :func:`block_grank_sums`. Returns arrays of shape (G, K), NaN where no event of a group
    has day 0.
    """
    sums = est_ranks[:, :, None] + above  # Σ_i k_is w_i, (G, D, K)
    counts = counts[:, :, None]
    present = counts > 0
    n_all = n_all[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        ubar = np.where(present, (sums - 0.5 * counts) / np.where(present, counts, 1.0), 0.0)
        ubar0 = u0 / n0
        t_days = present.sum(axis=1) + 1.0
        s_u = np.sqrt(
            (((counts / n_all[:, :, None]) * ubar**2).sum(axis=1) + (n0 / n_all) * ubar0**2)
            / t_days
        )
        zr = ubar0 / s_u
        t_stat = zr * np.sqrt((t_days - 2.0) / (t_days - 1.0 - zr**2))
        z_stat = ubar0 / np.sqrt(var0 / n0**2)
    none = n0 == 0
    t_stat = np.where(none, np.nan, t_stat)
    z_stat = np.where(none, np.nan, z_stat)
    t_p = np.where(none, np.nan, t_pvalue(t_stat, np.broadcast_to(t_days - 2.0, t_stat.shape)))
    return (
        Statistic(t_stat, t_p),
        Statistic(z_stat, np.where(none, np.nan, normal_pvalue(z_stat))),
    )
