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
from eventstudy.sources._frame import PriceArrays
from eventstudy.sources.owndata import load_own_arrays

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
        group, overlaps`` and, for studied events, ``alpha, beta, sigma, nobs``.
    panel : Panel
        Arrays of the studied events (``status == "ok"``), in the order of those rows.
    fit : Fit
        The model fitted to ``panel``.
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
    model: str
    measure: str
    returns: str
    settings: dict[str, Any]
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
        return self.loader.provenance()


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


def _requested(dates: pd.Series) -> tuple[list[pd.Timestamp], np.ndarray, np.ndarray]:
    """Parse the event dates: the stamps, their days (naive datetime64) and which are plain.

    A *plain* date has no time of day and no time zone, so it needs no calendar to place; a
    column of plain dates is parsed in one call.
    """
    try:
        parsed = pd.DatetimeIndex(pd.to_datetime(dates.to_numpy()))
    except (ValueError, TypeError):
        parsed = None
    if parsed is not None and parsed.tz is None and not parsed.isna().any():
        days = parsed.normalize()
        plain = np.asarray(parsed == days)
        return list(parsed), days.to_numpy(dtype="datetime64[ns]"), plain
    stamps = [to_timestamp(d) for d in dates]
    naive = [s.tz_localize(None) if s.tzinfo is not None else s for s in stamps]
    days_out = np.array([s.normalize().to_datetime64() for s in naive], dtype="datetime64[ns]")
    plain = np.array([s.tzinfo is None and s == s.normalize() for s in stamps])
    return stamps, days_out, plain


def _load_span(days: np.ndarray, estimation: Window, window: Window) -> tuple[Any, Any]:
    """Calendar dates wide enough to hold the windows around every date (for downloads)."""
    before = max(0, -min(estimation[0], window[0]))
    after = max(0, max(estimation[1], window[1]))
    # 250 trading days fit in about 365 calendar days; long holidays need a margin.
    pad_before = pd.Timedelta(days=math.ceil(before * 1.6) + 20)
    pad_after = pd.Timedelta(days=math.ceil(after * 1.6) + 20)
    return pd.Timestamp(days.min()) - pad_before, pd.Timestamp(days.max()) + pad_after


class PriceLoader:
    """Loads each ticker's prices once from the chosen source; remembers errors too.

    A user's own table is read and checked once and split into arrays by ticker (no frame per
    ticker). In ``"auto"`` mode a bundled ticker is asked for whole (no date bounds), which
    the bundled data answers, so it never needs the network; other tickers are downloaded for
    the calendar span the windows need.
    """

    def __init__(self, data: Any, span: tuple[Any, Any]) -> None:
        self.data = data
        self.span = span
        self.own = isinstance(data, pd.DataFrame) or data not in SOURCE_NAMES
        self._own_arrays: dict[str, PriceArrays] | EventStudyError | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._arrays: dict[str, PriceArrays | EventStudyError] = {}

    def _load_frame(self, ticker: str) -> pd.DataFrame:
        if self.own:
            return load_prices(ticker, source=self.data)
        if self.data == "bundled" or (self.data == "auto" and ticker in bundled_tickers()):
            # The whole bundled series: no download is needed for any date it covers.
            return load_prices(ticker, source=self.data)
        return load_prices(ticker, self.span[0], self.span[1], source=self.data)

    def _load_arrays(self, ticker: str) -> PriceArrays:
        if self.own:
            if self._own_arrays is None:
                try:
                    self._own_arrays = load_own_arrays(self.data)
                except EventStudyError as exc:
                    self._own_arrays = exc
            if isinstance(self._own_arrays, EventStudyError):
                raise self._own_arrays
            if ticker in self._own_arrays:
                return self._own_arrays[ticker]
        return PriceArrays.from_frame(ticker, self.frame(ticker))

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

    def provenance(self) -> list[dict[str, Any]]:
        """One record per ticker loaded: source, detail, fetched_at, rows, first, last."""
        records = []
        for ticker, arrays in self._arrays.items():
            if isinstance(arrays, EventStudyError):
                continue
            if ticker in self._frames or not self.own:
                records.append(dict(self.frame(ticker).attrs.get("provenance", {})))
                continue
            is_frame = isinstance(self.data, pd.DataFrame)
            records.append(
                {
                    "source": "dataframe" if is_frame else "csv",
                    "detail": "DataFrame passed as data" if is_frame else str(self.data),
                    "fetched_at": None,
                    "rows": len(arrays.dates),
                    "first": f"{pd.Timestamp(arrays.dates[0]):%Y-%m-%d}",
                    "last": f"{pd.Timestamp(arrays.dates[-1]):%Y-%m-%d}",
                    "ticker": ticker,
                }
            )
        return records


def _locate(
    ser: Series,
    rows: np.ndarray,
    stamps: list[pd.Timestamp],
    days: np.ndarray,
    plain: np.ndarray,
    out: dict[str, Any],
) -> None:
    """Day 0 of the events ``rows`` of one series, written into ``out``.

    Plain dates on which the stock traded are found with one ``searchsorted``; the others go
    through :func:`eventstudy.calendar.locate_event`, which also says why day 0 moved.
    """
    j = np.searchsorted(ser.dates, days[rows])
    inside = j < len(ser.dates)
    hit = plain[rows] & inside
    hit[hit] = ser.dates[j[hit]] == days[rows][hit]
    out["pos"][rows[hit]] = j[hit]
    out["day0"][rows[hit]] = days[rows][hit]
    for i in rows[~hit]:
        try:
            located = locate_event(stamps[i], pd.DatetimeIndex(ser.dates), ser.ticker)
        except EventStudyError as exc:
            out["status"][i] = str(exc)
            continue
        out["pos"][i] = int(np.searchsorted(ser.dates, located.day0.to_datetime64()))
        out["day0"][i] = located.day0.to_datetime64()
        out["reason"][i] = located.reason


def _check_windows_of(
    ser: Series,
    rows: np.ndarray,
    pos: np.ndarray,
    days: np.ndarray,
    status: np.ndarray,
    estimation: Window,
    window: Window,
    min_estimation: int,
    needs_market: bool,
) -> None:
    """Write into ``status`` why events of one series cannot be studied (vectorised)."""
    n_days = len(ser.dates)
    p = pos[rows]
    valid = np.isfinite(ser.y) & (np.isfinite(ser.x) | (not needs_market))
    counts = np.concatenate([[0], np.cumsum(valid)])
    lo = np.clip(p + estimation[0], 0, n_days)
    hi = np.clip(p + estimation[1] + 1, 0, n_days)
    usable = np.where(hi > lo, counts[hi] - counts[np.minimum(lo, hi)], 0)
    first, last = pd.Timestamp(ser.dates[0]), pd.Timestamp(ser.dates[-1])
    before = days[rows] < ser.dates[0]
    for k in np.flatnonzero(
        before | (p + window[1] >= n_days) | (p + window[0] < 0) | (usable < min_estimation)
    ):
        i, at = rows[k], int(p[k])
        if before[k]:
            status[i] = (
                f"the event date {pd.Timestamp(days[i]):%Y-%m-%d} is before {ser.ticker}'s "
                f"first trading day in the data ({first:%Y-%m-%d}): not yet listed, or the "
                "data start later; use data that reach back far enough for the estimation "
                "window"
            )
        elif at + window[1] >= n_days:
            status[i] = (
                f"the event window {window} runs past the data: day 0 is "
                f"{pd.Timestamp(ser.dates[at]):%Y-%m-%d} and {ser.ticker} has only "
                f"{n_days - 1 - at} trading day(s) after it (data end {last:%Y-%m-%d}); "
                "shorten the window or use data that reach further"
            )
        elif at + window[0] < 0:
            status[i] = (
                f"the event window {window} starts before the data: {ser.ticker} has only "
                f"{at} trading day(s) before day 0 (data start {first:%Y-%m-%d})"
            )
        else:
            status[i] = (
                f"too few estimation observations: {int(usable[k])} usable day(s) in the "
                f"estimation window {estimation} (need at least {min_estimation}); "
                f"{ser.ticker}'s data start {first:%Y-%m-%d}. Use a shorter estimation "
                "window, min_estimation=, or earlier data"
            )


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
    stamps, days, plain = _requested(frame["date"])
    load = PriceLoader(data, _load_span(days, estimation, window))

    n = len(frame)
    out: dict[str, Any] = {
        "pos": np.full(n, -1),
        "day0": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "reason": np.full(n, "", dtype=object),
        "status": np.full(n, OK, dtype=object),
    }
    status = out["status"]
    codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([frame["ticker"], frame["market"]]))
    series_of: dict[int, Series] = {}
    rows_of = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[rows_of], np.arange(len(pairs) + 1))
    market_volume_needed = measure in ("volume", "raw_volume") and model == "market"
    for code, (ticker, index) in enumerate(pairs):
        rows = rows_of[bounds[code] : bounds[code + 1]]
        ser = _series(load, ticker, index, returns, measure)
        if isinstance(ser, EventStudyError):
            status[rows] = str(ser)
            continue
        if market_volume_needed and not np.isfinite(ser.x).any():
            status[rows] = (
                f"the market index {index} has no volume in the data, so the market model of "
                "volume cannot be fitted; use model='constant_mean' (no market needed) or a "
                "market with volume"
            )
            continue
        series_of[code] = ser
        _locate(ser, rows, stamps, days, plain, out)
        located = rows[status[rows] == OK]
        _check_windows_of(
            ser, located, out["pos"], days, status, estimation, window, min_estimation, needs_market
        )

    frame["requested"] = stamps
    frame["day0"] = out["day0"]
    frame["reason"] = out["reason"]
    ok_rows = status == OK
    studied_rows = frame[ok_rows].reset_index()
    first = studied_rows.groupby(["ticker", "market", "day0"])["index"].transform("first")
    for i, j in zip(studied_rows["index"], first, strict=True):
        if i != j:
            status[i] = f"duplicate of event {j} (same ticker, market and day 0)"
    frame["status"] = status
    ok = np.flatnonzero(status == OK)
    if strict and len(ok) < n:
        bad = int(np.flatnonzero(status != OK)[0])
        for ticker in (str(frame.at[bad, "ticker"]), str(frame.at[bad, "market"])):
            error = load(ticker)
            if isinstance(error, EventStudyError):
                raise error
        raise InsufficientDataError(str(status[bad]))

    studied = [series_of[c] for c in codes[ok]]
    panel = build_panel(
        studied, out["pos"][ok], estimation, window, gaps=gaps, needs_market=needs_market
    )
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
        values = np.full(n, np.nan)
        values[ok] = getattr(fitted, name)
        frame[name] = values
    beta = np.full(n, np.nan)
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
    return Batch(frame, panel, fitted, model, measure, returns, settings, load)


def _series(
    load: PriceLoader, ticker: str, index: str, returns: ReturnsKind, measure: Measure
) -> Series | EventStudyError:
    """The aligned measure of one (stock, market) pair, or the error that prevents it."""
    stock, market = load(ticker), load(index)
    if isinstance(stock, EventStudyError):
        return stock
    if isinstance(market, EventStudyError):
        return market
    try:
        return build_series(stock, market, returns=returns, measure=measure)
    except EventStudyError as exc:
        return exc


def _overlaps(frame: pd.DataFrame, ok: np.ndarray, panel: Panel) -> np.ndarray:
    """For each event, the other events of the same stock whose event windows share a day.

    Events of one stock are ordered by the first day of their window; a window that starts on
    or before the end of the previous one overlaps it.
    """
    out = np.full(len(frame), "", dtype=object)
    cols = panel.event_cols
    starts = panel.dates[:, cols][:, 0].view("int64")
    ends = panel.dates[:, cols][:, -1].view("int64")
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
