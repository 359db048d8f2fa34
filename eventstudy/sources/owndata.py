"""Prices the user supplies: a tidy CSV file or a pandas DataFrame.

The table holds one row per ticker and trading day, with at least the columns ``ticker``,
``date`` and ``close``; ``open``, ``high``, ``low``, ``preclose``, ``adj_close``, ``volume``
and ``amount`` are used when present. It may hold several tickers (a stock and its market
index, say); :func:`load_own` picks one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from eventstudy.errors import DataFormatError
from eventstudy.sources._frame import (
    NUMERIC_COLUMNS,
    CheckedTable,
    StockTable,
    find_ticker,
    select,
    split_by_ticker,
    stock_table,
    tidy_table,
)

_TEXT = {"ticker": "str", "date": "str"}
_DTYPES = {**_TEXT, **dict.fromkeys(NUMERIC_COLUMNS, "float64")}


def read_price_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a tidy price CSV and return it checked and normalised (see ``tidy_table``).

    Numbers are parsed as float64 straight from the text, so ``12.11`` in the file is the
    same double as the literal ``12.11``.

    Raises
    ------
    DataFormatError
        If the file cannot be parsed as CSV or fails the checks of a price table.
    """
    return tidy_table(_read_csv(path), str(Path(path)))


def _read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The CSV file as read, numbers as float64 where every cell is one."""
    file = Path(path)
    try:
        try:
            raw = pd.read_csv(file, dtype=_DTYPES)
        except ValueError:
            # A cell is not a number: read numbers as text so the check can name the cell.
            raw = pd.read_csv(file, dtype="str")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFormatError(
            f"{file}: not a readable CSV price table ({exc}). Save it as UTF-8 CSV with a "
            f"header row: ticker,date,close (and optionally open,high,low,preclose,...)."
        ) from exc
    return raw


def load_own(
    source: str | os.PathLike[str] | pd.DataFrame,
    ticker: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Return one ticker's prices from the user's own CSV file or DataFrame.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        A CSV path or a DataFrame in the tidy format; ``date`` may be a column or the index.
        A DataFrame is never modified.
    ticker : str
        The ticker to pick (case does not matter).
    start, end : pandas.Timestamp or None
        Midnight timestamps; ``None`` means the ticker's first or last row.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date``, columns as from every source (NaN where the table lacks one),
        ``attrs["provenance"]["source"]`` ``"csv"`` or ``"dataframe"``.

    Raises
    ------
    DataFormatError
        If the table is malformed (missing columns, unparseable dates or numbers, duplicated
        ticker and date, non-positive prices, missing closes).
    DataUnavailableError
        If the ticker is not in the table (the message lists those that are), or the window
        reaches outside the ticker's rows or holds none.

    Examples
    --------
    >>> import pandas as pd
    >>> own = pd.DataFrame({"ticker": "X", "date": ["2021-09-10", "2021-09-13"],
    ...                     "close": [11.62, 12.11]})
    >>> load_own(own, "X")["close"].tolist()
    [11.62, 12.11]
    """
    frames, provenance, where = _read_own(source)
    name = find_ticker(ticker, frames, where)
    frame = frames[name]
    span = (pd.Timestamp(frame.index[0]), pd.Timestamp(frame.index[-1]))
    return select(frame, name, start, end, span, provenance)


def load_own_table(source: str | os.PathLike[str] | pd.DataFrame) -> StockTable:
    """Every ticker's prices in the user's own table, read and checked once, laid end to end.

    A study of many events over one large table uses this: the table is validated once
    (the same checks as :func:`load_own`) and kept as one table (without copying, when its
    rows are already sorted by ticker and date).

    Raises
    ------
    DataFormatError
        If the table is malformed (see :func:`load_own`).
    """
    if isinstance(source, pd.DataFrame):
        return stock_table(CheckedTable.from_raw(source, "the DataFrame passed as source"))
    return stock_table(CheckedTable.from_raw(_read_csv(source), str(Path(source))))


def _read_own(
    source: str | os.PathLike[str] | pd.DataFrame,
) -> tuple[dict[str, pd.DataFrame], dict[str, object], str]:
    """The user's table split by ticker, its provenance and a name for messages."""
    if isinstance(source, pd.DataFrame):
        table = tidy_table(source, "the DataFrame passed as source")
        detail = f"DataFrame passed as source ({len(source)} rows)"
        provenance: dict[str, object] = {
            "source": "dataframe",
            "detail": detail,
            "fetched_at": None,
        }
        where = "the DataFrame passed as source"
    else:
        table = read_price_csv(source)
        detail = str(source)  # as the user gave it: the same text on every machine
        provenance = {"source": "csv", "detail": detail, "fetched_at": None}
        where = detail
    return split_by_ticker(table), provenance, where
