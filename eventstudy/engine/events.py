"""The events of a study as given: their table, their dates, and why each cannot be studied.

:func:`normalise_events` turns what the user gave into one table; :func:`read_dates` reads its
dates with the package's one date reader (:func:`eventstudy.calendar.parse_dates`);
:class:`Problems` keeps, for each event, the error that stops it from being studied, so that
``run`` raises it with its type and ``study`` shows it as the event's status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.calendar import parse_dates
from eventstudy.errors import EventStudyError, InvalidInputError
from eventstudy.sources._frame import check_ticker

#: The status of an event that was studied.
OK = "ok"


def normalise_events(
    events: pd.DataFrame | Iterable[Sequence[Any]],
) -> tuple[pd.DataFrame, dict[int, InvalidInputError]]:
    """Turn ``events`` into a DataFrame with ``ticker, date, market, group`` (a copy), and why
    a row cannot be an event.

    Tickers and markets are spelt once here, as everywhere (:func:`check_ticker`). A row that
    is not ``(ticker, date[, market])``, or lacks a ticker, keeps its place with an empty
    ticker and its problem; it does not refuse the other events.

    Raises
    ------
    InvalidInputError
        If columns are missing or there is no event.
    """
    problems: dict[int, InvalidInputError] = {}
    if isinstance(events, pd.DataFrame):
        frame = events.copy()
    else:
        rows = []
        for i, event in enumerate(events):
            row = tuple(event) if isinstance(event, tuple | list) else ()
            if len(row) not in (2, 3):
                problems[i] = InvalidInputError(
                    f"an event is (ticker, date) or (ticker, date, market), not {event!r}"
                )
                row = ("", None)
            rows.append((row[0], row[1], row[2] if len(row) == 3 else None))
        frame = pd.DataFrame(rows, columns=["ticker", "date", "market"], dtype=object)
    missing = {"ticker", "date"} - set(frame.columns)
    if missing:
        raise InvalidInputError(
            f"events lacks column(s) {sorted(missing)}; give a DataFrame with columns "
            "ticker, date (optional: market, group)."
        )
    if frame.empty:
        raise InvalidInputError("events is empty; give at least one (ticker, date).")
    given = frame["market"] if "market" in frame else pd.Series(None, index=frame.index)
    tickers, markets = [], []
    for i, (ticker, market) in enumerate(zip(frame["ticker"], given, strict=True)):
        try:
            tickers.append(check_ticker(ticker))
            named = isinstance(market, str) and market.strip() != ""
            markets.append(check_ticker(market, "market") if named else None)
        except InvalidInputError as exc:
            problems.setdefault(i, exc)
            tickers.append("")
            markets.append(None)
    frame["ticker"], frame["market"] = tickers, markets
    if "group" not in frame:
        frame["group"] = None
    return frame.reset_index(drop=True), problems


@dataclass(frozen=True)
class EventDates:
    """The requested dates of the events, read.

    Attributes
    ----------
    moments : numpy.ndarray of datetime64[ns]
        Each date or moment as given (a moment with a time zone in UTC); NaT if unreadable.
    aware : numpy.ndarray of bool
        The moment had a time zone.
    days : numpy.ndarray of datetime64[ns]
        The calendar day of each moment as written (NaT if unreadable).
    plain : numpy.ndarray of bool
        Dates without a time of day or a time zone: they need no calendar to place.
    problems : dict of int to InvalidInputError
        Why the date of an event could not be read.
    """

    moments: np.ndarray
    aware: np.ndarray
    days: np.ndarray
    plain: np.ndarray
    problems: dict[int, InvalidInputError]

    def stamp(self, i: int) -> pd.Timestamp:
        """The date or moment of event ``i`` (a moment with a time zone, in UTC)."""
        stamp = pd.Timestamp(self.moments[i])
        return stamp.tz_localize("UTC") if self.aware[i] else stamp

    @property
    def requested(self) -> np.ndarray | list[pd.Timestamp | None]:
        """The dates as the ``requested`` column shows them."""
        if not self.aware.any():
            return self.moments
        return [None if i in self.problems else self.stamp(i) for i in range(len(self.aware))]


def read_dates(dates: pd.Series) -> EventDates:
    """Read the events' dates (see :func:`eventstudy.calendar.parse_dates` for the forms)."""
    parsed = parse_dates(dates)
    moments = np.asarray(parsed.stamps, dtype="datetime64[ns]")
    days = moments.astype("datetime64[D]").astype("datetime64[ns]")
    return EventDates(
        moments=moments,
        aware=parsed.aware,
        days=days,
        plain=~parsed.aware & (moments == days),
        problems={
            int(i): InvalidInputError(f"date={parsed.problems[i]}.")
            for i in np.flatnonzero(parsed.problems != "")
        },
    )


class Problems:
    """Why each event cannot be studied: its error, kept with its type; None while it can be.

    The first problem found for an event is the one kept.

    Attributes
    ----------
    errors : numpy.ndarray of object
        The error of each event, or None.
    ok : numpy.ndarray of bool
        Whether each event can still be studied.
    """

    def __init__(self, n: int) -> None:
        self.errors = np.full(n, None, dtype=object)
        self.ok = np.ones(n, dtype=bool)

    def add(self, rows: np.ndarray | Sequence[int], error: EventStudyError) -> None:
        """Record ``error`` for the events ``rows`` that have no problem yet."""
        rows = np.asarray(rows, dtype=np.intp)
        rows = rows[self.ok[rows]]
        self.errors[rows] = error
        self.ok[rows] = False

    @property
    def status(self) -> np.ndarray:
        """``"ok"`` or the problem's message, per event."""
        status = np.full(len(self.ok), OK, dtype=object)
        bad = np.flatnonzero(~self.ok)
        status[bad] = [str(e) for e in self.errors[bad]]
        return status

    def first(self) -> EventStudyError | None:
        """The problem of the first event that has one."""
        bad = np.flatnonzero(~self.ok)
        return None if not len(bad) else self.errors[bad[0]]


@dataclass(frozen=True)
class Pairs:
    """The distinct (stock, market) pairs of the events, numbered in order of appearance.

    Attributes
    ----------
    codes : numpy.ndarray of int
        The pair of each event.
    names : list of (str, str)
        The stock and the market of each pair.
    rows : list of numpy.ndarray of int
        The events of each pair.
    """

    codes: np.ndarray
    names: list[tuple[str, str]]
    rows: list[np.ndarray]


def pairs(tickers: pd.Series, markets: pd.Series) -> Pairs:
    """Number the distinct (ticker, market) pairs in order of appearance."""
    ticker_codes, ticker_names = pd.factorize(tickers.to_numpy(dtype=object))
    market_codes, market_names = pd.factorize(markets.to_numpy(dtype=object))
    codes, keys = pd.factorize(ticker_codes * len(market_names) + market_codes)
    names = [
        (str(ticker_names[k // len(market_names)]), str(market_names[k % len(market_names)]))
        for k in keys
    ]
    rows = np.split(np.argsort(codes, kind="stable"), np.cumsum(np.bincount(codes))[:-1])
    return Pairs(codes, names, rows)


def repeats(codes: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions that repeat an earlier (code, day), and the position each repeats."""
    order = np.lexsort((np.arange(len(codes)), days, codes))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (codes[order][1:] != codes[order][:-1]) | (days[order][1:] != days[order][:-1])
    first = order[np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))]
    return order[~new], first[~new]
