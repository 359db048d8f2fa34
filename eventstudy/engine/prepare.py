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
    Panel,
    Series,
    build_panel,
    lay_end_to_end,
    market_measure,
    stock_measure,
    variance_ratio,
)
from eventstudy.sources._frame import PriceArrays, check_ticker
from eventstudy.spec import StudySpec

_VOLUME = ("volume", "raw_volume")
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
    """Every stock's measure and its market's laid end to end, and where each pair's rows are.

    Attributes
    ----------
    series : Series
    start, length : numpy.ndarray of int, shape (pairs,)
        Where the rows of each (stock, market) pair start in ``series``, and how many.
    """

    series: Series
    start: np.ndarray
    length: np.ndarray

    def dates_of(self, code: int) -> np.ndarray:
        """The trading days of the pair ``code``."""
        a = self.start[code]
        dates: np.ndarray = self.series.dates[a : a + self.length[code]]
        return dates


@dataclass(frozen=True)
class Located:
    """Day 0 of each event: its position among the stock's trading days, its date and why it
    differs from the date requested."""

    pos: np.ndarray
    day0: np.ndarray
    reason: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Located:
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
    panel = build_panel(
        layout.series, layout.start[codes[ok]], layout.length[codes[ok]], located.pos[ok],
        spec.estimation, spec.window, gaps=spec.gaps, needs_market=spec.normal_model.needs_market,
    )
    factor_x = None
    if spec.factors is not None:
        panel, factor_x = _with_factors(panel, spec.factors)
    keep = _enough_estimation_days(panel, factor_x, ok, spec, frame["ticker"], layout, codes,
                                   problems)
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


def warn_missing_days(batch: Batch) -> None:
    """Warn naming the event-window days without an abnormal value, event by event."""
    cols = batch.panel.event_cols
    missing = ~np.isfinite(batch.fit.ar[:, cols])
    rows = np.flatnonzero(missing.any(axis=1))
    if not rows.size:
        return
    dates = batch.panel.dates_at(cols)
    studied = batch.studied

    def days(k: int) -> str:
        return ", ".join(f"{pd.Timestamp(d):%Y-%m-%d}" for d in dates[k, missing[k]])

    if len(studied) == 1:
        head = (
            f"{studied['ticker'].iat[0]}: no abnormal value on {int(missing[0].sum())} "
            f"event-window day(s) ({days(0)})"
        )
    else:
        listed = "; ".join(
            f"event {studied.index[k]} ({studied['ticker'].iat[k]}): {days(k)}"
            for k in rows[:_SHOWN]
        )
        more = f"; and {rows.size - _SHOWN} more" if rows.size > _SHOWN else ""
        head = (
            f"{rows.size} of {len(studied)} events have no abnormal value on some event-window "
            f"days ({listed}{more})"
        )
    warn(
        f"{head}: the stock's or the market's data are missing there, so CARs over them sum "
        "the days that have one, and a day no event has is not tested.",
        DataQualityWarning,
    )


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
    given = np.array([isinstance(m, str) and m != "" for m in markets], dtype=bool)
    chosen = None if spec.market is None else check_ticker(spec.market, "market")
    codes, tickers = pd.factorize(frame["ticker"].to_numpy(dtype=object)[~given])
    defaults = np.full(len(tickers), "", dtype=object)
    for k, ticker in enumerate(tickers):  # one lookup per stock
        try:
            defaults[k] = chosen or (default_market(ticker) if ticker else "")
        except InvalidInputError as exc:
            if spec.normal_model.needs_market:
                problems.add(np.flatnonzero(~given)[codes == k], exc)
    markets[~given] = defaults[codes]
    defaulted = ~given & (chosen is None)
    return markets, defaulted


def _lay_out(
    load: PriceLoader, stocks: Pairs, spec: StudySpec, problems: Problems, defaulted: np.ndarray
) -> Layout:
    """Load every pair's prices and lay the stocks' measures and their markets' end to end, in
    one pass per market; the events of a pair that cannot be had get its problem."""
    needs_market = spec.normal_model.needs_market
    named = stocks.names
    markets: dict[int, PriceArrays | None] = {}
    for code, (ticker, index) in enumerate(named):
        by_default = bool(defaulted[stocks.rows[code]].any())
        market = _market_of_pair(load, ticker, index, needs_market, by_default)
        if isinstance(market, EventStudyError):
            problems.add(stocks.rows[code], market)
        else:
            markets[code] = market
    tickers = list(dict.fromkeys(named[code][0] for code in markets))
    table = load.table(tickers)
    position = {t: k for k, t in enumerate(table.tickers)}
    used = np.zeros(len(table.tickers), dtype=bool)
    used[[position[t] for t in tickers]] = True
    y, no_measure = stock_measure(table, used, spec.returns, spec.measure)
    by_market: dict[str, Series] = {}
    for market in [*markets.values()] or [None]:
        name = "" if market is None else market.ticker
        if name not in by_market:
            x, gap = market_measure(table, market, spec.returns, spec.measure)
            by_market[name] = Series(table.prices.dates, y, x, gap)
    if len(by_market) == 1:
        laid, offsets = next(iter(by_market.values())), np.zeros(1, dtype=np.intp)
    else:
        laid, offsets = lay_end_to_end(list(by_market.values()))
    group = {name: offsets[g] for g, name in enumerate(by_market)}
    start = np.zeros(len(named), dtype=np.intp)
    length = np.zeros(len(named), dtype=np.intp)
    for code, market in markets.items():
        ticker, index = named[code]
        k = position[ticker]
        start[code] = group["" if market is None else market.ticker] + table.starts[k]
        length[code] = table.stops[k] - table.starts[k]
        problem = no_measure.get(k)
        if (
            problem is None
            and needs_market
            and spec.measure in _VOLUME
            and not np.isfinite(laid.x[start[code] : start[code] + length[code]]).any()
        ):
            problem = (
                f"the market index {index} has no volume in the data, so the market model of "
                "volume cannot be fitted; use model='constant_mean' (no market needed) or a "
                "market with volume"
            )
        if problem is not None:
            problems.add(stocks.rows[code], InsufficientDataError(problem))
    return Layout(laid, start, length)


def _market_of_pair(
    load: PriceLoader, ticker: str, index: str, needs_market: bool, by_default: bool = False
) -> PriceArrays | EventStudyError | None:
    """The market's prices of a (stock, market) pair, None without one, or why it fails.

    A model that does not use the market goes on without it when it cannot be loaded. When
    the market is the exchange's default, the error says so and how to choose another.
    """
    suffix = ticker_suffix(ticker)
    default = (
        ", the default market for tickers "
        + (f"ending {suffix}" if suffix else "without an exchange suffix")
        + "; pass market= to choose another"
        if by_default else ""
    )
    if ticker == index:
        return InvalidInputError(
            f"the stock and the market are the same series ({ticker}{default}); choose another "
            "market with market=<index ticker>"
        )
    stock = load(ticker)
    if isinstance(stock, EventStudyError):
        return stock
    market = load(index) if index else None
    if isinstance(market, EventStudyError):
        if needs_market:
            return type(market)(f"the market {index} ({default[2:]}): {market}") if default \
                else market
        market = None
    return market


def _locate(layout: Layout, stocks: Pairs, dates: EventDates, problems: Problems) -> Located:
    """Day 0 of every event whose prices were had.

    Plain dates on which the stock traded are found with one ``searchsorted`` per stock; the
    others go through :func:`eventstudy.calendar.locate_event`, which also says why day 0
    moved.
    """
    out = Located.empty(len(problems.ok))
    for code, rows in enumerate(stocks.rows):
        rows = rows[problems.ok[rows]]
        if not len(rows):
            continue
        trading = layout.dates_of(code)
        j = np.searchsorted(trading, dates.days[rows])
        hit = dates.plain[rows] & (j < len(trading))
        hit[hit] = trading[j[hit]] == dates.days[rows][hit]
        out.pos[rows[hit]] = j[hit]
        out.day0[rows[hit]] = dates.days[rows][hit]
        for i in rows[~hit]:
            try:
                stock = stocks.names[code][0]
                event = locate_event(dates.stamp(i), pd.DatetimeIndex(trading), stock)
            except EventStudyError as exc:
                problems.add([i], exc)
                continue
            out.pos[i] = int(np.searchsorted(trading, event.day0.to_datetime64()))
            out.day0[i] = event.day0.to_datetime64()
            out.reason[i] = event.reason
    return out


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
    laid_dates = layout.series.dates
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
    layout: Layout,
    codes: np.ndarray,
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
        start = pd.Timestamp(layout.series.dates[layout.start[codes[i]]])
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
    if spec.normal_model.regresses_on_market:
        x = np.where(panel.est_mask, panel.x, np.nan)
        with np.errstate(invalid="ignore"):
            still = np.nanmax(x, axis=1, initial=-np.inf) == np.nanmin(x, axis=1, initial=np.inf)
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
