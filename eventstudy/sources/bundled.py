"""Prices bundled with the package: eleven Chinese tickers, and a sample of 300 A shares,
2019-01-02 to 2022-01-14.

The file ``prices.csv`` is written by ``scripts/build_bundle.py`` from public vendor files
(see ``data/PROVENANCE.md``). A wheel installs it as ``eventstudy/_bundled/prices.csv``; in a
source checkout it is ``data/prices.csv``. It is parsed once per process.

``ashare-sample.csv.gz`` (written by ``scripts/build_sample.py``; ``data/PROVENANCE.md``)
holds 300 A shares drawn from the whole market, with each day's name: the bundled source
serves them too (:func:`sample_tickers`), and :func:`sample_prices` gives the whole table. It
is parsed the first time one of its tickers is asked for.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from eventstudy.errors import DataUnavailableError
from eventstudy.markets import yahoo_ticker
from eventstudy.sources._frame import (
    NUMERIC_COLUMNS,
    CheckedTable,
    find_ticker,
    select,
    ticker_frame,
)

_PACKAGE = Path(__file__).resolve().parents[1]
_CANDIDATES = (
    _PACKAGE / "_bundled" / "prices.csv",  # installed from a wheel
    _PACKAGE.parent / "data" / "prices.csv",  # source checkout
)
_SAMPLE_CANDIDATES = (
    _PACKAGE / "_bundled" / "ashare-sample.csv.gz",
    _PACKAGE.parent / "data" / "ashare-sample.csv.gz",
)
_DTYPES = {"ticker": "str", "date": "str", **dict.fromkeys(NUMERIC_COLUMNS, "float64")}


def bundled_path(candidates: tuple[Path, ...] = _CANDIDATES) -> Path:
    """Return the path of the bundled ``prices.csv`` (or of another of the bundled files).

    Raises
    ------
    DataUnavailableError
        If neither the installed nor the checkout location holds the file.
    """
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates)
    script = "build_bundle" if candidates == _CANDIDATES else "build_sample"
    raise DataUnavailableError(
        f"The bundled price file is missing (looked in {tried}). Reinstall the package, or "
        f"rebuild it with 'python scripts/{script}.py' in a source checkout."
    )


Bundle = tuple[dict[str, pd.DataFrame], tuple[pd.Timestamp, pd.Timestamp]]


def _parse(raw: pd.DataFrame, origin: str) -> Bundle:
    """Frames by ticker of a bundled table, and the first and last day it covers."""
    checked = CheckedTable.from_raw(raw, origin)
    span = (pd.Timestamp(checked.dates.min()), pd.Timestamp(checked.dates.max()))
    frames = {str(name): ticker_frame(checked, k) for k, name in enumerate(checked.names)}
    return frames, span


@lru_cache(maxsize=1)
def _bundle() -> Bundle:
    """Parse the bundled file once: frames by ticker, and the first and last day covered."""
    path = bundled_path()
    return _parse(pd.read_csv(path, dtype=_DTYPES), path.name)


@lru_cache(maxsize=1)
def _sample_table() -> pd.DataFrame:
    path = bundled_path(_SAMPLE_CANDIDATES)
    return pd.read_csv(path, dtype={**_DTYPES, "name": "str"})


@lru_cache(maxsize=1)
def _sample() -> Bundle:
    return _parse(_sample_table(), bundled_path(_SAMPLE_CANDIDATES).name)


#: How the bundled data is named in provenance records: the same on every machine.
BUNDLE_DETAIL = "data/prices.csv bundled with eventstudy (sources: data/PROVENANCE.md)"
SAMPLE_DETAIL = (
    "data/ashare-sample.csv.gz bundled with eventstudy (sources: data/PROVENANCE.md)"
)


def sample_tickers() -> tuple[str, ...]:
    """Return the tickers of the bundled A-share sample, sorted.

    Examples
    --------
    >>> len(sample_tickers())
    300
    """
    return tuple(_sample()[0])


def sample_prices() -> pd.DataFrame:
    """Return the bundled A-share sample as one tidy table (a copy).

    Columns ``ticker, date, name, open, high, low, close, preclose, volume``, one row per
    stock and trading day, sorted by ticker and date; ``name`` is the stock's short name that
    day (with its ``ST`` / ``*ST`` prefix). ``data/PROVENANCE.md`` says how it was drawn.

    Examples
    --------
    >>> table = sample_prices()
    >>> table["ticker"].nunique(), table["date"].min(), table["date"].max()
    (300, '2019-01-02', '2022-01-14')
    """
    return _sample_table().copy()


def _holding(ticker: str) -> tuple[Bundle, str] | None:
    """The bundled table that has ``ticker`` (case does not matter) and its provenance detail."""
    wanted = ticker.upper()
    for parsed, detail in ((_bundle, BUNDLE_DETAIL), (_sample, SAMPLE_DETAIL)):
        bundle = parsed()
        if wanted in {name.upper() for name in bundle[0]}:
            return bundle, detail
    return None


def is_bundled(ticker: str) -> bool:
    """Whether the bundled source has ``ticker``: a bundled series or a stock of the sample.

    Examples
    --------
    >>> is_bundled("000800.SZ"), is_bundled("AAPL")
    (True, False)
    """
    return _holding(yahoo_ticker(ticker)) is not None


def bundled_tickers() -> tuple[str, ...]:
    """Return the tickers of the bundled series, sorted (the A-share sample's:
    :func:`sample_tickers`).

    Examples
    --------
    >>> bundled_tickers()[:3]
    ('000001.SS', '000300.SS', '000338.SZ')
    """
    return tuple(_bundle()[0])


def bundled_span() -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the first and last trading day the bundled data cover.

    Examples
    --------
    >>> [day.date().isoformat() for day in bundled_span()]
    ['2019-01-02', '2022-01-14']
    """
    return _bundle()[1]


def load_bundled(
    ticker: str, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Return one ticker's bundled prices from ``start`` to ``end`` (inclusive).

    Parameters
    ----------
    ticker : str
        A bundled ticker in Yahoo form, e.g. ``"000800.SZ"`` (case does not matter).
    start, end : pandas.Timestamp or None
        Midnight timestamps; ``None`` means the first or last bundled day.

    Returns
    -------
    pandas.DataFrame
        A fresh copy (safe to modify), indexed by ``date``, with provenance in ``attrs``.

    Raises
    ------
    DataUnavailableError
        If the ticker is not bundled (the message lists the bundled tickers), or the window
        reaches outside the bundled period or holds no trading day.

    Examples
    --------
    >>> frame = load_bundled("000800.SZ", pd.Timestamp("2021-09-13"), pd.Timestamp("2021-09-13"))
    >>> frame[["open", "high", "low", "close", "preclose"]].iloc[0].tolist()
    [12.7, 12.78, 12.04, 12.11, 11.62]
    """
    held = _holding(ticker)
    if held is None:
        try:
            find_ticker(ticker, _bundle()[0], "the bundled data")
        except DataUnavailableError as exc:
            raise DataUnavailableError(
                f"{exc} Nor does the bundled sample of A shares (sample_tickers()) have it."
            ) from None
    (frames, span), detail = held or (_bundle(), BUNDLE_DETAIL)
    name = find_ticker(ticker, frames, "the bundled data")
    provenance = {"source": "bundled", "detail": detail, "fetched_at": None}
    return select(frames[name], name, start, end, span, provenance)
