"""Charts of event-study results, as matplotlib Figures.

matplotlib is imported inside each function, so ``import eventstudy`` stays light. Every
function takes an optional ``ax`` to draw into a grid of the user's own and returns the Figure.
Colours come from the Okabe–Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind-safe palette.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#777777",
}


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.5)) -> tuple[Figure, Axes]:
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    figure = ax.get_figure()
    assert figure is not None
    return figure, ax  # type: ignore[return-value]


def _mark_day0(ax: Axes) -> None:
    ax.axvspan(-0.5, 0.5, color=COLORS["yellow"], alpha=0.35, lw=0, label="day 0")
    ax.axhline(0.0, color="black", lw=0.8)


def plot_event(result: Any, ax: Axes | None = None, level: float = 0.95) -> Figure:
    """Daily abnormal returns (bars) and the running CAR with its confidence band.

    The band is ``CAR ± t_{1−α/2, df} · se`` where ``se`` is the exact-variance standard error
    of the CAR from the first day of the window to each day (see
    :meth:`eventstudy.EventStudyResult.car`).

    Parameters
    ----------
    result : EventStudyResult
    ax : matplotlib Axes, optional
    level : float
        Confidence level of the band.
    """
    fig, ax = _axes(ax)
    table = result.abnormal
    days = table.index.to_numpy()
    start = int(days[0])
    se = np.array([result.car(start, int(d)).se for d in days])
    crit = stats.t.ppf(0.5 + level / 2.0, result.params["df"])
    car = table["car"].to_numpy() * 100.0
    _mark_day0(ax)
    ax.bar(days, table["ar"] * 100.0, color=COLORS["sky"], width=0.7, label="abnormal return")
    ax.fill_between(
        days,
        car - crit * se * 100.0,
        car + crit * se * 100.0,
        color=COLORS["blue"],
        alpha=0.15,
        lw=0,
        label=f"{level:.0%} confidence band of the CAR",
    )
    ax.plot(days, car, color=COLORS["blue"], marker="o", ms=3.5, lw=1.8, label="CAR")
    ax.set_xlabel(f"trading days relative to the event (day 0 = {result.event_date:%Y-%m-%d})")
    ax.set_ylabel("return (%)")
    ax.set_title(f"{result.ticker}: abnormal returns around {result.event_date:%Y-%m-%d}")
    ax.set_xticks(days)
    ax.legend(loc="best", frameon=False, fontsize="small")
    return fig
