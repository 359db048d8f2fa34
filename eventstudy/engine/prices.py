"""Prices for a batch of events: each ticker loaded once, and what was loaded kept for results.

:class:`PriceLoader` loads each ticker's prices once from the study's source and remembers
errors too; a user's own table is read and checked once and its tickers are found all at once
(:meth:`PriceLoader.stocks`). :meth:`PriceLoader.loaded` hands over what it loaded as
:class:`LoadedPrices`, plain data a result keeps (no source, no loading), from which a later
loader starts when the same events are studied again (``rerun``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from eventstudy._typing import Window
from eventstudy.errors import DataUnavailableError, EventStudyError
from eventstudy.sources import bundled_span, is_bundled, is_own_data, load_prices
from eventstudy.sources._frame import PriceArrays, StockTable
from eventstudy.sources.owndata import OwnTable

#: Calendar dates asked of a source: (first, last), None for "as far as the data go".
Span = tuple[pd.Timestamp | None, pd.Timestamp | None]


def event_span(days: np.ndarray) -> Span:
    """The first and last of the events' days (None, None when none was read)."""
    known = days[~np.isnat(days)]
    if not len(known):
        return None, None
    return pd.Timestamp(known.min()), pd.Timestamp(known.max())


def load_span(days: np.ndarray, estimation: Window, window: Window) -> Span:
    """Calendar dates wide enough to hold the windows around every day (for downloads)."""
    before = max(0, -min(estimation[0], window[0]))
    after = max(0, max(estimation[1], window[1]))
    # 250 trading days fit in about 365 calendar days; long holidays need a margin.
    pad_before = pd.Timedelta(days=math.ceil(before * 1.6) + 20)
    pad_after = pd.Timedelta(days=math.ceil(after * 1.6) + 20)
    first, last = event_span(days)
    if first is None or last is None:
        return None, None
    return first - pad_before, last + pad_after


class TableArrays(Mapping[str, PriceArrays]):
    """Tickers' prices as views of one table (a user's own), by the ticker as the events
    spell it.

    Parameters
    ----------
    table : StockTable
    segments : dict of str to int
        The segment of ``table`` holding each ticker.
    """

    def __init__(self, table: StockTable, segments: dict[str, int]) -> None:
        self.table = table
        self.segments = segments

    def __getitem__(self, ticker: str) -> PriceArrays:
        return self.table.arrays(self.segments[ticker], ticker)

    def __iter__(self) -> Iterator[str]:
        return iter(self.segments)

    def __len__(self) -> int:
        return len(self.segments)

    def only(self, tickers: Iterable[str]) -> TableArrays:
        """The arrays of ``tickers`` (each held) alone."""
        return TableArrays(self.table, {t: self.segments[t] for t in tickers})


@dataclass(frozen=True)
class LoadedPrices:
    """The prices a batch loaded: each ticker's arrays and frame, and where they came from.

    Attributes
    ----------
    data : str, path or DataFrame
        The source they came from (the study's ``data``).
    span : tuple
        The calendar dates asked of the source.
    arrays : mapping of str to PriceArrays
        Each ticker's prices as arrays (for a user's own table, views of it:
        :class:`TableArrays`).
    frames : dict of str to pandas.DataFrame
        Each ticker's frame as the source gave it (with its provenance in ``attrs``); for a
        user's own table, the frames built so far.
    own : OwnTable or None
        The user's own table, read and checked once (None for the other sources).
    """

    data: Any
    span: Span
    arrays: Mapping[str, PriceArrays]
    frames: dict[str, pd.DataFrame]
    own: OwnTable | None

    def frame(self, ticker: str) -> pd.DataFrame:
        """The price frame of ``ticker`` (see :func:`eventstudy.load_prices`)."""
        if ticker not in self.frames and self.own is not None:
            self.frames[ticker] = self.own.load(ticker)  # built once, on first use
        return self.frames[ticker]

    def only(self, tickers: Iterable[str]) -> LoadedPrices:
        """These prices restricted to ``tickers``."""
        wanted = list(dict.fromkeys(tickers))
        held = [t for t in wanted if t in self.arrays]
        arrays: Mapping[str, PriceArrays] = {t: self.arrays[t] for t in held}
        if isinstance(self.arrays, TableArrays):
            arrays = self.arrays.only(held)
        return replace(
            self, arrays=arrays, frames={t: self.frames[t] for t in wanted if t in self.frames}
        )

    def serves(self, data: Any, span: Span) -> bool:
        """Whether these are the prices ``data`` gives over ``span``."""
        same = self.data is data or (
            isinstance(data, str | os.PathLike)
            and isinstance(self.data, str | os.PathLike)
            and str(data) == str(self.data)
        )
        return same and self.span == span

    def provenance(self, tickers: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """One record per ticker loaded (of ``tickers``): source, detail, fetched_at, rows,
        first, last, ticker."""
        keep = set(self.arrays) if tickers is None else set(tickers)
        records = []
        for ticker, arrays in self.arrays.items():
            if ticker not in keep:
                continue
            if self.own is None:
                records.append(dict(self.frames[ticker].attrs.get("provenance", {})))
                continue
            records.append(
                {
                    **self.own.provenance,
                    "rows": len(arrays.dates),
                    "first": f"{pd.Timestamp(arrays.dates[0]):%Y-%m-%d}",
                    "last": f"{pd.Timestamp(arrays.dates[-1]):%Y-%m-%d}",
                    "ticker": ticker,
                }
            )
        return records


class PriceLoader:
    """Loads each ticker's prices once from the chosen source; remembers errors too.

    A user's own table is read and checked once and kept as one table (no frame per
    ticker). In ``"auto"`` mode a bundled ticker whose events fall in the bundled period is
    asked for whole (no date bounds), which the bundled data answers, so it never needs the
    network; other tickers, and a bundled one with events outside that period, go through
    the cache and Yahoo for the calendar span the windows need (offline, the bundle still
    serves the events it covers).

    Parameters
    ----------
    data : str, path or DataFrame
        The source (a checked ``StudySpec.data``).
    span : tuple
        The calendar dates to ask a downloading source for.
    known : LoadedPrices, optional
        Prices loaded before; used if they are those of ``data`` over ``span``.
    events : tuple
        The first and last event day, to tell whether the bundled data serve the events.
    """

    def __init__(
        self, data: Any, span: Span, known: LoadedPrices | None = None, events: Span = (None, None)
    ) -> None:
        self.data = data
        self.span = span
        self.events = events
        self.own = is_own_data(data)
        self._own: OwnTable | EventStudyError | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._arrays: dict[str, PriceArrays | EventStudyError] = {}
        self._segments: dict[str, int] = {}  # own table: each ticker's segment of its stocks
        if known is not None and known.serves(data, span):
            self._own = known.own
            self._frames.update(known.frames)
            if isinstance(known.arrays, TableArrays):
                self._segments.update(known.arrays.segments)
            else:
                self._arrays.update(known.arrays)

    def _own_table(self) -> OwnTable:
        if self._own is None:
            try:
                self._own = OwnTable.read(self.data)
            except EventStudyError as exc:
                self._own = exc
        if isinstance(self._own, EventStudyError):
            raise self._own
        return self._own

    def _load_frame(self, ticker: str) -> pd.DataFrame:
        if self.own:
            return self._own_table().load(ticker)
        if self.data == "bundled":
            return load_prices(ticker, data="bundled")
        if self.data != "auto" or not is_bundled(ticker):
            return load_prices(ticker, self.span[0], self.span[1], data=self.data)
        first, last = bundled_span()
        known = [day for day in self.events if day is not None]
        if all(first <= day <= last for day in known):
            # The whole bundled series: no download is needed for any date it covers.
            return load_prices(ticker, data="bundled")
        try:
            return load_prices(ticker, self.span[0], self.span[1], data="auto")
        except DataUnavailableError:
            if not any(first <= day <= last for day in known):
                raise
            return load_prices(ticker, data="bundled")  # offline: the events it covers

    def _load_arrays(self, ticker: str) -> PriceArrays:
        if self.own:
            own = self._own_table()
            if ticker not in self._segments:
                self._segments[ticker] = own.position(ticker)
            return own.stocks.arrays(self._segments[ticker], ticker)
        return PriceArrays.from_frame(ticker, self.frame(ticker))

    def stocks(self, tickers: np.ndarray) -> tuple[StockTable, np.ndarray, np.ndarray]:
        """The prices of ``tickers`` laid end to end.

        Returns the table, the segment of it holding each ticker (−1 for those that could
        not be loaded) and each ticker's error (None for those loaded). A user's own table
        is used whole, as it is (no copy), and its tickers are found all at once.
        """
        errors = np.full(len(tickers), None, dtype=object)
        if self.own:
            try:
                own = self._own_table()
            except EventStudyError as exc:
                errors[:] = exc
                return StockTable.of([]), np.full(len(tickers), -1, dtype=np.intp), errors
            segment = own.positions(tickers)
            found = segment >= 0
            self._segments.update(zip(tickers[found].tolist(), segment[found].tolist(),
                                      strict=True))
            for k in np.flatnonzero(~found):  # only the tickers the table lacks
                errors[k] = self(tickers[k])
            return own.stocks, segment, errors
        loaded = [self(t) for t in tickers]  # one load per ticker from the source
        ok = np.array([isinstance(a, PriceArrays) for a in loaded], dtype=bool)
        segment = np.full(len(tickers), -1, dtype=np.intp)
        segment[ok] = np.arange(int(ok.sum()))
        errors[~ok] = [a for a in loaded if not isinstance(a, PriceArrays)]
        return StockTable.of([a for a in loaded if isinstance(a, PriceArrays)]), segment, errors

    def __call__(self, ticker: str) -> PriceArrays | EventStudyError:
        """The ticker's prices as arrays, or the error that loading them raised."""
        if ticker not in self._arrays:
            try:
                self._arrays[ticker] = self._load_arrays(ticker)
            except EventStudyError as exc:
                self._arrays[ticker] = exc
        return self._arrays[ticker]

    def frame(self, ticker: str) -> pd.DataFrame:
        """The ticker's price frame (loaded on first use for the user's own table)."""
        if ticker not in self._frames:
            self._frames[ticker] = self._load_frame(ticker)
        return self._frames[ticker]

    def loaded(self) -> LoadedPrices:
        """What was loaded without error, as plain data."""
        own = self._own if isinstance(self._own, OwnTable) else None
        arrays: Mapping[str, PriceArrays] = {
            t: a for t, a in self._arrays.items() if isinstance(a, PriceArrays)
        }
        if own is not None:
            arrays = TableArrays(own.stocks, dict(self._segments))
        return LoadedPrices(self.data, self.span, arrays, dict(self._frames), own)
