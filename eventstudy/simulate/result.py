"""The result of a simulation: how often each test rejects, with exact binomial intervals.

References
----------
Clopper, C. J., Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated
in the case of the binomial. Biometrika 26(4), 404-413.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from eventstudy._typing import Window, window_label
from eventstudy.results._display import Summary, SummaryMixin
from eventstudy.spec import StudySpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Level of the intervals of the rejection rates, and the level at which sizes are judged.
INTERVAL_LEVEL = 0.95
SIZE_LEVEL = 0.05


def clopper_pearson(
    rejections: np.ndarray, trials: np.ndarray, level: float = INTERVAL_LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper & Pearson 1934) interval of a binomial proportion x / n.

    ``low = B⁻¹(a/2; x, n − x + 1)`` (0 when x = 0) and ``high = B⁻¹(1 − a/2; x + 1, n − x)``
    (1 when x = n), B⁻¹ the inverse of the regularised incomplete beta function and
    a = 1 − level: the interval holds the proportion with probability at least ``level``
    whatever it is. NaN where n = 0.

    Examples
    --------
    >>> low, high = clopper_pearson(np.array([0, 5]), np.array([10, 20]))
    >>> np.round(low, 6).tolist(), np.round(high, 6).tolist()
    ([0.0, 0.086571], [0.308497, 0.491046])
    """
    from scipy.special import betaincinv  # on first use: importing scipy takes a while

    x = np.asarray(rejections, dtype=float)
    n = np.asarray(trials, dtype=float)
    tail = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, betaincinv(np.maximum(x, 1.0), n - x + 1.0, tail), 0.0)
        high = np.where(x < n, betaincinv(x + 1.0, np.maximum(n - x, 1.0), 1.0 - tail), 1.0)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


@dataclass(frozen=True)
class Design:
    """How the samples of a simulation were drawn and shocked.

    Attributes
    ----------
    n_samples, n_events : int
    n_dates : int
        0: every event on a random date of its own; k: a sample's events share k dates.
    truncate : bool
        The shock is cut at the day's price limit (else added in full).
    seed : int
    universe : str
        What the events were drawn from.
    """

    n_samples: int
    n_events: int
    n_dates: int
    truncate: bool
    seed: int
    universe: str

    def __str__(self) -> str:
        dates = {0: "each on a random date", 1: "all on one date"}.get(
            self.n_dates, f"on {self.n_dates} dates"
        )
        shock = (
            "shock cut at the day's price limit" if self.truncate
            else "shock added in full (price limits ignored)"
        )
        return f"{self.n_samples} samples of {self.n_events} events {dates}; {shock}"


class SimulationResult(SummaryMixin):
    """Rejection rates of every test on simulated samples: their size and power.

    Parameters
    ----------
    pvalues : numpy.ndarray, shape (n_samples, n_shocks, n_windows, n_tests)
        Two-sided p-value of each test on each sample; NaN where a test has none.
    tests : sequence of str
        Test names, as in :attr:`eventstudy.results.study.StudyResult.aar`.
    windows : sequence of (int, int)
    shocks : sequence of float
    alpha : sequence of float
        Levels at which the rejection rates are counted.
    events : pandas.DataFrame
        ``sample, ticker, date, studied``: every drawn event.
    cut : numpy.ndarray, shape (n_shocks,)
        Share of the studied events whose shock was cut at the price limit.
    design : Design
    spec : StudySpec
        The options of every sample's study.
    """

    def __init__(
        self,
        pvalues: np.ndarray,
        *,
        tests: tuple[str, ...],
        windows: tuple[Window, ...],
        shocks: tuple[float, ...],
        alpha: tuple[float, ...],
        events: pd.DataFrame,
        cut: np.ndarray,
        design: Design,
        spec: StudySpec,
    ) -> None:
        self._p = pvalues
        self.tests = tests
        self.windows = windows
        self.shocks = shocks
        self.alpha = alpha
        self.events = events
        self.cut = cut
        self.design = design
        self.spec = spec

    @cached_property
    def rates(self) -> pd.DataFrame:
        """Rejection rate of each test, window, shock and level, with its interval.

        Columns ``test, window, shock, alpha, rate, ci_low, ci_high``: the share of samples
        whose two-sided p-value is at most ``alpha`` among those where the test has one, and
        its 95% Clopper–Pearson interval (:func:`clopper_pearson`). With ``shock == 0`` the
        rate estimates the test's size, otherwise its power. Windows are labelled as in
        :attr:`eventstudy.results.study.StudyResult.caars` (``"[-1,+1]"``).
        """
        levels = np.asarray(self.alpha, dtype=float)
        p = self._p[None]  # (alpha, samples, shocks, windows, tests)
        valid = np.isfinite(p)
        hits = (valid & (np.nan_to_num(p, nan=2.0) <= levels[:, None, None, None, None]))
        x = hits.sum(axis=1).astype(float)  # (alpha, shocks, windows, tests)
        n = np.broadcast_to(valid.sum(axis=1), x.shape).astype(float)
        low, high = clopper_pearson(x, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = x / n
        # rows ordered by test, window, shock, alpha
        axes = (3, 2, 1, 0)
        a, h, w, t = np.meshgrid(
            np.arange(len(levels)), np.arange(len(self.shocks)), np.arange(len(self.windows)),
            np.arange(len(self.tests)), indexing="ij",
        )
        labels = [window_label(*window) for window in self.windows]
        return pd.DataFrame(
            {
                "test": np.asarray(self.tests, dtype=object)[t.transpose(axes).ravel()],
                "window": np.asarray(labels, dtype=object)[w.transpose(axes).ravel()],
                "shock": np.asarray(self.shocks, dtype=float)[h.transpose(axes).ravel()],
                "alpha": levels[a.transpose(axes).ravel()],
                "rate": rate.transpose(axes).ravel(),
                "ci_low": low.transpose(axes).ravel(),
                "ci_high": high.transpose(axes).ravel(),
            }
        )

    @cached_property
    def pvalues(self) -> pd.DataFrame:
        """Every p-value: columns ``sample, shock, window, test, pvalue`` (long form)."""
        s, h, w, t = np.meshgrid(
            *(np.arange(k) for k in self._p.shape), indexing="ij"
        )
        labels = np.asarray([window_label(*window) for window in self.windows], dtype=object)
        return pd.DataFrame(
            {
                "sample": s.ravel(),
                "shock": np.asarray(self.shocks, dtype=float)[h.ravel()],
                "window": labels[w.ravel()],
                "test": np.asarray(self.tests, dtype=object)[t.ravel()],
                "pvalue": self._p.ravel(),
            }
        )

    def table(self, window: Window | str | None = None, alpha: float = SIZE_LEVEL) -> pd.DataFrame:
        """Rejection rates at ``alpha`` of one window: one row per test, one column per shock.

        ``window`` is a window of :attr:`windows` or its label (default: the first).
        """
        label = _label(window or self.windows[0])
        rates = self.rates
        chosen = rates[(rates["window"] == label) & np.isclose(rates["alpha"], alpha)]
        frame = chosen.pivot(index="test", columns="shock", values="rate")
        frame = frame.reindex(index=list(self.tests))
        frame.columns = pd.Index([f"{shock:+.1%}" if shock else "0" for shock in frame.columns],
                                 name="shock")
        return frame.rename_axis("test")

    @cached_property
    def size_off(self) -> pd.DataFrame:
        """The rows of :attr:`rates` without a shock at α = 5% whose interval excludes 5%."""
        rates = self.rates
        size = rates[(rates["shock"] == 0.0) & np.isclose(rates["alpha"], SIZE_LEVEL)]
        off = (size["ci_low"] > SIZE_LEVEL) | (size["ci_high"] < SIZE_LEVEL)
        return size[off.to_numpy()].reset_index(drop=True)

    def summary(self) -> Summary:
        """Rejection-rate tables by window and level, and the tests whose size is off."""
        tables = [
            (
                f"Rejection rates at α = {level:.0%}, window {_label(window)} "
                "(columns: the shock added on day 0)",
                self.table(window, level),
            )
            for window in self.windows
            for level in self.alpha
        ]
        notes = [f"Universe: {self.design.universe}.", f"Study options: {self.spec!r}."]
        studied = self.events["studied"].to_numpy()
        if not studied.all():
            notes.append(
                f"{int((~studied).sum())} of {len(studied)} drawn events could not be studied "
                "and are left out of their samples."
            )
        if self.design.truncate:
            cuts = ", ".join(
                f"{share:.1%} at {shock:+.1%}" for shock, share in zip(self.shocks, self.cut,
                                                                        strict=True) if shock
            )
            if cuts:
                notes.append(f"Events whose shock was cut at the price limit: {cuts}.")
        notes.append(self._size_note())
        return Summary(
            title=f"Size and power of {len(self.tests)} tests: {self.design}",
            tables=tables,
            notes=notes,
        )

    def _size_note(self) -> str:
        if 0.0 not in self.shocks or not np.isclose(self.alpha, SIZE_LEVEL).any():
            return "Sizes at 5% are not judged: simulate with a shock of 0 and alpha 0.05."
        off = self.size_off
        if off.empty:
            return (
                "Every test holds its size at 5%: each 95% Clopper–Pearson interval of the "
                "rejection rate without a shock includes 5%."
            )
        named = "; ".join(
            f"{row.test} {row.window} {row.rate:.1%} [{row.ci_low:.1%}, {row.ci_high:.1%}]"
            for row in off.itertuples()
        )
        return (
            "Size off at 5% (the 95% Clopper–Pearson interval of the rejection rate without a "
            f"shock excludes 5%): {named}."
        )

    def plot(
        self, window: Window | str | None = None, alpha: float = SIZE_LEVEL, ax: Axes | None = None
    ) -> Figure:
        """Power curves: each test's rejection rate against the shock (:func:`plots.plot_power`)."""
        from eventstudy import plots

        return plots.plot_power(self, window, alpha, ax)

    def __repr__(self) -> str:
        return (
            f"<SimulationResult: {self.design}; {len(self.tests)} tests, shocks "
            f"{', '.join(f'{s:g}' for s in self.shocks)}>"
        )


def _label(window: Window | str) -> str:
    return window if isinstance(window, str) else window_label(*window)
