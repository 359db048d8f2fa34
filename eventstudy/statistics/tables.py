"""The tables of a study: every test on each event-window day and over each window.

:func:`event_arrays` collects once what every statistic is computed from;
:func:`daily_statistics` and :func:`window_statistics` run every test of
:mod:`eventstudy.statistics.parametric` and :mod:`eventstudy.statistics.nonparametric`
on them, one row per day or window.

References
----------
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
Mikkelson, W. H., Partch, M. M. (1988). Withdrawn security offerings. Journal of Financial and
Quantitative Analysis 23(2), 119-133.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eventstudy._typing import window_label
from eventstudy.models import Fit
from eventstudy.panel import FloatArray, Panel
from eventstudy.statistics.conventions import Conventions, effective_fit
from eventstudy.statistics.nonparametric import (
    RankMissing,
    corrado_from_sums,
    generalized_rank,
    generalized_sign,
    positive_share,
    sign_test,
    wilcoxon,
)
from eventstudy.statistics.parametric import (
    adjusted_patell,
    bmp,
    bw85,
    column_moments,
    csect_t,
    kolari_pynnonen,
    mean_residual_correlation,
    mean_residual_sd,
    patell,
    patell_events,
    skew_adj_t,
)
from eventstudy.statistics.pvalues import Statistic
from eventstudy.statistics.ranks import RankSums, day_codes, rank_sums


@dataclass(frozen=True)
class EventArrays:
    """The arrays every multi-event statistic is computed from.

    Attributes
    ----------
    panel : Panel
    fit : Fit
        The fit under the conventions (:func:`.effective_fit`).
    conventions : Conventions
    rel_days : numpy.ndarray, shape (W,)
        Event-window relative days.
    ar, sar : numpy.ndarray, shape (N, W)
        Event-window abnormal returns and Patell SARs.
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals on the estimation-window columns (NaN where not used).
    est_valid : numpy.ndarray of bool, shape (N, L)
    codes : numpy.ndarray or None
        Cross-sectional day of each estimation value (:func:`.day_codes`).
    n_est_days : int
    rbar : float
        Mean residual correlation (:func:`.mean_residual_correlation`).
    s_bw : float
    n_bw_days : int
    p_hat : float
    rank_sums : RankSums
        Day sums of the ranks for the rank tests (:func:`.rank_sums`).
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


def _restandardise(scar: FloatArray) -> FloatArray:
    """SCAR_i / S_SCAR, S_SCAR the cross-sectional standard deviation (divisor N − 1)."""
    _, _, sd, _ = column_moments(scar)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(scar / sd)


def car_variance(fit: Fit, mask: np.ndarray) -> FloatArray:
    """Variance of each event's CAR over the days in ``mask``, that standardises SCAR_i.

    The exact variance of a cumulated prediction error (Mikkelson & Partch 1988;
    :meth:`eventstudy.models.Fit.car_variance`), as Kolari & Pynnönen (2010) use for
    BMP and KP; for abnormal values that are not prediction errors, such as the variance
    ratio of ``measure="volatility"`` (:meth:`eventstudy.models.Fit.uncentred`), which
    define no exact variance, the simple ``K σ²``.
    """
    return fit.car_variance(mask, exact=fit.prediction_errors)


def _window_sums(arrays: EventArrays, start: int, end: int) -> dict[str, FloatArray]:
    """CAR, SCAR (:func:`car_variance`) and Σ SAR/√τ of each event over ``[start, end]``."""
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
        scar = car / np.sqrt(car_variance(arrays.fit, mask))
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
    n, mean_x, _, _ = column_moments(x)
    tau = (tested & np.isfinite(arrays.ar).any(axis=0)).sum(axis=1).astype(float)  # days summed
    out["n"] = n.astype(np.int64)  # counts are integers
    out["n_pos"] = (np.where(valid, x, 0.0) > 0).sum(axis=0)
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
    statistics of :func:`daily_statistics`, computed on CARs.

    CAR_i sums event i's abnormal returns over the days of the window it has one on (as a
    single event's CAR does), and ``caar`` is the mean of the CAR_i, n the events with at
    least one such day: the quantity the cross-sectional tests test and
    :meth:`eventstudy.results.study.StudyResult.cumulative` draws. Where some events lack a
    day, it is not the sum of the days' AARs. ``csect_t``, ``skew_adj_t``,
    ``sign``, ``gsign`` and ``wilcoxon`` on CAR_i; ``bmp``, ``kp`` and ``grank_*`` on
    SCAR_i (:func:`car_variance`); ``patell`` and ``adj_patell`` on Σ_t SAR_it / √τ; ``bw85``
    and ``rank`` from the daily quantities (see :func:`.bw85`, :func:`.corrado_rank`).
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
        res = corrado_from_sums(sums, one, missing)
        stats_.append(float(res.statistic[0]))
        pvals.append(float(res.pvalue[0]))
    return Statistic(np.array(stats_), np.array(pvals))


def _full_window_rank(arrays: EventArrays, tested: np.ndarray, missing: RankMissing) -> Statistic:
    """Corrado statistics of the tested event days, ranks over estimation + event window."""
    tested_days = np.zeros((len(tested), len(arrays.rank_sums.counts)), dtype=bool)
    tested_days[:, arrays.n_est_days :] = tested
    return corrado_from_sums(arrays.rank_sums, tested_days, missing)


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


def table_notes(arrays: EventArrays, labels: Sequence[str]) -> list[str]:
    """What the tables leave out, one line each, naming the studied events by ``labels``.

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.study([("000800.SZ", "2021-03-31")], market="000300.SS",
    ...                        estimation=(-6, -3), window=(-2, 2), min_estimation=3)
    >>> table_notes(res._arrays, ["0 (000800.SZ)"])[0][:40]
    'Left out of the Patell tests (df ≤ 2, so'
    """
    notes = []
    left_out = [label for label, ok in zip(labels, patell_events(arrays.fit.df), strict=True)
                if not ok]
    if left_out:
        more = f" and {len(left_out) - 10} more" if len(left_out) > 10 else ""
        notes.append(
            "Left out of the Patell tests (df ≤ 2, so that Var SAR = df/(df − 2) is not "
            f"finite): {'events' if len(left_out) > 1 else 'event'} {', '.join(left_out[:10])}"
            f"{more}. A longer estimation window "
            "gives df > 2."
        )
    return notes
