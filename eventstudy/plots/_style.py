"""The look shared by every chart, and the helpers the chart modules draw with.

All charts share one style (:data:`STYLE`, applied with :func:`style`): Okabe & Ito's
colour-blind-safe palette, the event day shaded in yellow, confidence bands as translucent
areas, units on every axis. matplotlib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from eventstudy._typing import signed_day
from eventstudy.errors import InvalidInputError
from eventstudy.statistics.pvalues import t_critical

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
    "black": "#000000",
}

#: matplotlib settings shared by every chart (see :func:`style`).
STYLE: dict[str, Any] = {
    "font.size": 10.0,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "svg.hashsalt": "eventstudy",
    "svg.fonttype": "path",
}

#: Wording of each measure: (quantity, axis label of the series, axis label of its abnormal
#: values, scale from the stored values to the axis unit).
MEASURES: dict[str, tuple[str, str, str, float]] = {
    "returns": ("abnormal return", "return (%)", "abnormal return (%)", 100.0),
    "volume": (
        "abnormal log volume",
        "log volume, ln(1 + shares)",
        "abnormal log volume (log points)",
        1.0,
    ),
    "raw_volume": ("abnormal volume", "shares traded", "abnormal volume (shares)", 1.0),
    "volatility": ("abnormal volatility", "variance ratio", "abnormal variance ratio", 1.0),
}

#: Short names of each quantity: (daily, cumulative).
SHORT_NAMES = {
    "abnormal return": ("AR", "CAR"),
    "abnormal log volume": ("AV", "CAV"),
    "abnormal volume": ("AV", "CAV"),
    "abnormal volatility": ("AVR", "cumulative AVR"),
}


@contextmanager
def style() -> Iterator[None]:
    """Apply :data:`STYLE` inside a ``with`` block (all plot functions use it).

    Examples
    --------
    >>> from eventstudy.plots import style
    >>> with style():
    ...     pass
    """
    import matplotlib as mpl

    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        yield


@contextmanager
def defaults() -> Iterator[None]:
    """Draw with matplotlib's own defaults, whatever the user's matplotlibrc says.

    Reports use it so that the same inputs give the same chart files on any machine with
    the same matplotlib version.
    """
    import matplotlib as mpl

    skip = {"backend", "backend_fallback", "interactive"}
    base = {k: v for k, v in mpl.rcParamsDefault.items() if k not in skip}
    with mpl.rc_context(base):
        yield


def figure_axes(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.5)) -> tuple[Figure, Axes]:
    """The Figure of ``ax``, or a new Figure with one Axes.

    A new Figure is made without pyplot: pyplot does not hold it, so a notebook shows it
    once, as the value of the cell that returned it (pyplot's inline backend would show
    every figure it holds a second time), and it is freed when no longer used.
    """
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.subplots()
    figure = ax.get_figure()
    if figure is None:  # pragma: no cover - an Axes always belongs to a Figure
        raise InvalidInputError("ax must belong to a matplotlib Figure.")
    return figure, ax  # type: ignore[return-value]


def measure_words(result: Any) -> tuple[str, str, str, float]:
    return MEASURES.get(getattr(result, "measure", "returns"), MEASURES["returns"])


def shade_day0(ax: Axes, x0: float = 0.0, when: pd.Timestamp | None = None) -> None:
    label = "event day" if when is None else f"event day ({when:%d %b %Y})"
    ax.axvspan(x0 - 0.5, x0 + 0.5, color=COLORS["yellow"], alpha=0.4, lw=0, label=label, zorder=0)


def critical(level: float, df: float) -> float:
    return float(t_critical(level, df))


def date_ticks(ax: Axes, dates: pd.DatetimeIndex, every: int = 2) -> None:
    """Label integer positions with their dates ("13 Sep"), the year in the axis label."""
    positions = np.arange(len(dates))
    ax.set_xticks(positions[::every])
    ax.set_xticklabels(
        [f"{d:%d %b}" for d in dates[::every]], rotation=45, ha="right", rotation_mode="anchor"
    )
    ax.set_xlim(-0.7, len(dates) - 0.3)
    years = sorted({d.year for d in dates})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    ax.set_xlabel(f"trading day ({span})")


def percent_sign(scale: float) -> str:
    return "%" if scale == 100.0 else ""


def short_label(quantity: str) -> str:
    """The short name of a daily abnormal quantity ("AR" for abnormal returns)."""
    return SHORT_NAMES[quantity][0]


def window_text(start: int, end: int) -> str:
    """``"day 0"`` or ``"[-1, +1]"``: a window of relative days in words."""

    if start == end:
        return f"day {signed_day(start)}"
    return f"[{signed_day(start)}, {signed_day(end)}]"
