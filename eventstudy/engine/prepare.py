"""From a list of events to fitted models: the one code path behind ``run`` and ``study``.

:func:`prepare` goes step by step: read the events and their dates, give each event its
market, load each stock's and market's prices once and lay their measures end to end, find
each event's day 0, check that its windows fit in the data, lay every event on a grid of
relative trading days (:mod:`eventstudy.panel`) and fit the normal-return model to all of them
at once (:mod:`eventstudy.models`). A single event is a batch of one.

An event that cannot be studied (no data, too few estimation days, a window running past the
data, a duplicate) keeps its row in ``Batch.events`` with the reason in ``status``; with
``strict=True`` (``run``) its error is raised instead, with the type it was raised with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.calendar import locate_event
from eventstudy.engine.events import (
    OK,
    EventDates,
    Pairs,
    Problems,
    normalise_events,
    pairs,
    read_dates,
    repeats,
)
from eventstudy.engine.prices import LoadedPrices, PriceLoader, event_span, load_span
from eventstudy.errors import (
    DataQualityWarning,
    EventStudyError,
    InsufficientDataError,
    InvalidInputError,
    warn,
)
from eventstudy.markets import default_market, ticker_suffix
from eventstudy.models import Fit, fit, regressors
from eventstudy.panel import (
    MarketDays,
    Panel,
    market_days,
    stock_measure,
    table_panel,
    variance_ratio,
)
from eventstudy.sources._frame import PriceArrays, StockTable, check_ticker
from eventstudy.spec import StudySpec

_VOLUME = ("volume", "raw_volume")
#: Nanoseconds in a day.
_DAY_NS = 86_400_000_000_000
_SHOWN = 5  # events named in a warning
#: Largest residual standard deviation taken as none: a measure the model fits exactly.
FLAT_SIGMA = 1e-12


@dataclass(frozen=True)
class Batch:
    """Events, their aligned arrays, the fitted model, the options and the prices used.

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
    prices : LoadedPrices
        The prices loaded for the events, with their provenance.
    """

    events: pd.DataFrame
    panel: Panel
    fit: Fit
    spec: StudySpec
    prices: LoadedPrices

    @property
    def studied(self) -> pd.DataFrame:
        """The rows of ``events`` that were studied."""
        return self.events[self.events["status"] == OK]

    @property
    def provenance(self) -> list[dict[str, Any]]:
        """Where each ticker's prices came from (source, fetched_at, rows, first/last date)."""
        return self.prices.provenance({*self.events["ticker"], *self.events["market"]})


@dataclass(frozen=True)
class Layout:
    """The stocks' prices and measure, their markets', and where each pair's rows are.

    Attributes
    ----------
    table : StockTable
        The stocks' prices, one segment per stock.
    y : numpy.ndarray
        The stocks' measure on every row of ``table``.
    markets : MarketDays
        The markets' measures by calendar day.
    start, length : numpy.ndarray of int, shape (pairs,)
        Where the rows of each (stock, market) pair's stock start in ``table``, and how many.
    market : numpy.ndarray of int, shape (pairs,)
        Each pair's market: a row of ``markets.rows``.
    """

    table: StockTable
    y: np.ndarray
    markets: MarketDays
    start: np.ndarray
    length: np.ndarray
    market: np.ndarray

    @property
    def dates(self) -> np.ndarray:
        """The trading days of every row of ``table``."""
        return self.table.prices.dates


@dataclass(frozen=True)
class Located:
    """Day 0 of each event: its position among the stock's trading days, its date and why it
    differs from the date requested."""

    pos: np.ndarray
    day0: np.ndarray
    reason: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Located:
        """``n`` events not located yet: no position, no day 0, no reason."""
        return cls(
            np.full(n, -1),
            np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
            np.full(n, "", dtype=object),
        )


def prepare(
    events: pd.DataFrame | Iterable[Sequence[Any]],
    spec: StudySpec,
    *,
    strict: bool = False,
    prices: LoadedPrices | None = None,
) -> Batch:
    """Load, align and fit every event; see the module docstring.

    Parameters
    ----------
    events : DataFrame or list of tuples
        As for :func:`eventstudy.study`.
    spec : StudySpec
        The options of the study.
    strict : bool
        Raise the first event's problem (with its type) instead of recording it.
    prices : LoadedPrices, optional
        Prices loaded by an earlier batch, reused when the source and the calendar span are
        the same.

    Raises
    ------
    InvalidInputError
        If ``events`` is not a table of events; with ``strict``, as the event's problem.
    EventStudyError
        With ``strict``, the first event's problem.
    """
    frame, not_events = normalise_events(events)
    dates = read_dates(frame["date"])
    problems = Problems(len(frame))
    for i, error in (dates.problems | not_events).items():  # the row before its date
        problems.add([i], error)
    frame["market"], defaulted = _markets(frame, spec, problems)
    span = load_span(dates.days, spec.estimation, spec.window)
    loader = PriceLoader(spec.data, span, prices, event_span(dates.days))
    stocks = pairs(frame["ticker"], frame["market"])
    codes = stocks.codes
    layout = _lay_out(loader, stocks, spec, problems, defaulted)
    located = _locate(layout, stocks, dates, problems)
    _check_windows(layout, codes, located, dates, frame["ticker"], spec, problems)
    _drop_repeats(codes, located, problems)
    frame["requested"] = dates.requested
    frame["day0"] = located.day0
    frame["reason"] = located.reason

    ok = np.flatnonzero(problems.ok)
    panel = table_panel(
        layout.table, layout.y, layout.markets, layout.market[codes[ok]], layout.start[codes[ok]],
        layout.length[codes[ok]], located.pos[ok], spec.estimation, spec.window, gaps=spec.gaps,
        needs_market=spec.normal_model.needs_market,
    )
    del layout
    factor_x = None
    if spec.factors is not None:
        panel, factor_x = _with_factors(panel, spec.factors)
    keep = _enough_estimation_days(panel, factor_x, ok, spec, frame["ticker"], problems)
    if not keep.all():
        panel, ok = panel.take(keep), ok[keep]
        factor_x = None if factor_x is None else factor_x[keep]
    if strict:
        _raise_first(problems)

    panel, fitted = _fit(panel, factor_x, spec)
    unfitted = ~np.isfinite(fitted.sigma) | ~np.isfinite(fitted.beta).all(axis=1)
    flat = ~unfitted & (fitted.sigma <= FLAT_SIGMA)
    _why_unfitted(panel, unfitted, flat, ok, frame["market"].to_numpy(dtype=object), spec,
                  problems)
    unfitted |= flat
    if unfitted.any():
        panel, fitted, ok = panel.take(~unfitted), fitted.take(~unfitted), ok[~unfitted]
    if strict:
        _raise_first(problems)
    frame["status"] = problems.status
    _add_fit_columns(frame, ok, panel, fitted)
    return Batch(frame, panel, fitted, spec, loader.loaded())


@dataclass(frozen=True)
class MissingDays:
    """The studied events without an abnormal value on some event-window days.

    Attributes
    ----------
    count : int
        How many there are.
    shown : list of (label, ticker, days missing, dates)
        The first few of them (in the events' order): the event's label in ``events``, its
        ticker, how many days it lacks and their dates as text.
    studied : int
        The events studied.
    """

    count: int
    shown: list[tuple[Any, str, int, str]]
    studied: int

    @classmethod
    def of(cls, batch: Batch) -> MissingDays:
        """Those of a batch."""
        cols = batch.panel.event_cols
        missing = ~np.isfinite(batch.fit.ar[:, cols])
        rows = np.flatnonzero(missing.any(axis=1))
        studied = batch.studied
        if not rows.size:
            return cls(0, [], len(studied))
        dates = batch.panel.dates_at(cols)
        shown = [
            (studied.index[k], str(studied["ticker"].iat[k]), int(missing[k].sum()),
             ", ".join(f"{pd.Timestamp(d):%Y-%m-%d}" for d in dates[k, missing[k]]))
            for k in rows[:_SHOWN]
        ]
        return cls(int(rows.size), shown, len(studied))

    @classmethod
    def combine(cls, parts: Sequence[MissingDays]) -> MissingDays:
        """Those of several batches of one study (labels in the study's ``events``)."""
        shown = sorted((s for p in parts for s in p.shown), key=lambda s: s[0])[:_SHOWN]
        return cls(sum(p.count for p in parts), shown, sum(p.studied for p in parts))

    def warn(self) -> None:
        """Warn naming the event-window days without an abnormal value, event by event."""
        if not self.count:
            return
        if self.studied == 1:
            _, ticker, n_days, days = self.shown[0]
            head = f"{ticker}: no abnormal value on {n_days} event-window day(s) ({days})"
        else:
            listed = "; ".join(
                f"event {label} ({ticker}): {days}" for label, ticker, _, days in self.shown
            )
            more = f"; and {self.count - _SHOWN} more" if self.count > _SHOWN else ""
            head = (
                f"{self.count} of {self.studied} events have no abnormal value on some "
                f"event-window days ({listed}{more})"
            )
        warn(
            f"{head}: the stock's or the market's data are missing there, so CARs over them "
            "sum the days that have one, and a day no event has is not tested.",
            DataQualityWarning,
        )


def warn_missing_days(batch: Batch) -> None:
    """Warn naming the event-window days without an abnormal value, event by event."""
    MissingDays.of(batch).warn()


def _markets(
    frame: pd.DataFrame, spec: StudySpec, problems: Problems
) -> tuple[np.ndarray, np.ndarray]:
    """The market of each event: its own, else ``spec.market``, else its exchange's default;
    and which events have the default.

    A model that does not use the market still shows it when a default exists, and needs
    none otherwise (""). A ticker without a default market, for a model that needs one, is a
    problem of its events.
    """
    markets = frame["market"].to_numpy(dtype=object).copy()
    given = pd.notna(markets)  # markets are spelt, or missing
    chosen = None if spec.market is None else check_ticker(spec.market, "market")
    defaulted = ~given & (chosen is None)
    if chosen is not None or given.all():
        markets[~given] = chosen
        return markets, defaulted
    tickers = frame["ticker"].to_numpy(dtype=object)[~given]
    # One lookup per group of tickers that end alike after their last dot: such tickers have
    # the same exchange suffix (eventstudy.markets.ticker_suffix), so the same default.
    parts = pd.Series(tickers, dtype=object).str.rpartition(".")
    ending = parts[2].where((parts[0] != "") & (parts[1] != ""), "")
    ending[tickers == ""] = "."  # rows without a ticker: no market (no ending holds a dot)
    codes, endings = pd.factorize(ending.to_numpy(dtype=object))
    defaults = np.full(len(endings), "", dtype=object)
    for k in range(len(endings)):
        named = tickers[codes == k]
        try:
            defaults[k] = default_market(named[0]) if named[0] else ""
        except InvalidInputError:
            if spec.normal_model.needs_market:
                errors = np.full(len(frame), None, dtype=object)
                errors[np.flatnonzero(~given)[codes == k]] = [_no_default(t) for t in named]
                problems.add_each(errors)
    markets[~given] = defaults[codes]
    return markets, defaulted


def _no_default(ticker: str) -> InvalidInputError | None:
    """Why ``ticker`` has no default market (None if it has one)."""
    try:
        default_market(ticker)
    except InvalidInputError as exc:
        return exc
    return None


def _lay_out(
    load: PriceLoader, stocks: Pairs, spec: StudySpec, problems: Problems, defaulted: np.ndarray
) -> Layout:
    """Load every stock's and market's prices once, and the stocks' measure; the events of a
    pair that cannot be had get its problem: the stock used as its own market, then the
    stock's prices, then the market's, then a measure the data do not have. When the market
    is the exchange's default (for some of the pair's events: ``defaulted``), its error says
    so and how to choose another."""
    needs_market = spec.normal_model.needs_market
    volume = spec.measure in _VOLUME
    by_default = np.bincount(stocks.codes, weights=defaulted, minlength=len(stocks.tickers)) > 0
    errors = np.full(len(stocks.tickers), None, dtype=object)
    for pair in np.flatnonzero(stocks.tickers == stocks.markets):
        ticker = stocks.tickers[pair]
        errors[pair] = InvalidInputError(
            f"the stock and the market are the same series ({ticker}"
            f"{_default_note(ticker) if by_default[pair] else ''}); choose another market "
            "with market=<index ticker>"
        )
    ticker_of, tickers = pd.factorize(stocks.tickers)
    table, segment, failed = load.stocks(np.asarray(tickers, dtype=object))
    _first_error(errors, failed[ticker_of])
    market_of, names = pd.factorize(stocks.markets)
    markets: list[PriceArrays] = []
    number = np.full(len(names), -1, dtype=np.intp)
    market_errors = np.full(len(names), None, dtype=object)
    for k, name in enumerate(names):  # one load per market index
        index = load(name) if name else None
        if isinstance(index, EventStudyError):
            market_errors[k] = index if needs_market else None
        elif needs_market and volume and index is not None and not (index.volume > 0).any():
            market_errors[k] = InsufficientDataError(
                f"the market index {name} has no volume in the data, so the market model of "
                "volume cannot be fitted; use model='constant_mean' (no market needed) or a "
                "market with volume"
            )
        elif index is not None:
            number[k] = len(markets)
            markets.append(index)
    failed = market_errors[market_of]
    for pair in np.flatnonzero(by_default & (failed != None)):  # noqa: E711 (elementwise)
        error = failed[pair]
        failed[pair] = type(error)(
            f"the market {stocks.markets[pair]} "
            f"({_default_note(stocks.tickers[pair])[2:]}): {error}"
        )
    _first_error(errors, failed)
    ok = errors == None  # noqa: E711 (elementwise)
    used = np.zeros(len(table.tickers), dtype=bool)
    used[segment[ticker_of[ok]]] = True
    y, no_measure = stock_measure(table, used, spec.returns, spec.measure)
    rows = segment[ticker_of]
    by_segment = np.full(len(table.tickers) + 1, None, dtype=object)  # the last: no segment
    for held, problem in no_measure.items():
        by_segment[held] = InsufficientDataError(problem)
    _first_error(errors, by_segment[np.where(ok, rows, -1)])
    bounds = np.zeros((2, len(rows)), dtype=np.intp)
    bounds[:, rows >= 0] = np.stack([table.starts[rows[rows >= 0]], table.stops[rows[rows >= 0]]])
    of_pair = np.where(number[market_of] >= 0, number[market_of], len(markets))
    problems.add_each(errors[stocks.codes])
    return Layout(
        table, y, market_days(markets, spec.returns, spec.measure), bounds[0],
        bounds[1] - bounds[0], of_pair.astype(np.intp),
    )


def _default_note(ticker: str) -> str:
    """``", the default market for tickers ending .SZ; pass market= to choose another"``."""
    suffix = ticker_suffix(ticker)
    return (
        ", the default market for tickers "
        + (f"ending {suffix}" if suffix else "without an exchange suffix")
        + "; pass market= to choose another"
    )


def _first_error(errors: np.ndarray, more: np.ndarray) -> None:
    """Give the errors ``more`` to the entries of ``errors`` that have none yet."""
    empty = errors == None  # noqa: E711 (elementwise)
    errors[empty] = more[empty]


def _locate(layout: Layout, stocks: Pairs, dates: EventDates, problems: Problems) -> Located:
    """Day 0 of every event whose prices were had.

    Plain dates are found by one binary search of every event's stock at once: a day the
    stock traded is day 0, and a weekend day moves to the stock's next trading day, with the
    reason :func:`eventstudy.calendar.locate_event` gives (which depends on the day alone),
    asked once per day. The others (a holiday, a suspension, a time of day or a time zone)
    go through :func:`~eventstudy.calendar.locate_event` one by one, which says why day 0
    moved.
    """
    out = Located.empty(len(problems.ok))
    rows = np.flatnonzero(problems.ok)
    code = stocks.codes[rows]
    first, length = layout.start[code], layout.length[code]
    days = dates.days[rows]
    trading = layout.dates
    j = _search(trading, first, first + length, days) - first
    hit = dates.plain[rows] & (j < length)
    hit[hit] = trading[first[hit] + j[hit]] == days[hit]
    weekday = (days.view(np.int64) // _DAY_NS + 3) % 7  # 1970-01-01 was a Thursday (3)
    weekend = np.flatnonzero(dates.plain[rows] & (j < length) & ~hit & (weekday >= 5))
    for day in np.unique(days[weekend]):  # one reason per weekend day
        on_day = weekend[days[weekend] == day]
        k = on_day[0]
        out.reason[rows[on_day]] = locate_event(
            dates.stamp(rows[k]), pd.DatetimeIndex(trading[first[k] : first[k] + length[k]]),
            stocks.tickers[code[k]],
        ).reason
    placed = np.concatenate([np.flatnonzero(hit), weekend])
    out.pos[rows[placed]] = j[placed]
    out.day0[rows[placed]] = trading[first[placed] + j[placed]]
    hit[weekend] = True
    for k in np.flatnonzero(~hit):  # dates off the stock's trading days, or with a time
        i = rows[k]
        own = trading[first[k] : first[k] + length[k]]
        try:
            event = locate_event(dates.stamp(i), pd.DatetimeIndex(own), stocks.tickers[code[k]])
        except EventStudyError as exc:
            problems.add([i], exc)
            continue
        out.pos[i] = int(np.searchsorted(own, event.day0.to_datetime64()))
        out.day0[i] = event.day0.to_datetime64()
        out.reason[i] = event.reason
    return out


def _search(
    values: np.ndarray, first: np.ndarray, stop: np.ndarray, wanted: np.ndarray
) -> np.ndarray:
    """For each k, the first position in the sorted ``values[first[k]:stop[k]]`` whose value is
    not below ``wanted[k]`` (``stop[k]`` if none): one binary search of every segment at once."""
    low, high = first.astype(np.intp), stop.astype(np.intp)
    while True:
        active = np.flatnonzero(low < high)
        if not active.size:
            return low
        middle = (low[active] + high[active]) // 2
        below = values[middle] < wanted[active]
        low[active[below]] = middle[below] + 1
        high[active[~below]] = middle[~below]


def _check_windows(
    layout: Layout,
    codes: np.ndarray,
    located: Located,
    dates: EventDates,
    tickers: pd.Series,
    spec: StudySpec,
    problems: Problems,
) -> None:
    """Give a problem to the events whose windows do not fit in their stock's data."""
    window = spec.window
    rows = np.flatnonzero(problems.ok)
    p, a, n_days = located.pos[rows], layout.start[codes[rows]], layout.length[codes[rows]]
    laid_dates = layout.dates
    before = dates.days[rows] < laid_dates[a]
    for k in np.flatnonzero(before | (p + window[1] >= n_days) | (p + window[0] < 0)):
        i, at, ticker = rows[k], int(p[k]), tickers.iat[rows[k]]
        first = pd.Timestamp(laid_dates[a[k]])
        last = pd.Timestamp(laid_dates[a[k] + n_days[k] - 1])
        if before[k]:
            message = (
                f"the event date {pd.Timestamp(dates.days[i]):%Y-%m-%d} is before {ticker}'s "
                f"first trading day in the data ({first:%Y-%m-%d}): not yet listed, or the "
                "data start later; use data that reach back far enough for the estimation "
                "window"
            )
        elif at + window[1] >= n_days[k]:
            message = (
                f"the event window {window} runs past the data: day 0 is "
                f"{pd.Timestamp(laid_dates[a[k] + at]):%Y-%m-%d} and {ticker} has only "
                f"{n_days[k] - 1 - at} trading day(s) after it (data end {last:%Y-%m-%d}); "
                "shorten the window or use data that reach further"
            )
        else:
            message = (
                f"the event window {window} starts before the data: {ticker} has only "
                f"{at} trading day(s) before day 0 (data start {first:%Y-%m-%d})"
            )
        problems.add([i], InsufficientDataError(message))


def _drop_repeats(codes: np.ndarray, located: Located, problems: Problems) -> None:
    """Give a problem to each event that repeats an earlier one (same pair and day 0)."""
    rows = np.flatnonzero(problems.ok)
    same, first = repeats(codes[rows], located.day0[rows].view("int64"))
    for i, j in zip(rows[same], rows[first], strict=True):
        problems.add([i], InvalidInputError(f"duplicate of event {j} (same ticker, market and "
                                            "day 0)"))


def _enough_estimation_days(
    panel: Panel,
    factor_x: np.ndarray | None,
    ok: np.ndarray,
    spec: StudySpec,
    tickers: pd.Series,
    problems: Problems,
) -> np.ndarray:
    """Which events of ``panel`` have enough estimation days; the others get a problem."""
    model = spec.normal_model
    k = regressors(panel, model.regressors, factor_x).shape[2] if model.ols else 0
    need = max(spec.min_estimation, k + 2)
    nobs = panel.est_mask.sum(axis=1)
    short: np.ndarray = nobs < need
    for j in np.flatnonzero(short):
        i = ok[j]
        start = pd.Timestamp(panel.trading_days[panel.start[j]])
        problems.add(
            [i],
            InsufficientDataError(
                f"too few estimation observations: {int(nobs[j])} usable day(s) in the "
                f"estimation window {spec.estimation} (need at least {need}); "
                f"{tickers.iat[i]}'s data start {start:%Y-%m-%d}. Use a shorter estimation "
                "window, min_estimation=, or earlier data"
            ),
        )
    enough: np.ndarray = ~short
    return enough


def _fit(panel: Panel, factor_x: np.ndarray | None, spec: StudySpec) -> tuple[Panel, Fit]:
    """The panel of the measure fitted, and the fit.

    Volatility without regressors is the variance ratio, a transform of the measure, whose
    abnormal value is the ratio itself (:meth:`eventstudy.models.Fit.uncentred`).
    """
    if spec.measure == "volatility" and not spec.normal_model.regresses:
        panel = variance_ratio(panel)
        return panel, fit(panel, spec.model, factor_x).uncentred(panel.y)
    return panel, fit(panel, spec.model, factor_x)


def _why_unfitted(
    panel: Panel,
    unfitted: np.ndarray,
    flat: np.ndarray,
    ok: np.ndarray,
    markets: np.ndarray,
    spec: StudySpec,
    problems: Problems,
) -> None:
    """Record why each event's model could not be fitted, or fits it exactly (σ = 0)."""
    still = np.zeros(len(unfitted), dtype=bool)
    rows = np.flatnonzero(unfitted)  # only these are looked at again
    if spec.normal_model.regresses_on_market and rows.size:
        x = np.where(panel.est_mask[rows], panel.x[rows], np.nan)
        with np.errstate(invalid="ignore"):
            still[rows] = (
                np.nanmax(x, axis=1, initial=-np.inf) == np.nanmin(x, axis=1, initial=np.inf)
            )
    for k in np.flatnonzero(unfitted & still):
        problems.add(ok[[k]], InsufficientDataError(
            f"the market index {markets[ok[k]]} does not move over the estimation window "
            f"{spec.estimation}, so the market model cannot be fitted; choose another market "
            "with market=, or model='constant_mean'"
        ))
    problems.add(ok[unfitted & ~still], InsufficientDataError(
        "the model cannot be fitted: a regressor is constant, or the regressors are "
        "collinear, over the estimation window"
    ))
    problems.add(ok[flat], InsufficientDataError(
        f"the model fits the stock's {spec.measure} exactly over the estimation window "
        f"{spec.estimation} (σ = 0: a price that never moves, or a filled-in series?), so no "
        "abnormal value can be scaled and no test statistic exists; check the prices or "
        "choose another estimation window"
    ))


def _raise_first(problems: Problems) -> None:
    """Raise the problem of the first event that has one (for ``strict``)."""
    error = problems.first()
    if error is not None:
        raise error


def _add_fit_columns(frame: pd.DataFrame, ok: np.ndarray, panel: Panel, fitted: Fit) -> None:
    """The events' ``overlaps`` and, for the studied ones, ``alpha, sigma, nobs, beta``."""
    n = len(frame)
    frame["overlaps"] = _overlaps(frame, ok, panel)
    for name in ("alpha", "sigma", "nobs"):
        values = np.full(n, np.nan)
        values[ok] = getattr(fitted, name)
        frame[name] = values
    beta = np.full(n, np.nan)
    if fitted.beta.shape[1] == 1:
        beta[ok] = fitted.beta[:, 0]
    frame["beta"] = beta


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


def _align_factors(factors: pd.DataFrame, panel: Panel) -> np.ndarray:
    """Factor returns on each event's trading days, as an (N, D, k) array (NaN if absent).

    Factors are matched to the stock's trading days by date; a row after a suspension takes
    the factor returns of its own date only (use ``gaps="drop"`` to leave such rows out).
    ``factors`` is the checked table of :class:`StudySpec` (sorted unique dates, floats).
    """
    values = factors.to_numpy(dtype=float)
    keys = factors.index.to_numpy(dtype="datetime64[ns]")
    flat = panel.dates.ravel()
    j = np.clip(np.searchsorted(keys, flat), 0, max(len(keys) - 1, 0))
    hit = (keys[j] == flat) if len(keys) else np.zeros(len(flat), dtype=bool)
    out = np.where(hit[:, None], values[j], np.nan)
    return out.reshape(*panel.dates.shape, values.shape[1])


def _overlaps(frame: pd.DataFrame, ok: np.ndarray, panel: Panel) -> np.ndarray:
    """For each event, the other events of the same stock whose event windows share a day.

    Events of one stock are ordered by the first day of their window; a window that starts on
    or before the end of the previous one overlaps it. Only stocks with several studied
    events are looked at.
    """
    out = np.full(len(frame), "", dtype=object)
    codes = pd.factorize(frame["ticker"].to_numpy()[ok])[0]
    several = np.flatnonzero(np.bincount(codes)[codes] > 1) if len(codes) else codes
    if not several.size:
        return out
    cols = panel.event_cols
    edges = panel.take(several).dates_at(np.array([cols.start, cols.stop - 1])).view("int64")
    starts, ends, codes, ok = edges[:, 0], edges[:, 1], codes[several], ok[several]
    order = np.lexsort((starts, codes))
    a, b = order[:-1], order[1:]
    hit = (codes[a] == codes[b]) & (starts[b] <= ends[a])
    for first, second in zip(ok[a[hit]], ok[b[hit]], strict=True):
        out[first] = ",".join(filter(None, [out[first], str(second)]))
        out[second] = ",".join(filter(None, [out[second], str(first)]))
    return out
