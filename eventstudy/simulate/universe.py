"""The universe a simulation draws its events from: stocks, their days, their price limits.

A *candidate* is a (stock, trading day) pair around which the stock has enough history, as
Brown & Warner (1985) require of their randomly drawn events: the whole estimation window
inside the stock's own rows, and a return for every session of its market from the day
before the event window to its end, so that every event-window return (day 0's above all,
which the shock moves) is one session's, not one spanning a suspension. Candidates are
numbered in (ticker, date) order, whatever the order of the table's rows, so a seeded draw
picks the same events from the same table.

References
----------
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.limits import limits
from eventstudy.markets import default_market, market_of
from eventstudy.sources import load_prices
from eventstudy.sources._frame import CheckedTable
from eventstudy.sources.bundled import sample_prices
from eventstudy.spec import StudySpec


@dataclass(frozen=True)
class Universe:
    """A price table and the candidate events in it.

    Attributes
    ----------
    prices : pandas.DataFrame
        The stocks' and the markets' rows in the tidy format (``date`` a column of
        datetime64, ``name`` where the table had one): the ``data`` of the studies.
    market : str or None
        The market index of every event; None for each stock's exchange default.
    rows : numpy.ndarray of int
        Each candidate's row in ``prices``, in (ticker, date) order.
    tickers : numpy.ndarray of str
        Each candidate's stock.
    dates : numpy.ndarray of datetime64[ns]
        Each candidate's day 0.
    description : str
        What the universe is, for summaries.
    """

    prices: pd.DataFrame
    market: str | None
    rows: np.ndarray
    tickers: np.ndarray
    dates: np.ndarray
    description: str

    @property
    def n_candidates(self) -> int:
        """Number of (stock, day) pairs an event can be drawn from."""
        return len(self.rows)

    def limit_ratios(self, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limit-up and limit-down price over the previous close on the candidates' days.

        One plus the largest and the smallest simple return the exchange allows that day
        (:func:`eventstudy.limits.limits` of those rows; NaN where no limit applies).
        """
        rows = self.prices.iloc[self.rows[candidates]]
        bounds = limits(rows)
        preclose = rows["preclose"].to_numpy(dtype=float) if "preclose" in rows else np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            return (
                bounds["limit_up"].to_numpy(dtype=float) / preclose,
                bounds["limit_down"].to_numpy(dtype=float) / preclose,
            )


def build_universe(
    prices: pd.DataFrame | str | os.PathLike[str] | None, market: str | None, spec: StudySpec
) -> Universe:
    """The universe of a table (the bundled sample of A shares when ``prices`` is None).

    Markets missing from the table are loaded from the usual sources (the bundled indices
    offline) and added to it.

    Raises
    ------
    InvalidInputError
        ``prices`` is neither a DataFrame nor a CSV path.
    DataFormatError
        The table is not a tidy price table.
    InsufficientDataError
        No stock has a day with the whole estimation and event windows inside its data.
    """
    if prices is None:
        raw, origin = sample_prices(), "the bundled sample of A shares"
        market = market or sample_market(raw["ticker"].unique())
    elif isinstance(prices, pd.DataFrame):
        raw, origin = prices, "prices"
    elif isinstance(prices, str | os.PathLike):
        raw, origin = pd.read_csv(prices, dtype={"ticker": "str"}), str(prices)
    else:
        raise InvalidInputError(
            f"prices={type(prices).__name__} is not a price table; give a DataFrame in the tidy "
            "format (ticker, date, close, preclose, ...), a CSV path, or None for the bundled "
            "sample of A shares."
        )
    checked = CheckedTable.from_raw(raw, origin)
    names = [str(name) for name in checked.names]
    market_of = [market or default_market(t) for t in names]
    table = _tidy(checked, raw)
    missing = sorted(set(market_of) - set(names))
    if missing:
        table = pd.concat([table, *(_market_rows(m) for m in missing)], ignore_index=True)
    sessions = _sessions(checked, market_of, table)
    rows = _candidates(checked, sessions, spec)
    if not len(rows):
        raise InsufficientDataError(
            f"no stock in {origin} has a day with the estimation window {spec.estimation} "
            f"inside its data and a return on every session of its event window {spec.window}; "
            "give longer price histories or a shorter estimation window (estimation=)."
        )
    n_stocks = int(np.unique(checked.codes[rows]).size)
    description = (
        f"{origin}: {n_stocks} stocks, {len(rows):,} (stock, day) candidates from "
        f"{pd.Timestamp(checked.dates[rows].min()):%Y-%m-%d} to "
        f"{pd.Timestamp(checked.dates[rows].max()):%Y-%m-%d}; market "
        f"{market or 'by exchange (' + ', '.join(sorted(set(market_of))) + ')'}"
    )
    return Universe(
        table, market, rows, checked.names[checked.codes[rows]], checked.dates[rows],
        description,
    )


def sample_market(tickers: np.ndarray) -> str:
    """The market of the bundled sample: the CSI 300 (``000300.SS``), the index the market
    registry compares every mainland stock with.

    It spans both exchanges (the sample's stocks trade on the SSE and the SZSE), so the events
    of one date are all measured against the same index; the exchanges' own defaults (SSE
    Composite, SZSE Component) would split them. Beijing stocks have no comparison index;
    their default is the CSI 300 too.
    """
    (market,) = {market_of(str(t)).comparison for t in tickers} - {None}
    return str(market)


def _tidy(checked: CheckedTable, raw: pd.DataFrame) -> pd.DataFrame:
    """The checked table as a frame: parsed dates, float numbers, the names where given.

    Tickers are a categorical column (a few thousand names over millions of rows)."""
    table = pd.DataFrame(
        {
            "ticker": pd.Categorical.from_codes(
                checked.codes.astype(np.intp), pd.Index(checked.names.astype(str))
            ),
            "date": checked.dates,
            **{column: checked.column(column) for column in checked.numbers},
        }
    )
    if "name" in raw.columns:
        table["name"] = raw["name"].array
    return table


def _market_rows(market: str) -> pd.DataFrame:
    """A market's prices from the usual sources, as rows of a tidy table."""
    frame = load_prices(market)
    return frame.reset_index()[["ticker", "date", "close", "preclose", "adj_close", "volume"]]


def _sessions(checked: CheckedTable, market_of: list[str], table: pd.DataFrame) -> np.ndarray:
    """Each row's session number among its stock's market's days (the market's rows in
    ``table``): −1 for the rows of a market, which are no stock; −2 for a day the market
    did not trade."""
    sessions = np.full(checked.n_rows, -1, dtype=np.int64)
    markets = set(market_of)
    for market in markets:
        days = np.unique(table["date"].to_numpy()[(table["ticker"] == market).to_numpy()])
        stocks = [
            k for k, (name, chosen) in enumerate(zip(checked.names, market_of, strict=True))
            if chosen == market and name not in markets
        ]
        rows = np.flatnonzero(np.isin(checked.codes, stocks))
        where = np.minimum(np.searchsorted(days, checked.dates[rows]), len(days) - 1)
        sessions[rows] = np.where(days[where] == checked.dates[rows], where, -2)
    return sessions


def _candidates(checked: CheckedTable, sessions: np.ndarray, spec: StudySpec) -> np.ndarray:
    """Rows of the stock-days with the estimation window inside the stock's rows and a row
    on every session from the day before the event window to its end, in (ticker, date)
    order."""
    order = np.arange(checked.n_rows) if checked.order is None else checked.order
    codes = checked.codes[order]
    session = sessions[order]
    first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes
    lengths = np.diff(np.r_[first, len(codes)])
    position = np.arange(len(codes)) - np.repeat(first, lengths)
    remaining = np.repeat(lengths, lengths) - 1 - position
    start, end = spec.window
    before = max(-spec.estimation[0], 1 - start)
    after = max(end, 0)
    keep = (position >= before) & (remaining >= after) & (session >= 0)
    at = np.flatnonzero(keep)
    low, high = session[at + start - 1], session[at + end]
    keep[at] = (low >= 0) & (high - low == end - start + 1)
    rows: np.ndarray = order[keep]
    return rows
