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

    Raises
    ------
    InvalidInputError
        If ``value`` cannot be read as a date.
    """
    if isinstance(value, bool | int | float | np.number):
        raise InvalidInputError(
            f"{name}={value!r} is a number, not a date; give an ISO date such as '2021-09-13'."
        )
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"{name}={value!r} is not a date; give an ISO date such as '2021-09-13'."
        ) from exc
    if pd.isna(stamp):
        raise InvalidInputError(f"{name}={value!r} is not a date.")
    return stamp


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
