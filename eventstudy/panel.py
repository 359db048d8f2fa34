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

from eventstudy._blocks import map_blocks
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
    rows = np.flatnonzero(~np.isfinite(gross))  # the fallbacks are computed on these only
    adj = _ratio_to_previous(prices.adj_close, table, rows)
    use_adj = np.isfinite(adj)
    gross[rows[use_adj]] = adj[use_adj]
    rows = rows[~use_adj]
    plain = _ratio_to_previous(prices.close, table, rows)
    use_plain = np.zeros(len(gross), dtype=bool)
    use_plain[rows[np.isfinite(plain)]] = True
    for ticker, days in _flagged_days(table, used, use_plain):
        shown = ", ".join(f"{d:%Y-%m-%d}" for d in days[:5]) + (" ..." if len(days) > 5 else "")
        warn(
            f"{ticker}: {len(days)} day(s) have neither 'preclose' nor 'adj_close' "
            f"({shown}), so their returns are close-to-close and a dividend or split on those "
            "days is not accounted for. Add the exchange's previous close ('preclose') or an "
            "adjusted close ('adj_close') to fix this.",
            DataQualityWarning,
        )
    gross[use_plain] = plain[np.isfinite(plain)]
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


#: Nanoseconds in a day: dates are midnights, so a date's day number is its value over this.
_DAY = 86_400_000_000_000


@dataclass(frozen=True)
class MarketDays:
    """Markets' measures found by calendar day, for the rows of any stock.

    Attributes
    ----------
    origin : int
        The first day of ``rows``' columns, in nanoseconds since 1970-01-01.
    rows : numpy.ndarray of int, shape (M + 1, days)
        For market m and each calendar day from ``origin``, the position in ``values`` of the
        market's measure on that day; −1 where the market has no row. The last row, for
        events without a market, is all −1.
    values : numpy.ndarray, shape (rows + 1,)
        The markets' closes (``kind`` "simple" or "log": the market return over a stock's
        interval is the ratio of two of them) or volume measures (``kind`` "level"), end to
        end, and a last NaN that position −1 reads.
    kind : {"simple", "log", "level"}
    """

    origin: int
    rows: np.ndarray
    values: FloatArray
    kind: str

    def positions(self, market: np.ndarray, dates: np.ndarray) -> np.ndarray:
        """The position in ``values`` of each event's market on ``dates`` (−1 if none).

        ``market`` (shape (B,)) numbers each event's market; ``dates`` (shape (B, K),
        datetime64[ns] viewed as int64) are the stock's trading days.
        """
        span = self.rows.shape[1]
        if not span:
            return np.full(dates.shape, -1, dtype=np.intp)
        day = dates - self.origin
        day //= _DAY
        beyond = (day < 0) | (day >= span)
        np.clip(day, 0, span - 1, out=day)
        if len(market) and (market == market[0]).all():
            found: np.ndarray = self.rows[market[0]][day]
        else:
            found = self.rows[market[:, None], day]
        found[beyond] = -1
        return found


def market_days(
    markets: list[PriceArrays], returns: ReturnsKind, measure: Measure
) -> MarketDays:
    """The measure of each market by calendar day (see :class:`MarketDays`).

    For returns, a stock's market return on its day d_t is ``M(d_t) / M(d_{t−1}) − 1`` with
    d_{t−1} the stock's previous trading day, so that both returns cover the same interval
    (:func:`table_panel`). For ``measure="volume"`` (``"raw_volume"``) it is the index's
    ln(V + 1) (V) on the stock's day, NaN for an index without volume (its events are refused
    by the engine).
    """
    volume = measure in ("volume", "raw_volume")
    values = []
    for market in markets:
        if volume:
            index = StockTable.of([market])
            measured, _ = volume_measure(index, np.ones(1, dtype=bool), log=measure == "volume")
            values.append(measured)
        else:
            values.append(np.asarray(market.close, dtype=float))
    days = [m.dates.view(np.int64) // _DAY for m in markets]
    first = min((int(d[0]) for d in days if len(d)), default=0)
    last = max((int(d[-1]) for d in days if len(d)), default=first - 1)
    rows = np.full((len(markets) + 1, last - first + 1), -1, dtype=np.intp)
    offset = 0
    for m, day in enumerate(days):  # one pass per market
        rows[m, day - first] = offset + np.arange(len(day))
        offset += len(day)
    return MarketDays(
        first * _DAY,
        rows,
        np.concatenate([*values, [np.nan]]),
        "level" if volume else returns,
    )


def _ratio_to_previous(values: np.ndarray, table: StockTable, rows: np.ndarray) -> FloatArray:
    """``values[t] / values[t − 1]`` on the ``rows`` t of ``table``, NaN on a ticker's first
    row (and everywhere for a column the table lacks)."""
    if values.strides == (0,):  # a view of NaN: the table has no such column
        return np.full(len(rows), np.nan)
    first = rows == table.starts[table.segment_of(rows)]
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = values[rows] / values[rows - 1]
    out[first] = np.nan
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
    start, day0_index, length : numpy.ndarray of int, shape (N,)
        Where each event's series starts in ``trading_days``, the position of its day 0 in
        it, and how many days it has: relative day k is ``trading_days[start + day0_index +
        k]`` where ``0 <= day0_index + k < length``, and beyond the data otherwise.
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
    start: np.ndarray
    day0_index: np.ndarray
    length: np.ndarray
    base: FloatArray | None = None

    @cached_property
    def dates(self) -> np.ndarray:
        """The stock's trading day for each event and relative day, shape (N, D)."""
        return self.dates_at(slice(None))

    def dates_at(self, cols: slice | np.ndarray, rows: slice | None = None) -> np.ndarray:
        """The trading days of the relative-day columns ``cols`` (of the events ``rows``, all
        by default), shape (N, len(cols))."""
        rows = slice(None) if rows is None else rows
        slot, outside, _ = _slots(
            self.start[rows], self.length[rows], self.day0_index[rows], self.rel_days[cols]
        )
        dates: np.ndarray = self.trading_days[slot]
        dates[outside] = np.datetime64("NaT", "ns")
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
            start=self.start[rows],
            day0_index=self.day0_index[rows],
            length=self.length[rows],
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
    """Lay events on a common grid of relative days, from series laid end to end.

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
    rel_days = _rel_days(estimation, window)
    slot, outside, _ = _slots(starts, lengths, day0_index, rel_days)
    y = laid.y[slot]
    y[outside] = np.nan
    x = laid.x[slot]
    x[outside] = np.nan
    gap = laid.gap[slot] if gaps == "drop" else None
    est_mask = _estimation_days(y, x, gap, rel_days, estimation, needs_market)
    return Panel(
        rel_days, y, x, estimation, window, est_mask, laid.dates, np.asarray(starts),
        np.asarray(day0_index), np.asarray(lengths),
    )


#: Events laid on the grid per block by :func:`table_panel`.
PANEL_BLOCK_ROWS = 1024


def table_panel(
    table: StockTable,
    y: FloatArray,
    markets: MarketDays,
    market: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    day0_index: np.ndarray,
    estimation: Window,
    window: Window,
    *,
    gaps: GapRule = "compound",
    needs_market: bool = True,
) -> Panel:
    """Lay events on a common grid of relative days, straight from a table of stocks.

    Each event's stock measure is read from ``y`` on the stock's rows, and its market's
    measure is found by calendar day on the same rows. The market's return on a stock's day
    d_t is ``M(d_t) / M(d_{t−1}) − 1`` with d_{t−1} the stock's previous trading day, so both
    returns cover the same interval; when the market traded in between (a suspension of the
    stock), the day is a gap. A stock's first row has no market return, nor does a day the
    market did not trade. Events are laid in blocks of :data:`PANEL_BLOCK_ROWS`, so that no
    temporary is larger than a block.

    Parameters
    ----------
    table : StockTable
        The stocks' prices; only their dates are read here.
    y : numpy.ndarray, shape (rows of ``table``,)
        The stock's measure on every row of ``table`` (:func:`stock_measure`).
    markets : MarketDays
        The markets' measures by calendar day (:func:`market_days`).
    market : numpy.ndarray of int, shape (N,)
        Each event's market: a row of ``markets.rows``.
    starts, lengths : numpy.ndarray of int, shape (N,)
        Where each event's stock starts in ``table`` and how many rows it has.
    day0_index : numpy.ndarray of int, shape (N,)
        Position of each event's day 0 among its stock's rows.
    estimation, window, gaps, needs_market
        As for :func:`build_panel`.
    """
    rel_days = _rel_days(estimation, window)
    n, d = len(starts), len(rel_days)
    out_y, out_x = np.empty((n, d)), np.empty((n, d))
    out_mask = np.empty((n, d), dtype=bool)
    days = table.prices.dates.view(np.int64)

    def block(rows: slice) -> None:
        slot, outside, previous = _slots(starts[rows], lengths[rows], day0_index[rows], rel_days)
        block_y = out_y[rows]
        np.take(y, slot, out=block_y)
        block_y[outside] = np.nan
        at = markets.positions(market[rows], days[slot])
        at[outside] = -1
        block_x = out_x[rows]
        np.take(markets.values, at, out=block_x)
        gap = None
        if markets.kind != "level":
            before = np.empty_like(at)
            before[:, 1:] = at[:, :-1]
            before[:, 0] = np.where(
                previous >= 0, markets.positions(market[rows], days[previous][:, None])[:, 0], -1
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                block_x /= markets.values[before]
            if markets.kind == "log":
                np.log(block_x, out=block_x)
            else:
                block_x -= 1.0
            if gaps == "drop":
                gap = (at - before > 1) & (at >= 0) & (before >= 0)
        out_mask[rows] = _estimation_days(block_y, block_x, gap, rel_days, estimation,
                                          needs_market)

    map_blocks(block, n, PANEL_BLOCK_ROWS)
    return Panel(
        rel_days, out_y, out_x, estimation, window, out_mask, table.prices.dates, starts,
        day0_index, lengths,
    )


def _rel_days(estimation: Window, window: Window) -> np.ndarray:
    """Relative days from the first day of either window to the last."""
    return np.arange(min(estimation[0], window[0]), max(estimation[1], window[1]) + 1)


def _slots(
    starts: np.ndarray, lengths: np.ndarray, day0_index: np.ndarray, rel_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each event's relative days are in the series laid end to end.

    Returns the row of each (event, relative day), shape (N, D), any valid row where the
    data do not reach; those cells (``outside``); and the row before each event's first
    relative day, −1 where it is not the stock's.
    """
    at = np.add.outer(np.asarray(day0_index, dtype=np.intp), rel_days.astype(np.intp))
    n_rows = np.asarray(lengths, dtype=np.intp)[:, None]
    outside = (at < 0) | (at >= n_rows)
    before = at[:, 0] - 1
    first = np.asarray(starts, dtype=np.intp)
    previous = np.where((before >= 0) & (before < n_rows[:, 0]), first + before, -1)
    np.clip(at, 0, np.maximum(n_rows - 1, 0), out=at)
    at += first[:, None]
    return at, outside, previous


def _estimation_days(
    y: FloatArray,
    x: FloatArray,
    gap: np.ndarray | None,
    rel_days: np.ndarray,
    estimation: Window,
    needs_market: bool,
) -> np.ndarray:
    """Days that enter the estimation (:attr:`Panel.est_mask`)."""
    mask: np.ndarray = np.isfinite(y)
    if needs_market:
        mask &= np.isfinite(x)
    first = int(rel_days[0])
    mask[:, : estimation[0] - first] = False
    mask[:, estimation[1] - first + 1 :] = False
    if gap is not None:  # days beyond the data are out of the estimation already (y is NaN)
        mask &= ~gap
    return mask
