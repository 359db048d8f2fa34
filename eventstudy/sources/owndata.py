"""Prices the user supplies: a tidy CSV file, a Parquet dataset or a pandas DataFrame.

The table holds one row per ticker and trading day, with at least the columns ``ticker``,
``date`` and ``close``; ``open``, ``high``, ``low``, ``preclose``, ``adj_close``, ``volume``
and ``amount`` are used when present. It may hold several tickers (a stock and its market
index, say); :func:`load_own` picks one.

A Parquet dataset (a ``.parquet`` file, or a folder of them, possibly partitioned by ticker
as ``ticker=.../``) needs pyarrow (``pip install "eventstudy-news[dask]"``);
:func:`read_parquet` reads the rows of some tickers only, as the workers of a Dask cluster do.
"""

from __future__ import annotations

import functools
import operator
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.errors import DataFormatError, MissingDependencyError
from eventstudy.sources._frame import (
    NUMERIC_COLUMNS,
    CheckedTable,
    StockTable,
    find_ticker,
    select,
    stock_table,
    ticker_frame,
)

_TEXT = {"ticker": "str", "date": "str"}
_ONE_BY_ONE = 16  # tickers asked of a Parquet dataset one by one
_DTYPES = {**_TEXT, **dict.fromkeys(NUMERIC_COLUMNS, "float64")}

#: How to pass one's own prices: what a failure to download ends with.
OWN_DATA_FIX = (
    "or pass your own prices with data=<DataFrame or CSV path> (columns ticker, date, "
    "close at least)"
)


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
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


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a Parquet dataset: a ``.parquet`` file or a folder holding some."""
    file = Path(path)
    if file.is_dir():
        return any(file.rglob("*.parquet"))
    return file.suffix.lower() == ".parquet" and file.is_file()


def read_parquet(
    path: str | os.PathLike[str], tickers: list[str] | None = None
) -> pd.DataFrame:
    """The rows of a Parquet dataset, of ``tickers`` only when given (spelt as in the data).

    A dataset partitioned by ticker (folders ``ticker=...``), or sorted by ticker with the
    ticker a plain string column, is read only where those tickers are: a few tickers are
    asked for one by one, more as the range from the first to the last (in text order) and
    then each, so that partitions and row groups outside are skipped (by their statistics).

    Raises
    ------
    MissingDependencyError
        Without pyarrow.
    DataFormatError
        If the dataset cannot be read or has no ``ticker`` column.
    """
    try:
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise MissingDependencyError(
            'Reading a Parquet price table needs pyarrow: pip install "eventstudy-news[dask]"'
        ) from exc
    try:
        dataset = ds.dataset(path, format="parquet", partitioning="hive")
        if "ticker" not in dataset.schema.names:
            raise DataFormatError(
                f"{path}: the Parquet dataset has no 'ticker' column (columns: "
                f"{', '.join(dataset.schema.names)}); it needs ticker, date and close."
            )
        frame: pd.DataFrame = dataset.to_table(filter=_where(tickers)).to_pandas()
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise DataFormatError(f"{path}: not a readable Parquet price table ({exc}).") from exc
    frame["ticker"] = frame["ticker"].astype(str)  # a partition key may come back categorical
    return frame


def own_provenance(source: str | os.PathLike[str] | pd.DataFrame) -> dict[str, object]:
    """Where the user's own table came from: ``source`` (``"dataframe"``, ``"parquet"`` or
    ``"csv"``), ``detail`` and ``fetched_at``."""
    if isinstance(source, pd.DataFrame):
        detail = f"DataFrame passed as data ({len(source)} rows)"
        return {"source": "dataframe", "detail": detail, "fetched_at": None}
    kind = "parquet" if is_parquet(source) else "csv"
    # The path as the user gave it: the same text on every machine.
    return {"source": kind, "detail": str(source), "fetched_at": None}


def _where(tickers: list[str] | None) -> Any:
    """A filter of the rows of ``tickers`` that Parquet statistics can prune on."""
    import pyarrow.dataset as ds

    if tickers is None:
        return None
    field = ds.field("ticker")
    if len(tickers) <= _ONE_BY_ONE:
        return functools.reduce(operator.or_, (field == t for t in tickers), ds.scalar(False))
    return (field >= min(tickers)) & (field <= max(tickers)) & field.isin(tickers)


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
    return OwnTable.read(source).load(ticker, start, end)


@dataclass(frozen=True)
class OwnTable:
    """The user's own price table, read and checked once.

    Attributes
    ----------
    checked : CheckedTable
    provenance : dict
        ``source`` (``"csv"`` or ``"dataframe"``), ``detail`` and ``fetched_at``.
    where : str
        How messages name the table.
    """

    checked: CheckedTable
    provenance: dict[str, object]
    where: str

    @classmethod
    def read(cls, source: str | os.PathLike[str] | pd.DataFrame) -> OwnTable:
        """Read and check a CSV path, a Parquet dataset or a DataFrame (see :func:`load_own`)."""
        if isinstance(source, pd.DataFrame):
            return cls(
                CheckedTable.from_raw(source, "the DataFrame passed as data"),
                own_provenance(source),
                "the DataFrame passed as data",
            )
        raw = read_parquet(source) if is_parquet(source) else read_csv(source)
        return cls(CheckedTable.from_raw(raw, str(Path(source))), own_provenance(source),
                   str(source))

    @cached_property
    def stocks(self) -> StockTable:
        """Every ticker's prices laid end to end (views, when the rows are already sorted)."""
        return stock_table(self.checked)

    @cached_property
    def _position(self) -> dict[str, int]:
        names = self.checked.names
        return dict(zip(names.tolist(), range(len(names)), strict=True))

    def position(self, ticker: str) -> int:
        """The position of ``ticker`` (any case) in ``checked.names``, which is its segment of
        :attr:`stocks`.

        Raises
        ------
        DataUnavailableError
            If the table does not hold it (the message lists those it does).
        """
        return self._position[self.name_of(ticker)]

    def positions(self, tickers: np.ndarray) -> np.ndarray:
        """The position of each of ``tickers`` (any case) in ``checked.names``, which is its
        segment of :attr:`stocks`; −1 for those the table does not hold."""
        spelt = pd.Index(tickers, dtype=object).str.strip().str.upper()
        found: np.ndarray = pd.Index(self.checked.names, dtype=object).get_indexer(spelt)
        return found

    def name_of(self, ticker: str) -> str:
        """The table's spelling of ``ticker`` (case does not matter).

        Raises
        ------
        DataUnavailableError
            If the table does not hold it (the message lists those it does).
        """
        return find_ticker(ticker, self._position, self.where)

    def load(
        self, ticker: str, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
    ) -> pd.DataFrame:
        """One ticker's prices from ``start`` to ``end`` (see :func:`load_own`)."""
        name = self.name_of(ticker)
        frame = ticker_frame(self.checked, self._position[name])
        span = (pd.Timestamp(frame.index[0]), pd.Timestamp(frame.index[-1]))
        return select(frame, name, start, end, span, self.provenance)
