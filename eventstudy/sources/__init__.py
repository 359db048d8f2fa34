"""Daily prices behind one function, :func:`load_prices`.

Sources: the bundled data, Yahoo Finance (through yfinance, imported only when used), the
local SQLite cache of earlier downloads, and the user's own CSV file or DataFrame. Every
frame carries its provenance in ``frame.attrs["provenance"]``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, get_args

import pandas as pd

from eventstudy._typing import SourceName
from eventstudy.calendar import DateLike
from eventstudy.errors import (
    CacheError,
    DataUnavailableError,
    EventStudyWarning,
    InvalidInputError,
    warn,
)
from eventstudy.markets import yahoo_ticker
from eventstudy.sources._frame import (
    PRICE_COLUMNS,
    check_ticker,
    check_window,
    did_you_mean,
    iso_day,
)
from eventstudy.sources.bundled import bundled_span, bundled_tickers, is_bundled, load_bundled
from eventstudy.sources.owndata import OWN_DATA_FIX, is_parquet, load_own

__all__ = [
    "PRICE_COLUMNS", "bundled_span", "bundled_tickers", "is_bundled", "is_own_data", "load_prices"
]


def load_prices(
    ticker: str,
    start: DateLike | None = None,
    end: DateLike | None = None,
    data: str | os.PathLike[str] | pd.DataFrame = "auto",
    *,
    session: Any = None,
    source: str | os.PathLike[str] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return daily prices of one ticker, indexed by exchange-local trading date.

    Parameters
    ----------
    ticker : str
        Ticker in Yahoo form, e.g. ``"000800.SZ"`` (Shenzhen), ``"600104.SS"`` (Shanghai),
        ``"399001.SZ"`` (SZSE Component index).
    start, end : str, date, datetime or pandas.Timestamp, optional
        First and last day, both inclusive. ``None`` means from the first or to the last
        day the source has.
    data : {"auto", "bundled", "yahoo", "cache"}, path or pandas.DataFrame, default "auto"
        ``"bundled"``: the data shipped with the package. ``"yahoo"``: download with
        yfinance (the download is stored in the cache). ``"cache"``: earlier downloads only.
        ``"auto"``: the cache, then the bundled data, then Yahoo (stored in the cache).
        A CSV path or a DataFrame: your own tidy table with at least the columns
        ``ticker, date, close`` (it may hold several tickers; ``date`` may be the index).
    session : object, optional
        HTTP session handed to yfinance (e.g. a ``requests.Session``); Yahoo only.
    source : optional
        The former name of ``data`` (the name ``run``, ``study`` and ``check_claim`` use);
        deprecated: it warns (``FutureWarning``) and will be removed.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (tz-naive, midnight, sorted, unique ``datetime64[ns]``); columns
        ``ticker, open, high, low, close, preclose, adj_close, volume, amount``, numbers as
        float64, NaN where the source has no such column. ``close`` and the other prices
        are as traded; ``preclose`` is the exchange's ex-rights previous close, so
        ``close / preclose - 1`` is the day's total return; ``adj_close`` is adjusted for
        dividends and splits (its day-to-day ratio equals ``close / preclose``).
        ``attrs["provenance"]`` is a dict with ``source`` ("bundled", "yahoo", "cache",
        "csv" or "dataframe"), ``detail`` (file, URL or description), ``fetched_at`` (ISO
        time of a download, else None), ``rows``, ``first``, ``last`` and ``ticker``.

    Raises
    ------
    InvalidInputError
        A date that cannot be read, ``end`` before ``start``, or an unknown ``data``.
    DataUnavailableError
        No source has the ticker, or the window reaches outside the data; the message
        says what was tried, what the data cover and how to fix it.
    DataFormatError
        Your own table is malformed (missing columns, unparseable dates, duplicated ticker
        and date, non-positive prices, missing closes).

    Notes
    -----
    The bundled file is parsed once per process; later calls copy a slice (about a
    millisecond). The returned frame is always a copy and never shares data with a cache
    or with a DataFrame passed as ``data``.

    Examples
    --------
    >>> frame = load_prices("000800.SZ", "2021-09-01", "2021-09-30", data="bundled")
    >>> len(frame), frame.loc["2021-09-13", "high"], frame.loc["2021-09-13", "close"]
    (20, np.float64(12.78), np.float64(12.11))
    >>> frame.attrs["provenance"]["source"]
    'bundled'
    """
    if source is not None:
        if not (isinstance(data, str) and data == "auto"):
            raise InvalidInputError(
                "load_prices() got both data= and source=; give data= only (source= is its "
                "former name)."
            )
        warn(
            "load_prices(source=...) is now load_prices(data=...), the name run(), study() and "
            "check_claim() use; source= will be removed in a later release.",
            FutureWarning,
        )
        data = source
    name = check_ticker(ticker)
    first, last = check_window(start, end, name)
    if is_own_data(data):
        return load_own(data, name, first, last)
    spelt = yahoo_ticker(name)
    if data == "bundled":
        frame = load_bundled(spelt, first, last)
    elif data == "cache":
        frame = _from_cache(spelt, first, last)
    elif data == "yahoo":
        frame = _download(spelt, first, last, session)
    else:
        frame = _auto(spelt, first, last, session)
    return frame if spelt == name else _spelt_as(frame, name)


def _spelt_as(frame: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """A source's frame under ``ticker`` as the user wrote it (``600104.SH`` for the
    bundled data's and Yahoo's ``600104.SS``); the provenance keeps the source's spelling."""
    provenance = frame.attrs["provenance"]
    frame["ticker"] = ticker
    frame.attrs["provenance"] = {
        **provenance, "ticker": ticker, "source_ticker": provenance["ticker"]
    }
    return frame


def is_own_data(data: object) -> bool:
    """True for the user's own table (a DataFrame, an existing CSV file or a Parquet dataset),
    False for a source name (``"auto"``, ``"bundled"``, ``"yahoo"``, ``"cache"``).

    Raises
    ------
    InvalidInputError
        For anything else (a misspelt source name, a missing file, a number), naming the valid
        choices.
    """
    if isinstance(data, pd.DataFrame):
        return True
    if isinstance(data, str) and data in get_args(SourceName):
        return False
    if isinstance(data, str | os.PathLike):
        path = Path(data)
        if path.is_file() or is_parquet(path):
            return True
        if path.exists():
            raise InvalidInputError(
                f"data={data!r} is a folder, not a CSV file (nor a Parquet dataset)."
            )
        raise InvalidInputError(
            f"data={data!r} is neither one of {_options()} nor an existing CSV file."
        )
    raise InvalidInputError(
        f"data={data!r} is not valid; use one of {_options()}, a CSV path or a "
        f"pandas DataFrame."
    )


def _options() -> str:
    return ", ".join(repr(o) for o in get_args(SourceName))


def _from_cache(ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
    from eventstudy.sources.cache import default_cache

    cache = default_cache()
    frame: pd.DataFrame | None = cache.get(ticker, start, end)
    if frame is None:
        state = "" if cache.enabled else f" (the cache {cache.path} cannot be used: see warning)"
        raise DataUnavailableError(
            f"No cached prices for {ticker!r} from {iso_day(start) or 'the first day'} to "
            f"{iso_day(end) or 'the last day'}{state}. Download them once with data='yahoo' (or "
            f"'auto') while online; they are cached then."
        )
    return frame


def _download(
    ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None, session: Any
) -> pd.DataFrame:
    """Download from Yahoo and store the result in the cache (a cache failure only warns)."""
    from eventstudy.sources.cache import default_cache
    from eventstudy.sources.yahoo import download

    frame: pd.DataFrame = download(ticker, start, end, session=session)
    try:
        default_cache().put(ticker, frame)
    except CacheError as exc:
        warn(
            f"Prices of {ticker!r} were downloaded but not cached ({exc}); a later offline "
            f"run will not find them. Set EVENTSTUDY_CACHE_DIR to a writable folder.",
            EventStudyWarning,
        )
    return frame


def _auto(
    ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None, session: Any
) -> pd.DataFrame:
    """Try the cache, then the bundled data, then Yahoo; one error names every attempt."""
    from eventstudy.sources.cache import default_cache

    tried: list[str] = []
    cache = default_cache()
    try:
        cached: pd.DataFrame | None = cache.get(ticker, start, end)
    except CacheError as exc:
        tried.append(f"cache: unavailable ({exc})")
    else:
        if cached is not None:
            return cached
        tried.append("cache: miss" if cache.enabled else f"cache: {cache.path} cannot be used")

    if is_bundled(ticker):
        first, last = bundled_span()
        if (start is None or start >= first) and (end is None or end <= last):
            return load_bundled(ticker, start, end)
        tried.append(f"bundled: covers {first.date()} to {last.date()} only")
    else:
        tried.append(
            f"bundled: not a bundled ticker (bundled: {', '.join(bundled_tickers())} and a "
            "sample of A shares, sample_tickers())"
        )

    try:
        return _download(ticker, start, end, session)
    except (DataUnavailableError, ImportError) as exc:
        tried.append(f"yahoo: {str(exc).rstrip('.')}")
    fix = (
        ""
        if tried[-1].endswith(OWN_DATA_FIX)  # Yahoo's failure already says what to do
        else " To fix: connect to the internet and try again (the download is then cached "
        "for offline use), or pass your own data with data=<DataFrame or CSV path> (columns "
        "ticker, date, close at least)."
    )
    raise DataUnavailableError(
        f"No prices for {ticker!r} from {iso_day(start) or 'the first day'} to "
        f"{iso_day(end) or 'the last day'}.{did_you_mean(ticker, bundled_tickers())} Tried "
        + "; ".join(tried) + "." + fix
    )


