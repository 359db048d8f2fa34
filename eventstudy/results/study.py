"""The result of a multi-event study: average abnormal returns and their tests."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from eventstudy._typing import windows_inside
from eventstudy.engine import OK, Batch
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.results._display import Summary, SummaryMixin
from eventstudy.results.event import STANDARD_WINDOWS
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.groups import Groups
from eventstudy.statistics.pvalues import t_critical
from eventstudy.statistics.tables import (
    STAT_NAMES,
    Columns,
    EventArrays,
    StudyTables,
    event_arrays,
    study_tables,
    table_notes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Statistics shown in the summary, with their p-values.
SUMMARY_STATS = ("csect_t", "patell", "bmp", "kp", "rank", "grank_t", "gsign")



def group_numbers(events: pd.DataFrame) -> tuple[list[Any], np.ndarray]:
    """The groups of a study's events, and the group number of each studied event.

    Returns the values of the ``group`` column that have a studied event, in order of
    appearance, and for each studied event its group's number (1, 2, ...: group 0 is the
    whole study) or −1 without a group.
    """
    studied = (events["status"] == OK).to_numpy()
    labels = events["group"]
    values = [v for v in labels.dropna().unique() if (studied & (labels == v).to_numpy()).any()]
    codes = pd.Categorical(labels[studied].to_numpy(dtype=object), categories=values).codes
    return values, np.where(codes >= 0, codes + 1, -1)


class _Tables:
    """The tables of a study and all its groups, computed once for each set of columns."""

    def __init__(self, arrays: EventArrays) -> None:
        self.arrays = arrays
        self._computed: dict[tuple[bool, tuple[tuple[int, int], ...]], StudyTables] = {}

    def of(self, days: bool, windows: tuple[tuple[int, int], ...]) -> StudyTables:
        if (days, windows) not in self._computed:
            columns = Columns(self.arrays.rel_days, days, windows)
            self._computed[days, windows] = study_tables(self.arrays, columns)
        return self._computed[days, windows]


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
        self._group = 0  # the whole study
        self._rows = np.arange(batch.panel.n_events)  # its events' rows in the arrays
        self._labels, self._numbers = group_numbers(batch.events)

    def _view(self, number: int, label: Any) -> Self:
        """The result of group ``number`` (label ``label``), sharing this study's tables."""
        view = object.__new__(type(self))
        self._tables  # noqa: B018 (computed here, so that the view shares it)
        view.__dict__.update(self.__dict__)
        keep = (self.events["group"] == label).to_numpy()
        view._batch = replace(self._batch, events=self.events[keep])
        view._group = number
        view._rows = np.flatnonzero(self._numbers == number)
        view._labels = []
        view.__dict__.pop("groups", None)
        for name in ("ar", "aar", "caars", "not_studied"):
            view.__dict__.pop(name, None)
        return view

    @property
    def events(self) -> pd.DataFrame:
        """One row per requested event: day 0, status (``"ok"`` or why not), fit."""
        return self._batch.events

    @property
    def n_events(self) -> int:
        """Number of events studied."""
        return len(self._rows)

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
        """The arrays of every studied event (of the whole study, for a group's result)."""
        whole = np.zeros(len(self._numbers), dtype=np.intp)
        groups = Groups.of_labels(np.column_stack([whole, self._numbers]), 1 + len(self._labels))
        return event_arrays(self._batch.panel, self._batch.fit, self.conventions, groups)

    @cached_property
    def _tables(self) -> _Tables:
        return _Tables(self._arrays)

    def _standard(self) -> StudyTables:
        """The tables of every day and the standard windows, of every group."""
        windows = windows_inside(STANDARD_WINDOWS, self.window) or [self.window]
        return self._tables.of(True, tuple(windows))

    @cached_property
    def ar(self) -> pd.DataFrame:
        """Abnormal returns in long form: ``ticker, event, rel_day, date, ar, sar``.

        ``event`` is the event's row label in :attr:`events`; ``sar`` is the Patell (1976)
        standardised abnormal return AR / (σ √C_t).
        """
        a = self._arrays
        ar, sar = a.ar[self._rows], a.sar[self._rows]
        n, w = ar.shape
        studied = self.events[self.events["status"] == OK]
        dates = self._batch.panel.dates_at(self._batch.panel.event_cols)[self._rows]
        return pd.DataFrame(
            {
                "ticker": np.repeat(studied["ticker"].to_numpy(), w),
                "event": np.repeat(studied.index.to_numpy(), w),
                "rel_day": np.tile(a.rel_days, n),
                "date": dates.ravel(),
                "ar": ar.ravel(),
                "sar": sar.ravel(),
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
        return self._standard().daily(self._group)

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
        tables = self._window_tables(start, end)
        return tables.windows(self._group).iloc[tables.columns.windows.index((start, end))]

    def _window_tables(self, start: int, end: int) -> StudyTables:
        """Tables holding the window ``[start, end]``, of every group."""
        standard = self._standard()
        if (start, end) in standard.columns.windows:
            return standard
        return self._tables.of(False, ((start, end),))

    @cached_property
    def caars(self) -> pd.DataFrame:
        """:meth:`caar` of the standard windows that fit in the event window."""
        return self._standard().windows(self._group)

    @cached_property
    def groups(self) -> dict[Any, StudyResult]:
        """One result per value of the events' ``group`` column (empty without groups).

        Groups in which no event could be studied are left out (see :attr:`events`). Every
        group's statistics are computed in the same pass as the whole study's.
        """
        return {label: self._view(k + 1, label) for k, label in enumerate(self._labels)}

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
            f"r̄ (mean residual correlation) = {self._rbar:.4f}; "
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
        notes += table_notes(self._arrays.fit.df[self._rows], labels)
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
        standard = self._standard()
        g = standard.row(self._group)
        n, mean, sd = (standard.band[k][g] for k in ("n", "caar", "sd"))
        with np.errstate(invalid="ignore", divide="ignore"):
            se = sd / np.sqrt(n)
        q = t_critical(level, np.maximum(n - 1.0, 1.0))
        return pd.DataFrame(
            {"caar": mean, "lower": mean - q * se, "upper": mean + q * se, "n": n.astype(np.int64)},
            index=pd.Index(standard.columns.rel_days, name="rel_day"),
        )

    @property
    def _rbar(self) -> float:
        standard = self._standard()
        return float(standard.rbar[standard.row(self._group)])

    def plot(self, ax: Axes | None = None, level: float = 0.95) -> Figure:
        """CAAR over the event window with its confidence band (:func:`plots.plot_caar`)."""
        from eventstudy import plots

        return plots.plot_caar(self, ax, level)

    def __repr__(self) -> str:
        return f"<StudyResult: {self.n_events} of {len(self.events)} events, window {self.window}>"
