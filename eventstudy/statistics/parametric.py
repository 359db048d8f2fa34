"""Parametric tests of the mean abnormal return across events.

Every test is a plain function over arrays whose rows are events and whose columns are the
days (or the windows) tested; it returns a :class:`.Statistic`
holding one value and one two-sided p-value per column. Missing values are NaN: an event
without a value on a day does not enter that day's cross-section. The notation is that of
:mod:`eventstudy.statistics`.

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

import numpy as np

from eventstudy._blocks import map_blocks
from eventstudy.panel import FloatArray
from eventstudy.statistics.pvalues import Statistic, normal_pvalue, t_pvalue
from eventstudy.statistics.ranks import BLOCK_ROWS, day_sums


def column_moments(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Count, mean, standard deviation (divisor n − 1) and deviations of each column."""
    valid = np.isfinite(x)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, x, 0.0).sum(axis=0) / n
        dev = np.where(valid, x - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / (n - 1))
    return n.astype(float), mean, sd, dev


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
    n, mean, sd, _ = column_moments(x)
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
    valid = np.isfinite(sar) & patell_events(df)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.asarray(df, dtype=float) / (np.asarray(df, dtype=float) - 2.0)
        z = np.where(valid, sar, 0.0).sum(axis=0) / np.sqrt(
            np.where(valid, q[:, None], 0.0).sum(axis=0)
        )
    z = np.where(valid.any(axis=0), z, np.nan)
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
    n = (np.isfinite(sar) & patell_events(df)[:, None]).sum(axis=0).astype(float)
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
    n, mean, sd, dev = column_moments(x)
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
        From :func:`.day_codes`.

    Returns
    -------
    (float, int)
        S_BW and T.
    """
    sums, counts = day_sums(resid, valid, codes, n_days)
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
        Days summed in each window: those on which some event has a value.
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
        return day_sums(z, valid_rows[usable], sub_codes, n_days)[0], int(usable.sum())

    parts = map_blocks(block, len(resid), BLOCK_ROWS)
    sums = np.sum([p[0] for p in parts], axis=0) if parts else np.zeros(n_days)
    n = sum(p[1] for p in parts)
    if n < 2:
        return float("nan")
    return float((np.dot(sums, sums) - n) / (n * (n - 1.0)))
