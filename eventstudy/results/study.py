"""The result of a multi-event study: average abnormal returns and their tests."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy._typing import windows_inside
from eventstudy.engine import OK, Batch
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.results._display import Summary, SummaryMixin
from eventstudy.results.event import STANDARD_WINDOWS
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.pvalues import t_critical
from eventstudy.statistics.tables import (
    STAT_NAMES,
    EventArrays,
    daily_statistics,
    event_arrays,
    table_notes,
    window_statistics,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Statistics shown in the summary, with their p-values.
SUMMARY_STATS = ("csect_t", "patell", "bmp", "kp", "rank", "grank_t", "gsign")



def subset_batch(batch: Batch, keep: np.ndarray) -> Batch:
    """The batch restricted to the requested events where ``keep`` is True.

    Parameters
    ----------
    batch : Batch
    keep : numpy.ndarray of bool, shape (len(batch.events),)

    Returns
    -------
    Batch
        Its panel and fit hold the studied events among those kept, in the same order.
    """
    studied = (batch.events["status"] == OK).to_numpy()
    rows = keep[studied]
    return replace(
        batch, events=batch.events[keep], panel=batch.panel.take(rows), fit=batch.fit.take(rows)
    )


def _first(lines: list[str], what: str, limit: int = 10) -> list[str]:
    """At most ``limit`` lines, then a count of the rest."""
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"... and {len(lines) - limit} more {what} (see .events)."]


class StudyResult(SummaryMixin):
    """Abnormal returns of many events and the tests of their average.

    Parameters
    ----------
    batch : Batch
        Events, aligned arrays and fitted model from :func:`eventstudy.engine.prepare`.
    conventions : Conventions, optional
        Conventions to use instead of those of ``batch.spec`` (where published
        implementations differ: residual-variance divisor, market terms of the
        prediction-error factor, p̂ of the generalized sign test, days ranked by the Corrado
        test over a window, relative-day or calendar-date alignment); see
        :mod:`eventstudy.statistics.conventions`. ``Conventions.estudy2()`` reproduces R estudy2.

    Raises
    ------
    InsufficientDataError
        If no event could be studied; the message lists why.

    Notes
    -----
    Each event is one unit: a firm with two events counts twice. Statistics are computed on
    the studied events only (``events.status == "ok"``); the others are listed in
    ``events`` and in the summary with their reason.

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.study([("000800.SZ", "2021-03-31"), ("600104.SS", "2021-03-31")],
    ...                        market="000300.SS", window=(-5, 5))
    >>> sorted(res.caars.index)[:2]
    ['[-1,+1]', '[-5,+5]']
    """

    def __init__(self, batch: Batch, *, conventions: Conventions | None = None) -> None:
        if conventions is not None:
            batch = replace(batch, spec=batch.spec.replace(conventions=conventions))
        studied = batch.events["status"] == OK
        if not studied.any():
            reasons = "; ".join(
                f"{t}: {s}"
                for t, s in zip(batch.events["ticker"], batch.events["status"], strict=True)
            )
            raise InsufficientDataError(
                f"none of the {len(batch.events)} events could be studied ({reasons}). "
                "Check the tickers, dates, windows and data source."
            )
        self._batch = batch
        self.spec = batch.spec
        self.conventions = batch.spec.conventions

    @property
    def events(self) -> pd.DataFrame:
        """One row per requested event: day 0, status (``"ok"`` or why not), fit."""
        return self._batch.events

    @property
    def n_events(self) -> int:
        """Number of events studied."""
        return int(self._batch.panel.n_events)

    @property
    def measure(self) -> str:
        """What the events were studied on (``"returns"``, ``"volume"``, ...)."""
        return self.spec.measure

    @property
    def window(self) -> tuple[int, int]:
        """The event window (relative days)."""
        return self._batch.panel.window

    @property
    def provenance(self) -> list[dict[str, Any]]:
        """Where the prices came from."""
        return list(self._batch.provenance)

    @cached_property
    def _arrays(self) -> EventArrays:
        return event_arrays(self._batch.panel, self._batch.fit, self.conventions)

    @cached_property
    def ar(self) -> pd.DataFrame:
        """Abnormal returns in long form: ``ticker, event, rel_day, date, ar, sar``.

        ``event`` is the event's row label in :attr:`events`; ``sar`` is the Patell (1976)
        standardised abnormal return AR / (σ √C_t).
        """
        a = self._arrays
        n, w = a.ar.shape
        studied = self.events[self.events["status"] == OK]
        dates = self._batch.panel.dates_at(self._batch.panel.event_cols)
        return pd.DataFrame(
            {
                "ticker": np.repeat(studied["ticker"].to_numpy(), w),
                "event": np.repeat(studied.index.to_numpy(), w),
                "rel_day": np.tile(a.rel_days, n),
                "date": dates.ravel(),
                "ar": a.ar.ravel(),
                "sar": a.sar.ravel(),
            }
        )

    @cached_property
    def aar(self) -> pd.DataFrame:
        """Average abnormal return and every test, indexed by ``rel_day``.

        Columns ``aar, n, n_pos`` and, each with ``*_p``: ``csect_t, bw85, patell,
        adj_patell, bmp, kp, skew_adj_t, rank, grank_t, grank_z, gsign, sign, wilcoxon``
        (``wilcoxon`` is the normal score of W+, ``wilcoxon_w`` is W+; the p-value is exact
        for up to 50 events). Formulas: :mod:`eventstudy.statistics.parametric` and
        :mod:`eventstudy.statistics.nonparametric`.
        """
        return daily_statistics(self._arrays)

    def caar(self, start: int, end: int) -> pd.Series:
        """Cumulative average abnormal return over ``[start, end]`` and its tests.

        The CAAR is the mean of the events' CARs, each summing the days of the window it has an
        abnormal return on (:func:`eventstudy.statistics.tables.window_statistics`).

        Parameters
        ----------
        start, end : int
            A closed window of relative days inside the event window.

        Returns
        -------
        pandas.Series
            ``start, end, n_days, caar, n, n_pos`` and each test with ``*_p`` (as in
            :attr:`aar`, on CARs; see :func:`eventstudy.statistics.tables.window_statistics`).

        Raises
        ------
        InvalidInputError
            If the window is not inside the event window.
        """
        lo, hi = self.window
        if not (lo <= start <= end <= hi):
            raise InvalidInputError(
                f"window ({start}, {end}) must lie inside the event window {self.window}; "
                "pass start <= end within it."
            )
        return window_statistics(self._arrays, [(start, end)]).iloc[0]

    @cached_property
    def caars(self) -> pd.DataFrame:
        """:meth:`caar` of the standard windows that fit in the event window."""
        windows = windows_inside(STANDARD_WINDOWS, self.window) or [self.window]
        return window_statistics(self._arrays, windows)

    @cached_property
    def groups(self) -> dict[Any, StudyResult]:
        """One result per value of the events' ``group`` column (empty without groups).

        Groups in which no event could be studied are left out (see :attr:`events`).
        """
        labels = self.events["group"]
        out: dict[Any, StudyResult] = {}
        for value in labels.dropna().unique():
            keep = (labels == value).to_numpy()
            if (self.events["status"][keep] == OK).any():
                out[value] = StudyResult(subset_batch(self._batch, keep))
        return out

    def by_group(self, start: int, end: int) -> pd.DataFrame:
        """:meth:`caar` over ``[start, end]`` for every group, one row per group."""
        rows = {g: r.caar(start, end) for g, r in self.groups.items()}
        return pd.DataFrame(rows).T.rename_axis("group")

    @cached_property
    def not_studied(self) -> pd.DataFrame:
        """The events that could not be studied, with their reason."""
        bad = self.events[self.events["status"] != OK]
        return bad[["ticker", "requested", "status"]]

    def summary(self) -> Summary:
        """AAR and CAAR tables with the main tests, and notes on the events left out."""
        cols = ["n"]
        for name in SUMMARY_STATS:
            cols += [name, f"{name}_p"]
        aar = self.aar[["aar", *cols]]
        caars = self.caars[["caar", *cols]]
        notes = [
            f"{self.n_events} of {len(self.events)} events studied; "
            f"r̄ (mean residual correlation) = {self._arrays.rbar:.4f}; "
            f"conventions: {self.conventions}.",
            "All statistics (" + ", ".join(STAT_NAMES) + ") are in .aar and .caars.",
        ]
        skipped = [
            f"Event {label} ({self.events.at[label, 'ticker']!s}) not studied: {status}"
            for label, status in zip(
                self.not_studied.index, self.not_studied["status"], strict=True
            )
        ]
        notes += _first(skipped, "events not studied")
        studied = self.events[self.events["status"] == OK]
        labels = [f"{e} ({t})" for e, t in zip(studied.index, studied["ticker"], strict=True)]
        notes += table_notes(self._arrays.fit.df, labels)
        flagged = self.events[self.events["overlaps"].fillna("").astype(str) != ""]
        overlapping = [
            f"Event {label} ({self.events.at[label, 'ticker']!s}): its event window overlaps "
            f"that of event(s) {text} of the same stock"
            for label, text in zip(flagged.index, flagged["overlaps"], strict=True)
        ]
        notes += _first(overlapping, "events with overlapping windows")
        tables = [("Average abnormal returns", aar), ("Cumulative average abnormal returns", caars)]
        for group, result in self.groups.items():
            tables.append(
                (
                    f"Group {group}: cumulative average abnormal returns",
                    result.caars[["caar", *cols]],
                )
            )
        return Summary(
            title=f"Event study of {self.n_events} events, window {self.window}",
            tables=tables,
            notes=notes,
        )

    def to_frame(self) -> pd.DataFrame:
        """Every statistic of every day and standard window in one table.

        One row per day (``scope="day"``, ``start = end = rel_day``) and per window
        (``scope="window"``); ``mean`` holds the AAR or the CAAR.
        """
        days = self.aar.rename(columns={"aar": "mean"})
        days.insert(0, "n_days", 1)
        days.insert(0, "end", days.index.to_numpy())
        days.insert(0, "start", days.index.to_numpy())
        days.index = pd.Index([f"day {d}" for d in days.index], name="key")
        windows = self.caars.rename(columns={"caar": "mean"}).rename_axis("key")
        frame = pd.concat([days, windows])
        frame.insert(0, "scope", ["day"] * len(days) + ["window"] * len(windows))
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Every event and every statistic as plain Python values (for JSON)."""
        events = self.events.copy()
        for column in ("requested", "day0"):
            events[column] = [
                None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in events[column]
            ]
        events["date"] = events["date"].astype(str)
        return {
            "model": self.spec.model,
            "measure": self.spec.measure,
            "window": list(self.window),
            "events": events.to_dict(orient="records"),
            "aar": self.aar.reset_index().to_dict(orient="records"),
            "caars": self.caars.reset_index().to_dict(orient="records"),
            "provenance": self.provenance,
        }

    def cumulative(self, level: float = 0.95) -> pd.DataFrame:
        """CAAR from the first day of the window to each day, with a confidence band.

        The CAAR to day d is :meth:`caar` over ``(window start, d)``: the mean of the events'
        CARs, each summing the days it has an abnormal return on. The band is
        ``CAAR ± t_{1−α/2, N−1} · sd_i(CAR_i) / √N`` (the cross-sectional standard error,
        Brown & Warner 1985).
        """
        a = self._arrays
        present = np.isfinite(a.ar)
        seen = np.cumsum(present, axis=1) > 0
        cars = np.where(seen, np.cumsum(np.where(present, a.ar, 0.0), axis=1), 0.0)
        n = seen.sum(axis=0).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = cars.sum(axis=0) / n
            sd = np.sqrt((np.where(seen, cars - mean, 0.0) ** 2).sum(axis=0) / (n - 1.0))
            se = sd / np.sqrt(n)
        q = t_critical(level, np.maximum(n - 1.0, 1.0))
        return pd.DataFrame(
            {"caar": mean, "lower": mean - q * se, "upper": mean + q * se, "n": n.astype(np.int64)},
            index=pd.Index(a.rel_days, name="rel_day"),
        )

    def plot(self, ax: Axes | None = None, level: float = 0.95) -> Figure:
        """CAAR over the event window with its confidence band (:func:`plots.plot_caar`)."""
        from eventstudy import plots

        return plots.plot_caar(self, ax, level)

    def __repr__(self) -> str:
        return f"<StudyResult: {self.n_events} of {len(self.events)} events, window {self.window}>"
