"""Trading sessions and the choice of day 0.

An event is announced on a calendar date (or at a moment in time); an event study needs a
trading day. This module owns that translation: it takes the exchange a ticker trades on
from the market registry, reads its sessions from ``exchange-calendars``, and moves a date
that is not one of the stock's trading days to the next one, saying why (weekend, exchange
holiday, suspension, after the close).

Relative days count the *stock's own* trading days: day 0 is the stock's first trading day
on or after the event, day +1 the stock's next trading day, and so on.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.markets import Market, find_market

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

DateLike = str | dt.date | dt.datetime | pd.Timestamp

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@lru_cache(maxsize=16)
def get_exchange_calendar(code: str) -> ExchangeCalendar:
    """Return the ``exchange-calendars`` calendar ``code`` (cached; loaded lazily).

    exchange-calendars still calls pandas APIs that pandas 3 deprecates; those warnings are
    about that package, not about the user's data, so they are silenced here.
    """
    import exchange_calendars

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        return exchange_calendars.get_calendar(code)


def to_timestamp(value: DateLike, name: str = "date") -> pd.Timestamp:
    """Parse a date or moment given by a user into a ``pd.Timestamp``.

    The value is read as :func:`parse_dates` reads one: ISO 8601 text and other forms that
    cannot be misread, dates and datetimes; a moment with a time zone comes back in UTC.

    Raises
    ------
    InvalidInputError
        If ``value`` cannot be read as a date, or is a day-month order that could be misread.

    Examples
    --------
    >>> to_timestamp("2021-09-13"), to_timestamp("13 Sep 2021")
    (Timestamp('2021-09-13 00:00:00'), Timestamp('2021-09-13 00:00:00'))
    >>> to_timestamp("09/10/2021")
    Traceback (most recent call last):
    ...
    eventstudy.errors.InvalidInputError: date='09/10/2021' is ambiguous: it could be ...
    """
    parsed = parse_dates(np.array([value], dtype=object))
    if parsed.problems[0]:
        raise InvalidInputError(f"{name}={parsed.problems[0]}.")
    stamp = pd.Timestamp(parsed.stamps[0])
    return stamp.tz_localize("UTC") if parsed.aware[0] else stamp


@dataclass(frozen=True)
class ParsedDates:
    """Dates read from a column, as :func:`parse_dates` returns them.

    Attributes
    ----------
    stamps : numpy.ndarray of datetime64[ns]
        Each value's moment: the wall time for a value without a time zone, UTC for one
        with a time zone; NaT where the value could not be read.
    aware : numpy.ndarray of bool
        Which values carried a time zone (their ``stamps`` are UTC).
    problems : numpy.ndarray of str
        Why a value is not a date (``"'09/10/2021' is ambiguous: ..."``); ``""`` where it was
        read.
    """

    stamps: np.ndarray
    aware: np.ndarray
    problems: np.ndarray


# Numbers with the year last (09/10/2021, 13.09.21): day-first and month-first look alike.
_YEAR_LAST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?=$|[\sT])")
# A month written as a word, a day and a four-digit year: "13 Sep 2021", "Sep 13, 2021".
_NAMED_MONTH = re.compile(r"^(?=.*[A-Za-z]{3})(?=.*(?<!\d)\d{1,2}(?!\d))(?=.*(?<!\d)\d{4}(?!\d))")


def parse_dates(values: pd.Series[Any] | pd.Index | np.ndarray) -> ParsedDates:
    """Read a column of dates the way a user means them, or say why a value cannot be.

    Accepted: datetime values (with or without a time zone), ``datetime.date`` objects, and
    text in ISO 8601 (``2021-09-13``, ``20210913``, ``2021/09/13``, ``2021-09-13 10:30``,
    ``2021-09-13T10:30+08:00``) or with the month as a word and a four-digit year
    (``13 Sep 2021``, ``Sep 13, 2021``). Refused: numbers with the year last
    (``09/10/2021`` is 10 September in one country and 9 October in another), numbers,
    empty cells and anything else.

    The distinct values are parsed once each, so a long column of repeated dates is cheap.

    Parameters
    ----------
    values : pandas.Series, pandas.Index or numpy.ndarray

    Returns
    -------
    ParsedDates

    Examples
    --------
    >>> parsed = parse_dates(np.array(["2021-09-13", "2021-09-12T16:00Z", "09/10/2021"]))
    >>> parsed.stamps[:2].astype(str).tolist(), parsed.aware.tolist()
    (['2021-09-13T00:00:00.000000000', '2021-09-12T16:00:00.000000000'], [False, True, False])
    >>> parsed.problems[2]
    "'09/10/2021' is ambiguous: it could be 2021-09-10 or 2021-10-09; write it as YYYY-MM-DD"
    """
    n = len(values)
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.DatetimeTZDtype):
        utc = pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None)
        return _parsed(utc.to_numpy(dtype="datetime64[ns]"), np.ones(n, dtype=bool))
    if dtype is not None and pd.api.types.is_datetime64_dtype(dtype):
        return _parsed(np.asarray(values, dtype="datetime64[ns]"), np.zeros(n, dtype=bool))
    codes, distinct = pd.factorize(np.asarray(values, dtype=object))
    stamps, aware = _read_iso_column(distinct)
    problems = np.full(len(distinct) + 1, "", dtype=object)
    for i in np.flatnonzero(np.isnat(stamps[:-1])):  # few: what ISO 8601 did not read
        stamps[i], aware[i], problems[i] = _parse_one(distinct[i])
    problems[-1] = "an empty cell is not a date"  # code -1: a missing value
    return ParsedDates(stamps[codes], aware[codes], problems[codes])


def _read_iso_column(distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moments of the values that are ISO 8601 text with one UTC offset or none (one call),
    and whether they had one; NaT elsewhere. The arrays have one more slot, for "missing"."""
    stamps = np.full(len(distinct) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    aware = np.zeros(len(distinct) + 1, dtype=bool)
    if not len(distinct) or not all(isinstance(v, str) and v[:1].isdigit() for v in distinct):
        return stamps, aware  # pandas reads "today" and "now" too: those go one by one
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            read = pd.DatetimeIndex(pd.to_datetime(distinct, format="ISO8601", errors="coerce"))
        except (ValueError, TypeError, OverflowError, Warning):  # e.g. mixed UTC offsets
            return stamps, aware
    if read.tz is not None:
        read = read.tz_convert("UTC").tz_localize(None)
        aware[:-1] = True
    stamps[:-1] = read.to_numpy(dtype="datetime64[ns]")
    aware &= ~np.isnat(stamps)
    return stamps, aware


def _parsed(stamps: np.ndarray, aware: np.ndarray) -> ParsedDates:
    missing = np.isnat(stamps)
    problems = np.full(len(stamps), "", dtype=object)
    problems[missing] = "an empty cell is not a date"
    return ParsedDates(stamps, aware & ~missing, problems)


def _parse_one(value: object) -> tuple[np.datetime64, bool, str]:
    """(moment, has a time zone, "") for a readable value, (NaT, False, why) otherwise."""
    nat = np.datetime64("NaT", "ns")
    not_a_date = f"{value!r} is not a date; write dates as YYYY-MM-DD"
    if isinstance(value, bool | int | float | np.number):
        return nat, False, f"{value!r} is a number, not a date; write dates as YYYY-MM-DD"
    if not isinstance(value, str | dt.date | np.datetime64):
        return nat, False, not_a_date
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return nat, False, "an empty cell is not a date"
        year_last = _YEAR_LAST.match(text)
        if year_last:
            return nat, False, _ambiguous(value, year_last)
    try:
        stamp = _read_text(text) if isinstance(value, str) else pd.Timestamp(value)
        return (nat, False, not_a_date) if stamp is None else _moment(stamp)
    except (OverflowError, ValueError):  # pandas holds 1677-09-22 .. 2262-04-11 only
        return nat, False, f"{value!r} lies outside the years 1678 to 2261"


def _read_text(text: str) -> pd.Timestamp | None:
    """The moment ISO 8601 text (else a named month's) gives; None if none or pandas warns."""
    formats = ["ISO8601"] if text[0].isdigit() else []
    if _NAMED_MONTH.match(text):
        formats.append("mixed")  # dateutil: the month is a word, the order is clear
    for form in formats:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                stamp = pd.to_datetime(text, format=form)
            except (ValueError, TypeError, OverflowError, Warning):
                continue
        if not pd.isna(stamp):
            return pd.Timestamp(stamp)
    return None


def _moment(stamp: pd.Timestamp) -> tuple[np.datetime64, bool, str]:
    if stamp.tzinfo is not None:
        return stamp.tz_convert("UTC").tz_localize(None).as_unit("ns").to_datetime64(), True, ""
    return stamp.as_unit("ns").to_datetime64(), False, ""


def _ambiguous(value: str, match: re.Match[str]) -> str:
    first, second, year = (int(g) for g in match.groups())
    year = year + 2000 if len(match.group(3)) == 2 else year
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(dt.date(year, month, day).isoformat())
        except ValueError:
            continue
    if len(set(readings)) == 2:
        return (
            f"{value!r} is ambiguous: it could be {readings[0]} or {readings[1]}; write it as "
            f"YYYY-MM-DD"
        )
    return (
        f"{value!r} puts the year last, a form read day-first in some places and month-first "
        f"in others; write it as YYYY-MM-DD" + (f" ({readings[0]}?)" if readings else "")
    )


@dataclass(frozen=True)
class EventDay:
    """Where an event falls in a stock's trading days.

    Attributes
    ----------
    requested : pandas.Timestamp
        The date (or moment) the user gave.
    day0 : pandas.Timestamp
        The stock's trading day taken as relative day 0.
    reason : str
        Why ``day0`` differs from the requested date; empty when it does not.
    """

    requested: pd.Timestamp
    day0: pd.Timestamp
    reason: str


def _session_close(market: Market, session: pd.Timestamp) -> pd.Timestamp | None:
    """The close of ``session`` (half days included) in the market's time zone; None if it is
    not a session (or lies outside the dates the calendar knows)."""
    calendar = get_exchange_calendar(market.calendar)
    if not calendar.first_session <= session <= calendar.last_session:
        return None
    if not calendar.is_session(session):
        return None
    close: Any = calendar.session_close(session)
    return pd.Timestamp(close).tz_convert(market.timezone)


def locate_event(date: DateLike, trading_days: pd.DatetimeIndex, ticker: str) -> EventDay:
    """Find day 0 for an event on ``date`` among a stock's ``trading_days``.

    Rules, in order:

    1. A moment with a time of day is read in the exchange's time zone (a tz-aware moment is
       converted; a naive one is taken as exchange-local). At or after the session's close,
       the event moves to the next day. The exchange, its time zone and its calendar come
       from the market registry (:mod:`eventstudy.markets`) by the ticker's suffix.
    2. If the stock traded on the date, that is day 0.
    3. Otherwise day 0 is the stock's next trading day, and the reason names why the date was
       not one: a weekend, an exchange holiday (from the exchange's calendar), or a day the
       exchange was open but the stock did not trade (a suspension, or before listing).

    Parameters
    ----------
    date : str, date, datetime or Timestamp
        When the news came out.
    trading_days : pandas.DatetimeIndex
        The stock's trading days (sorted, tz-naive, normalised).
    ticker : str
        The stock, for messages and to find its exchange.

    Returns
    -------
    EventDay

    Raises
    ------
    InsufficientDataError
        If the stock has no trading day on or after ``date`` in the data.

    Examples
    --------
    >>> days = pd.DatetimeIndex(["2021-09-10", "2021-09-13", "2021-09-14"])
    >>> locate_event("2021-09-11", days, "000800.SZ").reason
    '2021-09-11 is a Saturday'
    """
    requested = to_timestamp(date)
    market = find_market(ticker)
    code = None if market is None else market.calendar
    day = requested.normalize()
    notes: list[str] = []
    has_time = requested != day or requested.tzinfo is not None
    if has_time and market is not None:
        local = (
            requested.tz_convert(market.timezone)
            if requested.tzinfo is not None
            else requested.tz_localize(market.timezone)
        )
        day = local.tz_localize(None).normalize()
        close = _session_close(market, day)
        if close is not None and local >= close:
            notes.append(
                f"{local:%Y-%m-%d %H:%M} {market.timezone} is at or after the {code} close "
                f"({close:%H:%M}), so the news first reaches prices on the next trading day"
            )
            day = day + pd.Timedelta(days=1)
    elif has_time:
        day = requested.tz_localize(None).normalize() if requested.tzinfo else day

    position = int(trading_days.searchsorted(day))
    if position >= len(trading_days):
        last = trading_days[-1].date() if len(trading_days) else None
        raise InsufficientDataError(
            f"{ticker} has no trading day on or after {day.date()} in the data "
            f"(last trading day: {last}). Use an earlier date or data that reach further."
        )
    day0 = trading_days[position]
    if day0 != day:
        notes.append(_why_not_traded(day, ticker, code, trading_days, position))
    return EventDay(requested=requested, day0=day0, reason="; ".join(notes))


def _why_not_traded(
    day: pd.Timestamp,
    ticker: str,
    code: str | None,
    trading_days: pd.DatetimeIndex,
    position: int,
) -> str:
    """Say why ``ticker`` has no trading day on ``day``."""
    if day.day_of_week >= 5:
        return f"{day.date()} is a {_WEEKDAYS[day.day_of_week]}"
    if code is not None:
        calendar = get_exchange_calendar(code)
        if calendar.first_session <= day <= calendar.last_session:
            if not calendar.is_session(day):
                return f"{day.date()} is an exchange holiday ({code})"
            if position == 0:
                return (
                    f"{ticker} has no trading before {trading_days[0].date()} in the data "
                    f"(not yet listed, or the data start later)"
                )
            return f"{ticker} did not trade on {day.date()} although {code} was open (suspended)"
    return f"{ticker} did not trade on {day.date()}"
