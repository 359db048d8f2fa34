"""Statistics for one firm's abnormal returns, computed for every event of a batch at once.

Notation (MacKinlay 1997): L estimation days, σ the model's residual standard deviation
(divisor ``df``: L − 2 for the market model, L − 1 for the market-adjusted and constant-mean
models), C_t the prediction-error factor of :class:`eventstudy.models.Fit`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eventstudy.models import Fit
from eventstudy.panel import FloatArray, Panel
from eventstudy.statistics.pvalues import f_upper, t_pvalue, t_upper
from eventstudy.statistics.ranks import average_ranks


@dataclass(frozen=True)
class DailyTests:
    """Per-day tests of one firm's abnormal returns, arrays of shape (N, D).

    Attributes
    ----------
    t, pvalue : numpy.ndarray
        ``t_t = AR_t / σ`` and its two-sided p-value from t(df) (MacKinlay 1997, eq. 8 and
        the test of section 5 with σ² in place of σ²·C_t).
    pvalue_upper : numpy.ndarray
        One-sided p-value of ``t`` for the alternative AR > 0.
    sar, sar_pvalue : numpy.ndarray
        Standardised abnormal return ``SAR_t = AR_t / (σ √C_t)`` with the prediction-error
        correction ``C_t`` (Patell 1976, eq. 6), and its p-value from t(df).
    """

    t: FloatArray
    pvalue: FloatArray
    pvalue_upper: FloatArray
    sar: FloatArray
    sar_pvalue: FloatArray


def daily_tests(fit: Fit) -> DailyTests:
    """t and SAR of every abnormal return (see :class:`DailyTests`)."""
    df = fit.df[:, None].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):  # σ = 0: t is ±inf or NaN, said so
        t = fit.ar / fit.sigma[:, None]
        sar = t / np.sqrt(fit.c)
    upper = t_upper(t, df)
    return DailyTests(t, t_pvalue(t, df), upper, sar, t_pvalue(sar, df))


@dataclass(frozen=True)
class CarTest:
    """Cumulative abnormal return over a window, for each event (arrays of shape (N,)).

    Attributes
    ----------
    start, end : int
        The closed window of relative days.
    k : numpy.ndarray
        Number of days with an abnormal return in the window.
    car : numpy.ndarray
        ``CAR = Σ_{t=start}^{end} AR_t`` (MacKinlay 1997, eq. 12) over the days that have an
        AR; NaN (and so are the tests) when none has.
    se, t, pvalue : numpy.ndarray
        Standard error from the exact variance of the summed prediction errors,
        ``σ² [K + K²/L + (Σ_{t∈K}(R_m,t − R̄_m))² / S_mm]`` (MacKinlay 1997, eq. 16 with the
        appendix's V_i; Mikkelson & Partch 1988), ``t = CAR / se`` and its p-value from t(df).
    se_simple, t_simple, pvalue_simple : numpy.ndarray
        The same with the simple variance ``K σ²``, which ignores parameter uncertainty.
    """

    start: int
    end: int
    k: np.ndarray
    car: FloatArray
    se: FloatArray
    t: FloatArray
    pvalue: FloatArray
    se_simple: FloatArray
    t_simple: FloatArray
    pvalue_simple: FloatArray


def car_test(fit: Fit, panel: Panel, start: int, end: int) -> CarTest:
    """CAR over ``[start, end]`` with its exact and simple t-tests (see :class:`CarTest`)."""
    cols = panel.cols(start, end)
    mask = np.zeros(fit.ar.shape, dtype=bool)
    mask[:, cols] = np.isfinite(fit.ar[:, cols])
    empty = ~mask.any(axis=1)  # no day of the window has a value: no CAR (NaN, not 0)
    car = np.where(empty, np.nan, np.where(mask, fit.ar, 0.0).sum(axis=1))
    df = fit.df.astype(float)
    se = np.where(empty, np.nan, np.sqrt(fit.car_variance(mask, exact=True)))
    se_simple = np.where(empty, np.nan, np.sqrt(fit.car_variance(mask, exact=False)))
    with np.errstate(invalid="ignore", divide="ignore"):
        t, t_simple = car / se, car / se_simple
    return CarTest(
        start,
        end,
        mask.sum(axis=1),
        car,
        se,
        t,
        t_pvalue(t, df),
        se_simple,
        t_simple,
        t_pvalue(t_simple, df),
    )


def corrado_single(fit: Fit, panel: Panel) -> tuple[FloatArray, FloatArray]:
    """Corrado (1989) rank statistic of each event day for one firm, and its exact p-value.

    The firm's L estimation residuals and its event-window abnormal returns (T values in all)
    are ranked together, ties taking their average rank (Corrado 1989, p. 387). With
    ``U_τ = K_τ − (T + 1)/2``, the statistic for day t is

    ``z_t = U_t / sqrt( (1/T) Σ_τ U_τ² )``,

    the single-firm case (N = 1) of Corrado's eq. (3)–(4).

    The p-value is exact (:func:`exact_rank_pvalue`), not normal. With one firm K_t is one
    of T ranks, so ``|z_t| ≤ √(3 (T − 1)/(T + 1))`` (1.73 for T = 251) and the normal
    p-value never falls below about 0.085: the test could not reject at 5% whatever the
    effect. The normal approximation holds for the mean rank over many events, where
    :func:`eventstudy.statistics.nonparametric.corrado_rank` keeps it.

    Returns
    -------
    z, pvalue : numpy.ndarray, shape (N, D)
        NaN outside the event window.
    """
    event = np.zeros(fit.ar.shape, dtype=bool)
    event[:, panel.event_cols] = True
    used = (panel.est_mask | event) & np.isfinite(fit.ar)
    ranks = average_ranks(fit.ar, used)
    t_count = used.sum(axis=1)[:, None]
    u = np.where(used, ranks - (t_count + 1) / 2.0, 0.0)
    scale = np.sqrt((u**2).sum(axis=1, keepdims=True) / t_count)
    z = np.where(event & used, u / scale, np.nan)
    pvalue = np.full(z.shape, np.nan)
    cols = np.arange(z.shape[1])[panel.event_cols]
    pvalue[:, cols] = exact_rank_pvalue(fit.ar, used, cols)
    return z, pvalue


def exact_rank_pvalue(values: FloatArray, valid: np.ndarray, cols: np.ndarray) -> FloatArray:
    """Exact two-sided p-value of the rank of each value in ``cols`` among its row's values.

    Under the null of the rank test the row's T valid values are exchangeable (Corrado 1989),
    so the value on a tested day is equally likely to be any of the T: its rank K_t is
    drawn from the T ranks observed, ties keeping their average rank (a permutation test;
    Lehmann & Romano 2022, section 17.2). The smaller tail is doubled, as for the SQ test
    (:func:`sq_test`):

    ``p_t = min(1, 2 min(#{τ: X_τ ≤ X_t}, #{τ: X_τ ≥ X_t}) / T)``,

    which without ties is ``2 min(K_t, T − K_t + 1) / T``.

    Parameters
    ----------
    values : numpy.ndarray, shape (N, M)
    valid : numpy.ndarray of bool, shape (N, M)
        The values ranked in each row.
    cols : numpy.ndarray of int, shape (K,)
        The columns tested.

    Returns
    -------
    numpy.ndarray, shape (N, K)
        NaN where the tested value is not valid.

    References
    ----------
    Lehmann, E. L., Romano, J. P. (2022). Testing Statistical Hypotheses, 4th ed. Springer.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(1.0, 252.0)[None, :]  # T = 251 values, the tested one ranks 246th
    >>> round(float(exact_rank_pvalue(x, np.ones_like(x, dtype=bool), np.array([245]))[0, 0]), 6)
    0.047809
    """
    x = np.where(valid, values, np.nan)  # NaN is neither below nor above any value
    t_count = valid.sum(axis=1)
    pvalue = np.full((len(x), len(cols)), np.nan)
    for j, col in enumerate(cols):
        below = (x <= x[:, col, None]).sum(axis=1)
        above = (x >= x[:, col, None]).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            pvalue[:, j] = np.minimum(1.0, 2.0 * np.minimum(below, above) / t_count)
    return np.where(valid[:, cols], pvalue, np.nan)


@dataclass(frozen=True)
class SQTest:
    """The SQ test (Gelbach, Helland & Klick 2013) for one event and one window.

    Attributes
    ----------
    car : float
        The window's cumulative abnormal return.
    n_sums : int
        Reference sample size: the L − K + 1 sums of K consecutive estimation residuals.
    n_le, n_ge : int
        How many reference sums are ≤ and ≥ the CAR.
    percentile : float
        ``n_le / n_sums``: where the CAR falls among the model's own K-day residual sums.
    p_lower, p_upper, p_two_sided : float
        ``n_le / n_sums``, ``n_ge / n_sums`` and ``min(1, 2 min(p_lower, p_upper))``.
    """

    start: int
    end: int
    car: float
    n_sums: int
    n_le: int
    n_ge: int
    percentile: float
    p_lower: float
    p_upper: float
    p_two_sided: float


def sq_test(residuals: FloatArray, car: float, k: int, start: int, end: int) -> SQTest:
    """SQ test: compare a K-day CAR with the sums of K consecutive estimation residuals.

    Gelbach, Helland & Klick (2013, section III) test a single firm's single event without
    assuming normal abnormal returns: the CAR is compared with the empirical distribution of
    the model's estimation residuals summed over the same number K of consecutive trading days,
    ``S_j = e_j + … + e_{j+K−1}``, j = 1 … L − K + 1. The p-value reported is the smallest
    level at which the two-sided quantile test rejects, ``min(1, 2 min(p_lower, p_upper))``.

    Parameters
    ----------
    residuals : numpy.ndarray
        The estimation residuals in trading-day order (missing days removed).
    car : float
        The CAR over the window.
    k : int
        Number of days of the window that have an abnormal return; with none (or fewer
        residuals than that), the test has no reference sample and every p-value is NaN.
    start, end : int
        The window, recorded in the result.

    References
    ----------
    Gelbach, J. B., Helland, E., Klick, J. (2013). Valid inference in single-firm,
    single-event studies. American Law and Economics Review 15(2), 495–541.
    """
    if k < 1 or len(residuals) < k:  # no day of the window has a value: nothing to compare
        nan = float("nan")
        return SQTest(start, end, float(car), 0, 0, 0, nan, nan, nan, nan)
    sums = np.convolve(residuals, np.ones(k), mode="valid")
    n = len(sums)
    n_le = int((sums <= car).sum())
    n_ge = int((sums >= car).sum())
    p_lower, p_upper = n_le / n, n_ge / n
    return SQTest(
        start,
        end,
        float(car),
        n,
        n_le,
        n_ge,
        p_lower,
        p_lower,
        p_upper,
        min(1.0, 2.0 * min(p_lower, p_upper)),
    )


@dataclass(frozen=True)
class BeaverU:
    """Beaver's (1968) U statistic of abnormal volatility, arrays of shape (N, D).

    Attributes
    ----------
    u : numpy.ndarray
        ``U_t = e_t² / σ²``, the squared residual relative to the estimation variance
        (``= t_t²``).
    u_star : numpy.ndarray
        ``U*_t = e_t² / (σ² C_t)`` with the prediction-error factor (``= SAR_t²``). Under
        the null with normal iid errors it is exactly F(1, df).
    av : numpy.ndarray
        Abnormal volatility ``U_t − 1``.
    pvalue : numpy.ndarray
        ``P(F(1, df) > U*_t)``.
    pvalue_u : numpy.ndarray
        ``P(F(1, df) > U_t)``, ignoring estimation error.
    """

    u: FloatArray
    u_star: FloatArray
    av: FloatArray
    pvalue: FloatArray
    pvalue_u: FloatArray


def beaver_u(fit: Fit) -> BeaverU:
    """Beaver (1968) U and U* of every residual of a fitted return model (see :class:`BeaverU`).

    References
    ----------
    Beaver, W. H. (1968). The information content of annual earnings announcements. Journal
    of Accounting Research 6 (Supplement), 67–92.
    """
    df = fit.df[:, None].astype(float)
    u = (fit.ar / fit.sigma[:, None]) ** 2
    u_star = u / fit.c
    return BeaverU(u, u_star, u - 1.0, f_upper(u_star, 1.0, df), f_upper(u, 1.0, df))
