"""Exchange rates to the US dollar, to judge a price a news article converted to dollars.

The package ships the daily CNY per US dollar rate for the bundled period (2019-01-02 to
2022-01-14): FRED series DEXCHUS, the noon buying rates in New York certified by the Federal
Reserve Board (statistical release H.10). It is the tidy table of the ticker ``CNY=X`` in
``data/fx.csv`` (``eventstudy/_bundled/fx.csv`` in a wheel; sources in
``data/PROVENANCE.md``), read with the same checks as every price table. A day FRED gives no
rate for (mostly a New York holiday) has no row.

:func:`usd_rate` looks for a rate in the user's own table (when ``data`` is one), then in
the bundled rates, then, for ``data`` "auto", "cache" or "yahoo", in Yahoo's ``CNY=X`` through
:func:`eventstudy.load_prices`. A rate is never made up: a day without a rate takes the
latest earlier one within :data:`MAX_STALE_DAYS` days, and the returned :class:`FxRate` says
so in its ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from eventstudy.calendar import DateLike
from eventstudy.errors import DataUnavailableError, EventStudyError
from eventstudy.sources import is_own_data, load_prices
from eventstudy.sources._frame import CheckedTable, check_window, iso_day, ticker_frame

#: The most calendar days an earlier rate may be older than the day it is used for.
MAX_STALE_DAYS = 7

#: The bundled series, as its rows are named in a verdict.
BUNDLED_FX_SOURCE = "FRED DEXCHUS, H.10 noon buying rate in New York; bundled"

_PACKAGE = Path(__file__).resolve().parents[1]
_CANDIDATES = (
    _PACKAGE / "_bundled" / "fx.csv",  # installed from a wheel
    _PACKAGE.parent / "data" / "fx.csv",  # source checkout
)


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

    Examples
    --------
    >>> print(usd_rate("CNY", "2021-09-13", data="bundled"))
    6.4511 CNY per USD on 2021-09-13 (FRED DEXCHUS, H.10 noon buying rate in New York; bundled)
    """

    currency: str
    rate: Decimal
    date: pd.Timestamp | None
    source: str
    note: str = ""

    def __str__(self) -> str:
        when = "" if self.date is None else f" on {self.date:%Y-%m-%d}"
        text = f"{self.rate} {self.currency} per USD{when} ({self.source})"
        return f"{text}; {self.note}" if self.note else text


def usd_rate(currency: str, day: DateLike, data: Any = "auto") -> FxRate:
    """Units of ``currency`` per US dollar on ``day``.

    Parameters
    ----------
    currency : str
        ISO code, e.g. ``"CNY"``.
    day : str, date or Timestamp
        The day the rate is wanted for.
    data : str, path or DataFrame, default "auto"
        Where to look besides the bundled rates, as in :func:`eventstudy.load_prices` (the
        series ``CNY=X``): your own table first, or, for "auto", "cache" and "yahoo", Yahoo's
        series after the bundled rates. ``"bundled"`` looks in the bundled rates only.

    Returns
    -------
    FxRate
        The rate of ``day``, or else the latest earlier one within :data:`MAX_STALE_DAYS`
        days, with a note naming both days.

    Raises
    ------
    DataUnavailableError
        No rate on ``day`` or in the :data:`MAX_STALE_DAYS` days before it; the message says
        where it looked.

    Examples
    --------
    >>> rate = usd_rate("CNY", "2021-09-06", data="bundled")  # US Labor Day: no FRED rate
    >>> rate.rate, rate.date.date()
    (Decimal('6.4528'), datetime.date(2021, 9, 3))
    >>> rate.note
    'FRED DEXCHUS has no rate for 2021-09-06; the latest earlier one, of 2021-09-03, is used'
    """
    wanted = check_window(day, None)[0]
    assert wanted is not None
    ticker = f"{currency}=X"
    since = wanted - pd.Timedelta(days=MAX_STALE_DAYS)
    tried: list[str] = []
    own = is_own_data(data)
    if own:
        try:
            rates = load_prices(ticker, data=data).loc[since:wanted]
            return _quote(rates, currency, wanted, ticker, f"{ticker} close; your data")
        except DataUnavailableError as exc:
            tried.append(f"your data ({_first_sentence(exc)})")
    bundled = _bundled().get(ticker)
    if bundled is None:
        tried.append(f"the bundled rates (no {ticker} among them)")
    else:
        try:
            if not bundled.index[0] <= wanted <= bundled.index[-1]:
                raise DataUnavailableError(
                    f"FRED DEXCHUS, {iso_day(bundled.index[0])} to {iso_day(bundled.index[-1])}"
                )
            return _quote(bundled.loc[since:wanted], currency, wanted, "FRED DEXCHUS",
                          BUNDLED_FX_SOURCE)
        except DataUnavailableError as exc:
            tried.append(f"the bundled rates ({exc})")
    if not own and data != "bundled":
        try:
            frame = load_prices(ticker, since, wanted, data=data)
            return _quote(frame, currency, wanted, ticker,
                          f"{ticker} close; {frame.attrs['provenance']['source']}")
        except (EventStudyError, ImportError) as exc:
            tried.append(f"{data} ({_first_sentence(exc)})")
    raise DataUnavailableError(
        f"No {currency} per USD rate for {iso_day(wanted)}: looked in " + "; ".join(tried) + "."
    )


def _quote(frame: pd.DataFrame, currency: str, day: pd.Timestamp, series: str,
           source: str) -> FxRate:
    """The rate of ``day`` in ``frame``, else its latest earlier one (a frame of recent days)."""
    closes = frame["close"].loc[:day].dropna()
    if closes.empty:
        raise DataUnavailableError(
            f"{series} has no rate from {iso_day(day - pd.Timedelta(days=MAX_STALE_DAYS))} to "
            f"{iso_day(day)}"
        )
    quoted = pd.Timestamp(closes.index[-1])
    note = "" if quoted == day else (
        f"{series} has no rate for {iso_day(day)}; the latest earlier one, of "
        f"{iso_day(quoted)}, is used"
    )
    rate = Decimal(repr(float(closes.iloc[-1])))
    return FxRate(currency=currency, rate=rate, date=quoted, source=source, note=note)


@lru_cache(maxsize=1)
def _bundled() -> dict[str, pd.DataFrame]:
    """The bundled rates by ticker, read once with the checks of every price table."""
    path = next((p for p in _CANDIDATES if p.is_file()), None)
    if path is None:
        return {}
    raw = pd.read_csv(path, dtype={"ticker": "str", "date": "str", "close": "float64"})
    checked = CheckedTable.from_raw(raw, path.name)
    return {str(name): ticker_frame(checked, k) for k, name in enumerate(checked.names)}


def _first_sentence(exc: BaseException) -> str:
    return str(exc).split(". ")[0].rstrip(".")
