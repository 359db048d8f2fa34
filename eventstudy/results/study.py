"""The result of a multi-event study: average abnormal returns and their tests."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, Self

import numpy as np
import pandas as pd

from eventstudy._typing import Window, windows_inside
from eventstudy.engine import OK, Batch
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.results._display import Summary, SummaryMixin
from eventstudy.results.event import STANDARD_WINDOWS
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.groups import Groups, number_groups
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



class StudySource(Protocol):
    """Where a study's events and statistics come from: memory, or a Dask cluster
    (:class:`eventstudy.engine.cluster.ClusterStudy`)."""

    spec: StudySpec

    @property
    def events(self) -> pd.DataFrame: ...

    @property
    def df(self) -> np.ndarray: ...

    @property
    def provenance(self) -> list[dict[str, Any]]: ...

    def tables(self, days: bool, windows: tuple[Window, ...]) -> StudyTables: ...

    def abnormal(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...


class _InMemory:
    """A study of a batch in memory: its tables come from blocks of its events on the
    package's threads (:func:`eventstudy.statistics.tables.study_tables`)."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.spec = batch.spec
        self._computed: dict[tuple[bool, tuple[Window, ...]], StudyTables] = {}

    @property
    def events(self) -> pd.DataFrame:
        return self.batch.events

    @property
    def df(self) -> np.ndarray:
        return self.batch.fit.df

    @property
    def provenance(self) -> list[dict[str, Any]]:
        return list(self.batch.provenance)

    @cached_property
    def arrays(self) -> EventArrays:
        """The arrays of every studied event, in the whole study (0) and its groups."""
        values, numbers = number_groups(self.events["group"])
        numbers = numbers[(self.events["status"] == OK).to_numpy()]
        labels = np.column_stack([np.zeros(len(numbers), dtype=np.intp), numbers])
        groups = Groups.of_labels(labels, 1 + len(values))
        return event_arrays(self.batch.panel, self.batch.fit, self.spec.conventions, groups)

    def tables(self, days: bool, windows: tuple[Window, ...]) -> StudyTables:
        if (days, windows) not in self._computed:
            columns = Columns(self.arrays.rel_days, days, windows)
            self._computed[days, windows] = study_tables(self.arrays, columns)
        return self._computed[days, windows]

    def abnormal(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        panel = self.batch.panel
        return self.arrays.ar, self.arrays.sar, panel.dates_at(panel.event_cols)


def standard_windows(window: Window) -> tuple[Window, ...]:
    """The standard windows inside the event window (the event window itself if none)."""
    return tuple(windows_inside(STANDARD_WINDOWS, window) or [window])


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
        self._start(_InMemory(batch))

    @classmethod
    def of(cls, source: StudySource) -> Self:
        """The result of a study whose statistics come from ``source`` (a Dask cluster's).

        The tables of the days and standard windows are computed first: a cluster computes
        the events' statuses with them.
        """
        source.tables(True, standard_windows(source.spec.window))
        result = object.__new__(cls)
        result._start(source)
        return result

    def _start(self, source: StudySource) -> None:
        events = source.events
        studied = (events["status"] == OK).to_numpy()
        if not studied.any():
            reasons = "; ".join(
                f"{t}: {s}" for t, s in zip(events["ticker"], events["status"], strict=True)
            )
            raise InsufficientDataError(
                f"none of the {len(events)} events could be studied ({reasons}). "
                "Check the tickers, dates, windows and data source."
            )
        self._source = source
        self._events = events
        self.spec = source.spec
        self.conventions = source.spec.conventions
        self._group = 0  # the whole study
        labels, numbers = number_groups(events["group"])
        self._numbers = numbers[studied]  # the group of each studied event
        self._labels = [v for k, v in enumerate(labels) if (self._numbers == k + 1).any()]
        self._rows = np.arange(len(self._numbers))  # this result's studied events

    def _view(self, label: Any) -> Self:
        """The result of the group ``label``, sharing this study's tables."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        for name in ("groups", "ar", "aar", "caars", "not_studied"):
            view.__dict__.pop(name, None)
        keep = (self.events["group"] == label).to_numpy()
        view._events = self.events[keep]
        view._group = int(self._numbers[keep[(self.events["status"] == OK).to_numpy()]][0])
        view._rows = np.flatnonzero(self._numbers == view._group)
        view._labels = []
        return view

    @property
    def events(self) -> pd.DataFrame:
        """One row per requested event: day 0, status (``"ok"`` or why not), fit."""
        return self._events

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
        return self.spec.window

    @property
    def provenance(self) -> list[dict[str, Any]]:
        """Where the prices came from."""
        return self._source.provenance

    @property
    def _arrays(self) -> EventArrays:
        """The arrays of every studied event of a study in memory."""
        if not isinstance(self._source, _InMemory):
            raise AttributeError("the event arrays of a study on a cluster stay on its workers")
        return self._source.arrays

    def _standard(self) -> StudyTables:
        """The tables of every day and the standard windows, of every group."""
        return self._source.tables(True, standard_windows(self.window))

    @cached_property
    def ar(self) -> pd.DataFrame:
        """Abnormal returns in long form: ``ticker, event, rel_day, date, ar, sar``.

        ``event`` is the event's row label in :attr:`events`; ``sar`` is the Patell (1976)
        standardised abnormal return AR / (σ √C_t).
        """
        ar, sar, dates = (a[self._rows] for a in self._source.abnormal())
        n, w = ar.shape
        studied = self.events[self.events["status"] == OK]
        return pd.DataFrame(
            {
                "ticker": np.repeat(studied["ticker"].to_numpy(), w),
                "event": np.repeat(studied.index.to_numpy(), w),
                "rel_day": np.tile(np.arange(self.window[0], self.window[1] + 1), n),
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
        return self._source.tables(False, ((start, end),))

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
        return {label: self._view(label) for label in self._labels}

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
        notes += table_notes(self._source.df[self._rows], labels)
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
