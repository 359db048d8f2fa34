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

import warnings
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from eventstudy._typing import GapRule, Measure, ReturnsKind, Window
from eventstudy.errors import DataQualityWarning, InsufficientDataError, InvalidInputError
from eventstudy.sources._frame import PriceArrays

FloatArray = np.ndarray


@dataclass(frozen=True)
class Series:
    """One stock's measure and its market's, on the stock's trading days.

    Attributes
    ----------
    ticker, market : str
    dates : numpy.ndarray of datetime64[ns]
        The stock's trading days.
    y : numpy.ndarray
        The stock's measure on each day (return, log volume, ...).
    x : numpy.ndarray
        The market's measure over the same interval.
    gap : numpy.ndarray of bool
        The row's interval spans more than one market session (after a suspension).
    """

    ticker: str
    market: str
    dates: np.ndarray
    y: FloatArray
    x: FloatArray
    gap: np.ndarray


def stock_returns(prices: PriceArrays, kind: ReturnsKind) -> FloatArray:
    """Total returns of a stock on its own trading days.

    Day by day: ``close / preclose − 1`` where the exchange's ex-rights previous close is known
    (this counts dividends and splits correctly: MacKinlay 1997 works with total returns),
    otherwise the ratio of ``adj_close`` to the previous day's, otherwise close-to-close with
    a :class:`DataQualityWarning` naming the days. ``kind="log"`` gives the log of the same
    gross return.
    """
    close = prices.close
    gross = close / prices.preclose
    adj = np.concatenate([[np.nan], prices.adj_close[1:] / prices.adj_close[:-1]])
    plain = np.concatenate([[np.nan], close[1:] / close[:-1]])
    use_adj = ~np.isfinite(gross) & np.isfinite(adj)
    gross[use_adj] = adj[use_adj]
    use_plain = ~np.isfinite(gross) & np.isfinite(plain)
    if use_plain.any():
        days = pd.DatetimeIndex(prices.dates[use_plain])
        shown = ", ".join(f"{d:%Y-%m-%d}" for d in days[:5]) + (" ..." if len(days) > 5 else "")
        warnings.warn(
            f"{prices.ticker}: {len(days)} day(s) have neither 'preclose' nor 'adj_close' "
            f"({shown}), so their returns are close-to-close and a dividend or split on those "
            "days is not accounted for. Add the exchange's previous close ('preclose') or an "
            "adjusted close ('adj_close') to fix this.",
            DataQualityWarning,
            stacklevel=4,
        )
        gross[use_plain] = plain[use_plain]
    out: FloatArray = np.log(gross) if kind == "log" else gross - 1.0
    return out


def volume_measure(prices: PriceArrays, *, log: bool) -> FloatArray | None:
    """Shares traded as a study measure: ``ln(V + 1)`` (``log=True``) or ``V``; ``None`` if absent.

    The log transform ``v = ln(V + 1)`` follows Ajinkya & Jain (1989) and Campbell & Wasley
    (1996): log volume is close to normal, raw volume is heavily skewed. A day with zero (or
    missing) volume is a day without trading — a suspension kept as a row by some vendors — and
    its measure is missing (NaN) rather than ``ln(1) = 0``; a :class:`DataQualityWarning` says
    how many such days there were.
    """
    volume = prices.volume
    if not np.isfinite(volume).any():
        return None
    idle = ~(volume > 0)
    if idle.any():
        first = pd.Timestamp(prices.dates[idle][0])
        warnings.warn(
            f"{prices.ticker}: {int(idle.sum())} day(s) with zero or missing volume (first "
            f"{first:%Y-%m-%d}) are treated as days without trading: their volume measure is "
            "missing and they do not enter the estimation.",
            DataQualityWarning,
            stacklevel=4,
        )
    clean = np.where(idle, np.nan, volume)
    out: FloatArray = np.log(clean + 1.0) if log else clean
    return out


def build_series(
    stock: PriceArrays,
    market: PriceArrays | None,
    *,
    returns: ReturnsKind = "simple",
    measure: Measure = "returns",
) -> Series:
    """Compute one stock's measure and its market's on the stock's trading days.

    Parameters
    ----------
    stock, market : PriceArrays
        The stock's and the market's prices; ``market`` may be None for a model that does
        not use it (the market's measure is then NaN).
    returns : {"simple", "log"}
        Simple or log returns (``measure="returns"``).
    measure : {"returns", "volume", "raw_volume", "volatility"}
        ``"volume"`` gives ln(V + 1) of the stock's and the index's shares traded,
        ``"raw_volume"`` the shares themselves (NaN for an index without volume); returns
        otherwise (the volatility measure is built from returns by the model).

    Notes
    -----
    The market's return on the stock's day d_t is ``M(d_t) / M(d_{t−1}) − 1`` with d_{t−1} the
    stock's previous trading day, so both returns cover the same interval; when the market
    traded in between (a suspension of the stock), the row is flagged in ``gap``.
    """
    dates = stock.dates
    if market is None:
        y = _measure_without_market(stock, returns, measure)
        nothing = np.full(len(dates), np.nan)
        return Series(stock.ticker, "", dates, y, nothing, np.zeros(len(dates), dtype=bool))
    mdates = market.dates
    pos = np.searchsorted(mdates, dates)
    safe = np.minimum(pos, len(mdates) - 1)
    found = (pos < len(mdates)) & (mdates[safe] == dates)
    gap = np.zeros(len(dates), dtype=bool)
    gap[1:] = (pos[1:] - pos[:-1] > 1) & found[1:] & found[:-1]
    if measure in ("volume", "raw_volume"):
        log = measure == "volume"
        stock_volume = _measure_without_market(stock, returns, measure)
        index_volume = volume_measure(market, log=log)
        x = np.full(len(dates), np.nan)
        if index_volume is not None:
            x = np.where(found, index_volume[safe], np.nan)
        return Series(stock.ticker, market.ticker, dates, stock_volume, x, gap)
    y = stock_returns(stock, returns)
    level = np.where(found, market.close[safe], np.nan)
    gross = np.full(len(dates), np.nan)
    gross[1:] = level[1:] / level[:-1]
    x = np.log(gross) if returns == "log" else gross - 1.0
    return Series(stock.ticker, market.ticker, dates, y, x, gap)


def _measure_without_market(
    stock: PriceArrays, returns: ReturnsKind, measure: Measure
) -> FloatArray:
    """The stock's own measure: its returns, or its volume (an error if it has none)."""
    if measure not in ("volume", "raw_volume"):
        return stock_returns(stock, returns)
    volume = volume_measure(stock, log=measure == "volume")
    if volume is None:
        raise InsufficientDataError(
            f"{stock.ticker} has no volume in the data, so a volume study is not possible. "
            "Use data with a 'volume' column (shares traded)."
        )
    return volume


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
    gap : numpy.ndarray of bool, shape (N, D)
        The row's interval spans several market sessions.
    estimation, window : tuple of int
        Closed windows of relative days.
    est_mask : numpy.ndarray of bool, shape (N, D)
        Days that enter the estimation: in the estimation window with the stock's measure
        (and the market's, when the model uses it) present, and, with ``gaps="drop"``, not a
        gap row.
    trading_days : numpy.ndarray of datetime64[ns], shape (T + 1,)
        The trading days of every series laid end to end, then NaT.
    day_slot : numpy.ndarray of int, shape (N, D)
        Where each event's relative day is in ``trading_days`` (the final NaT beyond the
        data).
    dates : numpy.ndarray of datetime64[ns], shape (N, D)
        The stock's trading day for each relative day; NaT beyond the data (computed on
        first use; :meth:`dates_at` gives some columns only).
    """

    rel_days: np.ndarray
    y: FloatArray
    x: FloatArray
    gap: np.ndarray
    estimation: Window
    window: Window
    est_mask: np.ndarray
    trading_days: np.ndarray
    day_slot: np.ndarray

    @cached_property
    def dates(self) -> np.ndarray:
        """The stock's trading day for each event and relative day, shape (N, D)."""
        return self.dates_at(slice(None))

    def dates_at(self, cols: slice | np.ndarray) -> np.ndarray:
        """The trading days of the relative-day columns ``cols``, shape (N, len(cols))."""
        dates: np.ndarray = self.trading_days[self.day_slot[:, cols]]
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
            gap=self.gap[rows],
            est_mask=self.est_mask[rows],
            day_slot=self.day_slot[rows],
        )


def check_windows(estimation: Window, window: Window) -> None:
    """Validate an estimation and an event window of relative trading days.

    Windows are closed tuples ``(start, end)`` of relative trading days, with day 0 the event
    day. The estimation window must end before the event window starts; the days between
    them (if any) are in neither.

    Raises
    ------
    InvalidInputError
        If a window is not an ordered pair of integers or the two overlap.
    """
    for name, pair in (("estimation", estimation), ("window", window)):
        if (
            not isinstance(pair, tuple | list)
            or len(pair) != 2
            or not all(isinstance(v, int | np.integer) for v in pair)
        ):
            raise InvalidInputError(
                f"{name}={pair!r} must be a pair of integers (start, end) of relative days."
            )
        if pair[0] > pair[1]:
            raise InvalidInputError(f"{name}={pair!r} starts after it ends.")
    if estimation[1] >= window[0]:
        raise InvalidInputError(
            f"estimation={estimation!r} must end before the event window {window!r} starts; "
            f"e.g. estimation=({window[0] - 240}, {window[0] - 1})."
        )


def build_panel(
    series: list[Series],
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
    series : list of Series
        One entry per event (the same object may repeat for several events of one stock).
    day0_index : numpy.ndarray of int, shape (N,)
        Position of each event's day 0 in its series' ``dates``.
    estimation, window : tuple of int
        Closed windows of relative trading days.
    gaps : {"compound", "drop"}
        Keep rows whose return spans a suspension (the market return is compounded over the
        same sessions) or drop them from the estimation.
    needs_market : bool
        Whether the model uses the market's measure; if not, a day without it still enters
        the estimation.
    """
    check_windows(estimation, window)
    first = min(estimation[0], window[0])
    last = max(estimation[1], window[1])
    rel_days = np.arange(first, last + 1)
    d = len(rel_days)
    unique: dict[int, int] = {}
    code = np.array([unique.setdefault(id(s), len(unique)) for s in series], dtype=np.intp)
    distinct = list({id(s): s for s in series}.values())
    lengths = np.array([len(s.dates) for s in distinct], dtype=np.intp)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.intp)
    end = int(lengths.sum())
    index_type = np.int32 if end < np.iinfo(np.int32).max else np.intp
    # Each event's rows of its series; a day the data do not reach points one past the end,
    # at a missing value appended to the series.
    slot: np.ndarray = np.add.outer(day0_index.astype(index_type), rel_days.astype(index_type))
    outside = (slot < 0) | (slot >= lengths[code][:, None])
    y = np.empty((len(code), d))
    x = np.empty((len(code), d))
    gap = np.empty((len(code), d), dtype=bool)
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(len(distinct) + 1))
    for k, one in enumerate(distinct):
        rows = order[bounds[k] : bounds[k + 1]]
        at = np.where(outside[rows], lengths[k], slot[rows])
        y[rows] = np.append(one.y, np.nan)[at]
        x[rows] = np.append(one.x, np.nan)[at]
        gap[rows] = np.append(one.gap, False)[at]
    # The trading days stay laid end to end; the panel looks them up when they are needed.
    slot += offsets[code].astype(index_type)[:, None]
    slot[outside] = end
    trading_days = np.concatenate(
        [*(s.dates for s in distinct), np.array(["NaT"], dtype="datetime64[ns]")]
    )
    est_mask = np.isfinite(y) & (np.isfinite(x) if needs_market else True)
    est_mask[:, : estimation[0] - first] = False
    est_mask[:, estimation[1] - first + 1 :] = False
    if gaps == "drop":
        est_mask &= ~gap
    return Panel(rel_days, y, x, gap, estimation, window, est_mask, trading_days, slot)
