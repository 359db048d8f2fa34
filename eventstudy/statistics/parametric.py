"""Parametric tests of the mean abnormal return across events.

Every test is a plain function over arrays whose rows are events and whose columns are the
days (or the windows) tested; it returns a :class:`.Statistic`
holding one value and one two-sided p-value per column. Missing values are NaN: an event
without a value on a day does not enter that day's cross-section. The notation is that of
:mod:`eventstudy.statistics`.

Each test is computed from sums over the events (its sufficient quantities): the
``*_from`` functions take those sums, with any leading axes (one row per group of events,
:mod:`eventstudy.statistics.quantities`), and the functions over arrays sum their events
and call them.

References
----------
Boehmer, E., Musumeci, J., Poulsen, A. B. (1991). Event-study methodology under conditions of
event-induced variance. Journal of Financial Economics 30(2), 253-272.
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
Hall, P. (1992). On the removal of skewness by transformation. Journal of the Royal
Statistical Society B 54(1), 221-228.
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
Mikkelson, W. H., Partch, M. M. (1988). Withdrawn security offerings. Journal of Financial and
Quantitative Analysis 23(2), 119-133.
Patell, J. M. (1976). Corporate forecasts of earnings per share and stock price behavior:
empirical tests. Journal of Accounting Research 14(2), 246-276.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from eventstudy._blocks import map_blocks
from eventstudy.panel import FloatArray
from eventstudy.statistics.groups import BlockGroups, Groups
from eventstudy.statistics.pvalues import Statistic, normal_pvalue, t_pvalue
from eventstudy.statistics.ranks import BLOCK_ROWS, day_sums


class Moments(NamedTuple):
    """Count and power sums of the values of each column: n, Σ x, Σ x², Σ x³.

    Examples
    --------
    >>> import numpy as np
    >>> m = Moments.of(np.array([[1.0], [2.0], [np.nan], [3.0]]))
    >>> m.n.tolist(), m.mean().tolist(), m.sd().tolist()
    ([3.0], [2.0], [1.0])
    """

    n: FloatArray
    sum: FloatArray
    sum2: FloatArray
    sum3: FloatArray

    @classmethod
    def of(cls, x: FloatArray) -> Moments:
        """The sums of each column of ``x`` over its finite values."""
        valid = np.isfinite(x)
        v = np.where(valid, x, 0.0)
        return cls(valid.sum(axis=0).astype(float), v.sum(axis=0), (v * v).sum(axis=0),
                   (v * v * v).sum(axis=0))

    def mean(self) -> FloatArray:
        """X̄ = Σ x / n."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.sum / self.n)

    def sd(self) -> FloatArray:
        """S_X = √(Σ (x − X̄)² / (n − 1)), with Σ (x − X̄)² = Σ x² − X̄ Σ x (never below 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            squares = np.maximum(self.sum2 - self.mean() * self.sum, 0.0)
            return np.asarray(np.sqrt(squares / (self.n - 1.0)))

    def third(self) -> FloatArray:
        """Σ (x − X̄)³ = Σ x³ − 3 X̄ Σ x² + 3 X̄² Σ x − n X̄³."""
        with np.errstate(invalid="ignore", divide="ignore"):
            m = self.mean()
            return np.asarray(self.sum3 - 3.0 * m * self.sum2 + 3.0 * m * m * self.sum
                              - self.n * m**3)


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
    return csect_t_from(Moments.of(x))


def csect_t_from(m: Moments) -> Statistic:
    """:func:`csect_t` from the sums of the values."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = m.mean() / (m.sd() / np.sqrt(m.n))
    return Statistic(t, t_pvalue(t, m.n - 1))


def bmp(scar: FloatArray) -> Statistic:
    """Standardised cross-sectional test of Boehmer, Musumeci & Poulsen (1991).

    ``t = mean_i SCAR_i / (sd_i SCAR_i / √N)`` (Boehmer et al. 1991), where
    SCAR_i is the Patell SAR on a day or the standardised CAR over a window
    (CAR_i / S_CAR,i with the exact variance of Mikkelson & Partch 1988, as in Kolari &
    Pynnönen 2010); p-value from t(N − 1). From sums: :func:`csect_t_from` of the SCARs'.

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
    return kolari_pynnonen_from(Moments.of(scar), rbar)


def kolari_pynnonen_from(m: Moments, rbar: FloatArray | float) -> Statistic:
    """:func:`kolari_pynnonen` from the sums of the SCARs; ``rbar`` broadcasts against them."""
    base = csect_t_from(m).statistic
    with np.errstate(invalid="ignore", divide="ignore"):
        t = base * np.sqrt((1.0 - rbar) / (1.0 + (m.n - 1.0) * rbar))
    return Statistic(t, t_pvalue(t, m.n - 1))


class PatellSums(NamedTuple):
    """Patell's sums over the events with a value and df > 2: n, Σ SAR_i, Σ df_i/(df_i − 2)."""

    n: FloatArray
    sar: FloatArray
    variance: FloatArray

    @classmethod
    def of(cls, sar: FloatArray, df: np.ndarray) -> PatellSums:
        """The sums of each column of ``sar`` (events of df ≤ 2 left out)."""
        valid = np.isfinite(sar) & patell_events(df)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            q = np.asarray(df, dtype=float) / (np.asarray(df, dtype=float) - 2.0)
        return cls(valid.sum(axis=0).astype(float), np.where(valid, sar, 0.0).sum(axis=0),
                   np.where(valid, q[:, None], 0.0).sum(axis=0))


def patell(sar: FloatArray, df: np.ndarray) -> Statistic:
    """Patell (1976) test of the summed standardised abnormal returns.

    ``z = Σ_i SAR_i / √(Σ_i df_i / (df_i − 2))``: under the null each SAR_i follows t(df_i),
    whose variance is df_i / (df_i − 2) = (L_i − 2)/(L_i − 4) for the market model
    (Patell 1976); N(0, 1). For a window, pass
    ``SAR_i = Σ_t SAR_it / √τ_i`` (the sum of the daily SARs, as in EventStudyTools and R
    EventStudy); the alternative using SCAR_i is obtained by passing SCAR_i.

    Events with df_i ≤ 2 are left out (:func:`patell_events`): t(df_i) has no finite
    variance, and one such event would make the denominator infinite or negative.

    Parameters
    ----------
    sar : numpy.ndarray, shape (N, K)
    df : numpy.ndarray, shape (N,)
        The events' residual degrees of freedom.

    Returns
    -------
    Statistic
        NaN where no event with df > 2 has a value.
    """
    return patell_from(PatellSums.of(sar, df))


def patell_from(s: PatellSums) -> Statistic:
    """:func:`patell` from its sums."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s.n > 0, s.sar / np.sqrt(s.variance), np.nan)
    return Statistic(z, normal_pvalue(z))


def patell_events(df: np.ndarray) -> np.ndarray:
    """The events that enter the Patell tests: df > 2, where Var SAR = df / (df − 2) is finite.

    Parameters
    ----------
    df : numpy.ndarray, shape (N,)

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
    """
    return np.asarray(df) > 2


def adjusted_patell(sar: FloatArray, df: np.ndarray, rbar: float) -> Statistic:
    """Patell test adjusted for cross-sectional correlation (Kolari & Pynnönen 2010).

    ``z_adj = z_Patell √(1 / (1 + (N − 1) r̄))`` (Kolari & Pynnönen 2010; the variance of a sum
    of N equicorrelated standardised returns is N (1 + (N − 1) r̄)); N(0, 1). Unlike
    :func:`kolari_pynnonen` there is no factor (1 − r̄): the Patell variance is not estimated
    from the cross-section. N counts the events of :func:`patell`.

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
    return adjusted_patell_from(PatellSums.of(sar, df), rbar)


def adjusted_patell_from(s: PatellSums, rbar: FloatArray | float) -> Statistic:
    """:func:`adjusted_patell` from Patell's sums; ``rbar`` broadcasts against them."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = patell_from(s).statistic * np.sqrt(1.0 / (1.0 + (s.n - 1.0) * rbar))
    return Statistic(z, normal_pvalue(z))


def skew_adj_t(x: FloatArray) -> Statistic:
    """Skewness-corrected t test (Hall 1992, as used by EventStudyTools).

    With S = X̄ / S_X and γ = N / ((N − 1)(N − 2)) Σ (X_i − X̄)³ / S_X³ (the adjusted
    Fisher-Pearson skewness), ``t = √N (S + γ S²/3 + γ² S³/27 + γ / (6N))`` (Hall 1992,
    the cubic transformation of the studentised mean); p-value from t(N − 1). The skewness
    needs N ≥ 3: with fewer values there is no statistic.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, K)
        ARs of a day or CARs of a window.

    Returns
    -------
    Statistic
    """
    return skew_adj_t_from(Moments.of(x))


def skew_adj_t_from(m: Moments) -> Statistic:
    """:func:`skew_adj_t` from the sums of the values, their squares and cubes."""
    n, sd = m.n, m.sd()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        gamma = n / ((n - 1.0) * (n - 2.0)) * m.third() / sd**3
        s = m.mean() / sd
        t = np.sqrt(n) * (s + gamma * s**2 / 3.0 + gamma**2 * s**3 / 27.0 + gamma / (6.0 * n))
    t = np.where(n >= 3, t, np.nan)
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
        From :func:`.day_codes`.

    Returns
    -------
    (float, int)
        S_BW and T.
    """
    sums, counts = day_sums(resid, valid, codes, n_days)
    s_bw, days = mean_residual_sd_from(sums, counts)
    return float(s_bw), int(days)


def mean_residual_sd_from(sums: FloatArray, counts: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`mean_residual_sd` from the day sums and counts of the residuals, shape (..., D)."""
    present = counts > 0
    days = present.sum(axis=-1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        aar = np.where(present, sums / np.where(present, counts, 1.0), 0.0)
        mean = aar.sum(axis=-1) / days
        dev = np.where(present, aar - mean[..., None], 0.0)
        s_bw = np.sqrt((dev**2).sum(axis=-1) / (days - 1.0))
    return np.where(days >= 2, s_bw, np.nan), days


def bw85(mean_x: FloatArray, tau: FloatArray, s_bw: FloatArray, n_days: FloatArray) -> Statistic:
    """Brown & Warner (1985) t test with the crude dependence adjustment.

    ``t = CAAR / (√τ S_BW)`` for a window of τ days (``AAR_t / S_BW`` for a day), with S_BW
    from :func:`mean_residual_sd` (Brown & Warner 1985; multi-day windows
    scale by √τ); p-value from t(T − 1).

    Parameters
    ----------
    mean_x : numpy.ndarray, shape (..., K)
        AAR of each day or CAAR of each window.
    tau : numpy.ndarray, shape (..., K)
        Days summed in each window: those on which some event has a value.
    s_bw : float or numpy.ndarray, shape (...)
    n_days : int or numpy.ndarray, shape (...)
        T, the estimation days behind S_BW.

    Returns
    -------
    Statistic
    """
    s_bw = np.asarray(s_bw, dtype=float)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.asarray(mean_x) / (np.sqrt(tau) * s_bw)
    df = np.broadcast_to(np.asarray(n_days, dtype=float)[..., None] - 1.0, t.shape)
    return Statistic(t, t_pvalue(t, df))


def standardised_day_sums(
    members: BlockGroups,
    resid: FloatArray,
    valid: np.ndarray,
    keys: np.ndarray | None,
    n_days: int,
) -> tuple[FloatArray, FloatArray]:
    """Day sums of the standardised residuals z_is behind r̄, and the events behind them.

    z_i = (e_i − ē_i) / ‖e_i − ē_i‖ over event i's own estimation days; an event with fewer
    than two residuals or all of them equal has none. Sums per group of ``members`` (a
    block of events) and day (``keys`` as in :func:`.block_rank_sums`), shape (g, n_days),
    and the events counted, shape (g,).
    """
    count = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, resid, 0.0).sum(axis=1) / count
        dev = np.where(valid, resid - mean[:, None], 0.0)
        norm = np.sqrt((dev**2).sum(axis=1))
        usable = (count >= 2) & (norm > 0) & np.isfinite(norm)
        z = dev / norm[:, None]
    sums = members.keyed_sums(keys, z, valid & usable[:, None], n_days)
    return sums, members.sum_rows(usable.astype(float))


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
    never meets counts as uncorrelated). Events are handled in blocks of :data:`.BLOCK_ROWS`.

    Parameters
    ----------
    resid : numpy.ndarray, shape (N, L)
    valid : numpy.ndarray of bool, shape (N, L)
    codes, n_days
        From :func:`.day_codes` (relative day or calendar date).

    Returns
    -------
    float
        NaN with fewer than two events.
    """
    groups = Groups.one(len(resid))

    def block(rows: slice) -> tuple[FloatArray, FloatArray]:
        return standardised_day_sums(
            groups.block(rows), resid[rows], valid[rows], None if codes is None else codes[rows],
            n_days,
        )

    parts = map_blocks(block, len(resid), BLOCK_ROWS)
    sums = np.sum([p[0][0] for p in parts], axis=0) if parts else np.zeros(n_days)
    n = np.sum([p[1][0] for p in parts]) if parts else 0.0
    return float(mean_residual_correlation_from(sums, float(n)))


def mean_residual_correlation_from(z_sums: FloatArray, n: FloatArray | float) -> FloatArray:
    """r̄ from the day sums of the z_is (shape (..., D)) and the events counted (shape (...)).

    Since ‖z_i‖ = 1, ``r̄ = (Σ_s (Σ_i z_is)² − n) / (n (n − 1))``; NaN for n < 2.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        rbar = ((z_sums * z_sums).sum(axis=-1) - n) / (n * (n - 1.0))
    return np.where(n >= 2, rbar, np.nan)
