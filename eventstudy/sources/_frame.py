"""The tidy price frame every source returns, and the checks that make one.

A *tidy price table* has one row per ticker and trading day with the columns ``ticker``,
``date``, ``open``, ``high``, ``low``, ``close``, ``preclose``, ``adj_close``, ``volume``,
``amount`` (only ``ticker``, ``date`` and ``close`` are required). The bundled file and a
user's own CSV or DataFrame go through the same checks here, so they give equal frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.calendar import DateLike, get_exchange_calendar, parse_dates, to_timestamp
from eventstudy.errors import DataFormatError, DataUnavailableError, InvalidInputError
from eventstudy.markets import find_market, security_code, ticker_suffix

#: Columns of the frame returned by ``load_prices``, in order (the index is ``date``).
PRICE_COLUMNS: tuple[str, ...] = (
    "ticker",
    "open",
    "high",
    "low",
    "close",
    "preclose",
    "adj_close",
    "volume",
    "amount",
)
#: Columns a price table must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("ticker", "date", "close")
#: Numeric columns, all returned as float64 (volume too, so that a missing value is NaN).
NUMERIC_COLUMNS: tuple[str, ...] = PRICE_COLUMNS[1:]
#: Columns that hold prices and so must be positive where present.
POSITIVE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "preclose", "adj_close")
#: Smallest and largest price accepted. No market quotes a price outside this range; a value
#: outside it is a vendor's fill value (1e300) or a unit error, and its returns would swamp
#: or overflow every sum of squares in a fit.
PRICE_RANGE: tuple[float, float] = (1e-9, 1e12)
#: Resolution of the returned DatetimeIndex, fixed so frames from every source compare equal.
DATE_UNIT = "ns"

_SHOWN = 5  # offending rows quoted in an error message


def check_ticker(ticker: object, name: str = "ticker") -> str:
    """Return ``ticker`` as every part of the package spells it: stripped and upper-case.

    Yahoo's tickers are upper-case (``"000800.SZ"``, ``"^GSPC"``); a user's own table is read
    with the same spelling, so case and surrounding spaces never change what is found.

    Raises
    ------
    InvalidInputError
        For anything but a non-empty string.

    Examples
    --------
    >>> check_ticker(" 000800.sz ")
    '000800.SZ'
    """
    if not isinstance(ticker, str) or not ticker.strip():
        raise InvalidInputError(
            f"{name}={ticker!r} is not a ticker; give a string such as '000800.SZ'."
        )
    return ticker.strip().upper()


def did_you_mean(ticker: str, known: Iterable[str]) -> str:
    """``" Did you mean '000800.SZ'?"`` when ``ticker`` is a bare code that ``known`` holds
    with an exchange suffix; ``""`` otherwise."""
    if ticker_suffix(ticker):
        return ""
    matches = sorted(k for k in known if ticker_suffix(k) and security_code(k) == ticker)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(m) for m in matches) + "?"


def check_window(
    start: DateLike | None, end: DateLike | None, ticker: str | None = None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Parse ``start`` and ``end`` into midnight timestamps and check their order.

    A moment with a time zone is taken on its date in the zone of ``ticker``'s exchange (in
    UTC without a ticker or a known exchange), as the dates of a price table are.

    Raises
    ------
    InvalidInputError
        If a value is not a date, or ``end`` is before ``start``.
    """
    market = None if ticker is None else find_market(ticker)
    zone = "UTC" if market is None else market.timezone
    first = None if start is None else _day(start, "start", zone)
    last = None if end is None else _day(end, "end", zone)
    if first is not None and last is not None and last < first:
        raise InvalidInputError(
            f"end={last.date()} is before start={first.date()}; swap them or fix one."
        )
    return first, last


def _day(value: DateLike, name: str, zone: str) -> pd.Timestamp:
    stamp = to_timestamp(value, name)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(zone).tz_localize(None)
    return stamp.normalize()


@dataclass(frozen=True)
class CheckedTable:
    """A price table that passed every check, as numpy columns.

    A *tidy price table* has one row per ticker and trading day with the columns ``ticker``,
    ``date`` (as a column or the index), ``close`` and optionally the other columns of
    :data:`PRICE_COLUMNS`. :meth:`from_raw` refuses missing required columns, empty or
    unparseable tickers, dates or numbers, a missing close, a non-positive price, and the
    same ticker and date twice.

    The ticker column is read as runs of rows with the same ticker (a table grouped by ticker
    has one run per ticker), so that only the first row of each run is looked at.

    Attributes
    ----------
    names : numpy.ndarray of str
        The distinct tickers as :func:`check_ticker` spells them (stripped, upper-case), in
        order of first appearance.
    run_starts : numpy.ndarray of int
        The first row of each run of rows with the same ticker.
    run_codes : numpy.ndarray of int
        The ticker of each run, as a position in ``names``.
    dates : numpy.ndarray of datetime64[ns]
        Each row's trading day (midnight).
    numbers : dict of str to numpy.ndarray
        The numeric columns the table has, as float64 (read-only views where the input
        already was float64).
    order : numpy.ndarray of int or None
        Row order sorted by ticker (as numbered in ``names``) and date; None when the rows
        already are.
    """

    names: np.ndarray
    run_starts: np.ndarray
    run_codes: np.ndarray
    dates: np.ndarray
    numbers: dict[str, np.ndarray]
    order: np.ndarray | None

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return len(self.dates)

    @property
    def run_lengths(self) -> np.ndarray:
        """The number of rows of each run."""
        lengths: np.ndarray = np.diff(self.run_starts, append=self.n_rows)
        return lengths

    @cached_property
    def segments(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each ticker's rows start and stop once sorted (:attr:`order`): ticker k
        holds sorted rows ``starts[k]`` to ``stops[k] - 1``."""
        counts = np.bincount(self.run_codes, weights=self.run_lengths, minlength=len(self.names))
        stops = np.cumsum(counts).astype(np.intp)
        return stops - counts.astype(np.intp), stops

    @cached_property
    def codes(self) -> np.ndarray:
        """Each row's ticker as a position in ``names``."""
        codes: np.ndarray = np.repeat(self.run_codes, self.run_lengths)
        return codes

    def column(self, name: str) -> np.ndarray:
        """A numeric column in the table's row order; all NaN where the table lacks it."""
        if name in self.numbers:
            return self.numbers[name]
        return np.broadcast_to(np.nan, (self.n_rows,))

    @classmethod
    def from_raw(cls, raw: pd.DataFrame, origin: str) -> CheckedTable:
        """Check ``raw``, naming ``origin`` (a file name) in errors; ``raw`` is not modified.

        Raises
        ------
        DataFormatError
            If the table fails a check (see the class docstring).
        """
        table = _with_date_column(raw, origin)
        missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
        if missing:
            raise DataFormatError(
                f"{origin}: missing column(s) {', '.join(missing)}; found "
                f"{', '.join(map(str, table.columns)) or 'none'}. A price table needs at least "
                f"the columns ticker, date, close (one row per ticker and trading day)."
            )
        run_starts = _run_starts(table["ticker"])
        names, run_codes = _tickers(table["ticker"], run_starts, origin)
        dates = _dates(table["date"], origin, names, run_starts, run_codes)
        numbers = {
            column: _numbers(table[column], column, origin)
            for column in NUMERIC_COLUMNS
            if column in table.columns
        }
        checked = cls(names, run_starts, run_codes, dates, numbers, None)
        _check_values(checked, origin)
        return replace(checked, order=_sort_order(checked, origin))


def _run_starts(values: pd.Series[Any]) -> np.ndarray:
    """The first row of each run of rows holding the same value."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        array: Any = values.cat.codes.to_numpy()
    else:
        array = values.array
    new = np.ones(len(array), dtype=bool)
    if len(array) > 1:
        change = array[1:] != array[:-1]
        new[1:] = (
            change if isinstance(change, np.ndarray)
            else change.to_numpy(dtype=bool, na_value=True)  # a missing value starts a run
        )
    starts: np.ndarray = np.flatnonzero(new)
    return starts


_DAY = np.timedelta64(1, "D").astype("timedelta64[ns]").astype(np.int64)


def _sort_order(checked: CheckedTable, origin: str) -> np.ndarray | None:
    """Row order by ticker and date, or None when the rows are sorted with unique days.

    The rows are sorted when each ticker is one run, numbered in order (as ``names`` are,
    by first appearance), and its days increase. Otherwise one stable sort of a key made of
    the ticker and the day orders them, and a ticker and date seen twice is refused.
    """
    codes, starts = checked.run_codes, checked.run_starts
    days = checked.dates.view(np.int64)
    one_run_each = bool(np.array_equal(codes, np.arange(len(codes))))
    later = days[1:] > days[:-1]
    later[starts[1:] - 1] = True  # a new ticker may start on any day
    if one_run_each and bool(later.all()):
        return None
    del later
    first = int(days.min()) // _DAY if len(days) else 0
    span = (int(days.max()) // _DAY - first + 1) if len(days) else 1
    key = checked.codes * span + (days // _DAY - first)
    order: np.ndarray = np.argsort(key, kind="stable")
    key = key[order]
    repeat = key[1:] == key[:-1]
    if repeat.any():
        twice = np.zeros(checked.n_rows, dtype=bool)
        twice[order[1:][repeat]] = True
        twice[order[:-1][repeat]] = True
        raise DataFormatError(
            f"{origin}: {int(twice.sum())} rows repeat a ticker and date "
            f"({_rows(twice, checked)}); keep one row per ticker and trading day."
        )
    return order


def _with_date_column(raw: pd.DataFrame, origin: str) -> pd.DataFrame:
    if "date" in raw.columns:
        return raw
    if raw.index.name == "date" or isinstance(raw.index, pd.DatetimeIndex):
        return raw.rename_axis("date").reset_index()
    return raw


def _rows(mask: np.ndarray, checked: CheckedTable, column: np.ndarray | None = None) -> str:
    """Describe up to _SHOWN rows selected by ``mask`` (row numbers count data rows from 1),
    with the row's value of ``column`` if given."""
    positions = np.flatnonzero(mask)
    runs = np.searchsorted(checked.run_starts, positions[:_SHOWN], side="right") - 1
    parts = [
        f"row {pos + 1} {checked.names[checked.run_codes[run]]} "
        f"{pd.Timestamp(checked.dates[pos]):%Y-%m-%d}"
        + ("" if column is None else f": {column[pos]:g}")
        for pos, run in zip(positions[:_SHOWN], runs, strict=True)
    ]
    more = f" and {len(positions) - _SHOWN} more" if len(positions) > _SHOWN else ""
    return "; ".join(parts) + more


def _tickers(
    values: pd.Series[Any], run_starts: np.ndarray, origin: str
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct stripped tickers (in order of first appearance) and each run's position among
    them."""
    # Work on the first row of each run (one per ticker in a grouped table), not every row.
    raw_codes, distinct = pd.factorize(values.iloc[run_starts])
    stripped = pd.Index(distinct.astype("str")).str.strip().str.upper()
    empty = np.append(np.asarray(stripped == ""), True)  # the last entry stands for NaN (-1)
    bad = empty[raw_codes]
    if bad.any():
        lengths = np.diff(run_starts, append=len(values))
        rows = ", ".join(str(p + 1) for p in np.flatnonzero(np.repeat(bad, lengths))[:_SHOWN])
        raise DataFormatError(f"{origin}: empty ticker in data row(s) {rows}; fill them in.")
    # " a" and "A" are one ticker, spelt as check_ticker spells it; number them in order.
    position, names = pd.factorize(stripped)
    codes = position.astype(np.intp)[raw_codes]
    return np.asarray(names, dtype=object), codes


def _dates(
    values: pd.Series[Any],
    origin: str,
    names: np.ndarray,
    run_starts: np.ndarray,
    run_codes: np.ndarray,
) -> np.ndarray:
    """Each row's trading day (midnight, datetime64[ns]).

    A date with a time zone is a moment: it is converted to the zone of the ticker's exchange
    and its date there is the trading day. A time of day without a zone keeps its date.
    """
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":  # no time zone
        return _days(values.to_numpy(), origin)
    parsed = parse_dates(values)
    bad = parsed.problems != ""
    if bad.any():
        rows = np.flatnonzero(bad)[:_SHOWN]
        shown = "; ".join(f"row {p + 1}: {parsed.problems[p]}" for p in rows)
        raise DataFormatError(f"{origin}: {int(bad.sum())} date(s) could not be read ({shown}).")
    moments = parsed.stamps
    if parsed.aware.any():
        codes = np.repeat(run_codes, np.diff(run_starts, append=len(values)))
        moments = _exchange_local(moments, parsed.aware, values, names, codes, origin)
    return moments.astype("datetime64[D]").astype(f"datetime64[{DATE_UNIT}]")


def _days(moments: np.ndarray, origin: str) -> np.ndarray:
    """The calendar day of datetime64 ``moments`` (any unit) as datetime64[ns]: a read-only
    view of the caller's column when it already holds days in nanoseconds (as the numeric
    columns are), a new array otherwise."""
    missing = np.isnat(moments)
    if missing.any():
        rows = np.flatnonzero(missing)
        shown = "; ".join(f"row {p + 1}: an empty cell is not a date" for p in rows[:_SHOWN])
        raise DataFormatError(f"{origin}: {len(rows)} date(s) could not be read ({shown}).")
    unit, _ = np.datetime_data(moments.dtype)
    per_day = np.timedelta64(1, "D").astype(f"timedelta64[{unit}]").astype(np.int64)
    if unit != "D" and (moments.view(np.int64) % per_day).any():  # a time keeps its date
        moments = moments.astype("datetime64[D]")
    days: np.ndarray = moments.astype(f"datetime64[{DATE_UNIT}]", copy=False).view()
    days.flags.writeable = False
    return days


def _exchange_zone(ticker: str) -> tuple[str, str, str] | None:
    """The calendar code, time zone and trading weekdays (``"1111100"``, Monday first) of
    ``ticker``'s exchange; None when no market has its suffix."""
    market = find_market(ticker)
    if market is None:
        return None
    weekmask = str(get_exchange_calendar(market.calendar).weekmask)
    return market.calendar, market.timezone, weekmask


def _exchange_local(
    moments: np.ndarray,
    aware: np.ndarray,
    values: pd.Series[Any],
    names: np.ndarray,
    codes: np.ndarray,
    origin: str,
) -> np.ndarray:
    """``moments`` with the rows ``aware`` (UTC) turned into exchange-local wall times.

    Raises
    ------
    DataFormatError
        If a ticker's exchange (so its zone) is unknown, or a converted date falls on a
        weekday its exchange never trades: the moments were not that exchange's trading
        days (dates stamped at midnight UTC, say), and reading them would shift every day.
    """
    exchanges = [_exchange_zone(str(name)) for name in names]
    rows = np.flatnonzero(aware)
    unknown = [k for k in np.unique(codes[rows]) if exchanges[k] is None]
    if unknown:
        name = str(names[unknown[0]])
        raise DataFormatError(
            f"{origin}: the dates of {name!r} have a time zone, but its exchange, and so the "
            f"zone its trading dates are in, is unknown (suffix {ticker_suffix(name)!r}). "
            f"Give its dates without a time zone, as the exchange's trading dates."
        )
    local = moments.copy()
    for found in set(exchanges):
        if found is None:
            continue
        code, zone, weekmask = found
        chosen = rows[[exchanges[k] == found for k in codes[rows]]]
        wall = pd.DatetimeIndex(moments[chosen]).tz_localize("UTC").tz_convert(zone)
        local[chosen] = wall.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        closed = np.array([flag == "0" for flag in weekmask])[wall.day_of_week]
        if closed.any():
            first = int(np.flatnonzero(closed)[0])
            row, name = int(chosen[first]), str(names[codes[chosen[first]]])
            assumed = (
                ", the exchange assumed for a ticker without a suffix"
                if ticker_suffix(name) == "" else ""
            )
            raise DataFormatError(
                f"{origin}: dates with a time zone are moments, read as dates in the zone of "
                f"the ticker's exchange ({zone}, {code}{assumed}); then {int(closed.sum())} "
                f"row(s) fall on a day {code} never trades (row {row + 1} {name} "
                f"{values.iloc[row]} is {wall[first]:%A %Y-%m-%d %H:%M} there). Give the "
                f"trading dates without a time zone (e.g. "
                f"table['date'] = table['date'].dt.tz_localize(None))."
            )
    return local


def _numbers(values: pd.Series[Any], column: str, origin: str) -> np.ndarray:
    if values.dtype == np.float64:
        # A view of the caller's column, made read-only (pandas 2 hands out writable views).
        view: np.ndarray = values.to_numpy().view()
        view.flags.writeable = False
        return view
    if pd.api.types.is_float_dtype(values.dtype):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    parsed = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = parsed.isna().to_numpy() & values.notna().to_numpy()
    if bad.any():
        shown = ", ".join(f"row {p + 1}: {values.iloc[p]!r}" for p in np.flatnonzero(bad)[:_SHOWN])
        raise DataFormatError(
            f"{origin}: column {column!r} has values that are not numbers ({shown}); "
            f"use plain numbers with a decimal point and no thousands separators."
        )
    return parsed.to_numpy(dtype="float64", na_value=np.nan)


def _check_values(checked: CheckedTable, origin: str) -> None:
    """Refuse missing closes, infinite values, non-positive or absurd prices and negative
    volumes or amounts.

    One pass over each column finds whether it is fine; only a column that is not is
    looked at again, to say what is wrong.
    """
    numbers = checked.numbers
    for column, values in numbers.items():
        with np.errstate(invalid="ignore"):
            if column == "close":
                fine = valid_prices(values)
            elif column in POSITIVE_COLUMNS:
                fine = valid_prices(values) | np.isnan(values)
            else:
                fine = np.isnan(values) | ((values >= 0) & (values < np.inf))
        if not fine.all():
            _refuse_values(checked, origin)


def _refuse_values(checked: CheckedTable, origin: str) -> None:
    """Raise the error that :func:`_check_values` found."""
    numbers = checked.numbers
    no_close = np.isnan(numbers["close"])
    if no_close.any():
        raise DataFormatError(
            f"{origin}: {int(no_close.sum())} row(s) have no close "
            f"({_rows(no_close, checked)}); drop days without a trade "
            f"(suspended days have no row) or fill in the close."
        )
    for column, values in numbers.items():
        infinite = np.isinf(values)
        if infinite.any():
            raise DataFormatError(
                f"{origin}: column {column!r} has {int(infinite.sum())} infinite value(s) "
                f"({_rows(infinite, checked)}); give finite numbers, or leave the "
                f"cell empty where the value is unknown."
            )
        if column not in POSITIVE_COLUMNS:
            negative = values < 0
            if negative.any():
                raise DataFormatError(
                    f"{origin}: column {column!r} has {int(negative.sum())} negative value(s) "
                    f"({_rows(negative, checked)}); it counts shares or money "
                    f"traded, which cannot be negative."
                )
            continue
        bad = values <= 0
        if bad.any():
            raise DataFormatError(
                f"{origin}: column {column!r} has {int(bad.sum())} zero or negative price(s) "
                f"({_rows(bad, checked)}); prices must be positive."
            )
        absurd = ~np.isnan(values) & ~valid_prices(values)
        if absurd.any():
            low, high = PRICE_RANGE
            raise DataFormatError(
                f"{origin}: column {column!r} has {int(absurd.sum())} price(s) outside "
                f"{low:g} to {high:g} ({_rows(absurd, checked, column=values)}), "
                f"which no market quotes: a vendor's fill value or a unit error. Fix or drop "
                f"those rows."
            )


def valid_prices(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are prices: finite, inside :data:`PRICE_RANGE` (NaN is not)."""
    low, high = PRICE_RANGE
    with np.errstate(invalid="ignore"):
        valid: np.ndarray = (values >= low) & (values <= high)
    return valid


@dataclass(frozen=True)
class PriceArrays:
    """One ticker's prices as numpy arrays, the form the event-study engine reads.

    Attributes
    ----------
    ticker : str
    dates : numpy.ndarray of datetime64[ns]
        Sorted, unique trading days.
    close, preclose, adj_close, volume : numpy.ndarray of float64
        NaN where the source lacks the value.
    """

    ticker: str
    dates: np.ndarray
    close: np.ndarray
    preclose: np.ndarray
    adj_close: np.ndarray
    volume: np.ndarray

    @classmethod
    def from_frame(cls, ticker: str, frame: pd.DataFrame) -> PriceArrays:
        """The arrays of a frame returned by ``load_prices``."""
        return cls(
            ticker,
            frame.index.to_numpy(dtype=f"datetime64[{DATE_UNIT}]"),
            *(frame[c].to_numpy(dtype=float) for c in ("close", "preclose", "adj_close", "volume")),
        )


@dataclass(frozen=True)
class StockTable:
    """Several tickers' prices laid end to end, one segment of rows per ticker.

    Attributes
    ----------
    prices : PriceArrays
        Every row (its ``ticker`` is empty); rows ``starts[k]`` to ``stops[k] - 1`` are
        ``tickers[k]``'s, by date.
    tickers : list of str
    starts, stops : numpy.ndarray of int
        Increasing.
    """

    prices: PriceArrays
    tickers: list[str]
    starts: np.ndarray
    stops: np.ndarray

    @classmethod
    def of(cls, stocks: list[PriceArrays]) -> StockTable:
        """The tickers' arrays laid end to end (copied)."""
        lengths = np.array([len(s.dates) for s in stocks], dtype=np.intp)
        stops = np.cumsum(lengths)
        starts = stops - lengths
        fields = ("dates", "close", "preclose", "adj_close", "volume")
        empty = {"dates": np.empty(0, dtype=f"datetime64[{DATE_UNIT}]")}
        joined = PriceArrays(
            "",
            *(
                np.concatenate([getattr(s, f) for s in stocks])
                if stocks
                else empty.get(f, np.empty(0))
                for f in fields
            ),
        )
        return cls(joined, [s.ticker for s in stocks], starts, stops)

    def arrays(self, k: int, ticker: str | None = None) -> PriceArrays:
        """Ticker ``k``'s prices (views), named ``ticker`` (default: as the table names it)."""
        rows = slice(int(self.starts[k]), int(self.stops[k]))
        p = self.prices
        return PriceArrays(
            self.tickers[k] if ticker is None else ticker, p.dates[rows], p.close[rows],
            p.preclose[rows], p.adj_close[rows], p.volume[rows],
        )

    def segment_of(self, rows: np.ndarray) -> np.ndarray:
        """The segment (ticker position) of each row."""
        segments: np.ndarray = np.searchsorted(self.starts, rows, side="right") - 1
        return segments


def stock_table(checked: CheckedTable) -> StockTable:
    """A checked table sorted by ticker and date, segment k holding ``checked.names[k]``
    (views, when its rows already are sorted; a column the table lacks stays a view of NaN)."""
    order = checked.order

    def sort(values: np.ndarray) -> np.ndarray:
        if order is None or values.strides == (0,):
            return values
        ordered: np.ndarray = values[order]
        return ordered

    starts, stops = checked.segments
    prices = PriceArrays(
        "", sort(checked.dates),
        *(sort(checked.column(c)) for c in ("close", "preclose", "adj_close", "volume")),
    )
    return StockTable(prices, checked.names.tolist(), starts, stops)


def ticker_frame(checked: CheckedTable, k: int) -> pd.DataFrame:
    """Ticker ``checked.names[k]``'s rows as a frame indexed by ``date`` (a copy).

    Columns :data:`PRICE_COLUMNS`, numbers as float64 (NaN where the table lacks a column).
    """
    starts, stops = checked.segments
    rows = np.arange(starts[k], stops[k])
    if checked.order is not None:
        rows = checked.order[rows]
    frame = pd.DataFrame(
        {c: np.array(checked.column(c)[rows], dtype=float) for c in NUMERIC_COLUMNS},
        index=pd.DatetimeIndex(checked.dates[rows], name="date"),
    )
    frame.insert(0, "ticker", pd.Series(str(checked.names[k]), index=frame.index, dtype="str"))
    return frame


def find_ticker(ticker: str, known: dict[str, Any], where: str) -> str:
    """Return the key of ``known`` that is ``ticker`` as :func:`check_ticker` spells it.

    Raises
    ------
    DataUnavailableError
        If there is none; the message lists the tickers that are there, and names the one
        a bare code (``"000800"``) probably meant.
    """
    name = check_ticker(ticker)
    if name in known:
        return name
    listed = ", ".join(sorted(known)) or "none"
    raise DataUnavailableError(
        f"No prices for ticker {ticker!r} in {where}; it holds {listed}.{did_you_mean(name, known)}"
        f" Check the spelling (Yahoo form, e.g. '000800.SZ'), or choose another source."
    )


def select(
    frame: pd.DataFrame,
    ticker: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    span: tuple[pd.Timestamp, pd.Timestamp],
    provenance: dict[str, Any],
) -> pd.DataFrame:
    """Return a copy of the rows of ``frame`` from ``start`` to ``end`` (inclusive).

    Parameters
    ----------
    frame : pandas.DataFrame
        One ticker's prices, indexed by sorted unique dates.
    ticker : str
        The ticker, for messages.
    start, end : pandas.Timestamp or None
        The window; ``None`` means from the first or to the last row.
    span : tuple of pandas.Timestamp
        First and last day the source covers; a window reaching outside it is an error.
    provenance : dict
        ``source``, ``detail`` and ``fetched_at``; rows, first, last and ticker are added.

    Raises
    ------
    DataUnavailableError
        If the window reaches outside ``span`` or holds no trading day.
    """
    covered = f"{span[0].date()} to {span[1].date()}"
    where = f"{provenance['source']} data ({provenance['detail']})"
    outside = [day for day in (start, end) if day is not None and not span[0] <= day <= span[1]]
    if outside:
        asked = f"{iso_day(start) or 'the first day'} to {iso_day(end) or 'the last day'}"
        raise DataUnavailableError(
            f"The {where} for {ticker!r} cover {covered}, but {asked} was asked for. "
            f"Narrow start/end to that range, or use another source (data='yahoo' "
            f"online, or your own data with data=<DataFrame or CSV path>)."
        )
    chosen = frame.loc[start:end].copy()
    if chosen.empty:
        raise DataUnavailableError(
            f"No trading day for {ticker!r} from {iso_day(start) or 'the first day'} to "
            f"{iso_day(end) or 'the last day'} in the {where} "
            f"(they cover {covered}; the stock may have been suspended or the days were "
            f"holidays). Widen the window."
        )
    chosen.attrs["provenance"] = {
        **provenance,
        "rows": len(chosen),
        "first": iso_day(chosen.index[0]),
        "last": iso_day(chosen.index[-1]),
        "ticker": ticker,
    }
    return chosen


def iso_day(day: Hashable | dt.date | None) -> str | None:
    """``"YYYY-MM-DD"`` of a date, or None."""
    return None if day is None else pd.Timestamp(day).strftime("%Y-%m-%d")  # type: ignore[arg-type]
