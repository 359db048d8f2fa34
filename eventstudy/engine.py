"""From a list of events to fitted models: the one code path behind ``run`` and ``study``.

``prepare`` normalises the events, loads each stock's and market's prices once, finds each
event's day 0, lays every event on a grid of relative trading days (:mod:`eventstudy.panel`)
and fits the normal-return model to all of them at once (:mod:`eventstudy.models`). A single
event is a batch of one.

An event that cannot be studied (no data, too few estimation days, a window running past the
data, a duplicate) keeps its row in ``Batch.events`` with the reason in ``status``; with
``strict=True`` (``run``) the reason is raised as an error instead.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from eventstudy._typing import Measure, ReturnsKind, Window
from eventstudy.calendar import locate_event, to_timestamp
from eventstudy.errors import (
    EventStudyError,
    InsufficientDataError,
    InvalidInputError,
)
from eventstudy.markets import default_market
from eventstudy.models import Fit, fit, regressors
from eventstudy.panel import (
    Panel,
    Series,
    build_panel,
    lay_end_to_end,
    market_measure,
    stock_measure,
    variance_ratio,
)
from eventstudy.sources import is_bundled, is_own_data, load_prices
from eventstudy.sources._frame import PriceArrays, StockTable
from eventstudy.sources.owndata import OwnTable
from eventstudy.spec import StudySpec

OK = "ok"


@dataclass(frozen=True)
class Batch:
    """Events, their aligned arrays and the fitted model.

    Attributes
    ----------
    events : pandas.DataFrame
        One row per requested event: ``ticker, market, requested, day0, reason, status,
        group, overlaps`` and, for studied events, ``alpha, beta, sigma, nobs``.
    panel : Panel
        Arrays of the studied events (``status == "ok"``), in the order of those rows.
    fit : Fit
        The model fitted to ``panel``.
    spec : StudySpec
        The options of the study.
    """

    events: pd.DataFrame
    panel: Panel
    fit: Fit
    spec: StudySpec
    loader: PriceLoader

    @property
    def studied(self) -> pd.DataFrame:
        """The rows of ``events`` that were studied."""
        return self.events[self.events["status"] == OK]

    def prices(self, ticker: str) -> pd.DataFrame:
        """The price frame of ``ticker`` as the source gives it (see ``load_prices``)."""
        return self.loader.frame(ticker)

    @property
    def provenance(self) -> list[dict[str, Any]]:
        """Where each ticker's prices came from (source, fetched_at, rows, first/last date)."""
        return self.loader.provenance({*self.events["ticker"], *self.events["market"]})


def normalise_events(events: pd.DataFrame | Iterable[Sequence[Any]]) -> pd.DataFrame:
    """Turn ``events`` into a DataFrame with ``ticker, date`` (and optional ``market, group``).

    Raises
    ------
    InvalidInputError
        If columns are missing or a ticker is not a string.
    """
    if isinstance(events, pd.DataFrame):
        frame = events.copy()
    else:
        rows = [tuple(e) for e in events]
        if any(len(r) not in (2, 3) for r in rows):
            raise InvalidInputError(
                "events must be (ticker, date) or (ticker, date, market) tuples, "
                "or a DataFrame with columns ticker, date."
            )
        frame = pd.DataFrame(
            [(r[0], r[1], r[2] if len(r) == 3 else None) for r in rows],
            columns=["ticker", "date", "market"],
        )
    missing = {"ticker", "date"} - set(frame.columns)
    if missing:
        raise InvalidInputError(
            f"events lacks column(s) {sorted(missing)}; give a DataFrame with columns "
            "ticker, date (optional: market, group)."
        )
    if frame.empty:
        raise InvalidInputError("events is empty; give at least one (ticker, date).")
    tickers = frame["ticker"].to_numpy(dtype=object)
    if not all(isinstance(t, str) and t != "" for t in tickers):
        raise InvalidInputError("every event needs a ticker given as a non-empty string.")
    if "market" not in frame:
        frame["market"] = None
    if "group" not in frame:
        frame["group"] = None
    return frame.reset_index(drop=True)


def _requested(
    dates: pd.Series,
) -> tuple[list[pd.Timestamp | None], np.ndarray, np.ndarray, list[str]]:
    """Parse the event dates: stamps, their days (naive datetime64), which are plain, errors.

    A *plain* date has no time of day and no time zone, so it needs no calendar to place; a
    column of plain dates is parsed in one call. A date that cannot be read leaves its stamp
    None and its error message in the last list ("" where the date was read).
    """
    n = len(dates)
    if pd.api.types.infer_dtype(dates, skipna=False) in (
        "string",
        "datetime64",
        "datetime",
        "date",
    ):
        try:
            parsed = pd.DatetimeIndex(pd.to_datetime(dates.to_numpy()))
        except (ValueError, TypeError):
            parsed = None
        if parsed is not None and parsed.tz is None and not parsed.isna().any():
            days = parsed.normalize()
            return (
                list(parsed),
                days.to_numpy(dtype="datetime64[ns]"),
                np.asarray(parsed == days),
                [""] * n,
            )
    stamps: list[pd.Timestamp | None] = []
    errors = []
    for value in dates:
        try:
            stamps.append(to_timestamp(value))
            errors.append("")
        except EventStudyError as exc:
            stamps.append(None)
            errors.append(str(exc))
    days_out = np.array(
        [
            np.datetime64("NaT")
            if s is None
            else (s.tz_localize(None) if s.tzinfo is not None else s).normalize().to_datetime64()
            for s in stamps
        ],
        dtype="datetime64[ns]",
    )
    plain = np.array([s is not None and s.tzinfo is None and s == s.normalize() for s in stamps])
    return stamps, days_out, plain, errors


def _load_span(days: np.ndarray, estimation: Window, window: Window) -> tuple[Any, Any]:
    """Calendar dates wide enough to hold the windows around every date (for downloads)."""
    before = max(0, -min(estimation[0], window[0]))
    after = max(0, max(estimation[1], window[1]))
    # 250 trading days fit in about 365 calendar days; long holidays need a margin.
    pad_before = pd.Timedelta(days=math.ceil(before * 1.6) + 20)
    pad_after = pd.Timedelta(days=math.ceil(after * 1.6) + 20)
    known = days[~np.isnat(days)]
    if not len(known):
        return None, None
    return pd.Timestamp(known.min()) - pad_before, pd.Timestamp(known.max()) + pad_after


class PriceLoader:
    """Loads each ticker's prices once from the chosen source; remembers errors too.

    A user's own table is read and checked once and kept as one table (no frame per
    ticker). In ``"auto"`` mode a bundled ticker is asked for whole (no date bounds), which
    the bundled data answers, so it never needs the network; other tickers are downloaded for
    the calendar span the windows need.
    """

    def __init__(self, data: Any, span: tuple[Any, Any]) -> None:
        self.data = data
        self.span = span
        self.own = is_own_data(data)
        self._own: OwnTable | EventStudyError | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._arrays: dict[str, PriceArrays | EventStudyError] = {}

    def serves(self, data: Any, span: tuple[Any, Any]) -> bool:
        """Whether this loader's prices are those ``data`` gives over ``span``."""
        same = self.data is data or (
            isinstance(data, str | os.PathLike)
            and isinstance(self.data, str | os.PathLike)
            and str(data) == str(self.data)
        )
        return same and self.span == span

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
        if self.data == "bundled" or (self.data == "auto" and is_bundled(ticker)):
            # The whole bundled series: no download is needed for any date it covers.
            return load_prices(ticker, source=self.data)
        return load_prices(ticker, self.span[0], self.span[1], source=self.data)

    def _load_arrays(self, ticker: str) -> PriceArrays:
        if self.own:
            own = self._own_table()
            stocks = own.stocks
            k = stocks.tickers.index(own.name_of(ticker))
            return replace(stocks.arrays(k), ticker=ticker)
        return PriceArrays.from_frame(ticker, self.frame(ticker))

    def table(self, tickers: list[str]) -> StockTable:
        """The prices of ``tickers`` (all loaded without error) laid end to end.

        A user's own table is used whole, as it is: no copy.
        """
        if self.own and tickers and set(tickers) <= set(self._own_table().stocks.tickers):
            return self._own_table().stocks
        arrays = [self(t) for t in tickers]
        return StockTable.of([a for a in arrays if isinstance(a, PriceArrays)])

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

    def provenance(self, tickers: set[str]) -> list[dict[str, Any]]:
        """One record per ticker of ``tickers`` loaded: source, detail, fetched_at, rows,
        first, last."""
        records = []
        for ticker, arrays in self._arrays.items():
            if isinstance(arrays, EventStudyError) or ticker not in tickers:
                continue
            if not self.own:
                records.append(dict(self.frame(ticker).attrs.get("provenance", {})))
                continue
            records.append(
                {
                    **self._own_table().provenance,
                    "rows": len(arrays.dates),
                    "first": f"{pd.Timestamp(arrays.dates[0]):%Y-%m-%d}",
                    "last": f"{pd.Timestamp(arrays.dates[-1]):%Y-%m-%d}",
                    "ticker": ticker,
                }
            )
        return records


def _locate(
    dates: np.ndarray,
    ticker: str,
    rows: np.ndarray,
    stamps: list[pd.Timestamp | None],
    days: np.ndarray,
    plain: np.ndarray,
    out: dict[str, Any],
) -> None:
    """Day 0 of the events ``rows`` of one stock with trading days ``dates``, into ``out``.

    Plain dates on which the stock traded are found with one ``searchsorted``; the others go
    through :func:`eventstudy.calendar.locate_event`, which also says why day 0 moved.
    """
    j = np.searchsorted(dates, days[rows])
    inside = j < len(dates)
    hit = plain[rows] & inside
    hit[hit] = dates[j[hit]] == days[rows][hit]
    out["pos"][rows[hit]] = j[hit]
    out["day0"][rows[hit]] = days[rows][hit]
    for i in rows[~hit]:
        stamp = stamps[i]
        if stamp is None:  # unreadable date: its status already says so
            continue
        try:
            located = locate_event(stamp, pd.DatetimeIndex(dates), ticker)
        except EventStudyError as exc:
            out["status"][i] = str(exc)
            continue
        out["pos"][i] = int(np.searchsorted(dates, located.day0.to_datetime64()))
        out["day0"][i] = located.day0.to_datetime64()
        out["reason"][i] = located.reason


def _check_windows_of(
    rows: np.ndarray,
    pos: np.ndarray,
    days: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    laid_dates: np.ndarray,
    tickers: np.ndarray,
    status: np.ndarray,
    window: Window,
) -> None:
    """Write into ``status`` why the events ``rows`` cannot be studied (vectorised).

    ``start`` and ``length`` place each event's trading days in ``laid_dates``.
    """
    p, a, n_days = pos[rows], start[rows], length[rows]
    before = days[rows] < laid_dates[a]
    for k in np.flatnonzero(before | (p + window[1] >= n_days) | (p + window[0] < 0)):
        i, at, ticker = rows[k], int(p[k]), tickers[rows[k]]
        first = pd.Timestamp(laid_dates[a[k]])
        last = pd.Timestamp(laid_dates[a[k] + n_days[k] - 1])
        if before[k]:
            status[i] = (
                f"the event date {pd.Timestamp(days[i]):%Y-%m-%d} is before {ticker}'s "
                f"first trading day in the data ({first:%Y-%m-%d}): not yet listed, or the "
                "data start later; use data that reach back far enough for the estimation "
                "window"
            )
        elif at + window[1] >= n_days[k]:
            status[i] = (
                f"the event window {window} runs past the data: day 0 is "
                f"{pd.Timestamp(laid_dates[a[k] + at]):%Y-%m-%d} and {ticker} has only "
                f"{n_days[k] - 1 - at} trading day(s) after it (data end {last:%Y-%m-%d}); "
                "shorten the window or use data that reach further"
            )
        else:
            status[i] = (
                f"the event window {window} starts before the data: {ticker} has only "
                f"{at} trading day(s) before day 0 (data start {first:%Y-%m-%d})"
            )


def prepare(
    events: pd.DataFrame | Iterable[Sequence[Any]],
    spec: StudySpec,
    *,
    strict: bool = False,
    loader: PriceLoader | None = None,
) -> Batch:
    """Load, align and fit every event; see the module docstring.

    ``events`` are those of :func:`eventstudy.study`; ``strict=True`` raises the first
    event's problem instead of recording it. ``loader`` is the :class:`PriceLoader` of an
    earlier batch: its prices are reused when the data and the calendar span are the same.
    """
    market, model, measure, returns = spec.market, spec.model, spec.measure, spec.returns
    estimation, window = spec.estimation, spec.window
    normal = spec.normal_model
    uses_market = normal.needs_market
    frame = normalise_events(events)
    defaults: dict[str, str] = {}
    frame["market"] = [
        m
        if isinstance(m, str) and m
        else defaults.get(t) or defaults.setdefault(t, _market_for(t, market, uses_market))
        for t, m in zip(
            frame["ticker"].to_numpy(dtype=object), frame["market"].to_numpy(dtype=object),
            strict=True,
        )
    ]
    stamps, days, plain, date_errors = _requested(frame["date"])
    span = _load_span(days, estimation, window)
    if loader is None or not loader.serves(spec.data, span):
        loader = PriceLoader(spec.data, span)
    load = loader

    n = len(frame)
    out: dict[str, Any] = {
        "pos": np.full(n, -1),
        "day0": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "reason": np.full(n, "", dtype=object),
        "status": np.array([e or OK for e in date_errors], dtype=object),
    }
    status = out["status"]
    codes, pairs = _pairs(frame["ticker"], frame["market"])
    rows_of = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[rows_of], np.arange(len(pairs) + 1))
    markets: dict[int, PriceArrays | None] = {}
    for code, (ticker, index) in enumerate(pairs):
        market_or_problem = _market_of_pair(load, ticker, index, uses_market)
        if isinstance(market_or_problem, str):
            rows = rows_of[bounds[code] : bounds[code + 1]]
            status[rows[status[rows] == OK]] = market_or_problem
        else:
            markets[code] = market_or_problem
    laid, pair_start, pair_length, problems = _lay_out(
        load, pairs, markets, returns, measure, uses_market
    )
    for code, problem in problems.items():
        rows = rows_of[bounds[code] : bounds[code + 1]]
        status[rows[status[rows] == OK]] = problem
    for code in markets:
        rows = rows_of[bounds[code] : bounds[code + 1]]
        rows = rows[status[rows] == OK]
        a = pair_start[code]
        _locate(laid.dates[a : a + pair_length[code]], pairs[code][0], rows, stamps, days, plain,
                out)
    located = np.flatnonzero(status == OK)
    _check_windows_of(
        located, out["pos"], days, pair_start[codes], pair_length[codes], laid.dates,
        frame["ticker"].to_numpy(dtype=object), status, window,
    )

    frame["requested"] = stamps
    frame["day0"] = out["day0"]
    frame["reason"] = out["reason"]
    located = np.flatnonzero(status == OK)
    same, first = _repeats(codes[located], out["day0"][located].view("int64"))
    for i, j in zip(located[same], located[first], strict=True):
        status[i] = f"duplicate of event {j} (same ticker, market and day 0)"
    ok = np.flatnonzero(status == OK)

    panel = build_panel(
        laid, pair_start[codes[ok]], pair_length[codes[ok]], out["pos"][ok], estimation, window,
        gaps=spec.gaps, needs_market=uses_market,
    )
    factor_x = None
    if spec.factors is not None:
        panel, factor_x = _with_factors(panel, spec.factors)
    n_regressors = regressors(panel, normal.regressors, factor_x).shape[2] if normal.ols else 0
    need = max(spec.min_estimation, n_regressors + 2)
    nobs = panel.est_mask.sum(axis=1)
    short = nobs < need
    for k in np.flatnonzero(short):
        i = ok[k]
        status[i] = (
            f"too few estimation observations: {int(nobs[k])} usable day(s) in the estimation "
            f"window {estimation} (need at least {need}); {frame['ticker'].iat[i]}'s data start "
            f"{pd.Timestamp(laid.dates[pair_start[codes[i]]]):%Y-%m-%d}. Use a shorter "
            "estimation window, min_estimation=, or earlier data"
        )
    if short.any():
        keep = ~short
        panel, ok = panel.take(keep), ok[keep]
        factor_x = None if factor_x is None else factor_x[keep]
    frame["status"] = status
    if strict and len(ok) < n:
        _raise_first_problem(frame, load, date_errors)

    ratio = measure == "volatility" and not normal.regresses
    if ratio:
        panel = variance_ratio(panel)
    fitted = fit(panel, model, factor_x)
    if ratio:
        fitted = fitted.uncentred(panel.y)
    unfitted = ~np.isfinite(fitted.sigma) | ~np.isfinite(fitted.beta).all(axis=1)
    if unfitted.any():
        status[ok[unfitted]] = (
            "the model cannot be fitted: a regressor is constant, or the regressors are "
            "collinear, over the estimation window"
        )
        frame["status"] = status
        keep = ~unfitted
        panel, fitted, ok = panel.take(keep), fitted.take(keep), ok[keep]
        if strict:
            _raise_first_problem(frame, load, date_errors)
    frame["overlaps"] = _overlaps(frame, ok, panel)
    for name in ("alpha", "sigma", "nobs"):
        values = np.full(n, np.nan)
        values[ok] = getattr(fitted, name)
        frame[name] = values
    beta = np.full(n, np.nan)
    if fitted.beta.shape[1] == 1:
        beta[ok] = fitted.beta[:, 0]
    frame["beta"] = beta
    return Batch(frame, panel, fitted, spec, load)


def _pairs(tickers: pd.Series, markets: pd.Series) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Number the distinct (ticker, market) pairs in order of appearance."""
    ticker_codes, ticker_names = pd.factorize(tickers.to_numpy(dtype=object))
    market_codes, market_names = pd.factorize(markets.to_numpy(dtype=object))
    codes, keys = pd.factorize(ticker_codes * len(market_names) + market_codes)
    pairs = [
        (str(ticker_names[k // len(market_names)]), str(market_names[k % len(market_names)]))
        for k in keys
    ]
    return codes, pairs


def _repeats(codes: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions that repeat an earlier (code, day), and the position each repeats."""
    order = np.lexsort((np.arange(len(codes)), days, codes))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (codes[order][1:] != codes[order][:-1]) | (days[order][1:] != days[order][:-1])
    first = order[np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))]
    return order[~new], first[~new]


def _market_for(ticker: str, market: str | None, uses_market: bool) -> str:
    """The market of an event that names none: ``market``, else the exchange's default.

    A model that does not use the market still shows it when a default exists, and needs
    none otherwise ("").
    """
    if market:
        return market
    if uses_market:
        return default_market(ticker)
    try:
        return default_market(ticker)
    except InvalidInputError:
        return ""


def _with_factors(panel: Panel, factors: pd.DataFrame) -> tuple[Panel, np.ndarray]:
    """The panel with factor days required in the estimation, and the factor array.

    A column ``RF`` is the risk-free rate: it is subtracted from the stock's return and not
    used as a factor.
    """
    values = _align_factors(factors, panel)
    names = list(factors.columns)
    y = panel.y
    if "RF" in names:
        y = y - values[:, :, names.index("RF")]
        values = values[:, :, [c != "RF" for c in names]]
    usable = panel.est_mask & np.isfinite(values).all(axis=2) & np.isfinite(y)
    return replace(panel, y=y, est_mask=usable), values


def _raise_first_problem(frame: pd.DataFrame, load: PriceLoader, date_errors: list[str]) -> None:
    """Raise the error of the first event that could not be studied (for ``strict``)."""
    bad = int(np.flatnonzero(frame["status"].to_numpy() != OK)[0])
    if date_errors[bad]:
        raise InvalidInputError(date_errors[bad])
    for ticker in (str(frame.at[bad, "ticker"]), str(frame.at[bad, "market"])):
        if ticker:
            error = load(ticker)
            if isinstance(error, EventStudyError):
                raise error
    raise InsufficientDataError(str(frame.at[bad, "status"]))


def _market_of_pair(
    load: PriceLoader, ticker: str, index: str, uses_market: bool
) -> PriceArrays | str | None:
    """The market's prices of a (stock, market) pair, None without one, or why it fails.

    A model that does not use the market goes on without it when it cannot be loaded.
    """
    if ticker == index:
        return (
            f"the stock and the market are the same series ({ticker}); choose another market "
            "with market=<index ticker>"
        )
    stock = load(ticker)
    if isinstance(stock, EventStudyError):
        return str(stock)
    market = load(index) if index else None
    if isinstance(market, EventStudyError):
        if uses_market:
            return str(market)
        market = None
    return market


def _lay_out(
    load: PriceLoader,
    pairs: list[tuple[str, str]],
    markets: dict[int, PriceArrays | None],
    returns: ReturnsKind,
    measure: Measure,
    uses_market: bool,
) -> tuple[Series, np.ndarray, np.ndarray, dict[int, str]]:
    """Every stock's measure and its market's, laid end to end, in one pass per market.

    Returns the series; for each pair, where its rows start and how many there are; and for
    the pairs whose measure cannot be had, why not.
    """
    tickers = list(dict.fromkeys(pairs[code][0] for code in markets))
    table = load.table(tickers)
    position = {t: k for k, t in enumerate(table.tickers)}
    used = np.zeros(len(table.tickers), dtype=bool)
    used[[position[t] for t in tickers]] = True
    y, problems = stock_measure(table, used, returns, measure)
    by_market: dict[str, Series] = {}
    for market in markets.values():
        name = "" if market is None else market.ticker
        if name not in by_market:
            x, gap = market_measure(table, market, returns, measure)
            by_market[name] = Series(table.prices.dates, y, x, gap)
    if not by_market:  # no pair to lay out
        x, gap = market_measure(table, None, returns, measure)
        by_market[""] = Series(table.prices.dates, y, x, gap)
    if len(by_market) == 1:
        laid, offsets = next(iter(by_market.values())), np.zeros(1, dtype=np.intp)
    else:
        laid, offsets = lay_end_to_end(list(by_market.values()))
    group = {name: offsets[g] for g, name in enumerate(by_market)}
    start = np.zeros(len(pairs), dtype=np.intp)
    length = np.zeros(len(pairs), dtype=np.intp)
    pair_problems: dict[int, str] = {}
    for code, market in markets.items():
        ticker, index = pairs[code]
        k = position[ticker]
        start[code] = group["" if market is None else market.ticker] + table.starts[k]
        length[code] = table.stops[k] - table.starts[k]
        problem = problems.get(k)
        if (
            problem is None
            and uses_market
            and measure in ("volume", "raw_volume")
            and not np.isfinite(laid.x[start[code] : start[code] + length[code]]).any()
        ):
            problem = (
                f"the market index {index} has no volume in the data, so the market model of "
                "volume cannot be fitted; use model='constant_mean' (no market needed) or a "
                "market with volume"
            )
        if problem is not None:
            pair_problems[code] = problem
    return laid, start, length, pair_problems


def _overlaps(frame: pd.DataFrame, ok: np.ndarray, panel: Panel) -> np.ndarray:
    """For each event, the other events of the same stock whose event windows share a day.

    Events of one stock are ordered by the first day of their window; a window that starts on
    or before the end of the previous one overlaps it.
    """
    out = np.full(len(frame), "", dtype=object)
    cols = panel.event_cols
    edges = panel.dates_at(np.array([cols.start, cols.stop - 1])).view("int64")
    starts, ends = edges[:, 0], edges[:, 1]
    codes = pd.factorize(frame["ticker"].to_numpy()[ok])[0]
    order = np.lexsort((starts, codes))
    a, b = order[:-1], order[1:]
    hit = (codes[a] == codes[b]) & (starts[b] <= ends[a])
    for first, second in zip(ok[a[hit]], ok[b[hit]], strict=True):
        out[first] = ",".join(filter(None, [out[first], str(second)]))
        out[second] = ",".join(filter(None, [out[second], str(first)]))
    return out


def _align_factors(factors: pd.DataFrame, panel: Panel) -> np.ndarray:
    """Factor returns on each event's trading days, as an (N, D, k) array (NaN if absent).

    Factors are matched to the stock's trading days by date; a row after a suspension takes
    the factor returns of its own date only (use ``gaps="drop"`` to leave such rows out).
    ``factors`` is a table from :func:`_factor_table` (sorted unique dates, float columns).
    """
    values = factors.to_numpy(dtype=float)
    keys = factors.index.to_numpy(dtype="datetime64[ns]")
    flat = panel.dates.ravel()
    j = np.clip(np.searchsorted(keys, flat), 0, max(len(keys) - 1, 0))
    hit = (keys[j] == flat) if len(keys) else np.zeros(len(flat), dtype=bool)
    out = np.where(hit[:, None], values[j], np.nan)
    return out.reshape(*panel.dates.shape, values.shape[1])
