"""Sufficient quantities of every multi-event test, per group, from blocks of events.

Every test of :mod:`eventstudy.statistics.parametric` and
:mod:`eventstudy.statistics.nonparametric` needs, of the events of a group, only sums over
those events: counts, sums of the tested values and of their squares and cubes, counts of
positive values, Patell's Σ SAR and Σ df/(df − 2), the BMP sums of SCAR and SCAR², the day
sums of the ranks (Corrado 1989; Kolari & Pynnönen 2011), of the estimation residuals
(Brown & Warner 1985) and of the standardised residuals behind r̄ (Kolari & Pynnönen 2010),
and the counts of positive residuals behind p̂ (Cowan 1992). A block of events produces these
quantities for every group it holds (:func:`first_pass`); :func:`combine` adds the blocks'
quantities in block order, so that the numbers do not depend on how many processors ran the
blocks; :mod:`eventstudy.statistics.tables` turns the sums into the statistics of every
group at once.

Two tests need more than one pass. The generalized rank test ranks each event's SCAR_i
re-standardised by the cross-sectional standard deviation of its group, S_SCAR, which the
first pass's sums give: :func:`second_pass` is a second map over the same blocks, given
S_SCAR. The Wilcoxon test ranks the values of all events of a day, so the blocks hand over
those values (:attr:`Quantities.values`) and only those.

An event may belong to several groups (a study and its subgroups; the samples of a
simulation): :class:`Groups` lists the memberships.

References
----------
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance in event
studies. Journal of Financial Economics 23(2), 385-395.
Cowan, A. R. (1992). Nonparametric event study tests. Review of Quantitative Finance and
Accounting 2(4), 343-358.
Kolari, J. W., Pynnönen, S. (2010). Event study testing with cross-sectional correlation of
abnormal returns. Review of Financial Studies 23(11), 3996-4025.
Kolari, J. W., Pynnönen, S. (2011). Nonparametric rank tests for event studies. Journal of
Empirical Finance 18(5), 953-971.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from eventstudy.models import Fit
from eventstudy.panel import FloatArray, Panel
from eventstudy.statistics.conventions import Conventions, effective_fit
from eventstudy.statistics.groups import Groups
from eventstudy.statistics.nonparametric import block_grank_sums, positive_share
from eventstudy.statistics.parametric import (
    Moments,
    mean_residual_correlation,
    mean_residual_sd,
    standardised_day_sums,
)
from eventstudy.statistics.ranks import block_rank_sums, day_codes


@dataclass(frozen=True)
class Columns:
    """What is tested: each event-window day and/or windows of relative days.

    Attributes
    ----------
    rel_days : numpy.ndarray of int, shape (W,)
        The event window's relative days.
    days : bool
        Whether every day is tested (the first W columns).
    windows : tuple of (int, int)
        Closed windows ``(start, end)``, after the days.
    """

    rel_days: np.ndarray
    days: bool
    windows: tuple[tuple[int, int], ...]

    @cached_property
    def tested(self) -> np.ndarray:
        """The event-window days of each column, shape (K, W)."""
        days = np.eye(len(self.rel_days), dtype=bool)[: self.n_days]
        windows = [(self.rel_days >= a) & (self.rel_days <= b) for a, b in self.windows]
        return np.concatenate([days, np.reshape(windows, (-1, len(self.rel_days)))])

    @property
    def n_days(self) -> int:
        """Number of day columns (0 or W)."""
        return len(self.rel_days) if self.days else 0

    @property
    def size(self) -> int:
        """Number of columns K."""
        return self.n_days + len(self.windows)


@dataclass(frozen=True)
class EventArrays:
    """The arrays every multi-event statistic is computed from, one row per event.

    Attributes
    ----------
    panel : Panel
    fit : Fit
        The fit under the conventions (:func:`.effective_fit`).
    conventions : Conventions
    groups : Groups
        The groups whose statistics are computed (every event in group 0 by default).
    rel_days : numpy.ndarray, shape (W,)
        Event-window relative days.
    ar, sar : numpy.ndarray, shape (N, W)
        Event-window abnormal returns and Patell SARs.
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals on the estimation-window columns (NaN where not used).
    est_valid : numpy.ndarray of bool, shape (N, L)
        Where ``resid`` is finite.
    """

    panel: Panel
    fit: Fit
    conventions: Conventions
    groups: Groups
    rel_days: np.ndarray
    ar: FloatArray
    sar: FloatArray
    resid: FloatArray
    est_valid: np.ndarray

    @property
    def n_events(self) -> int:
        """Number of events N."""
        return len(self.ar)

    @cached_property
    def _est_codes(self) -> tuple[np.ndarray | None, int]:
        dates = self.panel.dates_at(self.panel.cols(*self.panel.estimation))
        return day_codes(dates, self.est_valid, self.conventions.alignment)

    @cached_property
    def rbar(self) -> float:
        """Mean residual correlation r̄ of all the events (:func:`.mean_residual_correlation`)."""
        return mean_residual_correlation(self.resid, self.est_valid, *self._est_codes)

    @cached_property
    def s_bw(self) -> float:
        """S_BW of all the events (:func:`.mean_residual_sd`)."""
        return mean_residual_sd(self.resid, self.est_valid, *self._est_codes)[0]

    @cached_property
    def p_hat(self) -> float:
        """p̂ of all the events under the conventions (:func:`.positive_share`)."""
        return positive_share(self.resid, self.est_valid, self.conventions.p_hat)

    @cached_property
    def residuals(self) -> Residuals:
        """The estimation residuals and their days, as the second pass needs them."""
        dates = None
        if self.conventions.alignment == "calendar":
            scols = self.panel.cols(*self.panel.estimation)
            dates = self.panel.dates_at(scols).view("int64")
        return Residuals(self.resid, self.fit.sigma, dates, self.groups)


@dataclass(frozen=True)
class Residuals:
    """Each event's estimation residuals and the cross-sectional day of each.

    Attributes
    ----------
    resid : numpy.ndarray, shape (N, L)
        Estimation residuals, NaN where not used (:attr:`EventArrays.resid`).
    sigma : numpy.ndarray, shape (N,)
        σ_i under the conventions.
    dates : numpy.ndarray of int64, shape (N, L), or None
        Each residual's date (nanoseconds) with calendar alignment; None with relative-day
        alignment, where the column is the day.
    groups : Groups
    """

    resid: FloatArray
    sigma: FloatArray
    dates: np.ndarray | None
    groups: Groups

    def valid(self, rows: slice) -> np.ndarray:
        """Where the events ``rows`` have a residual."""
        return np.asarray(np.isfinite(self.resid[rows]))

    def est_days(self, rows: slice) -> tuple[np.ndarray | None, np.ndarray]:
        """The cross-sectional day of each estimation value of the events ``rows``.

        Returns ``(keys, days)``: with relative-day alignment keys is None (the column is the
        day) and days the column numbers; with calendar alignment keys numbers (0..) the
        distinct dates ``days`` (int64 nanoseconds) of the block's valid values.
        """
        if self.dates is None:
            return None, np.arange(self.resid.shape[1])
        dates = self.dates[rows]
        valid = self.valid(rows)
        days, inverse = np.unique(dates[valid], return_inverse=True)
        keys = np.zeros(dates.shape, dtype=np.intp)
        keys[valid] = inverse.ravel()
        return keys, days

    def compact(self) -> Residuals:
        """The same residuals in arrays of their own (not views of larger ones)."""
        dates = None if self.dates is None else np.ascontiguousarray(self.dates)
        return Residuals(np.ascontiguousarray(self.resid), np.ascontiguousarray(self.sigma),
                         dates, self.groups)


def event_arrays(
    panel: Panel,
    fit: Fit,
    conventions: Conventions | None = None,
    groups: Groups | None = None,
) -> EventArrays:
    """Collect the inputs of the statistics from a panel and its fit.

    ``groups``: the groups to compute statistics for (default: every event in one group).
    """
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
    return EventArrays(
        panel=panel,
        fit=eff,
        conventions=conv,
        groups=Groups.one(len(ar)) if groups is None else groups,
        rel_days=panel.rel_days[ecols],
        ar=ar,
        sar=sar,
        resid=resid,
        est_valid=est_valid,
    )


@dataclass(frozen=True)
class Quantities:
    """Sufficient quantities of the groups of some events.

    Attributes
    ----------
    groups : numpy.ndarray of int, shape (G,)
        The groups, in increasing order.
    days : numpy.ndarray of int64, shape (D,)
        The cross-sectional estimation days (column numbers, or dates), in increasing order.
    of_group : dict of str to numpy.ndarray
        Sums per group, each of shape (G, ...).
    of_day : dict of str to numpy.ndarray
        Sums per group and estimation day, each of shape (G, D, ...).
    values : numpy.ndarray, shape (M, K)
        The tested value of each membership (the events' ARs or CARs), for the Wilcoxon test.
    value_groups : numpy.ndarray of int, shape (M,)
        The group of each row of ``values``.
    """

    groups: np.ndarray
    days: np.ndarray
    of_group: dict[str, FloatArray]
    of_day: dict[str, FloatArray]
    values: FloatArray
    value_groups: np.ndarray


def combine(parts: Sequence[Quantities]) -> Quantities:
    """The quantities of all ``parts`` together: sums added in the order of the parts.

    Examples
    --------
    >>> import numpy as np
    >>> a = Quantities(np.array([0]), np.array([3]), {"n": np.array([2.0])},
    ...                {"s": np.array([[1.0]])}, np.zeros((2, 0)), np.array([0, 0]))
    >>> b = Quantities(np.array([0, 1]), np.array([3, 4]), {"n": np.array([1.0, 5.0])},
    ...                {"s": np.array([[1.0, 2.0], [3.0, 4.0]])}, np.zeros((1, 0)), np.array([1]))
    >>> c = combine([a, b])
    >>> c.of_group["n"].tolist(), c.of_day["s"].tolist()
    ([3.0, 5.0], [[2.0, 2.0], [3.0, 4.0]])
    """
    if len(parts) == 1:
        return parts[0]
    groups = np.unique(np.concatenate([p.groups for p in parts]))
    days = np.unique(np.concatenate([p.days for p in parts]))
    first = parts[0]
    of_group = {k: np.zeros((len(groups), *v.shape[1:])) for k, v in first.of_group.items()}
    of_day = {
        k: np.zeros((len(groups), len(days), *v.shape[2:])) for k, v in first.of_day.items()
    }
    for part in parts:
        g = np.searchsorted(groups, part.groups)
        d = np.searchsorted(days, part.days)
        for k, v in part.of_group.items():
            of_group[k][g] += v
        at = np.ix_(g, d)
        for k, v in part.of_day.items():
            of_day[k][at] += v
    return Quantities(
        groups,
        days,
        of_group,
        of_day,
        np.concatenate([p.values for p in parts]),
        np.concatenate([p.value_groups for p in parts]),
    )


def car_variance(fit: Fit, mask: np.ndarray) -> FloatArray:
    """Variance of each event's CAR over the days in ``mask``, that standardises SCAR_i.

    The exact variance of a cumulated prediction error (Mikkelson & Partch 1988;
    :meth:`eventstudy.models.Fit.car_variance`), as Kolari & Pynnönen (2010) use for
    BMP and KP; for abnormal values that are not prediction errors, such as the variance
    ratio of ``measure="volatility"`` (:meth:`eventstudy.models.Fit.uncentred`), which
    define no exact variance, the simple ``K σ²``.

    References
    ----------
    Mikkelson, W. H., Partch, M. M. (1988). Withdrawn security offerings. Journal of
    Financial and Quantitative Analysis 23(2), 119-133.
    """
    return fit.car_variance(mask, exact=fit.prediction_errors)


def tested_values(
    arrays: EventArrays, rows: slice, columns: Columns
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """X (AR or CAR), SCAR and Σ SAR / √τ of the events ``rows`` in every column, (n, K) each.

    A day's X is AR_it and its SCAR and Σ SAR/√τ both the Patell SAR_it. A window's X is
    CAR_i, the sum of event i's ARs over the days of the window it has one on (NaN without
    any), SCAR_i = CAR_i / √Var(CAR_i) (:func:`car_variance`) and Σ_t SAR_it / √τ_i.
    """
    ar, sar = arrays.ar[rows], arrays.sar[rows]
    xs, scars, csars = ([ar], [sar], [sar]) if columns.days else ([], [], [])
    if columns.windows:
        fit = arrays.fit.take(rows)
        ecols = arrays.panel.event_cols
        present = np.isfinite(ar)
        finite_all = np.isfinite(fit.ar)
        for a, b in columns.windows:
            inside = (arrays.rel_days >= a) & (arrays.rel_days <= b)
            here = present & inside
            tau = here.sum(axis=1).astype(float)
            has = tau > 0
            mask = np.zeros(fit.ar.shape, dtype=bool)
            mask[:, ecols] = inside[None, :]
            mask &= finite_all
            with np.errstate(invalid="ignore", divide="ignore"):
                car = np.where(has, np.where(here, ar, 0.0).sum(axis=1), np.nan)
                scar = car / np.sqrt(car_variance(fit, mask))
                csar = np.where(has, np.where(here, sar, 0.0).sum(axis=1), np.nan) / np.sqrt(tau)
            xs.append(car[:, None])
            scars.append(scar[:, None])
            csars.append(csar[:, None])
    n = rows.stop - rows.start

    def stack(parts: list[FloatArray]) -> FloatArray:
        return np.concatenate(parts, axis=1) if parts else np.empty((n, 0))

    return stack(xs), stack(scars), stack(csars)


def first_pass(
    arrays: EventArrays, rows: slice, columns: Columns
) -> tuple[Quantities, FloatArray]:
    """The quantities of the events ``rows`` (one block), and their SCARs for the second pass.

    Returns
    -------
    (Quantities, numpy.ndarray)
        The quantities of the groups in the block, and SCAR_i of each event and column
        (shape (n, K)), which :func:`second_pass` re-standardises.
    """
    rows = slice(rows.start, min(rows.stop, arrays.n_events))
    members = arrays.groups.block(rows)
    x, scar, csar = tested_values(arrays, rows, columns)
    of_group: dict[str, FloatArray] = {}

    # Moments of X, its signs; BMP's SCAR sums; Patell's sums (events with df > 2).
    valid = np.isfinite(x)
    xv = np.where(valid, x, 0.0)
    sv_ok = np.isfinite(scar)
    sv = np.where(sv_ok, scar, 0.0)
    df = np.asarray(arrays.fit.df[rows], dtype=float)
    p_ok = np.isfinite(csar) & (df > 2)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(p_ok, (df / (df - 2.0))[:, None], 0.0)
    per_column = np.stack(
        [
            valid, xv, xv * xv, xv * xv * xv, xv > 0, valid & (x != 0),
            sv_ok, sv, sv * sv,
            p_ok, np.where(p_ok, csar, 0.0), q,
        ],
        axis=1,
        dtype=float,
    )
    names = ("n", "sum", "sum2", "sum3", "pos", "nonzero", "bmp_n", "bmp_sum", "bmp_sum2",
             "patell_n", "patell_sum", "patell_var")
    sums = members.sum_rows(per_column)
    of_group.update({name: sums[:, j] for j, name in enumerate(names)})

    # Each event-window day: events present; CARs from the first day to it (the band).
    ar = arrays.ar[rows]
    present = np.isfinite(ar)
    seen = np.cumsum(present, axis=1) > 0
    cum = np.where(seen, np.cumsum(np.where(present, ar, 0.0), axis=1), 0.0)
    sums = members.sum_rows(np.stack([present, seen, cum, cum * cum], axis=1, dtype=float))
    for j, name in enumerate(("event_n", "cum_n", "cum_sum", "cum_sum2")):
        of_group[name] = sums[:, j]

    # The estimation residuals: BW85's day sums, r̄'s standardised day sums, p̂'s counts.
    resid = arrays.resid[rows]
    est_valid = arrays.est_valid[rows]
    keys, days = arrays.residuals.est_days(rows)
    n_days = len(days)
    of_day = {
        "resid_sum": members.keyed_sums(keys, resid, est_valid, n_days),
        "resid_n": members.keyed_sums(keys, np.ones(1), est_valid, n_days),
    }
    of_day["z_sum"], of_group["rbar_n"] = standardised_day_sums(
        members, resid, est_valid, keys, n_days
    )
    length = est_valid.sum(axis=1).astype(float)
    positive = np.count_nonzero(est_valid & (resid > 0), axis=1).astype(float)
    has = length > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(has, positive / length, 0.0)
    sums = members.sum_rows(np.stack([share, has, positive, length], axis=1, dtype=float))
    for j, name in enumerate(("share_sum", "share_n", "positive", "length")):
        of_group[name] = sums[:, j]

    # Ranks: Corrado's over the estimation days and the event window; GRANK's of the
    # estimation residuals among themselves.
    ranked = block_rank_sums(members, resid, est_valid, keys, n_days, ar)
    of_day["rank_sum"] = ranked.ranks[:, :n_days]
    of_day["centre_sum"] = ranked.centres[:, :n_days]
    of_day["est_rank"] = ranked.est_ranks
    of_group["event_rank"] = ranked.ranks[:, n_days:]
    of_group["event_centre"] = ranked.centres[:, n_days:]
    of_group["ranked_n"], of_group["ranked_length"] = ranked.n, ranked.length
    if columns.windows and arrays.conventions.rank_days == "car":
        # Corrado over the estimation days and the window's days alone (estudy2).
        parts = [
            block_rank_sums(
                members, resid, est_valid, keys, n_days,
                np.where(((arrays.rel_days >= a) & (arrays.rel_days <= b))[None, :], ar, np.nan),
                est_ranks=False,
            )
            for a, b in columns.windows
        ]
        of_day["car_rank_sum"] = np.stack([p.ranks[:, :n_days] for p in parts], axis=2)
        of_day["car_centre_sum"] = np.stack([p.centres[:, :n_days] for p in parts], axis=2)
        of_group["car_event_rank"] = np.stack([p.ranks[:, n_days:] for p in parts], axis=1)
        of_group["car_event_centre"] = np.stack([p.centres[:, n_days:] for p in parts], axis=1)
        of_group["car_ranked_n"] = np.stack([p.n for p in parts], axis=1)
        of_group["car_ranked_length"] = np.stack([p.length for p in parts], axis=1)

    quantities = Quantities(
        members.ids,
        days,
        of_group,
        of_day,
        x[members.event],
        members.ids[members.local],
    )
    return quantities, scar


def second_pass(
    residuals: Residuals, rows: slice, scar: FloatArray, scale: FloatArray
) -> Quantities:
    """The generalized rank test's quantities of the events ``rows``, given S_SCAR.

    ``scar`` holds the block's SCAR_i (from :func:`first_pass`), ``scale`` the
    cross-sectional standard deviation S_SCAR of each group (row: group number) and column
    (:func:`restandardising_scale`). Each member's day 0 is SCAR*_i = SCAR_i / S_SCAR of
    its group (Kolari & Pynnönen 2011); the sums are those of :func:`.block_grank_sums`.
    """
    rows = slice(rows.start, min(rows.stop, len(residuals.resid)))
    members = residuals.groups.block(rows)
    keys, days = residuals.est_days(rows)
    group_scale = scale[members.ids]
    with np.errstate(invalid="ignore", divide="ignore"):
        gsar0 = scar[members.event] / group_scale[members.local]
    active = np.isfinite(group_scale) & (group_scale > 0)
    sums = block_grank_sums(
        members, residuals.resid[rows], residuals.sigma[rows], residuals.valid(rows), keys,
        len(days), gsar0, active,
    )
    above = sums.pop("above")
    return Quantities(
        members.ids,
        days,
        {f"grank_{k}": v for k, v in sums.items()},
        {"grank_above": above},
        np.empty((0, scar.shape[1])),
        np.empty(0, dtype=np.intp),
    )


def restandardising_scale(first: Quantities, n_groups: int) -> FloatArray:
    """S_SCAR of each group (row: group number; NaN for a group without events) and column.

    The cross-sectional standard deviation of SCAR_i (divisor N − 1), from the BMP sums.
    """
    scale = np.full((n_groups, first.of_group["bmp_n"].shape[1]), np.nan)
    scale[first.groups] = Moments(
        first.of_group["bmp_n"], first.of_group["bmp_sum"], first.of_group["bmp_sum2"],
        np.zeros(1),
    ).sd()
    return scale
