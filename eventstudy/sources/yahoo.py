"""Daily prices from Yahoo Finance (through yfinance), turned back into as-traded prices.

Yahoo's Open, High, Low and Close are adjusted back in time for every later split (Chinese
bonus shares count as splits), so a price quoted in the news before a later split is not
Yahoo's Close. This module asks yfinance for unadjusted data with the split and dividend
events (``auto_adjust=False, actions=True``), undoes the splits, derives the exchange's
ex-rights previous close from the events, and checks it against Yahoo's Adj Close.

yfinance is imported inside the functions, never when this module is imported.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.errors import DataQualityWarning, DataUnavailableError, warn
from eventstudy.sources._frame import (
    DATE_UNIT,
    PRICE_COLUMNS,
    PRICE_RANGE,
    check_window,
    iso_day,
    valid_prices,
)
from eventstudy.sources.owndata import OWN_DATA_FIX

#: Days fetched before ``start`` so that the first day's previous close is known.
LOOKBACK = pd.Timedelta(days=366)
#: Largest accepted gap between close/preclose - 1 and the day's return of Yahoo's Adj Close.
RETURN_TOLERANCE = 1e-4
_TIMEOUT = 10  # seconds yfinance waits for one HTTP answer
_SHOWN = 10  # dates named in a warning


def download(
    ticker: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    *,
    session: Any = None,
    retries: int = 3,
    backoff: float = 2.0,
) -> pd.DataFrame:
    """Download daily prices of one ticker from Yahoo Finance, as traded on the exchange.

    Parameters
    ----------
    ticker : str
        Yahoo ticker, e.g. ``"000800.SZ"``, ``"600104.SS"``, ``"AAPL"``.
    start, end : pandas.Timestamp or None
        First and last day, inclusive; ``None`` means from the first day Yahoo has, or up
        to the latest day.
    session : requests.Session or curl_cffi Session, optional
        HTTP session handed to yfinance (``yfinance.Ticker(..., session=session)``).
        yfinance keeps the last session it was given for later calls.
    retries : int, default 3
        How many times a rate-limited request (HTTP 429) is repeated.
    backoff : float, default 2.0
        Seconds slept before the first repetition; doubled before each further one.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (exchange-local, tz-naive midnight); columns ``ticker, open, high,
        low, close, preclose, adj_close, volume, amount`` (float64 except ``ticker``;
        ``amount`` is NaN, Yahoo has no turnover). ``preclose`` is NaN on a first day
        with no earlier trading day. ``attrs["provenance"]`` holds ``source`` ("yahoo"),
        ``detail``, ``fetched_at`` (UTC), ``rows``, ``first``, ``last``, ``ticker``, and
        ``start``/``end``: the range this frame is complete for (used by the cache).

    Raises
    ------
    InvalidInputError
        If ``end`` is before ``start``.
    DataUnavailableError
        If yfinance fails (offline, unknown ticker, still rate-limited after ``retries``)
        or has no trading day in the window; the message names the ticker and the reason.

    Warns
    -----
    DataQualityWarning
        If on some days ``close / preclose - 1`` differs from the return of Yahoo's Adj
        Close by more than :data:`RETURN_TOLERANCE`; the dates are named.

    Notes
    -----
    With ``s_t`` the split ratio effective on day ``t`` (new shares per old share, 1 on
    days without a split) and ``S_t`` the product of the ratios of all splits after day
    ``t``, the as-traded prices are Yahoo's prices times ``S_t``, the volume is Yahoo's
    volume divided by ``S_t`` and the cash dividend ``d_t`` is Yahoo's (split-adjusted)
    dividend times ``S_t``. The previous close follows the exchanges' ex-rights reference
    price (SZSE and SSE Trading Rules, 除权(息)参考价格, without rights issues):

    .. math:: P^{pre}_t = (C_{t-1} - d_t) / s_t

    so ``C_t / P^{pre}_t - 1`` is the day's total return. Yahoo's Adj Close multiplies
    earlier prices by ``(1 - d_t / C_{t-1}) / s_t`` (the CRSP price adjustment factor,
    CRSP Data Descriptions Guide), whose day-to-day ratio is the same return; the two are
    compared to catch events Yahoo misses or misdates.

    The download runs from ``start`` minus :data:`LOOKBACK` to today, because Yahoo
    adjusts for splits up to today and reports only the events inside the requested range.

    Examples
    --------
    >>> frame = download("000800.SZ", pd.Timestamp("2021-09-01"),
    ...                  pd.Timestamp("2021-09-30"))  # doctest: +SKIP
    >>> frame.loc["2021-09-13", ["high", "close", "preclose"]].tolist()  # doctest: +SKIP
    [12.78, 12.11, 11.62]
    """
    first, last = check_window(start, end)
    fetch_start = None if first is None else first - LOOKBACK
    history, version = _history(ticker, fetch_start, session, retries, backoff)
    prices = _as_traded(history, ticker)
    window = prices.loc[first:last]
    if window.empty:
        raise DataUnavailableError(
            f"Yahoo Finance has prices for {ticker!r} from {prices.index[0].date()} to "
            f"{prices.index[-1].date()} but none from {iso_day(first) or 'the first day'} to "
            f"{iso_day(last) or 'today'}; widen the window, {OWN_DATA_FIX}."
        )
    _check_adjusted_returns(prices, ticker, first, last)
    frame = window.copy()
    frame.insert(0, "ticker", ticker)
    today = pd.Timestamp.now(pd.DatetimeIndex(history.index).tz).tz_localize(None).normalize()
    complete_until = last if last is not None and last < today else today - pd.Timedelta(days=1)
    frame.attrs["provenance"] = {
        "source": "yahoo",
        "detail": (
            f"Yahoo Finance chart API via yfinance {version} (auto_adjust=False, "
            f"actions=True); prices restored to as traded from the split events"
        ),
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": len(frame),
        "first": iso_day(frame.index[0]),
        "last": iso_day(frame.index[-1]),
        "ticker": ticker,
        "start": iso_day(first),
        "end": iso_day(complete_until),
    }
    return frame[list(PRICE_COLUMNS)]


def download_many(
    tickers: Sequence[str],
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    *,
    session: Any = None,
) -> dict[str, pd.DataFrame]:
    """Download several tickers with :func:`download`, showing a progress bar.

    The bar comes from ``tqdm.auto``: text on a terminal, a widget in a notebook.

    Parameters
    ----------
    tickers : sequence of str
        Yahoo tickers.
    start, end : pandas.Timestamp or None
        As in :func:`download`.
    session : object, optional
        As in :func:`download`.

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per ticker, in the order given.

    Raises
    ------
    DataUnavailableError
        For the first ticker that cannot be downloaded.

    Examples
    --------
    >>> frames = download_many(["000800.SZ", "399001.SZ"], pd.Timestamp("2021-09-01"),
    ...                        pd.Timestamp("2021-09-30"))  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    frames: dict[str, pd.DataFrame] = {}
    for ticker in tqdm(tickers, desc="Yahoo Finance", unit="ticker"):
        frames[ticker] = download(ticker, start, end, session=session)
    return frames


def _history(
    ticker: str, start: pd.Timestamp | None, session: Any, retries: int, backoff: float
) -> tuple[pd.DataFrame, str]:
    """Return yfinance's unadjusted daily history with events, and the yfinance version."""
    import yfinance as yf

    for attempt in range(retries + 1):
        try:
            with _exceptions_raised(yf.config):
                history: pd.DataFrame = yf.Ticker(ticker, session=session).history(
                    start=None if start is None else start.strftime("%Y-%m-%d"),
                    period="max" if start is None else None,
                    interval="1d",
                    auto_adjust=False,
                    actions=True,
                    timeout=_TIMEOUT,
                )
        except Exception as exc:  # yfinance raises many types: network, HTTP, parsing
            if _rate_limited(exc) and attempt < retries:
                time.sleep(backoff * 2**attempt)
                continue
            raise DataUnavailableError(_failure(ticker, exc, attempt + 1)) from exc
        if history.empty or "Close" not in history.columns:
            raise DataUnavailableError(
                f"Yahoo Finance returned no prices for {ticker!r} (from "
                f"{iso_day(start) or 'the first day'} to today). Check the ticker (Yahoo form, "
                f"e.g. '000800.SZ' or 'AAPL') and the internet connection, {OWN_DATA_FIX}."
            )
        return history, str(yf.__version__)
    raise AssertionError("unreachable: the last attempt returns or raises")


@contextmanager
def _exceptions_raised(config: Any) -> Iterator[None]:
    """Make yfinance raise its errors instead of printing them and returning an empty frame.

    Deprecation notices that yfinance's own code triggers in pandas are silenced: they
    concern yfinance, and the user can do nothing about them. So are yfinance's own log
    warnings (e.g. a failed cookie fetch offline): a failure reaches the user as one
    :class:`DataUnavailableError` with the reason.
    """
    hidden = config.debug.hide_exceptions
    config.debug.hide_exceptions = False
    log = logging.getLogger("yfinance")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="yfinance")
            warnings.filterwarnings("ignore", category=FutureWarning, module="yfinance")
            yield
    finally:
        config.debug.hide_exceptions = hidden
        log.setLevel(level)


def _rate_limited(exc: BaseException) -> bool:
    """True for yfinance's YFRateLimitError or any HTTP error with status 429."""
    return type(exc).__name__ == "YFRateLimitError" or _status(exc) == 429


def _failure(ticker: str, exc: BaseException, attempts: int) -> str:
    if _rate_limited(exc):
        return (
            f"Yahoo Finance refused {ticker!r}: rate limited (HTTP 429) on {attempts} "
            f"attempt(s). Wait a few minutes and try again, {OWN_DATA_FIX}."
        )
    if _status(exc) == 404:
        return (
            f"Yahoo Finance does not know the ticker {ticker!r} (HTTP 404). Check its spelling "
            f"in Yahoo form (e.g. '000800.SZ', '600104.SS', 'AAPL'), {OWN_DATA_FIX}."
        )
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(reason) > 300:
        reason = reason[:297] + "..."
    if _offline(exc):
        return (
            f"Yahoo Finance could not be reached for {ticker!r}: this machine looks offline "
            f"({reason}); connect to the internet and try again (a download is kept for "
            f"offline use), {OWN_DATA_FIX}."
        )
    return (
        f"Could not download {ticker!r} from Yahoo Finance ({reason}). Check the internet "
        f"connection and the ticker (Yahoo form, e.g. '000800.SZ' or 'AAPL'), {OWN_DATA_FIX}."
    )


def _offline(exc: BaseException) -> bool:
    """True for a failure to reach the server at all (name lookup, connection, timeout), as
    requests, curl_cffi and urllib3 report it."""
    text = f"{type(exc).__name__} {exc}".lower()
    return any(
        word in text
        for word in ("dnserror", "connectionerror", "could not resolve", "failed to resolve",
                     "name or service not known", "timed out", "timeout", "network is unreachable")
    )


def _status(exc: BaseException) -> int | None:
    """HTTP status of the response an exception carries, if any."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def _as_traded(history: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Turn yfinance's split-adjusted history into as-traded prices with ``preclose``.

    Rows without prices (yfinance adds them for events after the last trading day) count
    for the split factors and are then dropped, and so are rows whose close is not a price
    (zero, negative, infinite or outside :data:`PRICE_RANGE`: Yahoo serves such rows now and
    then), with a warning: the next day's return then spans both days, as after a suspension.
    """
    local = pd.DatetimeIndex(history.index)
    if local.tz is not None:
        local = local.tz_localize(None)
    dates = pd.DatetimeIndex(local.normalize().astype(f"datetime64[{DATE_UNIT}]"), name="date")
    splits = history["Stock Splits"].fillna(0.0).to_numpy("float64")
    ratio = np.where(splits > 0, splits, 1.0)
    later = np.append(np.cumprod(ratio[::-1])[::-1][1:], 1.0)  # product of later splits
    traded = pd.DataFrame(
        {
            column: history[yahoo].to_numpy("float64") * later
            for column, yahoo in (
                ("open", "Open"),
                ("high", "High"),
                ("low", "Low"),
                ("close", "Close"),
            )
        },
        index=dates,
    )
    dividend = history["Dividends"].fillna(0.0).to_numpy("float64") * later
    traded["preclose"] = np.nan
    traded["adj_close"] = history["Adj Close"].to_numpy("float64")
    traded["volume"] = history["Volume"].to_numpy("float64") / later
    traded["amount"] = np.nan
    _drop_non_prices(traded, ticker)
    trading = traded["close"].notna().to_numpy()
    previous_close = traded["close"][trading].shift(1).to_numpy("float64")
    traded.loc[trading, "preclose"] = (previous_close - dividend[trading]) / ratio[trading]
    traded = traded[trading]
    return traded[~traded.index.duplicated(keep="last")]


def _drop_non_prices(traded: pd.DataFrame, ticker: str) -> None:
    """Blank (NaN) the prices that are not prices; warn naming the days whose close was one."""
    closes = traded["close"].to_numpy("float64")
    bad_close = ~np.isnan(closes) & ~valid_prices(closes)
    for column in ("open", "high", "low", "close"):
        values = traded[column].to_numpy("float64")
        traded[column] = np.where(valid_prices(values), values, np.nan)
    if not bad_close.any():
        return
    days = traded.index[bad_close]
    values = closes[bad_close][:_SHOWN]
    shown = ", ".join(
        f"{day:%Y-%m-%d} ({value:g})" for day, value in zip(days[:_SHOWN], values, strict=True)
    )
    more = f" and {len(days) - _SHOWN} more" if len(days) > _SHOWN else ""
    warn(
        f"{ticker}: Yahoo Finance gave a close that is not a price (zero, negative, infinite, "
        f"or outside {PRICE_RANGE[0]:g} to {PRICE_RANGE[1]:g}) on {len(days)} day(s): "
        f"{shown}{more}. Those days are left out, as days without a trade; the next day's "
        f"return spans them. Check them against the exchange's data.",
        DataQualityWarning,
    )


def _check_adjusted_returns(
    prices: pd.DataFrame, ticker: str, first: pd.Timestamp | None, last: pd.Timestamp | None
) -> None:
    """Warn about days from ``first`` to ``last`` where the two daily returns disagree."""
    implied = prices["close"] / prices["preclose"] - 1.0
    adjusted = prices["adj_close"] / prices["adj_close"].shift(1) - 1.0
    gap = (implied - adjusted).abs().loc[first:last]
    bad = gap[gap > RETURN_TOLERANCE]
    if bad.empty:
        return
    shown = ", ".join(
        f"{day.date()} ({implied[day]:+.4%} vs {adjusted[day]:+.4%})" for day in bad.index[:_SHOWN]
    )
    more = f" and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
    warn(
        f"{ticker}: on {len(bad)} day(s) the return close/preclose - 1 rebuilt from Yahoo's "
        f"split and dividend events differs from the return of Yahoo's Adj Close: {shown}"
        f"{more}. Yahoo may have missed or misdated a dividend or split there; compare "
        f"with the exchange's data before relying on those days.",
        DataQualityWarning,
    )


