"""Exchange rates to the US dollar, to judge a price a news article converted to dollars.

:func:`usd_rate` gives the units of a currency per US dollar on a day, from Yahoo's
``CNY=X``-style series through :func:`eventstudy.load_prices` (the cache, or a download).
A rate is never guessed: a day without a quote takes the latest earlier quote within
:data:`MAX_STALE_DAYS` days, and the returned :class:`FxRate` says so in its ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.calendar import DateLike
from eventstudy.errors import DataUnavailableError, EventStudyError
from eventstudy.sources import load_prices
from eventstudy.sources._frame import check_window, iso_day

#: The most calendar days an earlier quote may be older than the day it is used for.
MAX_STALE_DAYS = 7


@dataclass(frozen=True)
class FxRate:
    """An exchange rate to the US dollar, with where and when it was quoted.

    Attributes
    ----------
    currency : str
        The currency, e.g. ``"CNY"``.
    rate : Decimal
        Units of ``currency`` per US dollar, as quoted (``Decimal("6.4511")``).
    date : pandas.Timestamp or None
        The day of the quote; ``None`` for a rate the user gave.
    source : str
        Where the rate comes from: ``"given"``, or the series and the source it was read
        from.
    note : str
        Why the quote is of another day than the one asked for; empty otherwise.
    """

    currency: str
    rate: Decimal
    date: pd.Timestamp | None
    source: str
    note: str = ""

    def __str__(self) -> str:
        when = "" if self.date is None else f" of {self.date:%Y-%m-%d}"
        text = f"{self.rate} {self.currency} per USD ({self.source}{when})"
        return f"{text}; {self.note}" if self.note else text


def usd_rate(currency: str, day: DateLike, source: Any = "auto") -> FxRate:
    """Units of ``currency`` per US dollar on ``day``.

    Parameters
    ----------
    currency : str
        ISO code, e.g. ``"CNY"``.
    day : str, date or Timestamp
        The day the rate is wanted for.
    source : str, path or DataFrame, default "auto"
        Where to look, as in :func:`eventstudy.load_prices` (the series ``CNY=X``).

    Returns
    -------
    FxRate
        The quote of ``day``, or else the latest earlier one within
        :data:`MAX_STALE_DAYS` days, with a note naming both days.

    Raises
    ------
    DataUnavailableError
        No quote on ``day`` or in the :data:`MAX_STALE_DAYS` days before it; the message
        says what was tried.
    """
    last = check_window(day, None)[0]
    assert last is not None
    ticker = f"{currency}=X"
    start = last - pd.Timedelta(days=MAX_STALE_DAYS)
    try:
        rates = load_prices(ticker, start, last, source=source)
    except (EventStudyError, ImportError) as exc:
        raise DataUnavailableError(
            f"No {currency} per USD rate for {iso_day(last)} ({ticker}: "
            f"{str(exc).split('. ')[0]})."
        ) from exc
    closes = rates["close"].dropna()
    if closes.empty:
        raise DataUnavailableError(
            f"No {currency} per USD rate for {iso_day(last)}: {ticker} has no close from "
            f"{iso_day(start)} to {iso_day(last)}."
        )
    quoted = pd.Timestamp(closes.index[-1])
    origin = rates.attrs.get("provenance", {}).get("source", "data")
    return FxRate(
        currency=currency,
        rate=Decimal(repr(float(np.float64(closes.iloc[-1])))),
        date=quoted,
        source=f"{ticker} close, {origin}",
        note=_stale_note(ticker, last, quoted),
    )


def _stale_note(series: str, day: pd.Timestamp, quoted: pd.Timestamp) -> str:
    if quoted == day:
        return ""
    return (
        f"{series} has no quote for {iso_day(day)}; the latest earlier one, of "
        f"{iso_day(quoted)}, is used"
    )
