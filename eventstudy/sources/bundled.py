"""Prices bundled with the package: eleven Chinese tickers, 2019-01-02 to 2022-01-14.

The file ``prices.csv`` is written by ``scripts/build_bundle.py`` from public vendor files
(see ``data/PROVENANCE.md``). A wheel installs it as ``eventstudy/_bundled/prices.csv``; in a
source checkout it is ``data/prices.csv``. It is parsed once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from eventstudy.errors import DataUnavailableError
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
_DTYPES = {"ticker": "str", "date": "str", **dict.fromkeys(NUMERIC_COLUMNS, "float64")}


def bundled_path() -> Path:
    """Return the path of the bundled ``prices.csv``.

    Raises
    ------
    DataUnavailableError
        If neither the installed nor the checkout location holds the file.
    """
    for path in _CANDIDATES:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in _CANDIDATES)
    raise DataUnavailableError(
        f"The bundled price file is missing (looked in {tried}). Reinstall the package, or "
        f"rebuild it with 'python scripts/build_bundle.py' in a source checkout."
    )


@lru_cache(maxsize=1)
def _bundle() -> tuple[dict[str, pd.DataFrame], tuple[pd.Timestamp, pd.Timestamp]]:
    """Parse the bundled file once: frames by ticker, and the first and last day covered."""
    path = bundled_path()
    checked = CheckedTable.from_raw(pd.read_csv(path, dtype=_DTYPES), path.name)
    span = (pd.Timestamp(checked.dates.min()), pd.Timestamp(checked.dates.max()))
    frames = {str(name): ticker_frame(checked, k) for k, name in enumerate(checked.names)}
    return frames, span


#: How the bundled data is named in provenance records: the same on every machine.
BUNDLE_DETAIL = "data/prices.csv bundled with eventstudy (sources: data/PROVENANCE.md)"


def bundled_tickers() -> tuple[str, ...]:
    """Return the tickers in the bundled data, sorted.

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
    frames, span = _bundle()
    name = find_ticker(ticker, frames, "the bundled data")
    provenance = {"source": "bundled", "detail": BUNDLE_DETAIL, "fetched_at": None}
    return select(frames[name], name, start, end, span, provenance)
