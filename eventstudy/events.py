"""Events found in a price table: limit-up closes and moves beyond k standard deviations.

Each function takes a tidy price table (the format :func:`eventstudy.load_prices` returns, or
a whole market laid end to end) and returns an event table that :func:`eventstudy.study`
takes as it is: one row per event with ``ticker`` and ``date``, and columns describing the
event (usable as ``groups=``):

>>> import eventstudy
>>> prices = eventstudy.load_prices("000800.SZ", data="bundled")
>>> events = limit_up_closes(prices, start="2021-01-01", end="2021-12-31", touched=True)
>>> events[["ticker", "date", "kind", "ret"]]
      ticker       date     kind       ret
0  000800.SZ 2021-02-03  touched  0.055556
1  000800.SZ 2021-07-14   sealed  0.100365
2  000800.SZ 2021-09-13  touched  0.042169

The module sits just above :mod:`eventstudy.limits` in the package's layers: it reads a
price table and the limit flags, and writes the event table the engine reads, so it needs
nothing from the engine and the engine nothing from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from eventstudy.calendar import DateLike
from eventstudy.errors import InvalidInputError
from eventstudy.limits import limits
from eventstudy.markets import board_of
from eventstudy.sources._frame import CheckedTable, check_window

#: Rules whose limit-up closes are not ordinary limit-up days: the listing-day cap of +44%
#: (a new listing with no estimation window before it).
_NOT_ORDINARY = ("IPO listing day",)


def limit_up_closes(
    prices: pd.DataFrame,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    touched: bool = False,
    st: bool | None = None,
) -> pd.DataFrame:
    """Every stock-day that closed at its limit-up price, and optionally those that only
    touched it.

    Parameters
    ----------
    prices : pandas.DataFrame
        A tidy price table with ``ticker``, ``date``, ``high``, ``low``, ``close`` and
        ``preclose`` (and optionally ``name``), as :func:`eventstudy.limits.limits` takes.
    start, end : str, date or Timestamp, optional
        Keep events from ``start`` to ``end`` (inclusive).
    touched : bool, default False
        Also return the days whose high reached the limit-up price but whose close fell
        back below it (``kind == "touched"``; a sealed day is ``kind == "sealed"``).
    st : bool, optional
        Risk warning for every row, as in :func:`eventstudy.limits.limits`.

    Returns
    -------
    pandas.DataFrame
        One row per event, sorted by date and ticker: ``ticker``, ``date``, ``kind``
        (``"sealed"`` or ``"touched"``), ``board`` (``main``, ``ChiNext``, ``STAR``,
        ``Beijing``), ``rule`` (the limit rule that day) and ``ret`` (the day's return,
        close over previous close). Listing days capped at +44% are not events.

    Raises
    ------
    InvalidInputError
        ``end`` is before ``start``.
    DataFormatError
        The table is not a tidy price table.
    """
    table = limits(prices, st=st)
    sealed = table["closed_at_limit_up"].to_numpy()
    keep = sealed | (table["touched_limit_up"].to_numpy() if touched else False)
    keep &= ~table["rule"].isin(_NOT_ORDINARY).to_numpy()
    frame = _tidy(prices)
    rows = _rows(frame["date"], keep, start, end)
    tickers = frame["ticker"].to_numpy()[rows]
    boards = {t: str(board_of(t)) for t in pd.unique(tickers)}
    out = pd.DataFrame(
        {
            "ticker": tickers,
            "date": frame["date"].to_numpy()[rows],
            "kind": np.where(sealed[rows], "sealed", "touched"),
            "board": [boards[t] for t in tickers],
            "rule": table["rule"].to_numpy()[rows],
            "ret": (frame["close"] / frame["preclose"] - 1).to_numpy()[rows],
        }
    )
    return out.sort_values(["date", "ticker"], kind="stable", ignore_index=True)


def large_moves(
    prices: pd.DataFrame,
    k: float = 3.0,
    *,
    window: int = 250,
    min_periods: int = 100,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> pd.DataFrame:
    """Every stock-day whose return lies more than ``k`` standard deviations from zero.

    The standard deviation is that of the stock's own previous ``window`` daily returns (the
    day itself excluded), so an event is judged against the stock's past only.

    Parameters
    ----------
    prices : pandas.DataFrame
        A tidy price table with ``ticker``, ``date`` and ``close`` (and ``preclose``, for
        returns across ex-dates; without it the previous row's close is used).
    k : float, default 3.0
        The threshold in standard deviations.
    window, min_periods : int
        Length of the trailing window of returns, and the fewest returns it must hold.
    start, end : str, date or Timestamp, optional
        Keep events from ``start`` to ``end`` (inclusive).

    Returns
    -------
    pandas.DataFrame
        One row per event, sorted by date and ticker: ``ticker``, ``date``, ``direction``
        (``"up"`` or ``"down"``), ``ret`` (the day's return), ``sigma`` (the trailing
        standard deviation) and ``z`` (``ret / sigma``).

    Raises
    ------
    InvalidInputError
        ``k`` is not positive, ``min_periods`` is not between 2 and ``window``, or ``end``
        is before ``start``.

    Examples
    --------
    >>> import eventstudy
    >>> prices = eventstudy.load_prices("000800.SZ", data="bundled")
    >>> moves = large_moves(prices, k=4, start="2021-01-01", end="2021-12-31")
    >>> moves[["ticker", "date", "direction"]]
          ticker       date direction
    0  000800.SZ 2021-07-14        up
    >>> moves[["ret", "sigma", "z"]].round(3)
       ret  sigma     z
    0  0.1  0.023  4.46
    """
    if not k > 0:
        raise InvalidInputError(f"k={k!r} must be a positive number of standard deviations.")
    if not 2 <= min_periods <= window:
        raise InvalidInputError(
            f"min_periods={min_periods} must lie between 2 and window={window}."
        )
    frame = _tidy(prices).sort_values(["ticker", "date"], kind="stable", ignore_index=True)
    ticker = frame["ticker"]
    if "preclose" in frame:
        previous = frame["preclose"]
    else:
        previous = frame.groupby("ticker")["close"].shift()
    ret = frame["close"] / previous - 1
    sigma = (
        ret.groupby(ticker).shift()
        .groupby(ticker).rolling(window, min_periods=min_periods).std()
        .reset_index(level=0, drop=True)
    )
    z = ret / sigma
    keep = (z.abs() > k).to_numpy()
    rows = _rows(frame["date"], keep, start, end)
    out = pd.DataFrame(
        {
            "ticker": ticker.to_numpy()[rows],
            "date": frame["date"].to_numpy()[rows],
            "direction": np.where(ret.to_numpy()[rows] > 0, "up", "down"),
            "ret": ret.to_numpy()[rows],
            "sigma": sigma.to_numpy()[rows],
            "z": z.to_numpy()[rows],
        }
    )
    return out.sort_values(["date", "ticker"], kind="stable", ignore_index=True)


def _tidy(prices: pd.DataFrame) -> pd.DataFrame:
    """The table, checked, with ``date`` a column of midnight timestamps and rows numbered
    0, 1, ... in the order given."""
    checked = CheckedTable.from_raw(prices, "the price table")
    frame = pd.DataFrame({"ticker": checked.names[checked.codes], "date": checked.dates})
    for column, values in checked.numbers.items():
        frame[column] = values
    return frame


def _rows(
    dates: pd.Series, keep: np.ndarray, start: DateLike | None, end: DateLike | None
) -> np.ndarray:
    """Positions of the kept rows within ``[start, end]``."""
    first, last = check_window(start, end)
    inside = np.ones(len(dates), dtype=bool)
    if first is not None:
        inside &= (dates >= first).to_numpy()
    if last is not None:
        inside &= (dates <= last).to_numpy()
    rows: np.ndarray = np.flatnonzero(keep & inside)
    return rows
