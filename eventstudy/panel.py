"""Aligned return arrays: events × relative trading days.

This is where prices become the numbers every model and statistic works on. For each
(stock, market) pair the stock's returns are computed on the stock's own trading days and the
market's return on each row covers *the same interval*: the ratio of the market's closes on
the stock's trading day and on the stock's previous trading day. After a suspension the stock's
first return (close / preclose) spans several sessions, so the market return on that row is
compounded over the same sessions. Such rows are flagged (``gap``) and can be dropped from the
estimation instead (``gaps="drop"``).

Events are then laid on a common grid of relative days: day 0 is the stock's first trading
day on or after the event date, and day k is the stock's k-th trading day after (before, for
negative k) day 0. A day the data do not reach, or a row whose return is missing, is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from eventstudy._typing import GapRule, Measure, ReturnsKind, Window
from eventstudy.errors import DataQualityWarning, warn
from eventstudy.sources._frame import PriceArrays, StockTable

FloatArray = np.ndarray


@dataclass(frozen=True)
class Series:
    """Stocks' measures and their markets', on the stocks' trading days.

    One stock, or several laid end to end (:func:`lay_end_to_end`).

    Attributes
    ----------
    dates : numpy.ndarray of datetime64[ns]
        The stock's trading days.
    y : numpy.ndarray
        The stock's measure on each day (return, log volume, ...).
    x : numpy.ndarray
        The market's measure over the same interval.
    gap : numpy.ndarray of bool
        The row's interval spans more than one market session (after a suspension).
    """

    dates: np.ndarray
    y: FloatArray
    x: FloatArray
    gap: np.ndarray


def stock_measure(
    table: StockTable, used: np.ndarray, returns: ReturnsKind, measure: Measure
) -> tuple[FloatArray, dict[int, str]]:
    """The measure of every row of ``table``: the stock's return, or its volume.

    Parameters
    ----------
    table : StockTable
    used : numpy.ndarray of bool
        The tickers studied as stocks: only they are warned about or refused.
    returns : {"simple", "log"}
    measure : {"returns", "volume", "raw_volume", "volatility"}
        ``"volume"`` gives ln(V + 1) of the shares traded, ``"raw_volume"`` the shares;
        returns otherwise (the volatility measure is built from returns by the model).

    Returns
    -------
    (numpy.ndarray, dict)
        The measure, and for used tickers without one (no volume in the data) why not.
    """
    if measure not in ("volume", "raw_volume"):
        return stock_returns(table, used, returns), {}
    volume, present = volume_measure(table, used, log=measure == "volume")
    problems = {
        int(k): (
            f"{table.tickers[k]} has no volume in the data, so a volume study is not possible. "
            "Use data with a 'volume' column (shares traded)."
        )
        for k in np.flatnonzero(used & ~present)
    }
    return volume, problems


def stock_returns(table: StockTable, used: np.ndarray, kind: ReturnsKind) -> FloatArray:
    """Total returns of each ticker of ``table`` on its own trading days.

    Day by day: ``close / preclose − 1`` where the exchange's ex-rights previous close is known
    (this counts dividends and splits correctly: MacKinlay 1997 works with total returns),
    otherwise the ratio of ``adj_close`` to the previous day's, otherwise close-to-close with
    a :class:`DataQualityWarning` naming the days (for the ``used`` tickers). A ticker's first
    day has no previous day. ``kind="log"`` gives the log of the same gross return.
    """
    prices = table.prices
    with np.errstate(invalid="ignore", divide="ignore"):
        gross: FloatArray = prices.close / prices.preclose
        adj = _ratio_to_previous(prices.adj_close, table.starts)
        plain = _ratio_to_previous(prices.close, table.starts)
    use_adj = ~np.isfinite(gross) & np.isfinite(adj)
    gross[use_adj] = adj[use_adj]
    use_plain = ~np.isfinite(gross) & np.isfinite(plain)
    for ticker, days in _flagged_days(table, used, use_plain):
        shown = ", ".join(f"{d:%Y-%m-%d}" for d in days[:5]) + (" ..." if len(days) > 5 else "")
        warn(
            f"{ticker}: {len(days)} day(s) have neither 'preclose' nor 'adj_close' "
            f"({shown}), so their returns are close-to-close and a dividend or split on those "
            "days is not accounted for. Add the exchange's previous close ('preclose') or an "
            "adjusted close ('adj_close') to fix this.",
            DataQualityWarning,
        )
    gross[use_plain] = plain[use_plain]
    if kind == "log":
        np.log(gross, out=gross)
    else:
        gross -= 1.0
    return gross


def volume_measure(
    table: StockTable, used: np.ndarray, *, log: bool
) -> tuple[FloatArray, np.ndarray]:
    """Shares traded as a study measure: ``ln(V + 1)`` (``log=True``) or ``V``.

    The log transform ``v = ln(V + 1)`` follows Ajinkya & Jain (1989) and Campbell & Wasley
    (1996): log volume is close to normal, raw volume is heavily skewed. A day with zero (or
    missing) volume is a day without trading — a suspension kept as a row by some vendors — and
    its measure is missing (NaN) rather than ``ln(1) = 0``; a :class:`DataQualityWarning` says
    how many such days a used ticker had.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray of bool)
        The measure of every row, and whether each ticker has any volume at all.
    """
    volume = table.prices.volume
    present = (
        np.logical_or.reduceat(np.isfinite(volume), table.starts)
        if len(table.starts)
        else np.zeros(0, dtype=bool)
    )
    idle = ~(volume > 0)
    for ticker, days in _flagged_days(table, used & present, idle):
        warn(
            f"{ticker}: {len(days)} day(s) with zero or missing volume (first "
            f"{days[0]:%Y-%m-%d}) are treated as days without trading: their volume measure is "
            "missing and they do not enter the estimation.",
            DataQualityWarning,
        )
    clean = np.where(idle, np.nan, volume)
    out: FloatArray = np.log(clean + 1.0) if log else clean
    return out, present


def market_measure(
    table: StockTable,
    market: PriceArrays | None,
    returns: ReturnsKind,
    measure: Measure,
) -> tuple[FloatArray, np.ndarray]:
    """The market's measure on every row of ``table``, and the rows that span a suspension.

    The market's return on a stock's day d_t is ``M(d_t) / M(d_{t−1}) − 1`` with d_{t−1} the
    stock's previous trading day, so both returns cover the same interval; when the market
    traded in between (a suspension of the stock), the row is flagged in ``gap``. For
    ``measure="volume"`` (``"raw_volume"``) it is the index's ln(V + 1) (V) on the stock's day,
    NaN for an index without volume. Without a market (None) it is NaN.
    """
    dates = table.prices.dates
    gap = np.zeros(len(dates), dtype=bool)
    if market is None:
        return np.full(len(dates), np.nan), gap
    mdates = market.dates
    at = np.searchsorted(mdates, dates)  # the market's row of each day, if it traded then
    found = at < len(mdates)
    np.minimum(at, len(mdates) - 1, out=at)
    found &= mdates[at] == dates
    gap[1:] = (at[1:] - at[:-1] > 1) & found[1:] & found[:-1]
    gap[table.starts] = False
    if measure in ("volume", "raw_volume"):
        index = StockTable.of([market])
        volume, present = volume_measure(index, np.ones(1, dtype=bool), log=measure == "volume")
        x: FloatArray = volume[at]
        x[~(found & present[0])] = np.nan
        return x, gap
    level = market.close[at]
    level[~found] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        x = _ratio_to_previous(level, table.starts)
    del level
    if returns == "log":
        np.log(x, out=x)
    else:
        x -= 1.0
    return x, gap


def _ratio_to_previous(values: np.ndarray, starts: np.ndarray) -> FloatArray:
    """``values[t] / values[t − 1]``, NaN on each ticker's first row."""
    out = np.empty(len(values))
    out[:1] = np.nan
    np.divide(values[1:], values[:-1], out=out[1:])
    out[starts] = np.nan
    return out


def _flagged_days(
    table: StockTable, used: np.ndarray, flagged: np.ndarray
) -> list[tuple[str, pd.DatetimeIndex]]:
    """The flagged days of each used ticker that has some."""
    rows = np.flatnonzero(flagged)
    segment = table.segment_of(rows)
    keep = used[segment]
    rows, segment = rows[keep], segment[keep]  # sorted by row, so by segment too
    if not rows.size:
        return []
    tickers, cuts = np.unique(segment, return_index=True)
    return [
        (table.tickers[k], pd.DatetimeIndex(table.prices.dates[part]))
        for k, part in zip(tickers, np.split(rows, cuts[1:]), strict=True)
    ]


@dataclass(frozen=True)
class Panel:
    """Events × relative days arrays, the input of every model.

    Attributes
    ----------
    rel_days : numpy.ndarray of int, shape (D,)
        Relative days from ``min(estimation[0], window[0])`` to
        ``max(estimation[1], window[1])``.
    y, x : numpy.ndarray, shape (N, D)
        The stock's and the market's measure; NaN where there is no data.
    estimation, window : tuple of int
        Closed windows of relative days.
    est_mask : numpy.ndarray of bool, shape (N, D)
        Days that enter the estimation: in the estimation window with the stock's measure
        (and the market's, when the model uses it) present, and, with ``gaps="drop"``, not a
        gap row.
    trading_days : numpy.ndarray of datetime64[ns], shape (T,)
        The trading days of every series laid end to end.
    day_slot : numpy.ndarray of int, shape (N, D)
        Where each event's relative day is in ``trading_days``.
    outside : numpy.ndarray of bool, shape (N, D)
        Relative days the stock's data do not reach (``day_slot`` is then any valid row).
    dates : numpy.ndarray of datetime64[ns], shape (N, D)
        The stock's trading day for each relative day; NaT beyond the data (computed on
        first use; :meth:`dates_at` gives some columns only).
    base : numpy.ndarray, shape (N, D), optional
        The stock's measure that ``y`` was built from, when ``y`` is a transform of it (the
        returns of :func:`variance_ratio`); None otherwise.
    """

    rel_days: np.ndarray
    y: FloatArray
    x: FloatArray
    estimation: Window
    window: Window
    est_mask: np.ndarray
    trading_days: np.ndarray
    day_slot: np.ndarray
    outside: np.ndarray
    base: FloatArray | None = None

    @cached_property
    def dates(self) -> np.ndarray:
        """The stock's trading day for each event and relative day, shape (N, D)."""
        return self.dates_at(slice(None))

    def dates_at(self, cols: slice | np.ndarray) -> np.ndarray:
        """The trading days of the relative-day columns ``cols``, shape (N, len(cols))."""
        dates: np.ndarray = self.trading_days[self.day_slot[:, cols]]
        dates[self.outside[:, cols]] = np.datetime64("NaT", "ns")
        return dates

    @property
    def n_events(self) -> int:
        """Number of events (rows)."""
        return int(self.y.shape[0])

    def cols(self, start: int, end: int) -> slice:
        """Column slice of the closed relative-day window ``[start, end]``."""
        first = int(self.rel_days[0])
        return slice(start - first, end - first + 1)

    @property
    def event_cols(self) -> slice:
        """Columns of the event window."""
        return self.cols(*self.window)

    def take(self, rows: np.ndarray) -> Panel:
        """The panel of the events ``rows`` only."""
        return replace(
            self,
            y=self.y[rows],
            x=self.x[rows],
            est_mask=self.est_mask[rows],
            day_slot=self.day_slot[rows],
            outside=self.outside[rows],
            base=None if self.base is None else self.base[rows],
        )


def estimation_sd(values: FloatArray, mask: np.ndarray, nobs: np.ndarray) -> FloatArray:
    """Standard deviation of each row's estimation-day values about their mean (divisor L − 1).

    ``mask`` marks the estimation days of each row and ``nobs`` counts them.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, values, 0.0).sum(axis=1) / nobs
        squares = (np.where(mask, values - mean[:, None], 0.0) ** 2).sum(axis=1)
        sd: FloatArray = np.sqrt(squares / (nobs - 1))
    return sd


def variance_ratio(panel: Panel) -> Panel:
    """Abnormal volatility as a measure: the variance ratio ``AV_t = r_t² / s_r² − 1``.

    ``s_r²`` is the variance of the event's returns over its estimation days (divisor L − 1,
    mean subtracted); ``r_t`` is neither demeaned nor market-adjusted, and AV is not centred:
    its normal value is 0 by construction (:meth:`eventstudy.models.Fit.uncentred`). This is
    the volatility model of the R package EventStudy (0.50, ``VolatilityModel``), in the
    spirit of the squared-return ratios of Beaver (1968).

    Returns
    -------
    Panel
        ``y`` the ratio of every day, ``base`` the returns it was built from.
    """
    r = panel.y
    sd = estimation_sd(r, panel.est_mask, panel.est_mask.sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = r**2 / sd[:, None] ** 2 - 1.0
    return replace(panel, y=ratio, base=r)


def lay_end_to_end(series: list[Series]) -> tuple[Series, np.ndarray]:
    """The series laid end to end as one, and the row where each one starts."""
    lengths = np.array([len(one.dates) for one in series], dtype=np.intp)
    starts = np.cumsum(lengths) - lengths
    laid = Series(
        np.concatenate([one.dates for one in series]),
        np.concatenate([one.y for one in series]),
        np.concatenate([one.x for one in series]),
        np.concatenate([one.gap for one in series]),
    )
    return laid, starts


def build_panel(
    laid: Series,
    starts: np.ndarray,
    lengths: np.ndarray,
    day0_index: np.ndarray,
    estimation: Window,
    window: Window,
    *,
    gaps: GapRule = "compound",
    needs_market: bool = True,
) -> Panel:
    """Lay events on a common grid of relative days.

    Parameters
    ----------
    laid : Series
        The series of every stock laid end to end (:func:`lay_end_to_end`).
    starts, lengths : numpy.ndarray of int, shape (N,)
        Where each event's series starts in ``laid`` and how many rows it has.
    day0_index : numpy.ndarray of int, shape (N,)
        Position of each event's day 0 in its series.
    estimation, window : tuple of int
        Closed windows of relative trading days, checked (:class:`eventstudy.spec.StudySpec`).
    gaps : {"compound", "drop"}
        Keep rows whose return spans a suspension (the market return is compounded over the
        same sessions) or drop them from the estimation.
    needs_market : bool
        Whether the model uses the market's measure; if not, a day without it still enters
        the estimation.
    """
    first = min(estimation[0], window[0])
    last = max(estimation[1], window[1])
    rel_days = np.arange(first, last + 1)
    index_type = np.int32 if len(laid.dates) < np.iinfo(np.int32).max else np.intp
    # One gather from the series laid end to end; a day the data do not reach reads the
    # series' first row and is then marked missing.
    slot: np.ndarray = np.add.outer(day0_index.astype(index_type), rel_days.astype(index_type))
    outside = (slot < 0) | (slot >= np.asarray(lengths)[:, None])
    slot[outside] = 0
    slot += np.asarray(starts).astype(index_type)[:, None]
    y = laid.y[slot]
    y[outside] = np.nan
    x = laid.x[slot]
    x[outside] = np.nan
    est_mask = np.isfinite(y) & (np.isfinite(x) if needs_market else True)
    est_mask[:, : estimation[0] - first] = False
    est_mask[:, estimation[1] - first + 1 :] = False
    if gaps == "drop":  # days beyond the data are out of the estimation already (y is NaN)
        est_mask &= ~laid.gap[slot]
    return Panel(
        rel_days, y, x, estimation, window, est_mask, laid.dates, slot, outside
    )
