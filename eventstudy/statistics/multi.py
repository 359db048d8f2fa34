"""Test statistics across events, computed for all events at once.

Every statistic is a plain function over arrays whose rows are events and whose columns are
the days (or the windows) tested; it returns a :class:`Statistic` holding one value and one
two-sided p-value per column. Missing values are NaN: an event without a value on a day simply
does not enter that day's cross-section.

Notation
--------
Events i = 1..N with L_i estimation days s and event days t. e_is are the estimation
residuals, σ_i their standard deviation, AR_it the event abnormal returns, C_it the
prediction-error factor of :class:`eventstudy.models.Fit` and SAR_it = AR_it / (σ_i √C_it)
the standardised abnormal return of Patell (1976). For a window [a, b] of τ days,
CAR_i = Σ_t AR_it, S_CAR,i the exact standard deviation of a cumulated prediction error
(Mikkelson & Partch 1988; :meth:`eventstudy.models.Fit.car_variance`) and SCAR_i = CAR_i / S_CAR,i.

Conventions
-----------
Published implementations differ in a few choices; :class:`Conventions` names them, the
defaults follow the papers, and ``Conventions.estudy2()`` gives those of R estudy2 0.10.0:

``sigma_divisor``
    σ² = SSR / df with the model's degrees of freedom (L − 2 for the market model, as in
    Patell 1976 and MacKinlay 1997), or SSR / (L − 1) (R's ``sd()``, used by estudy2).
``market_terms``
    R̄_m and S_mm in C_t taken over the event's own estimation days (the days the model was
    fitted on), or over every estimation-window day with a market return, also where the
    stock has none (estudy2).
``p_hat``
    Generalized sign test: the average of the events' shares of positive estimation residuals
    (Cowan 1992), or the pooled share (estudy2).
``rank_days``
    Corrado test over a window: ranks over the estimation days plus the whole event window
    (Corrado 1989; Cowan 1992), or over the estimation days plus the tested window only
    (estudy2's ``car_rank_test``).
``alignment``
    How days of different events are matched in the cross-sectional quantities computed
    over the estimation period (S_BW, the rank tests' standard deviations and the mean
    residual correlation r̄): by relative day (event time, as in Brown & Warner 1985,
    Corrado 1989 and R EventStudy) or by calendar date (estudy2). Event-window days are
    always matched by relative day, since those are the days tested. With calendar
    alignment, two events' estimation residuals meet only on the dates they share.

References
----------
Boehmer, E., Musumeci, J., Poulsen, A. B. (1991). Event-study methodology under conditions of
event-induced variance. Journal of Financial Economics 30(2), 253-272.
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance in event
studies. Journal of Financial Economics 23(2), 385-395.
Cowan, A. R. (1992). Nonparametric event study tests. Review of Quantitative Finance and
Accounting 2(4), 343-358.
Hall, P. (1992). On the removal of skewness by transformation. Journal of the Royal
Statistical Society B 54(1), 221-228.
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
Kolari, J. W., Pynnönen, S. (2011). Nonparametric rank tests for event studies. Journal of
Empirical Finance 18(5), 953-971.
Mikkelson, W. H., Partch, M. M. (1988). Withdrawn security offerings. Journal of Financial and
Quantitative Analysis 23(2), 119-133.
Patell, J. M. (1976). Corporate forecasts of earnings per share and stock price behavior:
empirical tests. Journal of Accounting Research 14(2), 246-276.
Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin 1(6),
80-83.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from eventstudy._blocks import map_blocks
from eventstudy._typing import check_option, window_label
from eventstudy.models import Fit, batched_inverse
from eventstudy.panel import FloatArray, Panel
from eventstudy.statistics.single import normal_pvalue, t_pvalue

SigmaDivisor = Literal["df", "nobs-1"]
MarketTerms = Literal["own", "window"]
PHat = Literal["averaged", "pooled"]
RankDays = Literal["window", "car"]
Alignment = Literal["relative", "calendar"]
RankMissing = Literal["available", "scaled", "average_centre"]

#: Largest cross-section for which the Wilcoxon p-value is exact.
WILCOXON_EXACT_MAX = 50
#: Events handled per block in the rank tests: a block's arrays stay in the processor's cache
#: and no (events × days) temporary is ever made.
BLOCK_ROWS = 256
#: Values per block in the generalized rank test, whose blocks are (windows × events × days):
#: 64 events of 21 windows and 240 estimation days.
GRANK_BLOCK_SIZE = 64 * 21 * 240


class Statistic(NamedTuple):
    """A test statistic and its two-sided p-value, one per tested day or window."""

    statistic: FloatArray
    pvalue: FloatArray


@dataclass(frozen=True)
class Conventions:
    """Choices on which published implementations differ (see the module docstring).

    Attributes
    ----------
    sigma_divisor : {"df", "nobs-1"}
    market_terms : {"own", "window"}
    p_hat : {"averaged", "pooled"}
    rank_days : {"window", "car"}
    alignment : {"relative", "calendar"}
    rank_missing : {"available", "estudy2"}
        How the Corrado test treats events missing on a day: ``"available"`` as in
        :func:`corrado_rank`; ``"estudy2"`` its ``"scaled"`` form for days and
        ``"average_centre"`` for windows, as estudy2 0.10.0 does.
    """

    sigma_divisor: SigmaDivisor = "df"
    market_terms: MarketTerms = "own"
    p_hat: PHat = "averaged"
    rank_days: RankDays = "window"
    alignment: Alignment = "relative"
    rank_missing: Literal["available", "estudy2"] = "available"

    def __post_init__(self) -> None:
        check_option(self.sigma_divisor, SigmaDivisor, "sigma_divisor")
        check_option(self.market_terms, MarketTerms, "market_terms")
        check_option(self.p_hat, PHat, "p_hat")
        check_option(self.rank_days, RankDays, "rank_days")
        check_option(self.alignment, Alignment, "alignment")
        check_option(self.rank_missing, Literal["available", "estudy2"], "rank_missing")

    @classmethod
    def estudy2(cls) -> Conventions:
        """The conventions of R estudy2 0.10.0."""
        return cls("nobs-1", "window", "pooled", "car", "calendar", "estudy2")


# --------------------------------------------------------------------------- helpers


def _moments(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Count, mean, standard deviation (divisor n − 1) and deviations of each column."""
    valid = np.isfinite(x)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, x, 0.0).sum(axis=0) / n
        dev = np.where(valid, x - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / (n - 1))
    return n.astype(float), mean, sd, dev


def average_ranks(values: FloatArray, valid: np.ndarray) -> FloatArray:
    """Rank each row's valid values from 1 (smallest), ties sharing their average rank.

    Parameters
    ----------
    values : numpy.ndarray, shape (N, M)
    valid : numpy.ndarray of bool, shape (N, M)
        Values to rank; the others get NaN.

    Returns
    -------
    numpy.ndarray, shape (N, M)

    Examples
    --------
    >>> import numpy as np
    >>> average_ranks(np.array([[3.0, 1.0, 3.0, 2.0]]), np.ones((1, 4), dtype=bool))
    array([[3.5, 1. , 3.5, 2. ]])
    """

    def block(rows: slice) -> FloatArray:
        order, sorted_ranks, _ = _sorted_ranks(values[rows], valid[rows], 0)
        ranks = np.empty(order.shape)
        np.put_along_axis(ranks, order, sorted_ranks, axis=1)
        ranks[~valid[rows]] = np.nan
        return ranks

    parts = map_blocks(block, len(values), BLOCK_ROWS)
    return np.concatenate(parts) if parts else np.empty(np.shape(values))


def _sorted_ranks(
    values: FloatArray, valid: np.ndarray, n_lead: int
) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """Each row's values sorted: the order, and the average rank at each sorted position.

    Valid values come first in each row, invalid ones after them. With ``n_lead``, the
    third array holds at each sorted position the average rank of the value among the row's
    first ``n_lead`` columns alone (meaningful where the position holds one of them); one
    sort serves both rankings.
    """
    n, m = values.shape
    v = np.where(valid, values, np.nan)  # NaN sorts last and ties with nothing
    order = np.argsort(v, axis=1)  # average ranks do not depend on the order of ties
    s = np.take_along_axis(v, order, axis=1)
    tied = s[:, 1:] == s[:, :-1]
    del s, v
    any_tie = bool(tied.any())
    pos = np.broadcast_to(np.arange(m), (n, m))
    start = end = pos
    if any_tie:
        first = np.ones((n, m), dtype=bool)
        first[:, 1:] = ~tied
        last = np.ones((n, m), dtype=bool)
        last[:, :-1] = ~tied
        start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
        end = np.minimum.accumulate(np.where(last, pos, m)[:, ::-1], axis=1)[:, ::-1]
        sorted_ranks = (start + end) / 2.0 + 1.0
    else:
        sorted_ranks = np.broadcast_to(np.arange(1.0, m + 1.0), (n, m))
    lead_rank: np.ndarray = np.empty((n, 0))
    if n_lead:
        is_lead = order < n_lead
        count = np.cumsum(is_lead, axis=1)
        lead_rank = count
        if any_tie:
            before: np.ndarray = np.take_along_axis(count - is_lead, start, axis=1)
            lead_rank = (before + 1.0 + np.take_along_axis(count, end, axis=1)) / 2.0
    return order, sorted_ranks, lead_rank


def day_codes(
    dates: np.ndarray, valid: np.ndarray, alignment: Alignment
) -> tuple[np.ndarray | None, int]:
    """Cross-sectional day of each value: its column (relative) or its calendar date.

    Returns ``(codes, n_days)``; ``codes`` is None for relative-day alignment (the column is
    the day), otherwise an int array of the shape of ``dates`` numbering the distinct dates of
    the valid values (0 where not valid).
    """
    check_option(alignment, Alignment, "alignment")
    if alignment == "relative":
        return None, int(dates.shape[1])
    codes = np.zeros(dates.shape, dtype=np.intp)
    unique, inverse = np.unique(dates[valid].astype("int64"), return_inverse=True)
    codes[valid] = inverse
    return codes, len(unique)


def _day_sums(
    values: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> tuple[FloatArray, FloatArray]:
    """Sum and count of the valid values on each cross-sectional day (in blocks of events)."""

    def block(rows: slice) -> tuple[FloatArray, FloatArray]:
        ok = valid[rows]
        if codes is None:
            return np.where(ok, values[rows], 0.0).sum(axis=0), ok.sum(axis=0).astype(float)
        day = codes[rows][ok]
        return (
            np.bincount(day, weights=values[rows][ok], minlength=n_days),
            np.bincount(day, minlength=n_days).astype(float),
        )

    parts = map_blocks(block, len(values), BLOCK_ROWS)
    if not parts:
        return np.zeros(n_days), np.zeros(n_days)
    return np.sum([p[0] for p in parts], axis=0), np.sum([p[1] for p in parts], axis=0)


# --------------------------------------------------------------------------- parametric


def csect_t(x: FloatArray) -> Statistic:
    """Cross-sectional t test of the mean abnormal return.

    ``t = X̄ / (S_X / √N)`` with X_i the events' ARs on a day (or CARs over a window),
    S_X their standard deviation (divisor N − 1); p-value from t(N − 1)
    (Brown & Warner 1985; Boehmer, Musumeci & Poulsen 1991).

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)
        One column per tested day or window; NaN where an event has no value.

    Returns
    -------
    Statistic
        Arrays of shape (K,).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(csect_t(np.array([[1.0], [2.0], [3.0]])).statistic[0]), 6)
    3.464102
    """
    n, mean, sd, _ = _moments(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = mean / (sd / np.sqrt(n))
    return Statistic(t, t_pvalue(t, n - 1))


def bmp(scar: FloatArray) -> Statistic:
    """Standardised cross-sectional test of Boehmer, Musumeci & Poulsen (1991).

    ``t = mean_i SCAR_i / (sd_i SCAR_i / √N)`` (Boehmer et al. 1991), where
    SCAR_i is the Patell SAR on a day or the standardised CAR over a window
    (CAR_i / S_CAR,i with the exact variance of Mikkelson & Partch 1988, as in Kolari &
    Pynnönen 2010); p-value from t(N − 1).

    Parameters
    ----------
    scar : numpy.ndarray, shape (N, K)

    Returns
    -------
    Statistic
    """
    return csect_t(scar)


def kolari_pynnonen(scar: FloatArray, rbar: float) -> Statistic:
    """BMP test adjusted for cross-sectional correlation (Kolari & Pynnönen 2010).

    ``t_KP = t_BMP √((1 − r̄) / (1 + (N − 1) r̄))`` (Kolari & Pynnönen 2010), with r̄ the
    mean pairwise correlation of the estimation residuals
    (:func:`mean_residual_correlation`); p-value from t(N − 1).

    Parameters
    ----------
    scar : numpy.ndarray, shape (N, K)
    rbar : float

    Returns
    -------
    Statistic
    """
    n = np.isfinite(scar).sum(axis=0).astype(float)
    base = bmp(scar).statistic
    with np.errstate(invalid="ignore", divide="ignore"):
        t = base * np.sqrt((1.0 - rbar) / (1.0 + (n - 1.0) * rbar))
    return Statistic(t, t_pvalue(t, n - 1))


def patell(sar: FloatArray, df: np.ndarray) -> Statistic:
    """Patell (1976) test of the summed standardised abnormal returns.

    ``z = Σ_i SAR_i / √(Σ_i df_i / (df_i − 2))``: under the null each SAR_i follows t(df_i),
    whose variance is df_i / (df_i − 2) = (L_i − 2)/(L_i − 4) for the market model
    (Patell 1976); N(0, 1). For a window, pass
    ``SAR_i = Σ_t SAR_it / √τ_i`` (the sum of the daily SARs, as in EventStudyTools and R
    EventStudy); the alternative using SCAR_i is obtained by passing SCAR_i.

    Parameters
    ----------
    sar : numpy.ndarray, shape (N, K)
    df : numpy.ndarray, shape (N,)
        The events' residual degrees of freedom.

    Returns
    -------
    Statistic
    """
    valid = np.isfinite(sar)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.asarray(df, dtype=float) / (np.asarray(df, dtype=float) - 2.0)
        z = np.where(valid, sar, 0.0).sum(axis=0) / np.sqrt(
            np.where(valid, q[:, None], 0.0).sum(axis=0)
        )
    z = np.where(valid.any(axis=0), z, np.nan)
    return Statistic(z, normal_pvalue(z))


def adjusted_patell(sar: FloatArray, df: np.ndarray, rbar: float) -> Statistic:
    """Patell test adjusted for cross-sectional correlation (Kolari & Pynnönen 2010).

    ``z_adj = z_Patell √(1 / (1 + (N − 1) r̄))`` (Kolari & Pynnönen 2010; the variance of a sum
    of N equicorrelated standardised returns is N (1 + (N − 1) r̄)); N(0, 1). Unlike
    :func:`kolari_pynnonen` there is no factor (1 − r̄): the Patell variance is not estimated
    from the cross-section.

    Parameters
    ----------
    sar : numpy.ndarray, shape (N, K)
        As for :func:`patell`.
    df : numpy.ndarray, shape (N,)
    rbar : float

    Returns
    -------
    Statistic
    """
    n = np.isfinite(sar).sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = patell(sar, df).statistic * np.sqrt(1.0 / (1.0 + (n - 1.0) * rbar))
    return Statistic(z, normal_pvalue(z))


def skew_adj_t(x: FloatArray) -> Statistic:
    """Skewness-corrected t test (Hall 1992, as used by EventStudyTools).

    With S = X̄ / S_X and γ = N / ((N − 1)(N − 2)) Σ (X_i − X̄)³ / S_X³ (the adjusted
    Fisher-Pearson skewness), ``t = √N (S + γ S²/3 + γ² S³/27 + γ / (6N))`` (Hall 1992,
    the cubic transformation of the studentised mean); p-value from t(N − 1).

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)
        ARs of a day or CARs of a window.

    Returns
    -------
    Statistic
    """
    n, mean, sd, dev = _moments(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma = n / ((n - 1.0) * (n - 2.0)) * (dev**3).sum(axis=0) / sd**3
        s = mean / sd
        t = np.sqrt(n) * (s + gamma * s**2 / 3.0 + gamma**2 * s**3 / 27.0 + gamma / (6.0 * n))
    return Statistic(t, t_pvalue(t, n - 1))


def mean_residual_sd(
    resid: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> tuple[float, int]:
    """Standard deviation of the mean estimation residual (Brown & Warner 1985).

    ``S_BW² = Σ_s (Ā_s − mean Ā)² / (T − 1)`` over the T estimation days s with at least one
    residual, Ā_s the mean residual of the events present on day s (Brown & Warner 1985,
    the "crude dependence adjustment").

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
    valid : numpy.ndarray of bool, shape (N, L)
    codes, n_days
        From :func:`day_codes`.

    Returns
    -------
    (float, int)
        S_BW and T.
    """
    sums, counts = _day_sums(resid, valid, codes, n_days)
    present = counts > 0
    aar = sums[present] / counts[present]
    if aar.size < 2:
        return float("nan"), int(aar.size)
    return float(np.std(aar, ddof=1)), int(aar.size)


def bw85(mean_x: FloatArray, tau: FloatArray, s_bw: float, n_days: int) -> Statistic:
    """Brown & Warner (1985) t test with the crude dependence adjustment.

    ``t = CAAR / (√τ S_BW)`` for a window of τ days (``AAR_t / S_BW`` for a day), with S_BW
    from :func:`mean_residual_sd` (Brown & Warner 1985; multi-day windows
    scale by √τ); p-value from t(T − 1).

    Parameters
    ----------
    mean_x : numpy.ndarray, shape (K,)
        AAR of each day or CAAR of each window.
    tau : numpy.ndarray, shape (K,)
        Days in each window.
    s_bw : float
    n_days : int
        T, the estimation days behind S_BW.

    Returns
    -------
    Statistic
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.asarray(mean_x) / (np.sqrt(tau) * s_bw)
    return Statistic(t, t_pvalue(t, np.full(t.shape, n_days - 1.0)))


def mean_residual_correlation(
    resid: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> float:
    """Mean pairwise correlation r̄ of the events' estimation residuals, in O(N·L).

    Each event's residuals are centred and scaled to unit length over its own estimation days,
    z_i = (e_i − ē_i) / ‖e_i − ē_i‖, and set to 0 on days it lacks. The correlation of two
    events is ρ_ij = Σ_s z_is z_js over the days they share, so that

    ``r̄ = (Σ_s (Σ_i z_is)² − Σ_i ‖z_i‖²) / (N (N − 1))``,

    which needs only the day sums of the z_i, never the N × N matrix (Kolari & Pynnönen 2010
    define r̄ as the average of the N(N − 1)/2 sample correlations). Where all events
    share the same estimation days this is exactly the mean Pearson correlation; with missing
    days or partly overlapping calendar windows, ρ_ij counts only shared days (a pair that
    never meets counts as uncorrelated). Events are handled in blocks of :data:`BLOCK_ROWS`.

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
    valid : numpy.ndarray of bool, shape (N, L)
    codes, n_days
        From :func:`day_codes` (relative day or calendar date).

    Returns
    -------
    float
        NaN with fewer than two events.
    """

    def block(rows: slice) -> tuple[FloatArray, int]:
        valid_rows = valid[rows]
        count = valid_rows.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(valid_rows, resid[rows], 0.0).sum(axis=1) / count
            dev = np.where(valid_rows, resid[rows] - mean[:, None], 0.0)
            norm = np.sqrt((dev**2).sum(axis=1))
        usable = (count >= 2) & (norm > 0) & np.isfinite(norm)
        z = dev[usable] / norm[usable, None]
        sub_codes = None if codes is None else codes[rows][usable]
        return _day_sums(z, valid_rows[usable], sub_codes, n_days)[0], int(usable.sum())

    parts = map_blocks(block, len(resid), BLOCK_ROWS)
    sums = np.sum([p[0] for p in parts], axis=0) if parts else np.zeros(n_days)
    n = sum(p[1] for p in parts)
    if n < 2:
        return float("nan")
    return float((np.dot(sums, sums) - n) / (n * (n - 1.0)))


# --------------------------------------------------------------------------- sign tests


def sign_test(x: FloatArray) -> Statistic:
    """Sign test: ``z = (w − N/2) / √(N/4)`` with w = #{X_i > 0}; N(0, 1).

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)

    Returns
    -------
    Statistic
        The generalized sign test (:func:`generalized_sign`) with p̂ = ½.
    """
    return generalized_sign(x, 0.5)


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
    :func:`positive_share` (Cowan 1992); N(0, 1).

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


# --------------------------------------------------------------------------- rank tests


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

    over all T days, for a window W of τ days (Corrado 1989; the multi-day sum as in
    Cowan 1992 and Campbell & Wasley 1993). The weight N_t/N, from Kolari & Pynnönen (2011),
    makes days with missing events count by the variance of their mean; without missing
    values it is 1 and this is Corrado's statistic. N(0, 1).

    ``missing`` reproduces estudy2 0.10.0 where events are missing:
    ``"scaled"`` (its ``rank_stat``) uses D̂_t = D̄_t N/N_t, S_K² = (1/T̄) Σ_t D̂_t² with
    T̄ = mean_i T_i; ``"average_centre"`` (its ``car_rank_test``) centres every rank on the
    average of the (T_i + 1)/2 and uses S² = (1/T̄) Σ_t D̄_t².

    Parameters
    ----------
    ranks : numpy.ndarray, shape (N, M)
        K_it, each event's values ranked by :func:`average_ranks`.
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
    return _corrado(_rank_day_sums(ranks, valid, codes, n_days), tested, missing)


@dataclass(frozen=True)
class RankSums:
    """Day sums of the events' ranks: all the rank tests need, whichever days are tested.

    Ranks are integers or halves, so these sums are exact.

    Attributes
    ----------
    ranks : numpy.ndarray, shape (n_days,)
        Σ_i K_it over the N_t events present on day t (:func:`corrado_rank`).
    centres : numpy.ndarray, shape (n_days,)
        Σ_i (T_i + 1)/2 over the same events.
    counts : numpy.ndarray, shape (n_days,)
        N_t.
    lengths : numpy.ndarray, shape (N,)
        T_i, the values ranked for each event.
    est_ranks : numpy.ndarray, shape (n_est_days,)
        Σ_i k_is / (L_i + 2) over the estimation days, k_is the rank of e_is among event i's
        L_i estimation residuals alone (:func:`generalized_rank`, day 0 present). Empty
        when not computed.
    """

    ranks: FloatArray
    centres: FloatArray
    counts: FloatArray
    lengths: FloatArray
    est_ranks: FloatArray


def _rank_day_sums(
    ranks: FloatArray, valid: np.ndarray, codes: np.ndarray | None, n_days: int
) -> RankSums:
    lengths = valid.sum(axis=1).astype(float)
    sums, counts = _day_sums(ranks, valid, codes, n_days)
    centres, _ = _day_sums(np.broadcast_to((lengths[:, None] + 1.0) / 2.0, ranks.shape),
                           valid, codes, n_days)
    return RankSums(sums, centres, counts, lengths, np.empty(0))


def rank_sums(
    resid: FloatArray,
    est_valid: np.ndarray,
    codes: np.ndarray | None,
    n_est_days: int,
    event: FloatArray,
) -> RankSums:
    """Rank each event's estimation residuals with its event-window ARs, and among themselves.

    One sort per event serves both rankings: the Corrado (1989) test ranks the residuals
    with the event-window ARs, the generalized rank test of Kolari & Pynnönen (2011) ranks
    them among themselves. Events are ranked in blocks of :data:`BLOCK_ROWS` and only the
    day sums are kept.

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals, NaN where not valid.
    est_valid : numpy.ndarray of bool, shape (N, L)
    codes, n_est_days
        From :func:`day_codes` (relative day or calendar date) for the estimation days;
        event day j is day ``n_est_days + j``.
    event : numpy.ndarray, shape (N, W)
        Event-window ARs, NaN where missing.

    Returns
    -------
    RankSums
    """
    n, n_est = resid.shape
    n_days = n_est_days + event.shape[1]

    def block(rows: slice) -> tuple[FloatArray, ...]:
        values, valid, block_codes, _ = _rank_inputs(
            resid[rows], est_valid[rows], None if codes is None else codes[rows], n_est_days,
            event[rows],
        )
        order, sorted_ranks, lead_rank = _sorted_ranks(values, valid, n_est)
        lengths = valid.sum(axis=1).astype(float)
        # Day sums straight from the sorted rows: position p of a row holds a valid value
        # when p < T_i, on the day of the column it came from.
        held = np.arange(values.shape[1]) < lengths[:, None]
        day = order if block_codes is None else np.take_along_axis(block_codes, order, axis=1)
        ranks = np.bincount(
            day[held], weights=np.broadcast_to(sorted_ranks, held.shape)[held], minlength=n_days
        )
        centres, counts = _day_sums(
            np.broadcast_to((lengths[:, None] + 1.0) / 2.0, valid.shape), valid, block_codes,
            n_days,
        )
        held &= order < n_est
        weight = 1.0 / (est_valid[rows].sum(axis=1) + 2.0)
        est = np.bincount(
            day[held], weights=(lead_rank * weight[:, None])[held], minlength=n_days
        )[:n_est_days]
        return ranks, centres, counts, lengths, est

    parts = map_blocks(block, n, BLOCK_ROWS)
    if not parts:
        return RankSums(np.zeros(n_days), np.zeros(n_days), np.zeros(n_days), np.empty(0),
                        np.zeros(n_est_days))
    ranks, centres, counts, lengths, est = zip(*parts, strict=True)
    return RankSums(
        np.sum(ranks, axis=0), np.sum(centres, axis=0), np.sum(counts, axis=0),
        np.concatenate(lengths), np.sum(est, axis=0),
    )


def _corrado(sums: RankSums, tested: np.ndarray, missing: RankMissing) -> Statistic:
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
        tau = tested.sum(axis=1)
        z = (tested * dbar).sum(axis=1) / (np.sqrt(tau) * s_k)
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
    tie), so the estimation ranks enter only through their day sums (:func:`rank_sums`) and
    each window costs one comparison pass, made in blocks of events.

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals e_is.
    sigma : numpy.ndarray, shape (N,)
        σ_i.
    est_valid : numpy.ndarray of bool, shape (N, L)
    codes, n_days
        From :func:`day_codes`.
    gsar0 : numpy.ndarray, shape (N, K)
        SCAR*_i of each tested window (one day for a daily test).
    est_rank_sums : numpy.ndarray, shape (n_days,), optional
        :attr:`RankSums.est_ranks` of these residuals, if already computed.

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
            sums[which.ravel() == j] += _day_sums(
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
            day_sums = np.matmul(w[:, None, :], above)[:, 0, :]
        else:
            where = codes[rows][None, :, :] + (n_days * np.arange(n_windows))[:, None, None]
            day_sums = np.bincount(
                where.ravel(), weights=(above * w[:, :, None]).ravel(),
                minlength=n_windows * n_days,
            ).reshape(n_windows, n_days)
        return above.sum(axis=2).T, day_sums

    # Blocks of (windows × events × days) of about GRANK_BLOCK_SIZE values at most.
    rows_per_block = max(1, GRANK_BLOCK_SIZE // max(n_windows * resid.shape[1], 1))
    parts = map_blocks(block, n_events, rows_per_block)
    above_count = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, n_windows))
    for _, day_sums in parts:
        sums += day_sums
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


# --------------------------------------------------------------------------- study inputs


def effective_fit(
    panel: Panel,
    fit: Fit,
    *,
    sigma_divisor: SigmaDivisor = "df",
    market_terms: MarketTerms = "own",
) -> Fit:
    """The fit with σ and the prediction-error terms of the chosen conventions.

    ``sigma_divisor="nobs-1"`` rescales σ to √(SSR/(L − 1)). ``market_terms="window"``
    recomputes C_t = 1 + 1/L + (x_t − x̄)′ S_xx⁻¹ (x_t − x̄) (Patell 1976) and the
    CAR variance terms with x̄ and S_xx over every estimation-window day with a regressor
    value, including days the stock has no return (estudy2); ``"own"`` keeps the fitted
    days' terms.
    """
    check_option(sigma_divisor, SigmaDivisor, "sigma_divisor")
    check_option(market_terms, MarketTerms, "market_terms")
    sigma = fit.sigma
    if sigma_divisor == "nobs-1":
        with np.errstate(invalid="ignore", divide="ignore"):
            sigma = fit.sigma * np.sqrt(fit.df / (fit.nobs - 1.0))
    if market_terms == "own" or fit.x.shape[2] == 0:
        return replace(fit, sigma=sigma)
    inside = np.zeros(fit.ar.shape, dtype=bool)
    cols = panel.cols(*panel.estimation)
    inside[:, cols] = np.isfinite(fit.x[:, cols]).all(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        xw = np.where(inside[:, :, None], fit.x, 0.0)
        xbar = xw.sum(axis=1) / inside.sum(axis=1)[:, None]
        xc = np.where(inside[:, :, None], fit.x - xbar[:, None, :], 0.0)
        sxx = np.einsum("ndi,ndj->nij", xc, xc)
    return replace(fit, sigma=sigma, xbar=xbar, sxx_inv=batched_inverse(sxx))


@dataclass(frozen=True)
class EventArrays:
    """The arrays every multi-event statistic is computed from.

    Attributes
    ----------
    panel : Panel
    fit : Fit
        The fit under the conventions (:func:`effective_fit`).
    conventions : Conventions
    rel_days : numpy.ndarray, shape (W,)
        Event-window relative days.
    ar, sar : numpy.ndarray, shape (N, W)
        Event-window abnormal returns and Patell SARs.
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals on the estimation-window columns (NaN where not used).
    est_valid : numpy.ndarray of bool, shape (N, L)
    codes : numpy.ndarray or None
        Cross-sectional day of each estimation value (:func:`day_codes`).
    n_est_days : int
    rbar : float
        Mean residual correlation (:func:`mean_residual_correlation`).
    s_bw : float
    n_bw_days : int
    p_hat : float
    rank_sums : RankSums
        Day sums of the ranks for the rank tests (:func:`rank_sums`).
    """

    panel: Panel
    fit: Fit
    conventions: Conventions
    rel_days: np.ndarray
    ar: FloatArray
    sar: FloatArray
    resid: FloatArray
    est_valid: np.ndarray
    codes: np.ndarray | None
    n_est_days: int
    rbar: float
    s_bw: float
    n_bw_days: int
    p_hat: float
    rank_sums: RankSums


def event_arrays(panel: Panel, fit: Fit, conventions: Conventions | None = None) -> EventArrays:
    """Collect the inputs of the statistics from a panel and its fit."""
    conv = conventions or Conventions()
    eff = effective_fit(
        panel, fit, sigma_divisor=conv.sigma_divisor, market_terms=conv.market_terms
    )
    ecols = panel.event_cols
    scols = panel.cols(*panel.estimation)
    ar = fit.ar[:, ecols]
    with np.errstate(invalid="ignore", divide="ignore"):
        sar = ar / (eff.sigma[:, None] * np.sqrt(eff.prediction_factor(ecols)))
    resid = fit.ar[:, scols]
    finite = np.isfinite(resid)
    est_valid = panel.est_mask[:, scols] & finite
    if not np.array_equal(est_valid, finite):
        resid = np.where(est_valid, resid, np.nan)
    codes: np.ndarray | None = None
    n_days = resid.shape[1]
    if conv.alignment == "calendar":  # the dates are needed for calendar alignment only
        codes, n_days = day_codes(panel.dates_at(scols), est_valid, "calendar")
    s_bw, n_bw = mean_residual_sd(resid, est_valid, codes, n_days)
    return EventArrays(
        panel=panel,
        fit=eff,
        conventions=conv,
        rel_days=panel.rel_days[ecols],
        ar=ar,
        sar=sar,
        resid=resid,
        est_valid=est_valid,
        codes=codes,
        n_est_days=n_days,
        rbar=mean_residual_correlation(resid, est_valid, codes, n_days),
        s_bw=s_bw,
        n_bw_days=n_bw,
        p_hat=positive_share(resid, est_valid, conv.p_hat),
        rank_sums=rank_sums(resid, est_valid, codes, n_days, ar),
    )


def _rank_inputs(
    resid: FloatArray,
    est_valid: np.ndarray,
    codes: np.ndarray | None,
    n_est_days: int,
    event: FloatArray,
) -> tuple[FloatArray, np.ndarray, np.ndarray | None, int]:
    """Values, validity and day codes for a rank test over estimation + the given event days.

    Estimation values keep their codes; event day j gets code ``n_est_days + j``. With
    relative-day alignment (``codes`` None) the columns are the days and None is returned.
    """
    values = np.concatenate([resid, event], axis=1)
    valid = np.concatenate([est_valid, np.isfinite(event)], axis=1)
    n_days = n_est_days + event.shape[1]
    if codes is None:
        return values, valid, None, n_days
    ev_codes = np.broadcast_to(n_est_days + np.arange(event.shape[1]), event.shape)
    return values, valid, np.concatenate([codes, ev_codes], axis=1), n_days


def _restandardise(scar: FloatArray) -> FloatArray:
    """SCAR_i / S_SCAR, S_SCAR the cross-sectional standard deviation (divisor N − 1)."""
    _, _, sd, _ = _moments(scar)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(scar / sd)


def _window_sums(arrays: EventArrays, start: int, end: int) -> dict[str, FloatArray]:
    """CAR, SCAR (exact variance) and Σ SAR/√τ of each event over ``[start, end]``."""
    idx = np.flatnonzero((arrays.rel_days >= start) & (arrays.rel_days <= end))
    ar = arrays.ar[:, idx]
    present = np.isfinite(ar)
    tau = present.sum(axis=1).astype(float)
    has = tau > 0
    mask = np.zeros(arrays.fit.ar.shape, dtype=bool)
    mask[:, arrays.panel.event_cols] = np.isin(arrays.rel_days, arrays.rel_days[idx])[None, :]
    mask &= np.isfinite(arrays.fit.ar)
    with np.errstate(invalid="ignore", divide="ignore"):
        car = np.where(has, np.where(present, ar, 0.0).sum(axis=1), np.nan)
        scar = car / np.sqrt(arrays.fit.car_variance(mask, exact=True))
        csar = np.where(has, np.where(present, arrays.sar[:, idx], 0.0).sum(axis=1), np.nan)
        csar = csar / np.sqrt(tau)
    return {"car": car, "scar": scar, "csar": csar, "idx": idx}


STAT_NAMES = (
    "csect_t",
    "bw85",
    "patell",
    "adj_patell",
    "bmp",
    "kp",
    "skew_adj_t",
    "rank",
    "grank_t",
    "grank_z",
    "gsign",
    "sign",
    "wilcoxon",
)


def _statistics(
    arrays: EventArrays,
    x: FloatArray,
    scar: FloatArray,
    csar: FloatArray,
    tested: np.ndarray,
    rank: Statistic,
) -> dict[str, FloatArray]:
    """Every statistic for K tested days or windows (columns of x, scar, csar)."""
    df = arrays.fit.df
    out: dict[str, FloatArray] = {}
    valid = np.isfinite(x)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        daily_aar = np.where(np.isfinite(arrays.ar), arrays.ar, 0.0).sum(axis=0) / np.isfinite(
            arrays.ar
        ).sum(axis=0)
    mean_x = (tested * daily_aar).sum(axis=1)
    tau = tested.sum(axis=1).astype(float)
    out["n"] = n.astype(float)
    out["n_pos"] = (np.where(valid, x, 0.0) > 0).sum(axis=0).astype(float)
    tests: dict[str, Statistic] = {
        "csect_t": csect_t(x),
        "bw85": bw85(mean_x, tau, arrays.s_bw, arrays.n_bw_days),
        "patell": patell(csar, df),
        "adj_patell": adjusted_patell(csar, df, arrays.rbar),
        "bmp": bmp(scar),
        "kp": kolari_pynnonen(scar, arrays.rbar),
        "skew_adj_t": skew_adj_t(x),
        "rank": rank,
        "gsign": generalized_sign(x, arrays.p_hat),
        "sign": sign_test(x),
    }
    grank_t, grank_z = generalized_rank(
        arrays.resid,
        arrays.fit.sigma,
        arrays.est_valid,
        arrays.codes,
        arrays.n_est_days,
        _restandardise(scar),
        est_rank_sums=arrays.rank_sums.est_ranks,
    )
    tests["grank_t"], tests["grank_z"] = grank_t, grank_z
    wil = wilcoxon(x)
    tests["wilcoxon"] = Statistic(wil.z, wil.pvalue)
    out["wilcoxon_w"] = wil.statistic
    for name in STAT_NAMES:
        out[name] = np.asarray(tests[name].statistic, dtype=float)
        out[f"{name}_p"] = np.asarray(tests[name].pvalue, dtype=float)
    out["mean"] = mean_x
    return out


def daily_statistics(arrays: EventArrays) -> pd.DataFrame:
    """Every statistic on each event-window day, indexed by ``rel_day``.

    Columns: ``aar, n, n_pos`` and for each test in :data:`STAT_NAMES` its value and ``*_p``
    (plus ``wilcoxon_w``, the Wilcoxon W+). See the test functions for the formulas.
    """
    w = len(arrays.rel_days)
    tested = np.eye(w, dtype=bool)
    missing: RankMissing = "scaled" if arrays.conventions.rank_missing == "estudy2" else "available"
    rank = _full_window_rank(arrays, tested, missing)
    out = _statistics(arrays, arrays.ar, arrays.sar, arrays.sar, tested, rank)
    frame = pd.DataFrame(out, index=pd.Index(arrays.rel_days, name="rel_day"))
    return _ordered(frame.rename(columns={"mean": "aar"}), "aar")


def window_statistics(arrays: EventArrays, windows: list[tuple[int, int]]) -> pd.DataFrame:
    """Every statistic over each window ``(start, end)`` of relative days.

    One row per window (index ``"[a,b]"``) with ``start, end, n_days, caar`` and the
    statistics of :func:`daily_statistics`, computed on CARs: ``csect_t``, ``skew_adj_t``,
    ``sign``, ``gsign`` and ``wilcoxon`` on CAR_i; ``bmp``, ``kp`` and ``grank_*`` on
    SCAR_i (exact variance); ``patell`` and ``adj_patell`` on Σ_t SAR_it / √τ; ``bw85``
    and ``rank`` from the daily quantities (see :func:`bw85`, :func:`corrado_rank`).
    """
    sums = [_window_sums(arrays, a, b) for a, b in windows]
    w = len(arrays.rel_days)
    tested = np.zeros((len(windows), w), dtype=bool)
    for k, s in enumerate(sums):
        tested[k, s["idx"]] = True
    rank = _window_rank(arrays, tested)
    out = _statistics(
        arrays,
        np.column_stack([s["car"] for s in sums]),
        np.column_stack([s["scar"] for s in sums]),
        np.column_stack([s["csar"] for s in sums]),
        tested,
        rank,
    )
    labels = pd.Index([window_label(a, b) for a, b in windows], name="window")
    frame = pd.DataFrame(out, index=labels)
    frame.insert(0, "n_days", tested.sum(axis=1))
    frame.insert(0, "end", [b for _, b in windows])
    frame.insert(0, "start", [a for a, _ in windows])
    return _ordered(frame.rename(columns={"mean": "caar"}), "caar")


def _window_rank(arrays: EventArrays, tested: np.ndarray) -> Statistic:
    """Corrado rank statistics of windows under ``conventions.rank_days``."""
    missing: RankMissing = (
        "average_centre" if arrays.conventions.rank_missing == "estudy2" else "available"
    )
    if arrays.conventions.rank_days == "window":
        return _full_window_rank(arrays, tested, missing)
    stats_: list[float] = []
    pvals: list[float] = []
    for row in tested:
        sums = rank_sums(
            arrays.resid, arrays.est_valid, arrays.codes, arrays.n_est_days,
            arrays.ar[:, np.flatnonzero(row)],
        )
        one = np.zeros((1, len(sums.counts)), dtype=bool)
        one[0, arrays.n_est_days :] = True
        res = _corrado(sums, one, missing)
        stats_.append(float(res.statistic[0]))
        pvals.append(float(res.pvalue[0]))
    return Statistic(np.array(stats_), np.array(pvals))


def _full_window_rank(arrays: EventArrays, tested: np.ndarray, missing: RankMissing) -> Statistic:
    """Corrado statistics of the tested event days, ranks over estimation + event window."""
    tested_days = np.zeros((len(tested), len(arrays.rank_sums.counts)), dtype=bool)
    tested_days[:, arrays.n_est_days :] = tested
    return _corrado(arrays.rank_sums, tested_days, missing)


def _ordered(frame: pd.DataFrame, first: str) -> pd.DataFrame:
    """Columns in a fixed order: leading columns, the mean, counts, then each test and p."""
    lead = [c for c in ("start", "end", "n_days") if c in frame]
    cols = [*lead, first, "n", "n_pos"]
    for name in STAT_NAMES:
        cols.append(name)
        if name == "wilcoxon":
            cols.append("wilcoxon_w")
        cols.append(f"{name}_p")
    return frame[cols]
