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
    tickers, bad = _spelt(frame["ticker"])
    for at in np.flatnonzero(bad).tolist():  # only the rows without a ticker: say why
        try:
            check_ticker(frame["ticker"].iat[at])
        except InvalidInputError as exc:
            problems.setdefault(at, exc)
    markets = _spelt(frame["market"])[0] if "market" in frame else None
    frame["ticker"], frame["market"] = np.where(bad, "", tickers), markets
    if "group" not in frame:
        frame["group"] = None
    return frame.reset_index(drop=True), problems


def _spelt(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value as :func:`check_ticker` spells a ticker (None where it is not one), and
    where it is not; each distinct value is spelt once."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object))
    distinct = np.asarray(distinct, dtype=object)
    if pd.api.types.infer_dtype(distinct, skipna=False) != "string":  # odd cells: one by one
        distinct = np.array([v if isinstance(v, str) else None for v in distinct], dtype=object)
    text = pd.Series(distinct, dtype=object).str.strip()
    named = (text.notna() & (text != "")).to_numpy(dtype=bool)
    spelt = np.full(len(distinct) + 1, None, dtype=object)  # the last: a missing value (−1)
    spelt[:-1][named] = text[named].str.upper().to_numpy(dtype=object)
    out: np.ndarray = spelt[codes]
    return out, out == None  # noqa: E711 (elementwise)


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

    def add_each(self, errors: np.ndarray) -> None:
        """Record each event's error in ``errors`` (object array, None for no error) for the
        events that have no problem yet."""
        rows = np.flatnonzero(self.ok & (errors != None))  # noqa: E711 (elementwise)
        self.errors[rows] = errors[rows]
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
    tickers, markets : numpy.ndarray of str
        The stock and the market of each pair (``""`` for none).
    """

    codes: np.ndarray
    tickers: np.ndarray
    markets: np.ndarray


def pairs(tickers: pd.Series, markets: pd.Series) -> Pairs:
    """Number the distinct (ticker, market) pairs in order of appearance."""
    ticker_codes, ticker_names = pd.factorize(tickers.to_numpy(dtype=object))
    market_codes, market_names = pd.factorize(markets.to_numpy(dtype=object))
    m = len(market_names)
    codes, keys = pd.factorize(ticker_codes * m + market_codes)
    return Pairs(
        codes,
        np.asarray(ticker_names, dtype=object)[keys // m],
        np.asarray(market_names, dtype=object)[keys % m],
    )


def repeats(codes: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions that repeat an earlier (code, day), and the position each repeats.

    The pairs are numbered by hashing, in order of first appearance (no sort).
    """
    day_ids, distinct = pd.factorize(days)
    ids, _ = pd.factorize(codes.astype(np.int64) * max(len(distinct), 1) + day_ids)
    seen = np.maximum.accumulate(ids) if len(ids) else ids
    new = np.ones(len(ids), dtype=bool)
    new[1:] = ids[1:] > seen[:-1]  # ids count up from 0 as new pairs appear
    same = np.flatnonzero(~new)
    return same, np.flatnonzero(new)[ids[same]]
