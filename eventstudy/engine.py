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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from eventstudy._typing import GapRule, Measure, ModelName, ReturnsKind, Window, check_option
from eventstudy.calendar import default_market, locate_event, to_timestamp
from eventstudy.errors import (
    EventStudyError,
    InsufficientDataError,
    InvalidInputError,
)
from eventstudy.models import Fit, fit, fit_variance_ratio
from eventstudy.panel import Panel, Series, build_panel, build_series, check_windows
from eventstudy.sources import bundled_tickers, load_prices
from eventstudy.sources.owndata import load_own_all

#: Default minimum number of estimation observations.
MIN_ESTIMATION = 100

OK = "ok"

#: Source names understood by ``load_prices``; anything else is the user's own table.
SOURCE_NAMES = ("auto", "bundled", "yahoo", "cache")


@dataclass(frozen=True)
class Batch:
    """Events, their aligned arrays and the fitted model.

    Attributes
    ----------
    events : pandas.DataFrame
        One row per requested event: ``ticker, market, requested, day0, reason, status,
        group`` and, for studied events, ``alpha, beta, sigma, nobs``.
    panel : Panel
        Arrays of the studied events (``status == "ok"``), in the order of those rows.
    fit : Fit
        The model fitted to ``panel``.
    prices : dict of str to pandas.DataFrame
        Every price frame loaded, by ticker.
    model : str
    measure : str
    returns : str
    settings : dict
        The keyword arguments of :func:`prepare`, to study the same events again (e.g. with
        another measure).
    """

    events: pd.DataFrame
    panel: Panel
    fit: Fit
    prices: dict[str, pd.DataFrame]
    model: str
    measure: str
    returns: str
    settings: dict[str, Any]

    @property
    def studied(self) -> pd.DataFrame:
        """The rows of ``events`` that were studied."""
        return self.events[self.events["status"] == OK]

    @property
    def provenance(self) -> list[dict[str, Any]]:
        """Where each price frame came from (source, fetched_at, rows, first/last date)."""
        return [
            dict(frame.attrs.get("provenance", {"ticker": t})) for t, frame in self.prices.items()
        ]


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
    if not frame["ticker"].map(lambda t: isinstance(t, str) and t != "").all():
        raise InvalidInputError("every event needs a ticker given as a non-empty string.")
    if "market" not in frame:
        frame["market"] = None
    if "group" not in frame:
        frame["group"] = None
    return frame.reset_index(drop=True)


def _load_span(dates: pd.Series, estimation: Window, window: Window) -> tuple[Any, Any]:
    """Calendar dates wide enough to hold the windows around every date (for downloads)."""
    before = max(0, -min(estimation[0], window[0]))
    after = max(0, max(estimation[1], window[1]))
    # 250 trading days fit in about 365 calendar days; long holidays need a margin.
    pad_before = pd.Timedelta(days=math.ceil(before * 1.6) + 20)
    pad_after = pd.Timedelta(days=math.ceil(after * 1.6) + 20)
    stamps = [to_timestamp(d).tz_localize(None).normalize() for d in dates]
    return min(stamps) - pad_before, max(stamps) + pad_after


class _PriceLoader:
    """Loads each ticker's prices once from the chosen source; remembers errors too.

    A user's own table is read and checked once and split by ticker. In ``"auto"`` mode a
    bundled ticker is asked for whole (no date bounds), which the bundled data answers, so it
    never needs the network; other tickers are downloaded for the calendar span the windows
    need.
    """

    def __init__(self, data: Any, span: tuple[Any, Any]) -> None:
        self.data = data
        self.span = span
        self.own = isinstance(data, pd.DataFrame) or data not in SOURCE_NAMES
        self.own_frames: dict[str, pd.DataFrame] | EventStudyError | None = None
        self.loaded: dict[str, pd.DataFrame | EventStudyError] = {}

    def _load(self, ticker: str) -> pd.DataFrame:
        if self.own:
            if self.own_frames is None:
                try:
                    self.own_frames = load_own_all(self.data)
                except EventStudyError as exc:
                    self.own_frames = exc
            if isinstance(self.own_frames, EventStudyError):
                raise self.own_frames
            if ticker in self.own_frames:
                return self.own_frames[ticker]
            return load_prices(ticker, source=self.data)  # raises the "not in the table" error
        if self.data == "bundled" or (self.data == "auto" and ticker in bundled_tickers()):
            # The whole bundled series: no download is needed for any date it covers.
            return load_prices(ticker, source=self.data)
        return load_prices(ticker, self.span[0], self.span[1], source=self.data)

    def __call__(self, ticker: str) -> pd.DataFrame | EventStudyError:
        if ticker not in self.loaded:
            try:
                self.loaded[ticker] = self._load(ticker)
            except EventStudyError as exc:
                self.loaded[ticker] = exc
        return self.loaded[ticker]

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Every frame loaded successfully, by ticker."""
        return {t: f for t, f in self.loaded.items() if isinstance(f, pd.DataFrame)}


def _day0_positions(
    requested: list[Any], series: list[Series | None], tickers: list[str]
) -> tuple[np.ndarray, list[pd.Timestamp | None], list[str], list[str]]:
    """Day-0 position of each event in its series, with the date and reason.

    Events on a date the stock traded are located with one ``searchsorted``; the others (and
    moments with a time of day) go through :func:`eventstudy.calendar.locate_event`.
    """
    n = len(requested)
    pos = np.full(n, -1)
    day0: list[pd.Timestamp | None] = [None] * n
    reason = [""] * n
    status = [OK] * n
    for i, (when, s, ticker) in enumerate(zip(requested, series, tickers, strict=True)):
        if s is None:
            continue
        stamp = to_timestamp(when)
        dates = s.dates
        if stamp == stamp.normalize() and stamp.tzinfo is None:
            j = int(np.searchsorted(dates, stamp.to_datetime64()))
            if j < len(dates) and dates[j] == stamp.to_datetime64():
                pos[i], day0[i] = j, stamp
                continue
        try:
            located = locate_event(stamp, pd.DatetimeIndex(dates), ticker)
        except EventStudyError as exc:
            status[i] = str(exc)
            continue
        pos[i] = int(np.searchsorted(dates, located.day0.to_datetime64()))
        day0[i], reason[i] = located.day0, located.reason
    return pos, day0, reason, status


def prepare(
    events: pd.DataFrame | Iterable[Sequence[Any]],
    *,
    market: str | None = None,
    model: ModelName = "market",
    estimation: Window = (-250, -11),
    window: Window = (-10, 10),
    returns: ReturnsKind = "simple",
    data: Any = "auto",
    factors: pd.DataFrame | None = None,
    gaps: GapRule = "compound",
    min_estimation: int = MIN_ESTIMATION,
    measure: Measure = "returns",
    strict: bool = False,
) -> Batch:
    """Load, align and fit every event; see the module docstring.

    Parameters are those of :func:`eventstudy.study`; ``strict=True`` raises the first
    event's problem instead of recording it.
    """
    check_option(model, ModelName, "model")
    check_option(returns, ReturnsKind, "returns")
    check_option(gaps, GapRule, "gaps")
    check_option(measure, Measure, "measure")
    estimation, window = tuple(estimation), tuple(window)  # type: ignore[assignment]
    check_windows(estimation, window)
    if model == "factors" and factors is None:
        raise InvalidInputError(
            "model='factors' needs factors=<DataFrame of factor returns indexed by date>."
        )
    frame = normalise_events(events)
    needs_market = model in ("market", "market_adjusted")
    frame["market"] = [
        m if isinstance(m, str) and m else (market or default_market(t))
        for t, m in zip(frame["ticker"], frame["market"], strict=True)
    ]
    load = _PriceLoader(data, _load_span(frame["date"], estimation, window))

    series_by_pair: dict[tuple[str, str], Series | EventStudyError] = {}
    for pair in dict.fromkeys(zip(frame["ticker"], frame["market"], strict=True)):
        stock, index = load(pair[0]), load(pair[1])
        if isinstance(stock, EventStudyError):
            series_by_pair[pair] = stock
        elif isinstance(index, EventStudyError):
            series_by_pair[pair] = index
        else:
            try:
                series_by_pair[pair] = build_series(
                    stock, index, pair[0], pair[1], returns=returns, measure=measure
                )
            except EventStudyError as exc:
                series_by_pair[pair] = exc

    pairs = list(zip(frame["ticker"], frame["market"], strict=True))
    found = [series_by_pair[p] for p in pairs]
    series = [s if isinstance(s, Series) else None for s in found]
    pos, day0, reason, status = _day0_positions(list(frame["date"]), series, list(frame["ticker"]))
    for i, item in enumerate(found):
        if isinstance(item, EventStudyError):
            status[i] = str(item)
    requested = [to_timestamp(d) for d in frame["date"]]
    frame["requested"] = requested
    frame["day0"] = pd.to_datetime(pd.Series(day0, dtype="object"))
    frame["reason"] = reason

    market_volume_needed = measure in ("volume", "raw_volume") and model == "market"
    for i, ser in enumerate(series):
        if ser is None or status[i] != OK:
            continue
        if market_volume_needed and not np.isfinite(ser.x).any():
            status[i] = (
                f"the market index {ser.market} has no volume in the data, so the market model "
                "of volume cannot be fitted; use model='constant_mean' (no market needed) or a "
                "market with volume"
            )
            continue
        status[i] = _date_problem(ser, requested[i]) or _window_problem(
            ser, int(pos[i]), estimation, window, min_estimation, needs_market
        )
    keys = list(zip(frame["ticker"], frame["market"], frame["day0"], strict=True))
    first_seen: dict[tuple[Any, ...], int] = {}
    for i, key in enumerate(keys):
        if status[i] != OK:
            continue
        if key in first_seen:
            status[i] = f"duplicate of event {first_seen[key]} (same ticker, market and day 0)"
        else:
            first_seen[key] = i
    frame["status"] = status
    ok = np.flatnonzero(frame["status"].to_numpy() == OK)
    if strict and len(ok) < len(frame):
        bad = int(np.flatnonzero(frame["status"].to_numpy() != OK)[0])
        error = found[bad]
        if isinstance(error, EventStudyError):
            raise error
        raise InsufficientDataError(str(frame.at[bad, "status"]))

    studied = [ser for ser in (series[i] for i in ok) if ser is not None]
    panel = build_panel(studied, pos[ok], estimation, window, gaps=gaps, needs_market=needs_market)
    factor_x = _align_factors(factors, panel) if factors is not None else None
    if factor_x is not None and factors is not None and "RF" in factors:
        rf = _align_factors(factors[["RF"]], panel)[:, :, 0]
        panel = Panel(
            panel.rel_days,
            panel.y - rf,
            panel.x,
            panel.dates,
            panel.gap,
            panel.estimation,
            panel.window,
            panel.est_mask & np.isfinite(rf),
        )
        factor_x = factor_x[:, :, [c != "RF" for c in factors.columns]]
    if measure == "volatility" and model == "constant_mean":
        fitted = fit_variance_ratio(panel)
    else:
        fitted = fit(panel, model, factor_x)
    frame["overlaps"] = _overlaps(frame, ok, panel)
    for name in ("alpha", "sigma", "nobs"):
        values = np.full(len(frame), np.nan)
        values[ok] = getattr(fitted, name)
        frame[name] = values
    beta = np.full(len(frame), np.nan)
    if fitted.beta.shape[1] == 1:
        beta[ok] = fitted.beta[:, 0]
    frame["beta"] = beta
    settings = {
        "market": market,
        "model": model,
        "estimation": estimation,
        "window": window,
        "returns": returns,
        "data": data,
        "factors": factors,
        "gaps": gaps,
        "min_estimation": min_estimation,
        "measure": measure,
    }
    return Batch(frame, panel, fitted, load.frames, model, measure, returns, settings)


def _date_problem(s: Series, requested: pd.Timestamp) -> str:
    """Say so if the event date is before the stock's first trading day in the data."""
    first = pd.Timestamp(s.dates[0])
    day = requested.tz_localize(None) if requested.tzinfo is not None else requested
    if day.normalize() >= first:
        return ""
    return (
        f"the event date {requested:%Y-%m-%d} is before {s.ticker}'s first trading day in the "
        f"data ({first:%Y-%m-%d}): not yet listed, or the data start later; use data that "
        "reach back far enough for the estimation window"
    )


def _window_problem(
    s: Series,
    pos: int,
    estimation: Window,
    window: Window,
    min_estimation: int,
    needs_market: bool,
) -> str:
    """Why an event cannot be studied on its series, or ``"ok"``."""
    n_days = len(s.dates)
    first_date = pd.Timestamp(s.dates[0]).date()
    last_date = pd.Timestamp(s.dates[-1]).date()
    if pos + window[1] >= n_days:
        return (
            f"the event window {window} runs past the data: day 0 is "
            f"{pd.Timestamp(s.dates[pos]).date()} and {s.ticker} has only {n_days - 1 - pos} "
            f"trading day(s) after it (data end {last_date}); shorten the window or use data "
            f"that reach further"
        )
    if pos + window[0] < 0:
        return (
            f"the event window {window} starts before the data: {s.ticker} has only {pos} "
            f"trading day(s) before day 0 (data start {first_date})"
        )
    lo, hi = max(pos + estimation[0], 0), pos + estimation[1]
    if hi < 0:
        usable = 0
    else:
        ys, xs = s.y[lo : hi + 1], s.x[lo : hi + 1]
        usable = int((np.isfinite(ys) & (np.isfinite(xs) | (not needs_market))).sum())
    if usable < min_estimation:
        return (
            f"too few estimation observations: {usable} usable day(s) in the estimation window "
            f"{estimation} (need at least {min_estimation}); {s.ticker}'s data start "
            f"{first_date}. Use a shorter estimation window, min_estimation=, or earlier data"
        )
    return OK


def _overlaps(frame: pd.DataFrame, ok: np.ndarray, panel: Panel) -> list[str]:
    """For each event, the other events of the same stock whose event windows share a day."""
    out = [""] * len(frame)
    cols = panel.event_cols
    spans = {int(i): (panel.dates[k, cols][0], panel.dates[k, cols][-1]) for k, i in enumerate(ok)}
    for _, rows in frame.loc[ok].groupby("ticker").groups.items():
        idx = sorted(rows, key=lambda i: spans[int(i)][0])
        for a, b in pairwise(idx):
            if spans[int(b)][0] <= spans[int(a)][1]:
                out[int(a)] = ",".join(filter(None, [out[int(a)], str(b)]))
                out[int(b)] = ",".join(filter(None, [out[int(b)], str(a)]))
    return out


def _align_factors(factors: pd.DataFrame, panel: Panel) -> np.ndarray:
    """Factor returns on each event's trading days, as an (N, D, k) array (NaN if absent).

    Factors are matched to the stock's trading days by date; a row after a suspension takes
    the factor returns of its own date only (use ``gaps="drop"`` to leave such rows out).
    """
    table = factors.copy()
    table.index = pd.DatetimeIndex(pd.to_datetime(table.index)).normalize()
    values = table.to_numpy(dtype=float)
    keys = table.index.to_numpy(dtype="datetime64[ns]")
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    flat = panel.dates.ravel()
    j = np.clip(np.searchsorted(keys, flat), 0, max(len(keys) - 1, 0))
    hit = (keys[j] == flat) if len(keys) else np.zeros(len(flat), dtype=bool)
    out = np.where(hit[:, None], values[j], np.nan)
    return out.reshape(*panel.dates.shape, values.shape[1])
